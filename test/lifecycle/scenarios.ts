/**
 * The scenarios of issue 11, written once for every kind of workload; each test file runs
 * those that apply to its kind. The invariants (lifecycle.ts) are checked after every step;
 * test/lifecycle/peer-baseline.test.ts shows the same model failing a design AWS documents as broken.
 */
import { app, Kind, LATER_FAILURE, Variant } from './apps';
import { Lifecycle } from './lifecycle';

type Scenario = (lc: Lifecycle, v: (key: string, variant?: Variant) => ReturnType<typeof app>) => Promise<void>;

/** Deploys the first version and lets the pipeline deliver commit c1, checking after each step. */
async function delivered(lc: Lifecycle, v: (key: string, variant?: Variant) => ReturnType<typeof app>, behaviour = {}): Promise<void> {
  await lc.deploy(v('v1'));
  lc.expectInvariants();
  await lc.push('c1', behaviour);
  await lc.settle();
  lc.expectInvariants();
}

/** A `cdk deploy` of a variant after the first delivery. */
function changeOnly(key: string, variant: Variant): Scenario {
  return async (lc, v) => {
    await delivered(lc, v);
    await lc.deploy(v(key, variant));
    await lc.settle();
    lc.expectInvariants();
  };
}

const ENV: Variant = { env: { FEATURE: 'on' } };

export const SCENARIOS = {
  'first deploy on an empty ECR repository': async (lc, v) => {
    await lc.deploy(v('v1'));
    lc.expectInvariants();
  },
  'first pipeline run': async (lc, v) => delivered(lc, v),
  'cdk deploy changing an environment variable': changeOnly('env', ENV),
  'cdk deploy changing only scaling': changeOnly('scaling', { maxTasks: 12 }),
  // 80 %: the CPU alarm's default is 90 %, which would change nothing.
  'cdk deploy changing only alarms': changeOnly('alarms', { alarmCpuPercent: 80 }),
  'cdk deploy changing only health checks': changeOnly('health', { healthInterval: 15 }),
  'cdk deploy changing only capacity': changeOnly('capacity', { spot: true }),
  'cdk deploy while a pipeline deployment is in progress': async (lc, v) => {
    await delivered(lc, v);
    await lc.push('c2');
    await lc.deploy(v('env', ENV));
    await lc.settle();
    lc.expectInvariants();
  },
  'cdk deploy while a pipeline run waits for approval': async (lc, v) => {
    await lc.deploy(v('approval-v1', { approval: true }));
    lc.expectInvariants();
    const first = await lc.push('c1');
    await lc.world.pipelines.approve(first);
    await lc.settle();
    lc.expectInvariants();
    const second = await lc.push('c2');
    expect(second.waiting).toBe('approval');
    await lc.deploy(v('approval-env', { approval: true, ...ENV }));
    await lc.settle();
    lc.expectInvariants();
    await lc.world.pipelines.approve(second);
    await lc.settle();
    lc.expectInvariants();
  },
  'a deployment that fails its smoke test (or its health checks), then the next push': async (lc, v) => {
    await delivered(lc, v);
    // Blue/green services: healthy, but the smoke test's request fails. Others: failing health checks.
    const smoke = lc.kind === 'codeDeploy' || lc.kind === 'ecsBlueGreen';
    const failed = await lc.push('c2', smoke ? { status: (path: string) => (path === '/health' ? 200 : 500) } : { healthy: false });
    await lc.settle();
    expect(failed.status).toBe('Failed');
    if (lc.kind === 'codeDeploy') expect(lc.world.codedeploy.deployments.at(-1)?.errorMessage).toMatch(/AfterAllowTestTraffic hook reported Failed/);
    if (lc.kind === 'ecsBlueGreen') expect(lc.service()?.events.join('\n')).toMatch(/answered FAILED at POST_TEST_TRAFFIC_SHIFT/);
    lc.expectInvariants();
    await lc.push('c3');
    await lc.settle();
    lc.expectInvariants();
  },
  'a deployment that fails its alarms, then the next push': async (lc, v) => {
    await delivered(lc, v);
    const failed = await lc.push('c2', { errors: true });
    await lc.settle();
    expect(failed.status).toBe('Failed');
    lc.expectInvariants();
    await lc.push('c3');
    await lc.settle();
    lc.expectInvariants();
  },
  'a cdk deploy whose settings break the service, then the next push': async (lc, v) => {
    // The code of every commit answers 500 (health checks included) when BROKEN is set: the
    // smoke test, the health checks or the circuit breaker must stop the rollout, and the cdk
    // deploy must fail and roll back.
    await delivered(lc, v, { brokenBy: 'BROKEN' });
    await lc.deploy(v('broken', { env: { BROKEN: 'yes' } }), { expectRollback: true });
    await lc.settle();
    lc.expectInvariants();
    await lc.push('c2', { brokenBy: 'BROKEN' });
    await lc.settle();
    lc.expectInvariants();
  },
  'a cdk deploy that fails later in the stack and rolls back': async (lc, v) => {
    await delivered(lc, v);
    lc.world.cfn.injectFailure(LATER_FAILURE);
    await lc.deploy(v('later', { ...ENV, laterFailure: true }), { expectRollback: true });
    await lc.settle();
    lc.expectInvariants();
  },
  'a routing change after an odd number of deployments': changeOnly('routing', { paths: ['/orders/*', '/orders'] }),
  'a retried custom-resource event': async (lc, v) => {
    await delivered(lc, v);
    // The handler acts, then times out before answering: Lambda runs the same event again.
    lc.world.lostResponses.add(lc.kind === 'codeDeploy' ? 'Custom::BlueGreenService' : 'Custom::DeployedState');
    if (lc.kind !== 'codeDeploy' && lc.kind !== 'job') lc.world.lostResponses.add('Custom::EcsService');
    await lc.deploy(v('env', ENV));
    // Each lost answer was met (and retried) by the deploy.
    expect([...lc.world.lostResponses]).toEqual([]);
    await lc.settle();
    lc.expectInvariants();
  },
  'cdk deploy changing tags, then an environment variable': async (lc, v) => {
    await delivered(lc, v);
    await lc.push('c2');
    await lc.settle();
    lc.expectInvariants();
    await lc.deploy(v('tags', { tags: true }));
    lc.expectInvariants();
    await lc.deploy(v('tags-env', { tags: true, ...ENV }));
    lc.expectInvariants();
  },
  'destroy, then deploy again': async (lc, v) => {
    await delivered(lc, v);
    await lc.destroy();
    lc.expectInvariants();
    await lc.deploy(v('v1'));
    lc.expectInvariants();
    await lc.push('c2');
    await lc.settle();
    lc.expectInvariants();
  },
} satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;

/** The scenarios that apply to a service behind the load balancer, whatever its deployment. */
export const SERVICE_SCENARIOS: ScenarioName[] = [
  'first deploy on an empty ECR repository',
  'first pipeline run',
  'cdk deploy changing an environment variable',
  'cdk deploy changing only scaling',
  'cdk deploy changing only alarms',
  'cdk deploy changing only health checks',
  'cdk deploy changing only capacity',
  'cdk deploy while a pipeline deployment is in progress',
  'cdk deploy while a pipeline run waits for approval',
  'a deployment that fails its smoke test (or its health checks), then the next push',
  'a deployment that fails its alarms, then the next push',
  'a cdk deploy whose settings break the service, then the next push',
  'a cdk deploy that fails later in the stack and rolls back',
  'a routing change after an odd number of deployments',
  'a retried custom-resource event',
  'destroy, then deploy again',
];

/** Registers the scenarios of one kind, each a test. */
export function scenarios(kind: Kind, names: ScenarioName[]): void {
  // Synthesizing a variant takes about a second.
  jest.setTimeout(60_000);
  const v = (key: string, variant?: Variant) => app(kind, key, variant);
  let lc: Lifecycle;
  beforeEach(() => { lc = new Lifecycle(kind); });
  afterEach(() => lc.stop());
  for (const name of names) test(name, () => SCENARIOS[name](lc, v));
}
