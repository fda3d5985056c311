/**
 * What a user sees between the first `cdk deploy` of a service whose pipeline builds its image
 * and that pipeline's first build, as the README says it: the stack completes; Application Auto
 * Scaling raises the service to `minTasks` when its scalable target is registered
 * (RegisterScalableTarget moves an active resource's capacity into the range); those tasks
 * cannot pull the `bootstrap` image, which the first build pushes, and ECS reports it in the
 * service's events; once the first build has pushed it, the tasks start.
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
 */
import { expectSynthWarnings } from '../synth-warnings';
import { app, Kind } from './apps';
import { Lifecycle } from './lifecycle';

jest.mock('node:http', () => ({ ...jest.requireActual('node:http'), request: (...a: unknown[]) => require('./model/network').request(...a) }));
jest.setTimeout(60_000);
// The apps' blue/green service checks /health, outside its route /orders/*: the smoke test requests /orders/.
expectSynthWarnings('cdk-container-platform:smoke-test-path');

describe.each(['codeDeploy', 'rolling', 'worker'] as const)('a %s workload before its first image', (kind: Kind) => {
  let lc: Lifecycle;
  beforeEach(() => { lc = new Lifecycle(kind); });
  afterEach(() => lc.stop());

  test('the stack completes; its minimum of tasks cannot pull bootstrap, as the service\'s events say, until the first build pushes it', async () => {
    // WHEN the stack is deployed, before any push
    const op = await lc.deploy(app(kind, 'v1'));
    // THEN the stack is not held up
    expect(op.status).toBe('CREATE_COMPLETE');
    // AND auto scaling has raised the service to its minimum (2 for the services, 1 for the worker)
    const service = lc.service()!;
    expect(service.desiredCount).toBe(kind === 'worker' ? 1 : 2);
    // AND nothing runs: the tasks failed to pull the bootstrap tag of the empty repository
    expect(service.groups.reduce((n, g) => n + g.running, 0)).toBe(0);
    expect(service.events).toEqual([expect.stringMatching(/failed to start: CannotPullContainerError: \S+:bootstrap: not found$/)]);
    // WHEN the first build has pushed the image (and bootstrap) and deployed it
    await lc.push('c1');
    await lc.settle();
    // THEN the service runs its minimum
    await lc.expectInvariants();
    expect(lc.service()!.groups.reduce((n, g) => n + g.running, 0)).toBe(kind === 'worker' ? 1 : 2);
  });
});
