import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Deployment, Microservice, Routing, ServiceOptions, Source, TrafficShift } from '../../lib';
import { newPlatform, templateOf } from '../util';
import { CfnResource, logicalId, resource, resourcesOfType, serviceFixture } from './helpers';

/** Who owns the task definition (DESIGN.md, hard problem 1): what `cdk deploy` changes and what it never touches. */

const TD = 'AWS::ECS::TaskDefinition';
const SERVICE = 'AWS::ECS::Service';
const STATE = 'Custom::DeployedState';
const ROLLOUT = 'Custom::BlueGreenRollout';

function stateOf(template: Template): { id: string; resource: CfnResource } {
  return resource(template, STATE, 'PlatformOrders');
}

/** The Settings digest of the Orders service synthesized with `options`. */
function settingsOf(options: Partial<ServiceOptions> | ((stack: Stack) => Partial<ServiceOptions>)): string {
  const settings = stateOf(serviceFixture(options).template).resource.Properties!.Settings;
  expect(typeof settings).toBe('string');
  return settings;
}

describe('a blue/green service whose image comes from its pipeline', () => {
  let template: Template;
  let stateId: string;
  let state: CfnResource;
  beforeAll(() => {
    template = serviceFixture({ deployment: Deployment.blueGreen(), source: Source.codeCommit() }).template;
    ({ id: stateId, resource: state } = stateOf(template));
  });

  test('has one Custom::DeployedState answered by the platform\'s service-state function', () => {
    // GIVEN / WHEN a blue/green service with a source
    // THEN
    expect(state.Properties!.ServiceToken).toEqual({ 'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Function', 'PlatformServiceStateFunction'), 'Arn'] });
    expect(state.Properties).toMatchObject({ ServiceName: 'Test-Orders', ContainerName: 'app', ClusterName: { Ref: logicalId(template, 'AWS::ECS::Cluster') } });
  });

  test('runs the image DeployedState reads back, never a fixed one', () => {
    // THEN the task definition's container image is the Image attribute
    const td = resource(template, TD, 'PlatformOrders').resource;
    expect(td.Properties!.ContainerDefinitions[0].Image).toEqual({ 'Fn::GetAtt': [stateId, 'Image'] });
  });

  test('boots from the bootstrap tag of its own repository', () => {
    // THEN the bootstrap image is `<repository uri>:bootstrap`
    const repository = logicalId(template, 'AWS::ECR::Repository', 'PlatformOrders');
    const parts = state.Properties!.BootstrapImage['Fn::Join'][1] as unknown[];
    expect(parts[parts.length - 1]).toBe(':bootstrap');
    expect(parts).toContainEqual({ Ref: repository });
    expect(parts).toContainEqual('.dkr.ecr.');
  });

  test('starts with 0 tasks, because the repository is empty on the first deploy', () => {
    expect(state.Properties!.InitialDesiredCount).toBe(0);
  });

  test('takes its desired count from DeployedState, so cdk deploy never resets what auto scaling set', () => {
    const service = resource(template, SERVICE, 'PlatformOrders').resource;
    expect(service.Properties!.DesiredCount).toEqual({ 'Fn::GetAtt': [stateId, 'DesiredCount'] });
    expect(service.DependsOn).toContain(stateId);
  });

  test('gets its task definition from the rollout, never from the task definition itself', () => {
    // THEN CloudFormation sees the rollout's pinned ARN, which never changes
    const rolloutId = logicalId(template, ROLLOUT, 'PlatformOrders');
    const service = resource(template, SERVICE, 'PlatformOrders').resource;
    expect(service.Properties!.TaskDefinition).toEqual({ 'Fn::GetAtt': [rolloutId, 'ServiceTaskDefinition'] });
    expect(service.Properties!.DeploymentController).toEqual({ Type: 'CODE_DEPLOY' });
  });

  test('hands every new task-definition revision to the rollout, which deploys it blue/green', () => {
    const rollout = resource(template, ROLLOUT, 'PlatformOrders').resource;
    expect(rollout.Properties!.TaskDefinitionArn).toEqual({ Ref: logicalId(template, TD, 'PlatformOrders') });
    expect(rollout.Properties).toMatchObject({
      ServiceName: 'Test-Orders',
      DeploymentGroupName: 'Test-Orders',
      ApplicationName: { Ref: logicalId(template, 'AWS::CodeDeploy::Application') },
      ContainerName: 'app',
      ContainerPort: 8080,
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Base: 0, Weight: 1 }],
    });
  });

  test('lets the service-state function start deployments of exactly this platform\'s deployment groups', () => {
    // THEN
    const fnRole = logicalId(template, 'AWS::IAM::Role', 'PlatformServiceStateFunctionRole');
    const policy = resource(template, 'AWS::IAM::Policy', 'PlatformServiceStateFunctionRoleDefaultPolicy').resource;
    expect(policy.Properties!.Roles).toEqual([{ Ref: fnRole }]);
    expect(policy.Properties!.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
      Action: 'codedeploy:CreateDeployment',
      Effect: 'Allow',
      Resource: {
        // The groups are named <stack name>-<service id>, on the platform's own application.
        'Fn::Join': ['', ['arn:aws:codedeploy:eu-west-1:111111111111:deploymentgroup:', { Ref: logicalId(template, 'AWS::CodeDeploy::Application') }, '/Test-*']],
      },
    }));
  });
});

describe('a rolling service', () => {
  test('keeps the task definition reference (the ECS controller can change it) and has no rollout', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({ deployment: Deployment.rolling(), source: Source.codeCommit() });
    // THEN
    const service = resource(template, SERVICE, 'PlatformOrders').resource;
    expect(service.Properties!.TaskDefinition).toEqual({ Ref: logicalId(template, TD, 'PlatformOrders') });
    template.resourceCountIs(ROLLOUT, 0);
    expect(service.Properties!.DesiredCount).toEqual({ 'Fn::GetAtt': [stateOf(template).id, 'DesiredCount'] });
  });
});

describe('a service with a fixed container.image', () => {
  let template: Template;
  beforeAll(() => {
    template = serviceFixture({
      container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27') },
      scaling: { minTasks: 3, maxTasks: 6 },
    }).template;
  });

  test('runs that image: the stack owns it', () => {
    const td = resource(template, TD, 'PlatformOrders').resource;
    expect(td.Properties!.ContainerDefinitions[0].Image).toBe('public.ecr.aws/nginx/nginx:1.27');
  });

  test('has no bootstrap image and starts with the scaling minimum', () => {
    expect(stateOf(template).resource.Properties).toMatchObject({ BootstrapImage: '', InitialDesiredCount: 3 });
  });

  test('starts with desiredCount when it is given', () => {
    // GIVEN / WHEN
    const { template: t } = serviceFixture({
      container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27') },
      scaling: { minTasks: 2, maxTasks: 6 },
      desiredCount: 4,
    });
    // THEN
    expect(stateOf(t).resource.Properties!.InitialDesiredCount).toBe(4);
  });
});

describe('the Settings digest changes exactly when the task definition\'s settings change', () => {
  const base: Partial<ServiceOptions> = {
    deployment: Deployment.blueGreen(),
    source: Source.codeCommit(),
    container: { cpu: 256, memoryMiB: 512, environment: { MODE: 'a' } },
  };
  let baseline: string;
  beforeAll(() => {
    baseline = settingsOf(base);
  });

  test('is the same for the same settings in a new app (deterministic)', () => {
    expect(settingsOf(base)).toBe(baseline);
  });

  test('changes with an environment variable', () => {
    expect(settingsOf({ ...base, container: { ...base.container, environment: { MODE: 'b' } } })).not.toBe(baseline);
  });

  test('changes with cpu', () => {
    // GIVEN the same memory (1024 MiB), valid for both 256 and 512 CPU units
    const small = settingsOf({ ...base, container: { ...base.container, cpu: 256, memoryMiB: 1024 } });
    const large = settingsOf({ ...base, container: { ...base.container, cpu: 512, memoryMiB: 1024 } });
    // THEN
    expect(large).not.toBe(small);
  });

  test('changes with memory', () => {
    expect(settingsOf({ ...base, container: { ...base.container, memoryMiB: 1024 } })).not.toBe(baseline);
  });

  test('changes with a secret', () => {
    // GIVEN a secret added from SSM Parameter Store
    const withSecret = settingsOf((stack) => ({
      ...base,
      container: { ...base.container, secrets: { TOKEN: ecs.Secret.fromSsmParameter(ssm.StringParameter.fromStringParameterName(stack, 'Token', '/orders/token')) } },
    }));
    // THEN
    expect(withSecret).not.toBe(baseline);
  });

  test('does not change with the alarm threshold, scaling or the traffic shift', () => {
    // GIVEN settings that are not the task definition's
    const other = settingsOf({
      ...base,
      deployment: Deployment.blueGreen({ traffic: TrafficShift.linear(10, Duration.minutes(1)) }),
      alarms: { http5xxPerMinute: 50, p99Latency: Duration.seconds(5) },
      scaling: { minTasks: 3, maxTasks: 20, cpuPercent: 50 },
      health: { deregistrationDelay: Duration.seconds(30) },
    });
    // THEN
    expect(other).toBe(baseline);
  });
});

describe('with the default nested service stack', () => {
  let service: Microservice;
  let parent: Template;
  let nested: Template;
  beforeAll(() => {
    const { stack, platform } = newPlatform();
    service = platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen(), source: Source.codeCommit() });
    parent = templateOf(stack);
    nested = templateOf(Stack.of(service));
  });

  test('keeps the service, its DeployedState and its rollout together in the service\'s stack', () => {
    expect(Stack.of(service).nested).toBe(true);
    const state = logicalId(nested, STATE, 'Orders');
    const rollout = logicalId(nested, ROLLOUT, 'Orders');
    const svc = resource(nested, SERVICE, 'Orders').resource;
    expect(svc.Properties!.TaskDefinition).toEqual({ 'Fn::GetAtt': [rollout, 'ServiceTaskDefinition'] });
    expect(svc.Properties!.DesiredCount).toEqual({ 'Fn::GetAtt': [state, 'DesiredCount'] });
    expect(resource(nested, TD, 'Orders').resource.Properties!.ContainerDefinitions[0].Image).toEqual({ 'Fn::GetAtt': [state, 'Image'] });
  });

  test('answers both custom resources with the platform\'s one function, passed in as a parameter', () => {
    // THEN the nested stack's parameter is the parent's function ARN
    const token = resource(nested, STATE, 'Orders').resource.Properties!.ServiceToken;
    expect(resource(nested, ROLLOUT, 'Orders').resource.Properties!.ServiceToken).toEqual(token);
    const parameter = token.Ref as string;
    const nestedStack = Object.values(resourcesOfType(parent, 'AWS::CloudFormation::Stack'))
      .find((r) => r.Properties!.Parameters?.[parameter] !== undefined);
    expect(nestedStack!.Properties!.Parameters[parameter]).toEqual({ 'Fn::GetAtt': [logicalId(parent, 'AWS::Lambda::Function', 'PlatformServiceStateFunction'), 'Arn'] });
  });
});
