/**
 * The scenarios of issue 11, written once for every kind of workload. Each test file runs
 * those that apply to its kind and says which fail today and why: those are `test.failing`
 * with the defect (issue 11's item) named, so the suite stays green and each flips to a
 * failure (to be made a normal test) when the design is fixed.
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
  'cdk deploy changing only alarms': changeOnly('alarms', { alarmCpuPercent: 90 }),
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
    await lc.deploy(v('env', ENV));
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

/** A defect of issue 11: what it is, and the mark it leaves in the invariants' report. */
export interface Defect {
  readonly text: string;
  readonly signature: RegExp;
}

/** The defects of issue 11 that make scenarios fail today, as the model shows them. */
export const DEFECT = {
  item1: {
    text: 'issue 11 item 1: CloudFormation sends the service\'s TaskDefinition in UpdateService and ECS refuses it for a CODE_DEPLOY service',
    signature: /OrdersService\w*: .*Unable to update task definition on services with a CODE_DEPLOY deployment controller/,
  },
  items1and2: {
    text: 'issue 11 items 1 and 2: UpdateService is refused, then the rollback\'s Update of Custom::BlueGreenRollout starts a deployment of the old revision and meets DeploymentLimitExceeded (UPDATE_ROLLBACK_FAILED)',
    signature: /UPDATE_ROLLBACK_FAILED: OrdersService\w*: .*Unable to update task definition.*; rollback failed at OrdersBlueGreenRollout\w*: .*is in progress/,
  },
  items1to3: {
    text: 'issue 11 items 1 to 3: UpdateService is refused and the rollback fails (items 1, 2); once they are fixed, the change must reach production through its deployment, never reverted by a waiting pipeline run (item 3)',
    signature: /Unable to update task definition on services with a CODE_DEPLOY deployment controller/,
  },
  item2: {
    text: 'issue 11 item 2: Custom::BlueGreenRollout calls CreateDeployment while a deployment of the group is active (DeploymentLimitExceeded)',
    signature: /OrdersBlueGreenRollout\w*: Received response status \[FAILED\].*is in progress/,
  },
  item3: {
    text: 'issue 11 item 3: a pipeline run that waited for approval deploys the taskdef.json it built before the cdk deploy, and reverts the cdk deploy\'s settings',
    signature: /runs the settings .*, not the latest cdk deploy's/,
  },
  item4: {
    text: 'issue 11 item 4: the service update sends the template\'s stale DesiredCount (0, read at the first deploy) and task definition',
    signature: /desired count from \d+ to 0|Service\w*: Resource handler returned message: "Error occurred during operation 'ECS deployment rolled back: lifecycle hook/,
  },
  item4rollback: {
    text: 'issue 11 item 4, in a rollback: CloudFormation rolls the service back with the properties resolved at the last deploy that updated it (the task definition and desired count of the first deploy, before any pipeline run), which no re-read can refresh',
    signature: /desired count from \d+ to 0|Service\w*: Resource handler returned message: "Error occurred during operation 'ECS deployment rolled back: lifecycle hook/,
  },
  item6: {
    text: 'issue 11 item 6: the listener rule update sends the template\'s target group, which CodeDeploy or ECS took out of production',
    signature: /production traffic goes to targetgroup\/\S+, which has no healthy task/,
  },
  item7: {
    text: 'issue 11 item 7: the update of the image parameter resets it to the bootstrap image, which the next revision resolves',
    signature: /runs \S+:bootstrap \(c1\), not the pipeline's latest good image/,
  },
  item8: {
    text: 'issue 11 item 8: the retained CodeCommit repository keeps its fixed name (RepositoryNameExistsException)',
    signature: /SourceRepository\w*: Repository named \S+ already exists/,
  },
} satisfies Record<string, Defect>;

/**
 * Registers the scenarios of one kind: `failing` names the issue-11 defect that makes a
 * scenario fail today (it runs as `test.failing`).
 */
export function scenarios(kind: Kind, names: ScenarioName[], failing: Partial<Record<ScenarioName, Defect>>): void {
  // Synthesizing a variant takes about a second.
  jest.setTimeout(60_000);
  const v = (key: string, variant?: Variant) => app(kind, key, variant);
  let lc: Lifecycle;
  beforeEach(() => { lc = new Lifecycle(kind); });
  afterEach(() => lc.stop());
  for (const name of names) {
    const body = () => SCENARIOS[name](lc, v);
    const defect = failing[name];
    if (!defect) {
      test(name, body);
      continue;
    }
    // Fails today, and must fail for the named defect: a failure for another reason makes the
    // test.failing pass its body, which jest reports as a failure.
    test.failing(`${name} [fails today: ${defect.text}]`, async () => {
      try {
        await body();
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        if (defect.signature.test(message)) throw e;
        console.error(`${name} failed, but not for the named defect (${defect.signature}):\n${message}`);
        return;
      }
    });
  }
}
