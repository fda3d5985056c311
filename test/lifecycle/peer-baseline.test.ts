import { Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { BaselineStack } from '../../bench/baseline/baseline-stack';
import { EXAMPLE_ENV } from '../../examples/env';
import { World } from './model/world';
import { synth } from './synth';

/**
 * The model must be able to fail: the hand-written plain aws-cdk-lib CODE_DEPLOY service of
 * the benchmark's baseline (bench/baseline/baseline-stack.ts, with one service) fails at its
 * second `cdk deploy` exactly as AWS documents it: CloudFormation's UpdateService carries the
 * task definition (aws-cdk#23564, cloudformation-coverage-roadmap#1529) and ECS refuses it
 * ("Unable to update task definition on services with a CODE_DEPLOY deployment controller").
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
 * @see https://github.com/aws/aws-cdk/issues/23564
 * @see https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1529
 */

const STACK = 'Baseline';
// Each test synthesizes the baseline and replays deploys with IAM evaluated: seconds on a busy machine.
jest.setTimeout(60_000);

function baseline(key: string, change?: (stack: Stack) => void) {
  return synth(`baseline-${key}`, (app) => {
    const stack = new BaselineStack(app, STACK, { services: 1, env: EXAMPLE_ENV });
    change?.(stack);
  });
}

function service(stack: Stack): ecs.FargateService {
  return stack.node.findAll().find((c): c is ecs.FargateService => c instanceof ecs.FargateService)!;
}

let world: World;
beforeEach(() => {
  world = new World().start();
});
afterEach(() => world.stop());

/** The baseline's task definition names `<repository>:latest`, which must exist when the service starts: an operator pushes it. */
function operatorPushesLatest(): void {
  world.ecr.onCreate = (repo) => world.ecr.push(`${repo.uri}:latest`, 'operator-latest');
}

test('GIVEN the baseline WHEN it is deployed with its image pushed THEN the stack is created with the service at 2 tasks', async () => {
  operatorPushesLatest();
  const op = await world.deploy(baseline('v1'), STACK);
  expect(op.failure).toBeUndefined();
  expect(op.status).toBe('CREATE_COMPLETE');
  const svc = [...world.ecs.services.values()][0];
  expect(svc.controller).toBe('CODE_DEPLOY');
  expect(svc.desiredCount).toBe(2);
  expect(svc.groups[0].running).toBe(2);
});

test('GIVEN the baseline on an empty repository WHEN it is deployed THEN CloudFormation waits for tasks that cannot start (no circuit breaker for CODE_DEPLOY)', async () => {
  const op = await world.deploy(baseline('v1'), STACK);
  expect(op.hung).toBe(true);
  expect(op.failure?.logicalId).toMatch(/^Svc1Service[0-9A-F]{8}$/);
  expect(op.status).toBe('ROLLBACK_COMPLETE');
});

describe.each([
  ['its desired count', 'desired', (stack: Stack) => { (service(stack).node.defaultChild as ecs.CfnService).desiredCount = 3; }],
  ['its health-check grace period', 'grace', (stack: Stack) => { (service(stack).node.defaultChild as ecs.CfnService).healthCheckGracePeriodSeconds = 120; }],
])('GIVEN the deployed baseline WHEN a cdk deploy changes %s', (_what, key, change) => {
  test('THEN UpdateService is refused as ECS documents it and the stack rolls back', async () => {
    operatorPushesLatest();
    expect((await world.deploy(baseline('v1'), STACK)).status).toBe('CREATE_COMPLETE');

    const op = await world.deploy(baseline(key, change), STACK);

    expect(op.failure?.logicalId).toMatch(/^Svc1Service[0-9A-F]{8}$/);
    expect(op.failure?.message).toContain('Invalid request provided: UpdateService error: Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.');
    expect(op.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect([...world.ecs.services.values()][0].desiredCount).toBe(2);
  });
});

test('GIVEN the deployed baseline WHEN a cdk deploy changes only the container environment THEN the stack updates but the service keeps running the old revision', async () => {
  // For a CODE_DEPLOY service aws-cdk-lib names the task definition by family, so a new
  // revision does not change the service resource (aws-cdk#25777).
  operatorPushesLatest();
  await world.deploy(baseline('v1'), STACK);
  const svc = [...world.ecs.services.values()][0];
  const before = svc.taskDefinition;

  const op = await world.deploy(baseline('env', (stack) => service(stack).taskDefinition.defaultContainer!.addEnvironment('GREETING', 'hello')), STACK);

  expect(op.status).toBe('UPDATE_COMPLETE');
  expect(svc.taskDefinition).toBe(before);
  expect(world.ecs.describeTaskDefinition(before.replace(/:\d+$/, '')).containerDefinitions[0].environment).toEqual([{ name: 'GREETING', value: 'hello' }]);
  expect(world.ecs.describeTaskDefinition(before).status).toBe('INACTIVE');
});
