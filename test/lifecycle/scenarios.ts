/**
 * The scenarios of issue 11, written once for every kind of workload; each test file runs
 * those that apply to its kind. The invariants (lifecycle.ts) are checked after every step;
 * test/lifecycle/peer-baseline.test.ts shows the same model failing a design AWS documents as broken.
 */
import { app, GATE_HOOK, Kind, LATER_FAILURE, SIDECAR_REPOSITORY, SIDECAR_TAG, Variant } from './apps';
import { Lifecycle } from './lifecycle';

type Scenario = (lc: Lifecycle, v: (key: string, variant?: Variant) => ReturnType<typeof app>) => Promise<void>;

/** Deploys the first version (of a variant) and lets the pipeline deliver commit c1, checking after each step. */
async function delivered(lc: Lifecycle, v: (key: string, variant?: Variant) => ReturnType<typeof app>, behaviour = {}, key = 'v1', variant: Variant = {}): Promise<void> {
  await lc.deploy(v(key, variant));
  await lc.expectInvariants();
  await lc.push('c1', behaviour);
  await lc.settle();
  await lc.expectInvariants();
}

/** A `cdk deploy` of a variant after the first delivery. */
function changeOnly(key: string, variant: Variant): Scenario {
  return async (lc, v) => {
    await delivered(lc, v);
    await lc.deploy(v(key, variant));
    await lc.settle();
    await lc.expectInvariants();
  };
}

const ENV: Variant = { env: { FEATURE: 'on' } };

/** What runs behind the production rule (or as the worker's tasks): the task definitions. */
function productionTaskDefinitions(lc: Lifecycle): string[] {
  const service = lc.service();
  return service ? service.groups.filter((g) => g.status === 'PRIMARY').map((g) => g.taskDefinition) : [];
}

function envNames(lc: Lifecycle, taskDefinition: string): string[] {
  return (lc.world.ecs.describeTaskDefinition(taskDefinition).containerDefinitions.find((c) => c.name === 'app')?.environment ?? []).map((e: { name: string }) => e.name);
}

/** A TCP service's variant on top of another. */
const TCP: Variant = { tcp: true };

export const SCENARIOS = {
  'first deploy on an empty ECR repository': async (lc, v) => {
    await lc.deploy(v('v1'));
    await lc.expectInvariants();
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
    await lc.expectInvariants();
  },
  'cdk deploy while a pipeline run waits for approval': async (lc, v) => {
    await lc.deploy(v('approval-v1', { approval: true }));
    await lc.expectInvariants();
    const first = await lc.push('c1');
    await lc.world.pipelines.approve(first);
    await lc.settle();
    await lc.expectInvariants();
    const second = await lc.push('c2');
    expect(second.waiting).toBe('approval');
    await lc.deploy(v('approval-env', { approval: true, ...ENV }));
    await lc.settle();
    await lc.expectInvariants();
    await lc.world.pipelines.approve(second);
    await lc.settle();
    await lc.expectInvariants();
  },
  'a deployment that fails its smoke test (or its health checks), then the next push': async (lc, v) => {
    await delivered(lc, v);
    // Blue/green services: healthy, but the smoke test's request fails. Others: failing health checks.
    const smoke = lc.kind === 'codeDeploy' || lc.kind === 'ecsBlueGreen';
    const failed = await lc.push('c2', smoke ? { status: (path: string) => (path === '/health' ? 200 : 500) } : { healthy: false }, { mayFail: true });
    await lc.settle();
    expect(failed.status).toBe('Failed');
    if (lc.kind === 'codeDeploy') expect(lc.world.codedeploy.deployments.filter((d) => d.creator === 'user').at(-1)?.error?.message).toMatch(/AfterAllowTestTraffic hook reported Failed/);
    if (lc.kind === 'ecsBlueGreen') expect(lc.service()?.events.join('\n')).toMatch(/answered FAILED at POST_TEST_TRAFFIC_SHIFT/);
    await lc.expectInvariants();
    await lc.push('c3');
    await lc.settle();
    await lc.expectInvariants();
  },
  'a deployment that fails its alarms, then the next push': async (lc, v) => {
    await delivered(lc, v);
    const failed = await lc.push('c2', { errors: true }, { mayFail: true });
    await lc.settle();
    expect(failed.status).toBe('Failed');
    await lc.expectInvariants();
    await lc.push('c3');
    await lc.settle();
    await lc.expectInvariants();
  },
  'a cdk deploy whose settings break the service, then the next push': async (lc, v) => {
    // The code of every commit answers 500 (health checks included) when BROKEN is set: the
    // smoke test, the health checks or the circuit breaker must stop the rollout, and the cdk
    // deploy must fail and roll back.
    await delivered(lc, v, { brokenBy: 'BROKEN' });
    await lc.deploy(v('broken', { env: { BROKEN: 'yes' } }), { expectRollback: true });
    await lc.settle();
    await lc.expectInvariants();
    await lc.push('c2', { brokenBy: 'BROKEN' });
    await lc.settle();
    await lc.expectInvariants();
  },
  'a cdk deploy that fails later in the stack and rolls back': async (lc, v) => {
    await delivered(lc, v);
    lc.world.cfn.injectFailure(LATER_FAILURE);
    await lc.deploy(v('later', { ...ENV, laterFailure: true }), { expectRollback: true });
    await lc.settle();
    await lc.expectInvariants();
  },
  'a push, a cdk deploy changing a setting, another push, then a cdk deploy that fails later in the stack': async (lc, v) => {
    // The rollback sends the service (or task definition) back to the settings of the second
    // step, whose task definition names the image of the first push: production must keep the
    // second push's image.
    await delivered(lc, v);
    await lc.deploy(v('env', ENV));
    await lc.settle();
    await lc.expectInvariants();
    await lc.push('c2');
    await lc.settle();
    await lc.expectInvariants();
    lc.world.cfn.injectFailure(LATER_FAILURE);
    await lc.deploy(v('env-second-later', { env: { FEATURE: 'on', SECOND: 'yes' }, laterFailure: true }), { expectRollback: true });
    await lc.settle();
    await lc.expectInvariants();
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
    await lc.expectInvariants();
  },
  'cdk deploy changing tags, then an environment variable': async (lc, v) => {
    await delivered(lc, v);
    await lc.push('c2');
    await lc.settle();
    await lc.expectInvariants();
    await lc.deploy(v('tags', { tags: true }));
    await lc.expectInvariants();
    await lc.deploy(v('tags-env', { tags: true, ...ENV }));
    await lc.expectInvariants();
  },
  'the stack\'s tags and cdk deploy --tags reach the service and its tasks': async (lc, v) => {
    // CloudFormation tags the resources it creates with the stack's tags; a custom resource gets none.
    await lc.deploy(v('stack-tags', { stackTags: { team: 'orders' } }));
    await lc.expectInvariants();
    await lc.push('c1');
    await lc.settle();
    await lc.expectInvariants();
    // The app changes the stack's tags.
    await lc.deploy(v('stack-tags-payments', { stackTags: { team: 'payments' } }));
    await lc.expectInvariants();
    // cdk deploy --tags replaces the stack's tags (they reach the service with the next change of its resource).
    await lc.deploy(v('stack-tags-payments-env', { stackTags: { team: 'payments' }, ...ENV }), { tags: { 'team': 'payments', 'cost-center': '42' } });
    await lc.settle();
    await lc.expectInvariants();
  },
  'throttled ECS and CodeDeploy calls while cdk deploy waits for the deployment: not complete yet, never a failed stack': async (lc, v) => {
    await delivered(lc, v);
    // AWS throttles isComplete's reads (and the deployment it starts) for a while.
    lc.world.throttle('ECS', 'DescribeServices', 3, 'IsCompleteFunction');
    if (lc.kind === 'codeDeploy') {
      lc.world.throttle('CodeDeploy', 'BatchGetDeployments', 2, 'IsCompleteFunction');
      lc.world.throttle('CodeDeploy', 'CreateDeployment', 1, 'IsCompleteFunction');
    }
    await lc.deploy(v('env', ENV));
    await lc.settle();
    await lc.expectInvariants();
    expect(lc.world.pendingThrottles).toBe(0);
  },
  'ECS Exec: on from the first deploy, and turned on later': async (lc, v) => {
    // From the first deploy: the service is created with it.
    await lc.deploy(v('exec', { exec: true }));
    expect(lc.service()?.config.enableExecuteCommand).toBe(true);
    lc.expectInvariants();
    await lc.destroy();
    // Turned on after the first delivery: ECS replaces the tasks of an ECS-controller service (only
    // new tasks get it); ECS refuses the change for a CODE_DEPLOY service, so the handler fails the
    // update with what to do, before it changes anything, and CloudFormation rolls back.
    await delivered(lc, v);
    const primary = () => lc.service()?.groups.find((g) => g.status === 'PRIMARY')?.id;
    const before = primary();
    const op = await lc.deploy(v('exec', { exec: true }), { expectRollback: lc.kind === 'codeDeploy' });
    await lc.settle();
    if (lc.kind === 'codeDeploy') {
      expect(op.failure?.message).toMatch(/ECS Exec \(enableExec\) cannot be turned on on a service deployed by CodeDeploy/);
      expect(lc.service()?.config.enableExecuteCommand).toBeUndefined();
    } else {
      expect(op.status).toBe('UPDATE_COMPLETE');
      expect(lc.service()?.config.enableExecuteCommand).toBe(true);
      expect(primary()).not.toBe(before);
    }
    lc.expectInvariants();
  },
  'a service with a sidecar, storage and tracing: delivered, then deployed again by a push and by cdk deploy': async (lc, v) => {
    // The sidecar's image is in a repository of the account, outside the stack.
    const repo = lc.world.ecr.create(SIDECAR_REPOSITORY, true);
    const proxyImage = `${repo.uri}:${SIDECAR_TAG}`;
    lc.world.ecr.push(proxyImage, 'proxy-1');
    const extras: Variant = { sidecarAndStorage: true };
    // What runs in production: the pipeline's image of app (the invariants check which), the
    // sidecar's own image, the collector, and the EFS volume through the service's access point.
    const expectTasks = () => {
      const tds = productionTaskDefinitions(lc);
      expect(tds.length).toBeGreaterThan(0);
      for (const arn of tds) {
        const td = lc.world.ecs.describeTaskDefinition(arn) as Record<string, any>;
        expect(td.containerDefinitions.map((c: { name: string }) => c.name)).toEqual(['app', 'tmp-permissions', 'proxy', 'aws-otel-collector']);
        expect(td.containerDefinitions.find((c: { name: string }) => c.name === 'proxy').image).toBe(proxyImage);
        const [volume] = td.volumes.filter((x: Record<string, any>) => x.efsVolumeConfiguration);
        expect(volume.efsVolumeConfiguration).toMatchObject({ transitEncryption: 'ENABLED', authorizationConfig: { iam: 'ENABLED' } });
        expect(lc.world.efs.accessPoints.has(volume.efsVolumeConfiguration.authorizationConfig.accessPointId)).toBe(true);
      }
    };
    await delivered(lc, v, {}, 'extras-v1', extras);
    expectTasks();
    await lc.push('c2');
    await lc.settle();
    await lc.expectInvariants();
    expectTasks();
    await lc.deploy(v('extras-env', { ...extras, ...ENV }));
    await lc.settle();
    await lc.expectInvariants();
    expectTasks();
    expect(productionTaskDefinitions(lc).flatMap((td) => envNames(lc, td))).toContain('FEATURE');
    // Every task started: the execution role pulled the sidecar and wrote its logs, the task role mounted the volume.
    expect(lc.world.iam.denials).toEqual([]);
    // A push, then a cdk deploy that changes only the sidecar's image (what the deployed state
    // read at the last cdk deploy is older than what runs now): production runs the new sidecar
    // image beside the pipeline's latest image of app (the invariants check which), and so does the next push.
    await lc.push('c3');
    await lc.settle();
    await lc.expectInvariants();
    lc.world.ecr.push(`${repo.uri}:2.0`, 'proxy-2');
    await lc.deploy(v('extras-proxy-2', { ...extras, ...ENV, sidecarTag: '2.0' }));
    await lc.settle();
    await lc.expectInvariants();
    const proxyImages = () => productionTaskDefinitions(lc).map((arn) => lc.world.ecs.describeTaskDefinition(arn).containerDefinitions.find((c) => c.name === 'proxy')?.image);
    expect(proxyImages()).toEqual(expect.arrayContaining([`${repo.uri}:2.0`]));
    expect(proxyImages().every((image) => image === `${repo.uri}:2.0`)).toBe(true);
    await lc.push('c4');
    await lc.settle();
    await lc.expectInvariants();
    expect(proxyImages().every((image) => image === `${repo.uri}:2.0`)).toBe(true);
  },
  'a TCP service on the Network Load Balancer: delivered by its pipeline, then a cdk deploy and a push': async (lc, v) => {
    await delivered(lc, v, {}, 'tcp-v1', TCP);
    // Production traffic reaches the service through its listener on the Network Load Balancer
    // (the invariants check it has healthy tasks of the pipeline's image).
    const listeners = [...lc.world.elbv2.listeners.values()].filter((l) => l.port === 5432);
    expect(listeners).toHaveLength(1);
    expect(listeners[0].defaultActions.at(-1)?.forward).toHaveLength(1);
    await lc.deploy(v('tcp-env', { ...TCP, ...ENV }));
    await lc.settle();
    await lc.expectInvariants();
    expect(productionTaskDefinitions(lc).flatMap((td) => envNames(lc, td))).toContain('FEATURE');
    await lc.push('c2');
    await lc.settle();
    await lc.expectInvariants();
    expect(lc.world.iam.denials).toEqual([]);
  },
  'a blue/green TCP service on the Network Load Balancer: a push whose smoke test fails rolls back; a port change after an odd number of deployments; a push and a cdk deploy': async (lc, v) => {
    // An HTTP health check on /health; the smoke test GETs /ready through the test listener (15432).
    const variant: Variant = { tcpBlueGreen: 'http' };
    await delivered(lc, v, {}, 'tcp-bg-v1', variant);
    const listenerOn = (port: number) => [...lc.world.elbv2.listeners.values()].find((l) => l.port === port);
    const forwardOf = (port: number) => (listenerOn(port)?.defaultActions.at(-1)?.forward ?? []).filter((f) => f.weight > 0).map((f) => f.targetGroupArn);
    const live = forwardOf(5432);
    expect(live).toHaveLength(1);
    // after a deployment, the test listener too forwards to the new target group
    expect(forwardOf(15432)).toEqual(live);
    // a push whose code answers /ready with 500: healthy, but the smoke test fails; production does not move
    const failed = await lc.push('c2', { status: (path: string) => (path === '/ready' ? 500 : 200) }, { mayFail: true });
    await lc.settle();
    expect(failed.status).toBe('Failed');
    if (lc.kind === 'codeDeploy') expect(lc.world.codedeploy.deployments.filter((d) => d.creator === 'user').at(-1)?.error?.message).toMatch(/AfterAllowTestTraffic hook reported Failed/);
    if (lc.kind === 'ecsBlueGreen') expect(lc.service()?.events.join('\n')).toMatch(/answered FAILED at POST_TEST_TRAFFIC_SHIFT/);
    expect(forwardOf(5432)).toEqual(live);
    await lc.expectInvariants();
    // the service moves to port 5433: the listener keeps forwarding to the live target group
    await lc.deploy(v('tcp-bg-port', { ...variant, tcpPort: 5433 }));
    await lc.settle();
    expect(listenerOn(5432)).toBeUndefined();
    expect(forwardOf(5433)).toEqual(live);
    await lc.expectInvariants();
    // the next push deploys: production moves to the other target group
    await lc.push('c3');
    await lc.settle();
    await lc.expectInvariants();
    expect(forwardOf(5433)).toHaveLength(1);
    expect(forwardOf(5433)).not.toEqual(live);
    await lc.deploy(v('tcp-bg-env', { ...variant, tcpPort: 5433, ...ENV }));
    await lc.settle();
    await lc.expectInvariants();
    expect(productionTaskDefinitions(lc).flatMap((td) => envNames(lc, td))).toContain('FEATURE');
    expect(lc.world.iam.denials).toEqual([]);
  },
  'a blue/green TCP service whose smoke test connects: delivered, a push, a push with failing health checks, a push': async (lc, v) => {
    const variant: Variant = { tcpBlueGreen: 'connect' };
    await delivered(lc, v, {}, 'tcp-bg-connect', variant);
    await lc.push('c2');
    await lc.settle();
    await lc.expectInvariants();
    const failed = await lc.push('c3', { healthy: false }, { mayFail: true });
    await lc.settle();
    expect(failed.status).toBe('Failed');
    await lc.expectInvariants();
    await lc.push('c4');
    await lc.settle();
    await lc.expectInvariants();
    expect(lc.world.iam.denials).toEqual([]);
  },
  'a CodeDeploy group on the Network Load Balancer with a canary configuration (set past synth) is refused, and the stack rolls back': async (lc, v) => {
    const variant: Variant = { tcpBlueGreen: 'connect' };
    await delivered(lc, v, {}, 'tcp-bg-connect', variant);
    const op = await lc.deploy(v('tcp-bg-canary', { ...variant, canaryPastSynth: true }), { expectRollback: true });
    expect(op.failure?.message).toMatch(/CodeDeployDefault.ECSCanary10Percent5Minutes is not supported with a Network Load Balancer/);
    await lc.settle();
    await lc.expectInvariants();
    // the group keeps all at once, and the next push deploys
    expect([...lc.world.codedeploy.groups.values()].map((g) => g.deploymentConfigName)).toEqual(['CodeDeployDefault.ECSAllAtOnce']);
    await lc.push('c2');
    await lc.settle();
    await lc.expectInvariants();
  },
  'destroy, then deploy again': async (lc, v) => {
    await delivered(lc, v);
    await lc.destroy();
    await lc.expectInvariants();
    await lc.deploy(v('v1'));
    await lc.expectInvariants();
    await lc.push('c2');
    await lc.settle();
    await lc.expectInvariants();
  },
  'a cdk deploy whose deployment outlasts the provider\'s 55 minutes fails with a reason before CloudFormation\'s hour': async (lc, v) => {
    // A user's hook that never reports: CodeDeploy would wait its hour; the provider's waiter
    // gives up after 55 minutes, so the stack fails with the provider's reason and rolls back
    // (stopping the deployment), instead of CloudFormation timing the resource out.
    await delivered(lc, v, {}, 'gate-v1', { gateHook: true });
    lc.world.hookResults.set(GATE_HOOK, 'Silent');
    const start = lc.world.now;
    const op = await lc.deploy(v('gate-env', { gateHook: true, ...ENV }), { expectRollback: true });
    expect(op.failure?.message).toMatch(/Operation timed out/);
    expect(lc.world.now - start).toBeLessThan(3600);
    await lc.settle();
    await lc.expectInvariants();
    lc.world.hookResults.delete(GATE_HOOK);
  },
  'a termination wait longer than cdk deploy can wait: success once traffic moved, an alarm during the rest of the wait still rolls back': async (lc, v) => {
    const wait = { terminationWaitMinutes: 60 };
    await delivered(lc, v, {}, 'wait-v1', wait);
    const op = await lc.deploy(v('wait-env', { ...wait, ...ENV }));
    expect(op.status).toBe('UPDATE_COMPLETE');
    const deployment = lc.world.codedeploy.deployments.filter((d) => d.creator === 'user').at(-1)!;
    expect(deployment.status).toBe('InProgress');
    expect(deployment.shifted).toBe(true);
    expect(productionTaskDefinitions(lc).flatMap((td) => envNames(lc, td))).toContain('FEATURE');
    // The new settings misbehave once in production, during the termination wait.
    lc.world.app('c1', { errorsWith: 'FEATURE' });
    await lc.settle();
    expect(deployment.status).toBe('Stopped');
    expect(deployment.error?.code).toBe('ALARM_ACTIVE');
    expect(lc.world.codedeploy.get(deployment.rollbackDeploymentId!).rollbackTriggeringDeploymentId).toBe(deployment.id);
    expect(productionTaskDefinitions(lc).flatMap((td) => envNames(lc, td))).not.toContain('FEATURE');
    // Production runs the settings before that cdk deploy (by design); everything else holds,
    // the alarm's notification included.
    expect((await lc.violations()).filter((x) => !x.includes('runs the settings'))).toEqual([]);
  },
  'a cdk deploy behind a long pipeline deployment gives up with a reason when too little time is left': async (lc, v) => {
    const slow = { canaryMinutes: 30 };
    await delivered(lc, v, {}, 'slow-v1', slow);
    await lc.push('c2');
    const op = await lc.deploy(v('slow-env', { ...slow, ...ENV }), { expectRollback: true });
    expect(op.failure?.message).toMatch(/cannot wait longer and still finish its own deployment/);
    await lc.settle();
    await lc.expectInvariants();
  },
  'an ECS-native deployment that ECS completes after the provider\'s 55 minutes fails the cdk deploy: the design synthesis refuses': async (lc, v) => {
    // A bake time of 60 minutes, set past the library's synth check (which refuses it): ECS
    // reports the deployment complete only after the bake time, the provider's waiter gives up
    // after 55 minutes, and the stack rolls back while ECS still deploys.
    await delivered(lc, v);
    const start = lc.world.now;
    const op = await lc.deploy(v('bake-env', { bakeMinutesPastSynth: 60, ...ENV }), { expectRollback: true });
    expect(op.failure?.message).toMatch(/Operation timed out/);
    // (the rollback's own deployment, with the bake time before, takes its minutes after the 55)
    expect(lc.world.now - start).toBeGreaterThanOrEqual(55 * 60);
    await lc.settle();
    await lc.expectInvariants();
  },
  'an ECS-native deployment whose bake time fits completes within the cdk deploy': async (lc, v) => {
    // 50 minutes of bake time (synthesis accepts 50 + 5): ECS reports it complete after 50 minutes.
    await delivered(lc, v);
    const start = lc.world.now;
    const op = await lc.deploy(v('bake-fits', { bakeMinutesPastSynth: 50, ...ENV }));
    expect(op.status).toBe('UPDATE_COMPLETE');
    expect(lc.world.now - start).toBeGreaterThanOrEqual(50 * 60);
    await lc.expectInvariants();
  },
  'ECS-native on the Network Load Balancer: a cdk deploy waits through the minutes ECS adds there; a bake time that would fit on the ALB (set past synthesis) then outlasts the 55 minutes': async (lc, v) => {
    const variant: Variant = { tcpBlueGreen: 'connect' };
    await delivered(lc, v, {}, 'tcp-bg-connect', variant);
    // The default 5 minutes of bake time and ECS's 10 minutes for each of two traffic-shift stages.
    let start = lc.world.now;
    const op = await lc.deploy(v('tcp-bg-env', { ...variant, ...ENV }));
    expect(op.status).toBe('UPDATE_COMPLETE');
    expect(lc.world.now - start).toBeGreaterThanOrEqual((5 + 20) * 60);
    await lc.expectInvariants();
    // 40 minutes of bake time: 40 + 20 on the Network Load Balancer (synthesis refuses it, counting 40 + 5 + 30).
    start = lc.world.now;
    const long = await lc.deploy(v('tcp-bg-bake', { ...variant, bakeMinutesPastSynth: 40 }), { expectRollback: true });
    expect(long.failure?.message).toMatch(/Operation timed out/);
    expect(lc.world.now - start).toBeGreaterThanOrEqual(55 * 60);
    await lc.settle();
    await lc.expectInvariants();
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
  'a push, a cdk deploy changing a setting, another push, then a cdk deploy that fails later in the stack',
  'a routing change after an odd number of deployments',
  'a retried custom-resource event',
  'the stack\'s tags and cdk deploy --tags reach the service and its tasks',
  'throttled ECS and CodeDeploy calls while cdk deploy waits for the deployment: not complete yet, never a failed stack',
  'ECS Exec: on from the first deploy, and turned on later',
  'a service with a sidecar, storage and tracing: delivered, then deployed again by a push and by cdk deploy',
  'destroy, then deploy again',
];

/** What a TCP service (Routing.tcp, rolling deployments only) goes through. */
export const TCP_SCENARIOS: ScenarioName[] = [
  'a TCP service on the Network Load Balancer: delivered by its pipeline, then a cdk deploy and a push',
];

/** What a blue/green TCP service (Routing.tcp with a testPort) goes through, with CodeDeploy or ECS. */
export const TCP_BLUE_GREEN_SCENARIOS: ScenarioName[] = [
  'a blue/green TCP service on the Network Load Balancer: a push whose smoke test fails rolls back; a port change after an odd number of deployments; a push and a cdk deploy',
  'a blue/green TCP service whose smoke test connects: delivered, a push, a push with failing health checks, a push',
];

/** What the minutes ECS adds on the Network Load Balancer mean for a cdk deploy (ECS-native). */
export const TCP_ECS_TIMING_SCENARIOS: ScenarioName[] = [
  'ECS-native on the Network Load Balancer: a cdk deploy waits through the minutes ECS adds there; a bake time that would fit on the ALB (set past synthesis) then outlasts the 55 minutes',
];

/** What CodeDeploy refuses of a group on the Network Load Balancer. */
export const TCP_CODEDEPLOY_SCENARIOS: ScenarioName[] = [
  'a CodeDeploy group on the Network Load Balancer with a canary configuration (set past synth) is refused, and the stack rolls back',
];

/** The timing decisions of the CodeDeploy services' provider (see "How long cdk deploy waits" in the README). */
export const TIMING_SCENARIOS: ScenarioName[] = [
  'a cdk deploy whose deployment outlasts the provider\'s 55 minutes fails with a reason before CloudFormation\'s hour',
  'a termination wait longer than cdk deploy can wait: success once traffic moved, an alarm during the rest of the wait still rolls back',
  'a cdk deploy behind a long pipeline deployment gives up with a reason when too little time is left',
];

/** What the time an ECS-native deployment takes means for a cdk deploy. */
export const ECS_TIMING_SCENARIOS: ScenarioName[] = [
  'an ECS-native deployment that ECS completes after the provider\'s 55 minutes fails the cdk deploy: the design synthesis refuses',
  'an ECS-native deployment whose bake time fits completes within the cdk deploy',
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
