import {
  BatchGetDeploymentsCommand, CreateDeploymentCommand, DeploymentInfo, GetDeploymentCommand, ListDeploymentsCommand, StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand, TagResourceCommand,
  UntagResourceCommand, UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { parse } from 'yaml';
import { isComplete, onEvent, ProviderEvent } from '../../lib/deployment/provider/handler';
import { deploymentDescription, describesTemplate, startedBy, templateDigest } from '../../lib/deployment/provider/handler/blue-green-spec';

/** The Custom::BlueGreenService handler (onEvent, isComplete), against fakes of the ECS and CodeDeploy clients. */

const mockEcsSend = jest.fn();
const mockCodeDeploySend = jest.fn();
jest.mock('@aws-sdk/client-ecs', () => ({
  ...jest.requireActual('@aws-sdk/client-ecs'),
  ECSClient: jest.fn(() => ({ send: (command: unknown) => mockEcsSend(command) })),
}));
jest.mock('@aws-sdk/client-codedeploy', () => ({
  ...jest.requireActual('@aws-sdk/client-codedeploy'),
  CodeDeployClient: jest.fn(() => ({ send: (command: unknown) => mockCodeDeploySend(command) })),
}));
const mockCloudFormationSend = jest.fn();
jest.mock('@aws-sdk/client-cloudformation', () => ({
  ...jest.requireActual('@aws-sdk/client-cloudformation'),
  CloudFormationClient: jest.fn(() => ({ send: (command: unknown) => mockCloudFormationSend(command) })),
}));
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Test-OrdersStack-ABC/1';

const TD_V1 = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/orders:1';
const TD_V2 = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/orders:2';
const TD_PIPELINE = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/orders:3';
const SERVICE_ARN = 'arn:aws:ecs:eu-west-1:111111111111:service/cluster-1/Test-Orders';
const TG = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/blue/1';
const SMOKE = 'arn:aws:lambda:eu-west-1:111111111111:function:smoke';

// CloudFormation passes every scalar property as a string.
const PROPS = {
  ServiceToken: 'arn:fn',
  ClusterName: 'cluster-1',
  ServiceName: 'Test-Orders',
  TaskDefinition: TD_V2,
  DesiredCount: '0',
  ContainerName: 'app',
  ContainerPort: '8080',
  TargetGroupArn: TG,
  Subnets: ['subnet-a', 'subnet-b'],
  SecurityGroups: ['sg-1'],
  AssignPublicIp: 'DISABLED',
  CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Base: '1', Weight: '1' }, { CapacityProvider: 'FARGATE_SPOT', Base: '0', Weight: '3' }],
  HealthCheckGracePeriodSeconds: '60',
  MinimumHealthyPercent: '100',
  MaximumPercent: '200',
  PropagateTags: 'SERVICE',
  EnableECSManagedTags: 'true',
  Tags: [{ Key: 'team', Value: 'orders' }],
  ApplicationName: 'app-1',
  DeploymentGroupName: 'Test-Orders',
  Hooks: [{ Event: 'AfterAllowTestTraffic', FunctionArn: SMOKE }],
  ImageOwner: 'pipeline',
  Confirm: 'DEPLOYMENT_END',
  ExpectedMinutes: '12',
};
const OLD = { ...PROPS, TaskDefinition: TD_V1 };
const LIVE_CAPACITY = [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', base: 0, weight: 3 }];

function event(requestType: 'Create' | 'Update' | 'Delete', properties: Record<string, unknown>, extra: Partial<ProviderEvent> = {}): ProviderEvent {
  return {
    RequestType: requestType,
    RequestId: '4a5e7c1e-0b7d-4c55-9d1f-6f2f5a8e9b10',
    StackId: STACK_ID,
    LogicalResourceId: 'OrdersBlueGreenService',
    ResourceProperties: properties,
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: SERVICE_ARN }),
    ...extra,
  };
}

/** An Update from OLD to PROPS (or the given properties), as isComplete receives it after onEvent. */
function update(properties: Record<string, unknown> = PROPS, old: Record<string, unknown> = OLD, extra: Partial<ProviderEvent> = {}): ProviderEvent {
  return event('Update', properties, { OldResourceProperties: old, StartedAt: Date.now(), ...extra });
}

/** A task set or service as ECS describes it, running `taskDefinition` with PROPS' network and capacity. */
function running(taskDefinition: string): Record<string, unknown> {
  return {
    status: 'PRIMARY',
    taskDefinition,
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-b', 'subnet-a'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } },
    capacityProviderStrategy: LIVE_CAPACITY,
  };
}

/** ECS: one ACTIVE service whose PRIMARY task set is `primary`; task definitions by ARN. */
let ecsState: { service?: Record<string, unknown>; taskDefinitions: Record<string, Record<string, unknown>> };
/** CodeDeploy: the deployments of the group. */
let deployments: DeploymentInfo[];

function serviceRunning(taskDefinition: string, extra: Record<string, unknown> = {}): void {
  ecsState.service = { status: 'ACTIVE', serviceArn: SERVICE_ARN, desiredCount: 4, taskSets: [running(taskDefinition)], ...extra };
}

function calls(mock: jest.Mock, type: new (...args: any[]) => unknown): any[] {
  return mock.mock.calls.map(([command]) => command).filter((c) => c instanceof type).map((c) => c.input);
}

/** Revisions 1 and 2 as ECS describes them: 2 changed an environment variable. */
function revision(arn: string, mode: string): Record<string, unknown> {
  return { taskDefinitionArn: arn, family: 'orders', cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'repo:abc', environment: [{ name: 'MODE', value: mode }] }] };
}

beforeEach(() => {
  mockCloudFormationSend.mockReset().mockResolvedValue({ Stacks: [{ StackId: STACK_ID, StackName: 'Test-OrdersStack-ABC', Tags: [] }] });
  ecsState = { taskDefinitions: { [TD_V1]: revision(TD_V1, 'a'), [TD_V2]: revision(TD_V2, 'b') } };
  deployments = [];
  mockEcsSend.mockReset().mockImplementation(async (command: any) => {
    if (command instanceof DescribeServicesCommand) return { services: ecsState.service ? [ecsState.service] : [], failures: [] };
    if (command instanceof DescribeTaskDefinitionCommand) return { taskDefinition: ecsState.taskDefinitions[command.input.taskDefinition!] };
    if (command instanceof RegisterTaskDefinitionCommand) return { taskDefinition: { ...command.input, taskDefinitionArn: 'arn:aws:ecs:eu-west-1:111111111111:task-definition/orders:4' } };
    if (command instanceof CreateServiceCommand) return { service: { serviceArn: `arn:aws:ecs:eu-west-1:111111111111:service/${command.input.cluster}/${command.input.serviceName}` } };
    return {};
  });
  mockCodeDeploySend.mockReset().mockImplementation(async (command: any) => {
    if (command instanceof ListDeploymentsCommand) {
      const { includeOnlyStatuses, createTimeRange } = command.input;
      return {
        deployments: deployments
          .filter((d) => !includeOnlyStatuses || includeOnlyStatuses.includes(d.status!))
          .filter((d) => !createTimeRange?.start || d.createTime! >= createTimeRange.start)
          .map((d) => d.deploymentId),
      };
    }
    if (command instanceof GetDeploymentCommand) return { deploymentInfo: deployments.find((d) => d.deploymentId === command.input.deploymentId) };
    if (command instanceof BatchGetDeploymentsCommand) {
      // "The maximum number of deployment IDs you can specify is 25."
      if (command.input.deploymentIds!.length > 25) throw Object.assign(new Error('The maximum number of names or IDs allowed for this request was exceeded.'), { name: 'BatchLimitExceededException' });
      return { deploymentsInfo: deployments.filter((d) => command.input.deploymentIds!.includes(d.deploymentId!)) };
    }
    if (command instanceof CreateDeploymentCommand) {
      deployments.push({ deploymentId: 'd-NEW', status: 'Created', createTime: new Date(), description: command.input.description, revision: command.input.revision });
      return { deploymentId: 'd-NEW' };
    }
    return {};
  });
});

describe('onEvent', () => {
  test('Create: CreateService with the CODE_DEPLOY controller, the blue target group, no public IP and the initial count', async () => {
    // WHEN
    const response = await onEvent(event('Create', PROPS));
    // THEN
    const [input] = calls(mockEcsSend, CreateServiceCommand);
    expect(input).toEqual({
      cluster: 'cluster-1',
      serviceName: 'Test-Orders',
      taskDefinition: TD_V2,
      desiredCount: 0,
      clientToken: '4a5e7c1e-0b7d-4c55-9d1f-6f2f5a8e9b10',
      deploymentController: { type: 'CODE_DEPLOY' },
      loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 8080 }],
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } },
      capacityProviderStrategy: LIVE_CAPACITY,
      healthCheckGracePeriodSeconds: 60,
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
      schedulingStrategy: 'REPLICA',
      propagateTags: 'SERVICE',
      enableECSManagedTags: true,
      tags: [{ key: 'team', value: 'orders' }],
    });
    expect(mockCodeDeploySend).not.toHaveBeenCalled();
    expect(response).toEqual({ PhysicalResourceId: SERVICE_ARN, Data: { ServiceName: 'Test-Orders', ServiceArn: SERVICE_ARN } });
  });

  test('Create without a capacity provider strategy uses the FARGATE launch type', async () => {
    // WHEN
    await onEvent(event('Create', { ...PROPS, CapacityProviderStrategy: undefined }));
    // THEN
    const [input] = calls(mockEcsSend, CreateServiceCommand);
    expect(input.launchType).toBe('FARGATE');
    expect(input.capacityProviderStrategy).toBeUndefined();
  });

  test('Update sends UpdateService only the allowed fields that changed: never task definition, network, load balancers or desired count', async () => {
    // GIVEN a new task definition, subnets, desired count, grace period and minimum healthy percent
    serviceRunning(TD_V1);
    const next = { ...PROPS, Subnets: ['subnet-c'], DesiredCount: '7', HealthCheckGracePeriodSeconds: '120', MinimumHealthyPercent: '50' };
    // WHEN
    const response = await onEvent(update(next, OLD));
    // THEN exactly the grace period and the deployment configuration
    expect(calls(mockEcsSend, UpdateServiceCommand)).toEqual([{
      cluster: 'cluster-1',
      service: 'Test-Orders',
      healthCheckGracePeriodSeconds: 120,
      deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 },
    }]);
    // and no deployment yet: isComplete starts it
    expect(mockCodeDeploySend).not.toHaveBeenCalled();
    expect(response).toMatchObject({ PhysicalResourceId: SERVICE_ARN, Data: { ServiceName: 'Test-Orders', ServiceArn: SERVICE_ARN } });
    expect(typeof response.StartedAt).toBe('number');
  });

  test('Update of the task definition or desired count alone calls no UpdateService', async () => {
    // GIVEN
    serviceRunning(TD_V1);
    // WHEN
    await onEvent(update({ ...PROPS, DesiredCount: '9' }, OLD));
    // THEN
    expect(calls(mockEcsSend, UpdateServiceCommand)).toEqual([]);
  });

  test('Update of the tags tags and untags the service', async () => {
    // GIVEN one tag changed, one added, one removed
    serviceRunning(TD_V1);
    const old = { ...OLD, Tags: [{ Key: 'team', Value: 'carts' }, { Key: 'legacy', Value: 'yes' }] };
    // WHEN
    await onEvent(update({ ...PROPS, Tags: [{ Key: 'team', Value: 'orders' }, { Key: 'tier', Value: 'web' }] }, old));
    // THEN
    expect(calls(mockEcsSend, UntagResourceCommand)).toEqual([{ resourceArn: SERVICE_ARN, tagKeys: ['legacy'] }]);
    expect(calls(mockEcsSend, TagResourceCommand)).toEqual([{ resourceArn: SERVICE_ARN, tags: [{ key: 'team', value: 'orders' }, { key: 'tier', value: 'web' }] }]);
  });

  test('Create and Update tag the service with its stack\'s tags too (a custom resource gets none from CloudFormation), read when they run', async () => {
    // GIVEN the stack's tags (cdk deploy --tags, or the app's stack tags), one of them also the resource's own
    mockCloudFormationSend.mockResolvedValue({ Stacks: [{ StackId: STACK_ID, Tags: [{ Key: 'cost-center', Value: '42' }, { Key: 'team', Value: 'platform' }] }] });
    // WHEN
    await onEvent(event('Create', PROPS));
    // THEN the service carries both, its own winning (as on a resource CloudFormation tags)
    expect(calls(mockEcsSend, CreateServiceCommand)[0].tags).toEqual([{ key: 'cost-center', value: '42' }, { key: 'team', value: 'orders' }]);
    expect(mockCloudFormationSend.mock.calls.map(([c]) => c.input)).toEqual([{ StackName: STACK_ID }]);
    // WHEN an update removes a stack tag the app had set
    serviceRunning(TD_V1);
    mockEcsSend.mockClear();
    mockCloudFormationSend.mockResolvedValue({ Stacks: [{ StackId: STACK_ID, Tags: [{ Key: 'cost-center', Value: '43' }] }] });
    await onEvent(update(PROPS, { ...OLD, StackTags: [{ Key: 'cost-center', Value: '42' }, { Key: 'owner', Value: 'ops' }] }));
    // THEN
    expect(calls(mockEcsSend, UntagResourceCommand)).toEqual([{ resourceArn: SERVICE_ARN, tagKeys: ['owner'] }]);
    expect(calls(mockEcsSend, TagResourceCommand)).toEqual([{ resourceArn: SERVICE_ARN, tags: [{ key: 'cost-center', value: '43' }] }]);
  });

  test('Update of the target group fails with what to do, and changes nothing', async () => {
    // GIVEN a replaced target group (for example a new container port)
    serviceRunning(TD_V1);
    // WHEN / THEN
    await expect(onEvent(update({ ...PROPS, TargetGroupArn: `${TG}-new` }, OLD))).rejects.toThrow(
      'Test-Orders: TargetGroupArn cannot change on a service deployed by CodeDeploy (ECS keeps the target group, container name and port the service was created with, '
      + 'and CodeDeploy deploys only into its deployment group\'s target groups). Keep the previous values, or give the service a new id so that a new service is created '
      + '(and the old one deleted) in the next cdk deploy.');
    expect(calls(mockEcsSend, UpdateServiceCommand)).toEqual([]);
  });

  test('Create with ECS Exec: CreateService turns it on (the one call that can)', async () => {
    // WHEN
    await onEvent(event('Create', { ...PROPS, EnableExecuteCommand: 'true' }));
    // THEN
    const [input] = calls(mockEcsSend, CreateServiceCommand);
    expect(input.enableExecuteCommand).toBe(true);
  });

  test.each([['on', 'true', undefined], ['off', undefined, 'true']])('Update turning ECS Exec %s fails with what to do, and changes nothing', async (way, next, old) => {
    // GIVEN a service created with the old setting (UpdateService of a CODE_DEPLOY service refuses
    // enableExecuteCommand; a task set takes the service's)
    serviceRunning(TD_V1, { enableExecuteCommand: old === 'true' });
    // WHEN / THEN
    await expect(onEvent(update({ ...PROPS, EnableExecuteCommand: next }, { ...OLD, EnableExecuteCommand: old }))).rejects.toThrow(
      `Test-Orders: ECS Exec (enableExec) cannot be turned ${way} on a service deployed by CodeDeploy: ECS sets it when it creates the service, `
      + 'and neither UpdateService nor a CodeDeploy deployment changes it for a CODE_DEPLOY service. '
      + `Keep enableExec ${old === 'true'}, or give the service a new id so that a new service is created with it (and the old one deleted) in the next cdk deploy.`);
    expect(calls(mockEcsSend, UpdateServiceCommand)).toEqual([]);
    expect(mockCodeDeploySend).not.toHaveBeenCalled();
  });

  test('Update back to the ECS Exec setting the service has (CloudFormation rolling back a refused change) changes nothing and succeeds', async () => {
    // GIVEN a service created without ECS Exec, whose update to turn it on was refused
    serviceRunning(TD_V1, { enableExecuteCommand: false });
    // WHEN CloudFormation's rollback sends the previous properties back
    const response = await onEvent(update({ ...PROPS, EnableExecuteCommand: undefined }, { ...OLD, EnableExecuteCommand: 'true' }));
    // THEN
    expect(response.PhysicalResourceId).toBe(SERVICE_ARN);
    expect(calls(mockEcsSend, UpdateServiceCommand)).toEqual([]);
  });

  test('Update of the service name creates the new service (CloudFormation then deletes the old one)', async () => {
    // WHEN
    const response = await onEvent(update({ ...PROPS, ServiceName: 'Test-Orders2' }, OLD));
    // THEN
    expect(calls(mockEcsSend, CreateServiceCommand)).toHaveLength(1);
    expect(response.PhysicalResourceId).toBe('arn:aws:ecs:eu-west-1:111111111111:service/cluster-1/Test-Orders2');
  });

  test('Update of a service that no longer exists fails with the reason', async () => {
    // WHEN / THEN (no service)
    await expect(onEvent(update())).rejects.toThrow('The ECS service Test-Orders does not exist in cluster cluster-1');
  });

  test('Delete deletes the service by its ARN, with force', async () => {
    // WHEN
    const response = await onEvent(event('Delete', PROPS));
    // THEN
    expect(calls(mockEcsSend, DeleteServiceCommand)).toEqual([{ cluster: 'cluster-1', service: SERVICE_ARN, force: true }]);
    expect(response).toEqual({ PhysicalResourceId: SERVICE_ARN });
  });

  test('Delete of a resource whose Create never made a service calls nothing', async () => {
    // WHEN
    await onEvent(event('Delete', PROPS, { PhysicalResourceId: 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED' }));
    // THEN
    expect(mockEcsSend).not.toHaveBeenCalled();
  });

  test('Delete of a service that is already gone succeeds', async () => {
    // GIVEN
    const gone = new Error('Service not found.');
    gone.name = 'ServiceNotFoundException';
    mockEcsSend.mockRejectedValueOnce(gone);
    // WHEN / THEN
    await expect(onEvent(event('Delete', PROPS))).resolves.toEqual({ PhysicalResourceId: SERVICE_ARN });
  });
});

describe('isComplete of an Update that changes the task definition', () => {
  test('starts exactly one deployment, with the new task definition, network, capacity and hooks in its appspec', async () => {
    // GIVEN production runs revision 1 and the group is idle
    serviceRunning(TD_V1);
    // WHEN
    const result = await isComplete(update());
    // THEN
    expect(result).toEqual({ IsComplete: false });
    const created = calls(mockCodeDeploySend, CreateDeploymentCommand);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      applicationName: 'app-1',
      deploymentGroupName: 'Test-Orders',
      description: `cdk-container-platform 4a5e7c1e-0b7d-4c55-9d1f-6f2f5a8e9b10 of ${templateDigest(TD_V2)}`,
      revision: { revisionType: 'AppSpecContent' },
    });
    const content: string = created[0].revision.appSpecContent.content;
    expect(content.split('\n')[0]).toBe('version: 0.0');
    const appspec = parse(content);
    expect(appspec.Resources).toEqual([{
      TargetService: {
        Type: 'AWS::ECS::Service',
        Properties: {
          TaskDefinition: TD_V2,
          LoadBalancerInfo: { ContainerName: 'app', ContainerPort: 8080 },
          NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-a', 'subnet-b'], SecurityGroups: ['sg-1'], AssignPublicIp: 'DISABLED' } },
          CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Base: 1, Weight: 1 }, { CapacityProvider: 'FARGATE_SPOT', Base: 0, Weight: 3 }],
        },
      },
    }]);
    expect(appspec.Hooks).toEqual([{ AfterAllowTestTraffic: SMOKE }]);
  });

  describe('when the pipeline deployed a newer image while the cdk deploy waited', () => {
    // Production runs the pipeline's revision 3 (image repo:def); the template's revision 2
    // carries repo:abc, the image Custom::DeployedState read before the deploy waited.
    const TD_REGISTERED = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/orders:4';
    const withLiveImage = (image: string) => {
      ecsState.taskDefinitions[TD_PIPELINE] = { ...revision(TD_PIPELINE, 'a'), revision: 3, status: 'ACTIVE', registeredAt: new Date() };
      (ecsState.taskDefinitions[TD_PIPELINE].containerDefinitions as Array<Record<string, unknown>>)[0].image = image;
      serviceRunning(TD_PIPELINE);
    };

    test('deploys the template\'s settings with production\'s image, registered as a new revision', async () => {
      // GIVEN
      withLiveImage('repo:def');
      // WHEN
      await isComplete(update());
      // THEN the registered revision is revision 2's settings with production's image, and no registration fields
      const [registered] = calls(mockEcsSend, RegisterTaskDefinitionCommand);
      expect(registered).toEqual({ family: 'orders', cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'repo:def', environment: [{ name: 'MODE', value: 'b' }] }] });
      const [created] = calls(mockCodeDeploySend, CreateDeploymentCommand);
      expect(parse(created.revision.appSpecContent.content).Resources[0].TargetService.Properties.TaskDefinition).toBe(TD_REGISTERED);
      // The description still names the template's revision: a rollback finds the deployment by it.
      expect(created.description).toMatch(new RegExp(` of ${templateDigest(TD_V2)}$`));
    });

    test('once that revision runs, a retried request is complete without another deployment', async () => {
      // GIVEN
      withLiveImage('repo:def');
      await isComplete(update());
      deployments[0].status = 'Succeeded';
      ecsState.taskDefinitions[TD_REGISTERED] = { ...revision(TD_REGISTERED, 'b'), containerDefinitions: [{ name: 'app', image: 'repo:def', environment: [{ name: 'MODE', value: 'b' }] }] };
      serviceRunning(TD_REGISTERED);
      // WHEN
      const result = await isComplete(update(PROPS, OLD, { RequestId: 'a-later-request' }));
      // THEN
      expect(result).toEqual({ IsComplete: true });
      expect(calls(mockCodeDeploySend, CreateDeploymentCommand)).toHaveLength(1);
    });

    test('an image of another repository is not the pipeline\'s: the template\'s revision is deployed', async () => {
      // GIVEN
      withLiveImage('public.ecr.aws/other/image:1');
      // WHEN
      await isComplete(update());
      // THEN
      expect(calls(mockEcsSend, RegisterTaskDefinitionCommand)).toHaveLength(0);
      const [created] = calls(mockCodeDeploySend, CreateDeploymentCommand);
      expect(parse(created.revision.appSpecContent.content).Resources[0].TargetService.Properties.TaskDefinition).toBe(TD_V2);
    });

    test('a template that fixes the image (ImageOwner stack) is deployed as it is', async () => {
      // GIVEN
      withLiveImage('repo:def');
      // WHEN
      await isComplete(update({ ...PROPS, ImageOwner: 'stack' }, { ...OLD, ImageOwner: 'stack' }));
      // THEN
      expect(calls(mockEcsSend, RegisterTaskDefinitionCommand)).toHaveLength(0);
      expect(calls(mockCodeDeploySend, CreateDeploymentCommand)).toHaveLength(1);
    });
  });

  test('a retried event while its deployment runs starts none', async () => {
    // GIVEN the first attempt started the deployment
    serviceRunning(TD_V1);
    await isComplete(update());
    // WHEN the same request comes again (same RequestId)
    const result = await isComplete(update());
    // THEN
    expect(result).toEqual({ IsComplete: false });
    expect(calls(mockCodeDeploySend, CreateDeploymentCommand)).toHaveLength(1);
  });

  test('completes when its deployment has succeeded', async () => {
    // GIVEN
    serviceRunning(TD_V1);
    await isComplete(update());
    deployments[0] = { ...deployments[0], status: 'Succeeded' };
    serviceRunning(TD_V2);
    // WHEN / THEN
    await expect(isComplete(update())).resolves.toEqual({ IsComplete: true });
    expect(calls(mockCodeDeploySend, CreateDeploymentCommand)).toHaveLength(1);
  });

  test.each(['Failed', 'Stopped'])('fails with CodeDeploy\'s error when its deployment %s, saying CodeDeploy rolled back', async (status) => {
    // GIVEN
    serviceRunning(TD_V1);
    await isComplete(update());
    deployments[0] = { ...deployments[0], status: status as DeploymentInfo['status'], errorInformation: { code: 'HOOK_FAILED' as any, message: 'The AfterAllowTestTraffic hook failed' } };
    // WHEN / THEN
    await expect(isComplete(update())).rejects.toThrow(
      `CodeDeploy deployment d-NEW of ${TD_V2} to Test-Orders ended ${status} (HOOK_FAILED): The AfterAllowTestTraffic hook failed. `
      + 'CodeDeploy rolled production back to the task set that ran before, and CloudFormation rolls this update back.');
  });

  test('reports a failure only once CodeDeploy\'s rollback deployment has finished', async () => {
    // GIVEN a failed deployment whose rollback still runs
    serviceRunning(TD_V1);
    await isComplete(update());
    deployments[0] = { ...deployments[0], status: 'Failed', rollbackInfo: { rollbackDeploymentId: 'd-ROLLBACK' } };
    deployments.push({ deploymentId: 'd-ROLLBACK', status: 'InProgress', createTime: new Date(), description: 'rollback' });
    // WHEN / THEN it waits
    await expect(isComplete(update())).resolves.toEqual({ IsComplete: false });
    // WHEN the rollback has finished / THEN it fails
    deployments[1] = { ...deployments[1], status: 'Succeeded' };
    await expect(isComplete(update())).rejects.toThrow('ended Failed');
  });

  test('with a termination wait longer than cdk deploy can wait, completes once production traffic has moved', async () => {
    // GIVEN its deployment is still in progress (the termination wait) and green is PRIMARY
    serviceRunning(TD_V1);
    const long = { ...PROPS, Confirm: 'TRAFFIC_SHIFTED' };
    await isComplete(update(long));
    deployments[0] = { ...deployments[0], status: 'InProgress' };
    // WHEN traffic has not moved yet / THEN it waits
    await expect(isComplete(update(long))).resolves.toEqual({ IsComplete: false });
    // WHEN green serves production / THEN complete
    serviceRunning(TD_V2);
    await expect(isComplete(update(long))).resolves.toEqual({ IsComplete: true });
    // AND with the default confirmation it would still wait for the end
    await expect(isComplete(update())).resolves.toEqual({ IsComplete: false });
  });
});

describe('isComplete deploys nothing', () => {
  test('for a rollback-shaped Update whose task definition production already runs', async () => {
    // GIVEN CloudFormation rolls back from revision 2 to 1, and CodeDeploy had rolled back to 1
    serviceRunning(TD_V1);
    // WHEN
    const result = await isComplete(update(OLD, PROPS));
    // THEN
    expect(result).toEqual({ IsComplete: true });
    expect(calls(mockCodeDeploySend, CreateDeploymentCommand)).toEqual([]);
    expect(calls(mockCodeDeploySend, StopDeploymentCommand)).toEqual([]);
  });

  test('when production runs the pipeline\'s revision of the same settings with its own image', async () => {
    // GIVEN the pipeline deployed revision 3: revision 1's settings with a newer image
    serviceRunning(TD_PIPELINE);
    const settings = { family: 'orders', cpu: '256', memory: '512', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'] };
    ecsState.taskDefinitions[TD_V1] = { ...settings, taskDefinitionArn: TD_V1, revision: 1, containerDefinitions: [{ name: 'app', image: 'repo:old', environment: [{ name: 'MODE', value: 'a' }] }] };
    ecsState.taskDefinitions[TD_PIPELINE] = { ...settings, taskDefinitionArn: TD_PIPELINE, revision: 3, registeredBy: 'codebuild', containerDefinitions: [{ name: 'app', image: 'repo:new', environment: [{ name: 'MODE', value: 'a' }] }] };
    // WHEN CloudFormation rolls back to revision 1
    const result = await isComplete(update(OLD, PROPS));
    // THEN the pipeline's image stays
    expect(result).toEqual({ IsComplete: true });
    expect(calls(mockCodeDeploySend, CreateDeploymentCommand)).toEqual([]);
  });

  test('but deploys when that revision\'s settings differ', async () => {
    // GIVEN the template's revision has another environment
    serviceRunning(TD_PIPELINE);
    const settings = { family: 'orders', cpu: '256', memory: '512' };
    ecsState.taskDefinitions[TD_PIPELINE] = { ...settings, containerDefinitions: [{ name: 'app', image: 'repo:new', environment: [{ name: 'MODE', value: 'a' }] }] };
    ecsState.taskDefinitions[TD_V2] = { ...settings, containerDefinitions: [{ name: 'app', image: 'repo:new', environment: [{ name: 'MODE', value: 'b' }] }] };
    // WHEN
    await isComplete(update());
    // THEN
    expect(calls(mockCodeDeploySend, CreateDeploymentCommand)).toHaveLength(1);
  });

  test('when the Update changes nothing CodeDeploy deploys', async () => {
    // WHEN only the grace period changed
    const result = await isComplete(update({ ...OLD, HealthCheckGracePeriodSeconds: '90' }, OLD));
    // THEN no call at all
    expect(result).toEqual({ IsComplete: true });
    expect(mockEcsSend).not.toHaveBeenCalled();
    expect(mockCodeDeploySend).not.toHaveBeenCalled();
  });

  test('while another deployment of the group runs: it waits', async () => {
    // GIVEN the pipeline's deployment is in progress
    serviceRunning(TD_V1);
    deployments.push({ deploymentId: 'd-PIPELINE', status: 'InProgress', createTime: new Date(), description: 'CodePipeline' });
    // WHEN
    const result = await isComplete(update());
    // THEN
    expect(result).toEqual({ IsComplete: false });
    expect(calls(mockCodeDeploySend, CreateDeploymentCommand)).toEqual([]);
    // WHEN it has finished / THEN this one starts
    deployments[0] = { ...deployments[0], status: 'Succeeded' };
    await isComplete(update());
    expect(calls(mockCodeDeploySend, CreateDeploymentCommand)).toHaveLength(1);
  });

  test('and gives up with a reason when the wait leaves too little time for its own deployment', async () => {
    // GIVEN 50 minutes of waiting and a 12-minute deployment
    serviceRunning(TD_V1);
    deployments.push({ deploymentId: 'd-PIPELINE', status: 'InProgress', createTime: new Date(), description: 'CodePipeline' });
    // WHEN / THEN
    await expect(isComplete(update(PROPS, OLD, { StartedAt: Date.now() - 50 * 60_000 }))).rejects.toThrow(
      'Test-Orders: the deployment group is still busy with d-PIPELINE (InProgress) after 50 minutes; this cdk deploy cannot wait longer');
  });

  test('reads the group\'s deployments 25 at a time with BatchGetDeployments, not one GetDeployment each', async () => {
    // GIVEN 30 deployments of the group in the last two hours, one of them running
    // https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_BatchGetDeployments.html ("The maximum number of deployment IDs you can specify is 25")
    serviceRunning(TD_V1);
    for (let i = 0; i < 30; i++) {
      deployments.push({ deploymentId: `d-${i}`, status: i === 29 ? 'InProgress' : 'Succeeded', createTime: new Date(Date.now() - i * 60_000), description: 'CodePipeline' });
    }
    // WHEN
    await expect(isComplete(update())).resolves.toEqual({ IsComplete: false });
    // THEN two requests (25 and 5 IDs), and none per deployment
    expect(calls(mockCodeDeploySend, BatchGetDeploymentsCommand).map((c) => c.deploymentIds.length)).toEqual([25, 5]);
    expect(calls(mockCodeDeploySend, GetDeploymentCommand)).toEqual([]);
  });

  test('when CodeDeploy refuses a second deployment in a race, it waits instead of failing', async () => {
    // GIVEN
    serviceRunning(TD_V1);
    const busy = new Error('The Deployment Group Test-Orders already has an active Deployment d-XYZ');
    busy.name = 'DeploymentLimitExceededException';
    const fake = mockCodeDeploySend.getMockImplementation()!;
    mockCodeDeploySend.mockImplementation(async (command: any) => {
      if (command instanceof CreateDeploymentCommand) throw busy;
      return fake(command);
    });
    // WHEN / THEN
    await expect(isComplete(update())).resolves.toEqual({ IsComplete: false });
  });
});

describe('the description of the deployment a request starts', () => {
  test('stays within the 100 characters older CodeDeploy documentation allows (256 now), whatever the task definition\'s ARN', () => {
    // CreateDeployment refuses a longer one (DescriptionTooLongException); task definition ARNs
    // run to 255 characters of family alone.
    // https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html ("Maximum number of characters in a deployment description")
    const long = `arn:aws:ecs:ap-southeast-5:111111111111:task-definition/${'Platform'.repeat(30)}:123456`;
    const description = deploymentDescription('4a5e7c1e-0b7d-4c55-9d1f-6f2f5a8e9b10', long);
    expect(description.length).toBeLessThanOrEqual(100);
    // AND it still says which template's deployment it is (and which request started it)
    expect(describesTemplate(description, long)).toBe(true);
    expect(describesTemplate(description, `${long}0`)).toBe(false);
    expect(startedBy(description, '4a5e7c1e-0b7d-4c55-9d1f-6f2f5a8e9b10')).toBe(true);
    // A deployment an earlier version started, named by the ARN, is found as well.
    expect(describesTemplate(`cdk-container-platform 4a5e7c1e-0b7d-4c55-9d1f-6f2f5a8e9b10 of ${long}`, long)).toBe(true);
  });
});

describe('isComplete of CloudFormation\'s rollback while the failed update\'s deployment still runs', () => {
  test('stops that deployment with rollback and starts none', async () => {
    // GIVEN this platform's deployment of revision 2 (another request) still runs; production runs 1
    serviceRunning(TD_V1);
    deployments.push({
      deploymentId: 'd-OURS', status: 'InProgress', createTime: new Date(), description: 'cdk-container-platform 0d7c6a58-other-request',
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: `version: 0.0\nResources:\n  - TargetService:\n      Properties:\n        TaskDefinition: "${TD_V2}"\n` } },
    });
    // WHEN CloudFormation rolls back from 2 to 1
    const result = await isComplete(update(OLD, PROPS));
    // THEN
    expect(result).toEqual({ IsComplete: false });
    expect(calls(mockCodeDeploySend, StopDeploymentCommand)).toEqual([{ deploymentId: 'd-OURS', autoRollbackEnabled: true }]);
    expect(calls(mockCodeDeploySend, CreateDeploymentCommand)).toEqual([]);
  });
});

describe('isComplete of Create and Delete', () => {
  test('Create is complete at once', async () => {
    await expect(isComplete(event('Create', PROPS, { PhysicalResourceId: SERVICE_ARN }))).resolves.toEqual({ IsComplete: true });
    expect(mockEcsSend).not.toHaveBeenCalled();
  });

  test('Delete waits while the service is DRAINING, and completes once it is INACTIVE', async () => {
    // GIVEN
    ecsState.service = { status: 'DRAINING', serviceArn: SERVICE_ARN };
    // WHEN / THEN
    await expect(isComplete(event('Delete', PROPS))).resolves.toEqual({ IsComplete: false });
    expect(calls(mockEcsSend, DescribeServicesCommand)).toEqual([{ cluster: 'cluster-1', services: [SERVICE_ARN] }]);
    ecsState.service = { status: 'INACTIVE', serviceArn: SERVICE_ARN };
    await expect(isComplete(event('Delete', PROPS))).resolves.toEqual({ IsComplete: true });
  });
});
