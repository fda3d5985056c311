import {
  CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand, TagResourceCommand,
    UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { isComplete, onEvent, ProviderEvent } from '../../lib/deployment/provider/handler';

/** Custom::EcsService (rolling and ECS-native blue/green services, workers), against a fake ECS client. */

const mockEcsSend = jest.fn();
jest.mock('@aws-sdk/client-ecs', () => ({
  ...jest.requireActual('@aws-sdk/client-ecs'),
  ECSClient: jest.fn(() => ({ send: (command: unknown) => mockEcsSend(command) })),
}));
jest.mock('@aws-sdk/client-codedeploy', () => ({
  ...jest.requireActual('@aws-sdk/client-codedeploy'),
  CodeDeployClient: jest.fn(() => ({ send: () => { throw new Error('an ECS-controller service never calls CodeDeploy'); } })),
}));
const mockCloudFormationSend = jest.fn();
jest.mock('@aws-sdk/client-cloudformation', () => ({
  ...jest.requireActual('@aws-sdk/client-cloudformation'),
  CloudFormationClient: jest.fn(() => ({ send: (command: unknown) => mockCloudFormationSend(command) })),
}));
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Test-OrdersStack-ABC/1';
const ROOT_ID = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Test/0';

const td = (n: number) => `arn:aws:ecs:eu-west-1:111111111111:task-definition/orders:${n}`;
const SERVICE_ARN = 'arn:aws:ecs:eu-west-1:111111111111:service/cluster-1/Test-Orders';
const REGISTERED = td(9);

// The properties of an AWS::ECS::Service as aws-cdk-lib renders them, as CloudFormation passes
// them to a custom resource: every scalar a string.
const PROPS = {
  ServiceToken: 'arn:fn',
  ServiceTimeout: '3600',
  ImageOwner: 'pipeline',
  ContainerName: 'app',
  Cluster: 'cluster-1',
  ServiceName: 'Test-Orders',
  TaskDefinition: td(2),
  DesiredCount: '0',
  CapacityProviderStrategy: [{ Base: '0', CapacityProvider: 'FARGATE', Weight: '1' }],
  DeploymentConfiguration: {
    DeploymentCircuitBreaker: { Enable: 'true', Rollback: 'true' },
    MaximumPercent: '100',
    MinimumHealthyPercent: '50',
    Alarms: { AlarmNames: ['a-5xx'], Enable: 'true', Rollback: 'true' },
  },
  DeploymentController: { Type: 'ECS' },
  EnableECSManagedTags: 'true',
  HealthCheckGracePeriodSeconds: '60',
  LoadBalancers: [{ ContainerName: 'app', ContainerPort: '8080', TargetGroupArn: 'arn:tg' }],
  NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED', SecurityGroups: ['sg-1'], Subnets: ['subnet-a'] } },
  PropagateTags: 'SERVICE',
  Tags: [{ Key: 'team', Value: 'orders' }],
};
const OLD = { ...PROPS, TaskDefinition: td(1) };

function event(type: 'Create' | 'Update' | 'Delete', props: Record<string, unknown>, extra: Partial<ProviderEvent> = {}): ProviderEvent {
  return {
    RequestType: type, RequestId: '4a5e7c1e-0b7d-4c55-9d1f-6f2f5a8e9b10-and-more', StackId: STACK_ID, ResourceType: 'Custom::EcsService', LogicalResourceId: 'OrdersService',
    ResourceProperties: props, ...(type === 'Create' ? {} : { PhysicalResourceId: SERVICE_ARN }), ...extra,
  };
}
const update = (props: Record<string, unknown> = PROPS, old: Record<string, unknown> = OLD) => event('Update', props, { OldResourceProperties: old });

/** Task definitions: `mode` is an environment setting, `image` the app container's image. */
const revision = (arn: string, mode: string, image: string) => ({
  taskDefinitionArn: arn, revision: Number(arn.split(':').pop()), status: 'ACTIVE', family: 'orders', cpu: '256', memory: '512',
  containerDefinitions: [{ name: 'app', image, environment: [{ name: 'MODE', value: mode }] }],
});
let taskDefinitions: Record<string, Record<string, unknown>>;
let deployments: Array<Record<string, unknown>>;

function calls(type: new (...args: any[]) => unknown): any[] {
  return mockEcsSend.mock.calls.map(([c]) => c).filter((c) => c instanceof type).map((c) => c.input);
}

beforeEach(() => {
  mockCloudFormationSend.mockReset().mockResolvedValue({ Stacks: [{ StackId: STACK_ID, Tags: [] }] });
  // Revision 1: MODE a with image c1 (the first deploy); 2: MODE b with c1 (this deploy's
  // template, registered with the image read when it began); 3: MODE a with c2 (the pipeline's).
  taskDefinitions = { [td(1)]: revision(td(1), 'a', 'repo:c1'), [td(2)]: revision(td(2), 'b', 'repo:c1'), [td(3)]: revision(td(3), 'a', 'repo:c2') };
  deployments = [{ id: 'ecs-svc/1', status: 'PRIMARY', taskDefinition: td(3), rolloutState: 'COMPLETED' }];
  mockEcsSend.mockReset().mockImplementation(async (c: any) => {
    const service = () => ({ serviceArn: SERVICE_ARN, status: 'ACTIVE', taskDefinition: deployments[0].taskDefinition, deployments, events: [{ message: '(service Test-Orders) was unable to place a task.' }] });
    if (c instanceof DescribeServicesCommand) return { services: [service()] };
    if (c instanceof DescribeTaskDefinitionCommand) return { taskDefinition: taskDefinitions[c.input.taskDefinition!] };
    if (c instanceof RegisterTaskDefinitionCommand) return { taskDefinition: { ...c.input, taskDefinitionArn: REGISTERED } };
    if (c instanceof CreateServiceCommand) return { service: { serviceArn: SERVICE_ARN, deployments: [{ id: 'ecs-svc/0', status: 'PRIMARY' }] } };
    if (c instanceof UpdateServiceCommand) {
      // A new task definition, or a forced deployment of the one that runs, starts a deployment.
      const next = c.input.taskDefinition ?? (c.input.forceNewDeployment ? deployments[0].taskDefinition : undefined);
      if (next) deployments = [{ id: 'ecs-svc/2', status: 'PRIMARY', taskDefinition: next, rolloutState: 'IN_PROGRESS' }, ...deployments.map((d) => ({ ...d, status: 'ACTIVE' }))];
      return { service: service() };
    }
    return {};
  });
});

describe('Create', () => {
  test('CreateService with the template\'s properties in the API\'s shape and types, the initial count and the request as client token', async () => {
    // WHEN
    const response = await onEvent(event('Create', PROPS));
    // THEN
    expect(calls(CreateServiceCommand)).toEqual([{
      cluster: 'cluster-1',
      serviceName: 'Test-Orders',
      taskDefinition: td(2),
      desiredCount: 0,
      capacityProviderStrategy: [{ base: 0, capacityProvider: 'FARGATE', weight: 1 }],
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        maximumPercent: 100,
        minimumHealthyPercent: 50,
        alarms: { alarmNames: ['a-5xx'], enable: true, rollback: true },
      },
      deploymentController: { type: 'ECS' },
      enableECSManagedTags: true,
      healthCheckGracePeriodSeconds: 60,
      loadBalancers: [{ containerName: 'app', containerPort: 8080, targetGroupArn: 'arn:tg' }],
      networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'DISABLED', securityGroups: ['sg-1'], subnets: ['subnet-a'] } },
      propagateTags: 'SERVICE',
      tags: [{ key: 'team', value: 'orders' }],
      // ECS allows up to 36 characters.
      clientToken: '4a5e7c1e-0b7d-4c55-9d1f-6f2f5a8e9b10',
    }]);
    // AND it answers what aws-cdk-lib's FargateService reads (Ref: the ARN; GetAtt Name), and the deployment to wait for
    expect(response).toEqual({ PhysicalResourceId: SERVICE_ARN, Data: { Name: 'Test-Orders', ServiceArn: SERVICE_ARN }, DeploymentId: 'ecs-svc/0' });
  });
});

describe('Update', () => {
  test('a change of the service alone sends only that field: no task definition, no desired count', async () => {
    // GIVEN the same task definition, a longer grace period
    const next = { ...PROPS, TaskDefinition: td(1), HealthCheckGracePeriodSeconds: '90', DesiredCount: '4' };
    // WHEN
    const response = await onEvent(update(next));
    // THEN
    expect(calls(UpdateServiceCommand)).toEqual([{ cluster: 'cluster-1', service: 'Test-Orders', healthCheckGracePeriodSeconds: 90 }]);
    expect(response.DeploymentId).toBeUndefined();
  });

  test('a capacity provider strategy change forces a new deployment (alone it would leave the tasks where they are)', async () => {
    // GIVEN the same task definition on Fargate Spot
    const next = { ...PROPS, TaskDefinition: td(1), CapacityProviderStrategy: [{ Base: '0', CapacityProvider: 'FARGATE_SPOT', Weight: '1' }] };
    // WHEN
    await onEvent(update(next));
    // THEN
    expect(calls(UpdateServiceCommand)).toEqual([{
      cluster: 'cluster-1', service: 'Test-Orders', capacityProviderStrategy: [{ base: 0, capacityProvider: 'FARGATE_SPOT', weight: 1 }], forceNewDeployment: true,
    }]);
  });

  test('new settings go out with the image production runs (the pipeline\'s), registered as a new revision', async () => {
    // WHEN the template moves from revision 1 to 2 (MODE b, registered with c1) while production runs c2
    const response = await onEvent(update());
    // THEN revision 2's settings with c2, and nothing of the registration
    expect(calls(RegisterTaskDefinitionCommand)).toEqual([{ family: 'orders', cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'repo:c2', environment: [{ name: 'MODE', value: 'b' }] }] }]);
    expect(calls(UpdateServiceCommand)).toEqual([{ cluster: 'cluster-1', service: 'Test-Orders', taskDefinition: REGISTERED }]);
    expect(response.DeploymentId).toBe('ecs-svc/2');
  });

  test('CloudFormation\'s rollback restores the previous settings, never the previous image', async () => {
    // GIVEN the failed update (revision 2) runs, with the pipeline's image c2
    taskDefinitions[REGISTERED] = revision(REGISTERED, 'b', 'repo:c2');
    deployments = [{ id: 'ecs-svc/2', status: 'PRIMARY', taskDefinition: REGISTERED, rolloutState: 'COMPLETED' }];
    // WHEN CloudFormation rolls back: an Update from revision 2 back to revision 1 (MODE a, image c1)
    await onEvent(update(OLD, PROPS));
    // THEN MODE a goes out with c2
    const [registered] = calls(RegisterTaskDefinitionCommand);
    expect(registered.containerDefinitions).toEqual([{ name: 'app', image: 'repo:c2', environment: [{ name: 'MODE', value: 'a' }] }]);
    expect(calls(UpdateServiceCommand)).toEqual([{ cluster: 'cluster-1', service: 'Test-Orders', taskDefinition: REGISTERED }]);
  });

  test('nothing is deployed when production runs the settings already (a retried event; a rollback after ECS rolled back)', async () => {
    // GIVEN production runs revision 3: revision 1's settings with the pipeline's image
    // WHEN an Update from revision 2 to revision 1
    const response = await onEvent(update(OLD, PROPS));
    // THEN
    expect(calls(RegisterTaskDefinitionCommand)).toEqual([]);
    expect(calls(UpdateServiceCommand)).toEqual([]);
    expect(response.DeploymentId).toBeUndefined();
  });

  test('a template that fixes the image deploys its own revision', async () => {
    // WHEN
    await onEvent(update({ ...PROPS, ImageOwner: 'stack' }, { ...OLD, ImageOwner: 'stack' }));
    // THEN
    expect(calls(RegisterTaskDefinitionCommand)).toEqual([]);
    expect(calls(UpdateServiceCommand)).toEqual([{ cluster: 'cluster-1', service: 'Test-Orders', taskDefinition: td(2) }]);
  });

  test('Create tags the service with its stack\'s tags (a nested stack\'s root\'s too), read with DescribeStacks; its own win, aws: ones are left to AWS', async () => {
    // GIVEN a nested stack and its root, as DescribeStacks answers them
    mockCloudFormationSend.mockImplementation(async (c: any) => (c.input.StackName === ROOT_ID
      ? { Stacks: [{ StackId: ROOT_ID, Tags: [{ Key: 'team', Value: 'platform' }, { Key: 'cost-center', Value: '42' }] }] }
      : { Stacks: [{ StackId: STACK_ID, RootId: ROOT_ID, Tags: [{ Key: 'cost-center', Value: '42' }, { Key: 'aws:cloudformation:stack-name', Value: 'x' }] }] }));
    // WHEN
    await onEvent(event('Create', { ...PROPS, StackTags: [{ Key: 'cost-center', Value: '42' }] }));
    // THEN
    const [input] = calls(CreateServiceCommand);
    expect(input.tags).toEqual([{ key: 'team', value: 'orders' }, { key: 'cost-center', value: '42' }]);
    expect(input.propagateTags).toBe('SERVICE');
    // StackTags is the platform's property, not the service's
    expect(input.stackTags).toBeUndefined();
  });

  test('tags change through TagResource, not UpdateService', async () => {
    // WHEN
    await onEvent(update({ ...PROPS, TaskDefinition: td(1), Tags: [{ Key: 'team', Value: 'payments' }] }));
    // THEN
    expect(calls(UpdateServiceCommand)).toEqual([]);
    expect(calls(TagResourceCommand)).toEqual([{ resourceArn: SERVICE_ARN, tags: [{ key: 'team', value: 'payments' }] }]);
  });

  test.each([['on', 'true', undefined, true], ['off', undefined, 'true', false]])('turning ECS Exec %s replaces the tasks: only new tasks get it', async (_, next, old, sent) => {
    // WHEN
    const response = await onEvent(update({ ...PROPS, TaskDefinition: td(1), EnableExecuteCommand: next }, { ...OLD, EnableExecuteCommand: old }));
    // THEN
    expect(calls(UpdateServiceCommand)).toEqual([{ cluster: 'cluster-1', service: 'Test-Orders', enableExecuteCommand: sent, forceNewDeployment: true }]);
    expect(response.DeploymentId).toBe('ecs-svc/2');
  });

  test('a property ECS fixes at creation cannot change: the error says what to do', async () => {
    await expect(onEvent(update({ ...PROPS, ServiceName: 'Test-Other' }))).rejects.toThrow(
      'Test-Other: ServiceName cannot change on an existing ECS service (ECS fixes them when it creates the service). Keep the previous values, or give the service a new id');
    expect(calls(UpdateServiceCommand)).toEqual([]);
  });
});

describe('isComplete when AWS refuses a call for now', () => {
  // aws-cdk-lib's provider framework fails the resource at once when isComplete throws.
  test.each([
    ['ECS\'s ThrottlingException', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })],
    ['Elastic Load Balancing\'s Throttling', Object.assign(new Error('Rate exceeded'), { name: 'Throttling' })],
    ['a 503', Object.assign(new Error('Service Unavailable'), { name: 'Unknown', $metadata: { httpStatusCode: 503 } })],
  ])('%s means not complete yet, not a failed resource', async (_name, error) => {
    // GIVEN a deployment to wait for, and a throttled DescribeServices
    mockEcsSend.mockImplementationOnce(async () => { throw error; });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    // WHEN / THEN
    await expect(isComplete(event('Update', PROPS, { DeploymentId: 'ecs-svc/1' }))).resolves.toEqual({ IsComplete: false });
    // and the function's log says why (its log group in AWS)
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(`not complete yet: an AWS call was refused for now (${error.name}: ${error.message})`));
    warn.mockRestore();
  });

  test('an error that another call would meet too (access denied, a missing service) still fails the resource', async () => {
    mockEcsSend.mockImplementationOnce(async () => { throw Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }); });
    await expect(isComplete(event('Update', PROPS, { DeploymentId: 'ecs-svc/1' }))).rejects.toThrow('not authorized');
  });
});

describe('isComplete', () => {
  const waiting = (deploymentId?: string) => ({ ...update(), DeploymentId: deploymentId });

  test('waits while its deployment is in progress, and completes when it has completed', async () => {
    deployments = [{ id: 'ecs-svc/2', status: 'PRIMARY', taskDefinition: REGISTERED, rolloutState: 'IN_PROGRESS' }];
    await expect(isComplete(waiting('ecs-svc/2'))).resolves.toEqual({ IsComplete: false });
    deployments = [{ id: 'ecs-svc/2', status: 'PRIMARY', taskDefinition: REGISTERED, rolloutState: 'COMPLETED' }];
    await expect(isComplete(waiting('ecs-svc/2'))).resolves.toEqual({ IsComplete: true });
  });

  test('fails with ECS\'s reason when the deployment failed (circuit breaker, alarm, hook)', async () => {
    deployments = [{ id: 'ecs-svc/2', status: 'PRIMARY', taskDefinition: REGISTERED, rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' }];
    await expect(isComplete(waiting('ecs-svc/2'))).rejects.toThrow(
      'The ECS deployment ecs-svc/2 of Test-Orders did not complete: ECS deployment circuit breaker: tasks failed to start.. ECS keeps (or rolls back to) the tasks that ran before');
  });

  test('fails when ECS rolled the deployment back to other settings', async () => {
    // GIVEN the deployment is gone and production runs revision 1's settings again
    deployments = [{ id: 'ecs-svc/3', status: 'PRIMARY', taskDefinition: td(1), rolloutState: 'COMPLETED' }];
    await expect(isComplete(waiting('ecs-svc/2'))).rejects.toThrow('did not complete: (service Test-Orders) was unable to place a task.');
  });

  test('follows a later deployment of the same settings (the pipeline releasing an image meanwhile)', async () => {
    taskDefinitions[td(4)] = revision(td(4), 'b', 'repo:c3');
    deployments = [{ id: 'ecs-svc/3', status: 'PRIMARY', taskDefinition: td(4), rolloutState: 'COMPLETED' }];
    await expect(isComplete(waiting('ecs-svc/2'))).resolves.toEqual({ IsComplete: true });
  });

  test('an update that started no deployment is complete at once', async () => {
    await expect(isComplete(waiting(undefined))).resolves.toEqual({ IsComplete: true });
    expect(mockEcsSend).not.toHaveBeenCalled();
  });
});

test('Delete: DeleteService (force), then waits until the service is INACTIVE', async () => {
  await onEvent(event('Delete', PROPS));
  expect(calls(DeleteServiceCommand)).toEqual([{ cluster: 'cluster-1', service: SERVICE_ARN, force: true }]);
});
