import { Duration, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { EXAMPLE_ENV } from '../../examples/env';
import { Capacity, Deployment, Routing, Source, TrafficShift } from '../../lib';
import { BLUE_GREEN_LIMITS } from '../../lib/deployment/provider/limits';
import { expectSynthWarnings } from '../synth-warnings';
import { newApp, newPlatform, templateOf } from '../util';
import { actionsOf, CfnResource, flatPlatform, identityStatements, logicalId, passPlatformRoles, resource, resourcesOfType, serviceFixture, statementsOfRole } from './helpers';

/** The ECS service of a CodeDeploy blue/green service is a Custom::BlueGreenService, never an AWS::ECS::Service. */

// The blue/green fixtures keep the health check at / outside their route /orders/* (the smoke test
// requests /orders/); the termination-wait tests assert their own warning.
expectSynthWarnings('cdk-container-platform:smoke-test-path', 'cdk-container-platform:blue-green-wait');

const SERVICE = 'Custom::BlueGreenService';

describe('a CodeDeploy blue/green service', () => {
  let template: Template;
  let service: CfnResource;
  beforeAll(() => {
    template = serviceFixture({ deployment: Deployment.blueGreen(), source: Source.codeCommit() }).template;
    service = resource(template, SERVICE, 'PlatformOrders').resource;
  });

  test('has no AWS::ECS::Service: a Custom::BlueGreenService owns it', () => {
    template.resourceCountIs('AWS::ECS::Service', 0);
    template.resourceCountIs(SERVICE, 1);
  });

  test('describes the service: cluster, name, task definition, blue target group, private network, capacity, deployment group', () => {
    const ref = (type: string, prefix = '') => ({ Ref: logicalId(template, type, prefix) });
    expect(service.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Function', 'PlatformServiceProviderframeworkonEvent'), 'Arn'] },
      ServiceTimeout: '3600',
      ClusterName: ref('AWS::ECS::Cluster'),
      ServiceName: 'Test-Orders',
      TaskDefinition: ref('AWS::ECS::TaskDefinition', 'PlatformOrders'),
      // The repository is empty at the first deploy: no tasks until the pipeline has pushed an image.
      DesiredCount: 0,
      ContainerName: 'app',
      ContainerPort: 8080,
      TargetGroupArn: ref('AWS::ElasticLoadBalancingV2::TargetGroup', 'PlatformOrdersTargetGroup'),
      Subnets: [ref('AWS::EC2::Subnet', 'PlatformVpcPrivateSubnet1'), ref('AWS::EC2::Subnet', 'PlatformVpcPrivateSubnet2')],
      SecurityGroups: [{ 'Fn::GetAtt': [logicalId(template, 'AWS::EC2::SecurityGroup', 'PlatformOrdersSecurityGroup'), 'GroupId'] }],
      AssignPublicIp: 'DISABLED',
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Base: 0, Weight: 1 }],
      HealthCheckGracePeriodSeconds: 60,
      MinimumHealthyPercent: 100,
      MaximumPercent: 200,
      PropagateTags: 'SERVICE',
      EnableECSManagedTags: true,
      ApplicationName: ref('AWS::CodeDeploy::Application'),
      DeploymentGroupName: 'Test-Orders',
      Hooks: [{ Event: 'AfterAllowTestTraffic', FunctionArn: { 'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Function', 'PlatformSmokeTestFunction'), 'Arn'] } }],
      ImageOwner: 'pipeline',
      Confirm: 'DEPLOYMENT_END',
      // 0 (all at once) + 1 (grace) + 5 (allowance) + 5 (termination wait) + 0.25 (draining), rounded up
      ExpectedMinutes: 12,
    });
  });

  test('is created after both listener rules, so that both target groups belong to the load balancer', () => {
    expect(service.DependsOn).toEqual(expect.arrayContaining([
      logicalId(template, 'AWS::ElasticLoadBalancingV2::ListenerRule', 'PlatformOrdersProductionRule'),
      logicalId(template, 'AWS::ElasticLoadBalancingV2::ListenerRule', 'PlatformOrdersTestRule'),
    ]));
  });

  test('deploys after the group\'s role may invoke the hooks and the smoke test has the service\'s settings', () => {
    const groupRole = (resource(template, 'AWS::CodeDeploy::DeploymentGroup').resource.Properties!.ServiceRoleArn as any)['Fn::GetAtt'][0];
    expect(service.DependsOn).toEqual(expect.arrayContaining([
      groupRole,
      logicalId(template, 'AWS::IAM::Policy', `${groupRole.replace(/[0-9A-F]{8}$/, '')}DefaultPolicy`),
      logicalId(template, 'AWS::SSM::Parameter', 'PlatformOrders'),
    ]));
  });

  test('scales service/<cluster>/<name> with the ECS service-linked role, after the service exists', () => {
    const target = resource(template, 'AWS::ApplicationAutoScaling::ScalableTarget', 'PlatformOrders').resource;
    expect(target.Properties).toEqual({
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: { 'Fn::Join': ['', ['service/', { Ref: logicalId(template, 'AWS::ECS::Cluster') }, '/', { 'Fn::GetAtt': [logicalId(template, SERVICE), 'ServiceName'] }]] },
      RoleARN: 'arn:aws:iam::111111111111:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService',
      MinCapacity: 2,
      MaxCapacity: 10,
    });
  });

  test('alarms on CPU and memory by the service\'s name, without a reference to the resource', () => {
    for (const metric of ['CPUUtilization', 'MemoryUtilization']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/ECS',
        MetricName: metric,
        Dimensions: [{ Name: 'ClusterName', Value: { Ref: logicalId(template, 'AWS::ECS::Cluster') } }, { Name: 'ServiceName', Value: 'Test-Orders' }],
      });
    }
  });

  test('carries the stack-level tags the app gives the stack, so that a change of them updates the service (whose handler reads the stack\'s tags)', () => {
    // GIVEN a stack with tags of its own (stack-level: CloudFormation tags the resources it creates with them, not a custom resource)
    const app = newApp();
    const { platform } = newPlatform({}, new Stack(app, 'Tagged', { env: EXAMPLE_ENV, tags: { team: 'orders' } }));
    platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen() });
    // THEN
    expect(resource(templateOf(platform.node.scope as Stack), SERVICE).resource.Properties!.StackTags).toEqual([{ Key: 'team', Value: 'orders' }]);
    // AND without stack tags the property is left out
    expect(resource(template, SERVICE).resource.Properties!.StackTags).toBeUndefined();
  });

  test('puts the task\'s two roles under the platform\'s role path, which the provider may pass to ECS (a revision with production\'s image) without a policy per service', () => {
    // THEN both roles have the platform's path, keeping their logical IDs
    for (const name of ['PlatformOrdersTaskDefinitionTaskRole', 'PlatformOrdersTaskDefinitionExecutionRole']) {
      expect(resourcesOfType(template, 'AWS::IAM::Role')[logicalId(template, 'AWS::IAM::Role', name)].Properties!.Path).toBe('/cdk-container-platform/Test/eu-west-1/');
    }
    // AND the service adds no policy to the provider's roles
    expect(Object.keys(resourcesOfType(template, 'AWS::IAM::Policy')).filter((id) => id.startsWith('PlatformOrdersBlueGreenService') && !id.startsWith('PlatformOrdersBlueGreenServiceRole'))).toEqual([]);
  });

  test('the deployment group deploys the service by the resource\'s name', () => {
    const group = resource(template, 'AWS::CodeDeploy::DeploymentGroup').resource;
    expect(group.Properties!.ECSServices).toEqual([{
      ClusterName: { Ref: logicalId(template, 'AWS::ECS::Cluster') },
      ServiceName: { 'Fn::GetAtt': [logicalId(template, SERVICE), 'ServiceName'] },
    }]);
  });
});

describe('the platform\'s provider', () => {
  let template: Template;
  beforeAll(() => {
    const { stack, platform } = flatPlatform();
    platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen() });
    platform.addService('Catalog', { routing: Routing.path('/catalog/*'), deployment: Deployment.blueGreen() });
    template = templateOf(stack);
  });
  const functionsOf = (t: Template) => Object.keys(resourcesOfType(t, 'AWS::Lambda::Function')).filter((id) => id.startsWith('PlatformServiceProvider'));
  const roleOf = (name: string) => logicalId(template, 'AWS::IAM::Role', `PlatformServiceProvider${name}Role`);

  test('is one for all the platform\'s blue/green services: onEvent, isComplete and the framework\'s three functions', () => {
    expect(functionsOf(template)).toHaveLength(5);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const tokens = Object.values(resourcesOfType(template, SERVICE)).map((r) => JSON.stringify(r.Properties!.ServiceToken));
    expect(new Set(tokens).size).toBe(1);
  });

  test('polls isComplete every 15 s for 55 minutes, within CloudFormation\'s hour', () => {
    const machine = resource(template, 'AWS::StepFunctions::StateMachine').resource;
    const definition = JSON.stringify(machine.Properties!.DefinitionString);
    expect(definition).toContain(`\\"IntervalSeconds\\":${BLUE_GREEN_LIMITS.queryIntervalSeconds}`);
    expect(definition).toContain(`\\"MaxAttempts\\":${(BLUE_GREEN_LIMITS.waitMinutes * 60) / BLUE_GREEN_LIMITS.queryIntervalSeconds}`);
    expect(BLUE_GREEN_LIMITS.waitMinutes * 60).toBeLessThan(BLUE_GREEN_LIMITS.serviceTimeoutSeconds);
  });

  test('traces its waiter with X-Ray (Control Tower CT.STEPFUNCTIONS.PR.2), whose role may send the traces', () => {
    // https://docs.aws.amazon.com/controltower/latest/controlreference/step-functions-rules.html#ct-stepfunctions-pr-2-description
    // https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html
    const machine = resource(template, 'AWS::StepFunctions::StateMachine').resource;
    expect(machine.Properties!.TracingConfiguration).toEqual({ Enabled: true });
    const role = (machine.Properties!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    // (on "*": X-Ray's actions support no resource-level permissions; IAM merges them with the log delivery's)
    const onAny = statementsOfRole(template, role).filter((st) => st.Effect === 'Allow' && st.Resource === '*').flatMap(actionsOf);
    expect(onAny).toEqual(expect.arrayContaining(['xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']));
  });

  test('onEvent may create, update, delete, describe and tag the services of the platform\'s cluster, register task definitions and read its stacks\' tags, nothing else', () => {
    const statements = statementsOfRole(template, roleOf('OnEventFunction')).filter((s) => !actionsOf(s)[0].startsWith('logs:'));
    expect(statements).toEqual([{
      // The platform's services only: their names start with the platform's name.
      Effect: 'Allow',
      Action: ['ecs:CreateService', 'ecs:DeleteService', 'ecs:DescribeServices', 'ecs:TagResource', 'ecs:UntagResource', 'ecs:UpdateService'],
      Resource: { 'Fn::Join': ['', ['arn:aws:ecs:eu-west-1:111111111111:service/', { Ref: logicalId(template, 'AWS::ECS::Cluster') }, '/Test-*']] },
    }, {
      // For ECS-controller services (Custom::EcsService): a revision with production's image, in the
      // platform's families only (aws-cdk-lib names them after the construct path: Test/Platform/...).
      Effect: 'Allow',
      Action: 'ecs:RegisterTaskDefinition',
      Resource: 'arn:aws:ecs:eu-west-1:111111111111:task-definition/TestPlatform*',
    }, {
      // DescribeTaskDefinition takes no resource (the Service Authorization Reference): only "*" allows it.
      Effect: 'Allow',
      Action: 'ecs:DescribeTaskDefinition',
      Resource: '*',
    }, passPlatformRoles(), {
      // The tags of the platform's stack (Test) and its nested stacks (Test-<logical id>-<suffix>).
      Effect: 'Allow',
      Action: 'cloudformation:DescribeStacks',
      Resource: ['arn:aws:cloudformation:eu-west-1:111111111111:stack/Test-*/*', 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Test/*'],
    }]);
  });

  test('isComplete may read the services, register task definitions and deploy through the platform\'s deployment groups, nothing else', () => {
    const app = { Ref: logicalId(template, 'AWS::CodeDeploy::Application') };
    const all = statementsOfRole(template, roleOf('IsCompleteFunction')).filter((s) => !actionsOf(s)[0].startsWith('logs:'));
    // One statement for every service of the platform (see 'a CodeDeploy blue/green service').
    expect(all.filter((s) => s.Action === 'iam:PassRole')).toEqual([passPlatformRoles()]);
    const statements = all.filter((s) => s.Action !== 'iam:PassRole');
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'ecs:DescribeServices', Resource: { 'Fn::Join': ['', ['arn:aws:ecs:eu-west-1:111111111111:service/', { Ref: logicalId(template, 'AWS::ECS::Cluster') }, '/Test-*']] } },
      { Effect: 'Allow', Action: 'ecs:RegisterTaskDefinition', Resource: 'arn:aws:ecs:eu-west-1:111111111111:task-definition/TestPlatform*' },
      // StopDeployment and DescribeTaskDefinition take no resource (the Service Authorization Reference): only "*" allows them.
      { Effect: 'Allow', Action: ['codedeploy:StopDeployment', 'ecs:DescribeTaskDefinition'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['codedeploy:BatchGetDeployments', 'codedeploy:CreateDeployment', 'codedeploy:ListDeployments'],
        Resource: { 'Fn::Join': ['', ['arn:aws:codedeploy:eu-west-1:111111111111:deploymentgroup:', app, '/Test-*']] },
      },
      { Effect: 'Allow', Action: 'codedeploy:GetDeploymentConfig', Resource: 'arn:aws:codedeploy:eu-west-1:111111111111:deploymentconfig:*' },
      {
        Effect: 'Allow',
        Action: ['codedeploy:GetApplicationRevision', 'codedeploy:RegisterApplicationRevision'],
        Resource: { 'Fn::Join': ['', ['arn:aws:codedeploy:eu-west-1:111111111111:application:', app]] },
      },
    ]);
  });

  test('may pass only the roles under the platform\'s role path, and only to ECS and ECS tasks: one statement per function, whatever the number of services', () => {
    const provider = identityStatements(template).filter((s) => s.owner.startsWith('PlatformServiceProvider') && actionsOf(s.statement).includes('iam:PassRole'));
    expect(provider.map((s) => s.statement)).toEqual([passPlatformRoles(), passPlatformRoles()]);
  });

  test('logs to log groups encrypted with the platform\'s key: the functions\' and the waiter\'s', () => {
    const key = { 'Fn::GetAtt': [logicalId(template, 'AWS::KMS::Key', 'PlatformKey'), 'Arn'] };
    const logs = logicalId(template, 'AWS::Logs::LogGroup', 'PlatformServiceProviderLogs');
    const waiterLogs = logicalId(template, 'AWS::Logs::LogGroup', 'PlatformServiceProviderWaiterLogs');
    for (const id of [logs, waiterLogs]) expect(resourcesOfType(template, 'AWS::Logs::LogGroup')[id].Properties!.KmsKeyId).toEqual(key);
    for (const id of functionsOf(template)) {
      expect(resourcesOfType(template, 'AWS::Lambda::Function')[id].Properties!.LoggingConfig).toMatchObject({ LogGroup: { Ref: logs } });
    }
    const machine = resource(template, 'AWS::StepFunctions::StateMachine').resource;
    expect(machine.Properties!.LoggingConfiguration).toEqual({
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [waiterLogs, 'Arn'] } } }],
      IncludeExecutionData: false,
      Level: 'ALL',
    });
  });
});

describe('how long cdk deploy waits', () => {
  test('a termination wait that fits: the resource confirms the end of the deployment', () => {
    // GIVEN canary 10 % for 15 minutes and a 20-minute termination wait: 15 + 1 + 5 + 20 + 0.25
    const { template } = serviceFixture({ deployment: Deployment.blueGreen({ traffic: TrafficShift.canary(10, Duration.minutes(15)),
      terminationWait: Duration.minutes(20) }) });
    // THEN
    expect(resource(template, SERVICE).resource.Properties).toMatchObject({ Confirm: 'DEPLOYMENT_END', ExpectedMinutes: 42 });
  });

  test('a termination wait that does not fit: confirms once traffic has moved, and warns', () => {
    // GIVEN a 60-minute termination wait
    const { stack, service, template } = serviceFixture({ deployment: Deployment.blueGreen({ terminationWait: Duration.minutes(60) }) });
    // THEN
    expect(resource(template, SERVICE).resource.Properties).toMatchObject({ Confirm: 'TRAFFIC_SHIFTED', ExpectedMinutes: 6 });
    Annotations.fromStack(stack).hasWarning(`/${service.node.path}`, Match.stringLikeRegexp(
      '^A CodeDeploy deployment of Orders takes about 67 minutes with its termination wait; cdk deploy waits at most 55 '));
  });

  test('no warning when it fits', () => {
    const { stack } = serviceFixture({ deployment: Deployment.blueGreen() });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('termination wait'))).toEqual([]);
  });
});

describe('tags', () => {
  test('Tags.of reaches the service resource, which tags the service and (propagateTags) its tasks', () => {
    // GIVEN
    const { stack, platform } = flatPlatform();
    platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen() });
    // WHEN
    Tags.of(stack).add('team', 'orders');
    // THEN
    expect(resource(templateOf(stack), SERVICE).resource.Properties!.Tags).toEqual([{ Key: 'team', Value: 'orders' }]);
  });
});

describe('other deployment policies', () => {
  test.each([
    ['rolling', Deployment.rolling()],
    ['ECS-native blue/green', Deployment.ecsBlueGreen()],
  ])('a %s service is a Custom::EcsService of the same provider', (_name, deployment) => {
    const { template, service } = serviceFixture({ deployment, capacity: Capacity.onDemand() });
    template.resourceCountIs('AWS::ECS::Service', 0);
    template.resourceCountIs('Custom::EcsService', 1);
    template.resourceCountIs(SERVICE, 0);
    expect(Object.keys(resourcesOfType(template, 'AWS::Lambda::Function')).filter((id) => id.startsWith('PlatformServiceProvider'))).toHaveLength(5);
    expect(service.ecsService).toBe(service.service);
    expect(service.blueGreenService).toBeUndefined();
  });
});
