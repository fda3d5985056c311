import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Capacity, Deployment, HookEvent, Routing, Source, TrafficShift } from '../../lib';
import { expectSynthWarnings } from '../synth-warnings';
import { templateOf } from '../util';
import {
  actionsOf, CfnResource, flatPlatform, flatten, hookFunction, listenerId, loadBalancerSecurityGroupId, logicalId, parseYaml, resource, resourcesOfType,
    serviceFixture, statementsOfRole,
} from './helpers';

// The blue/green fixtures keep the health check at / outside their routes (the smoke test requests a
// path of the route); the termination-wait and hook tests assert their own warnings.
expectSynthWarnings('cdk-container-platform:smoke-test-path', 'cdk-container-platform:blue-green-wait', 'cdk-container-platform:hook-beside-smoke-test');

const GROUP = 'AWS::CodeDeploy::DeploymentGroup';
const SERVICE = 'Custom::BlueGreenService';

/** The DeploymentConfigName of the Orders deployment group for `traffic`. */
function configNameFor(traffic: TrafficShift): { template: Template; name: unknown } {
  const { template } = serviceFixture({ deployment: Deployment.blueGreen({ traffic }) });
  return { template, name: resource(template, GROUP).resource.Properties!.DeploymentConfigName };
}

/** The hooks the service's custom resource puts in its deployments' appspec, with ARNs as `{Logical.Arn}`. */
function hooksOfService(service: CfnResource): Array<{ event: string; arn: string }> {
  return (service.Properties!.Hooks as any[]).map((h) => ({ event: h.Event, arn: flatten(h.FunctionArn) }));
}

describe('CodeDeploy blue/green with the defaults', () => {
  let template: Template;
  let group: CfnResource;
  beforeAll(() => {
    template = serviceFixture({ deployment: Deployment.blueGreen() }).template;
    group = resource(template, GROUP).resource;
  });

  test('creates one ECS application on the platform', () => {
    template.resourceCountIs('AWS::CodeDeploy::Application', 1);
    template.hasResourceProperties('AWS::CodeDeploy::Application', { ComputePlatform: 'ECS' });
    expect(logicalId(template, 'AWS::CodeDeploy::Application')).toMatch(/^PlatformDeploymentApplication/);
  });

  test('names the deployment group after the service and puts it on that application', () => {
    expect(group.Properties).toMatchObject({
      DeploymentGroupName: 'Test-Orders',
      ApplicationName: { Ref: logicalId(template, 'AWS::CodeDeploy::Application') },
      DeploymentStyle: { DeploymentOption: 'WITH_TRAFFIC_CONTROL', DeploymentType: 'BLUE_GREEN' },
      // The service is the one Custom::BlueGreenService owns: by its name, after it exists.
      ECSServices: [{ ClusterName: { Ref: logicalId(template, 'AWS::ECS::Cluster') }, ServiceName: { 'Fn::GetAtt': [logicalId(template, SERVICE), 'ServiceName'] } }],
    });
  });

  test('pairs the blue and green target groups with the production and the test listener', () => {
    const blue = logicalId(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'PlatformOrdersTargetGroup');
    const green = logicalId(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'PlatformOrdersGreenTargetGroup');
    expect(group.Properties!.LoadBalancerInfo).toEqual({
      TargetGroupPairInfoList: [{
        TargetGroups: [{ Name: { 'Fn::GetAtt': [blue, 'TargetGroupName'] } }, { Name: { 'Fn::GetAtt': [green, 'TargetGroupName'] } }],
        ProdTrafficRoute: { ListenerArns: [{ Ref: listenerId(template, 80) }] },
        TestTrafficRoute: { ListenerArns: [{ Ref: listenerId(template, 9000) }] },
      }],
    });
  });

  test('keeps blue for 5 minutes after the shift', () => {
    expect(group.Properties!.BlueGreenDeploymentConfiguration.TerminateBlueInstancesOnDeploymentSuccess).toEqual({
      Action: 'TERMINATE', TerminationWaitTimeInMinutes: 5,
    });
  });

  test('rolls back automatically on failure, on stop and on alarm', () => {
    expect(group.Properties!.AutoRollbackConfiguration).toEqual({
      Enabled: true,
      Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'],
    });
  });

  test('watches 5xx, unhealthy hosts and p99 latency on both target groups', () => {
    // THEN the six alarms, in this order
    const alarm = (name: string) => ({ Name: { Ref: logicalId(template, 'AWS::CloudWatch::Alarm', `PlatformOrdersAlarms${name}`) } });
    expect(group.Properties!.AlarmConfiguration).toEqual({
      Enabled: true,
      Alarms: ['Http5xxBlue', 'Http5xxGreen', 'UnhealthyHostsBlue', 'UnhealthyHostsGreen', 'P99LatencyBlue', 'P99LatencyGreen'].map(alarm),
    });
  });

  test('uses CodeDeployDefault.ECSAllAtOnce', () => {
    expect(group.Properties!.DeploymentConfigName).toBe('CodeDeployDefault.ECSAllAtOnce');
    template.resourceCountIs('AWS::CodeDeploy::DeploymentConfig', 0);
  });

  test('watches the green target group\'s 5xx alarm on the green target group', () => {
    const green = logicalId(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'PlatformOrdersGreenTargetGroup');
    const alarm = resource(template, 'AWS::CloudWatch::Alarm', 'PlatformOrdersAlarmsHttp5xxGreen').resource;
    expect(alarm.Properties!.Dimensions).toContainEqual({ Name: 'TargetGroup', Value: { 'Fn::GetAtt': [green, 'TargetGroupFullName'] } });
  });
});

describe('the application is shared', () => {
  test('two blue/green services of one platform share one application and get a group each', () => {
    // GIVEN
    const { stack, platform } = flatPlatform();
    // WHEN
    platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen() });
    platform.addService('Catalog', { routing: Routing.path('/catalog/*'), deployment: Deployment.blueGreen() });
    // THEN
    const template = templateOf(stack);
    template.resourceCountIs('AWS::CodeDeploy::Application', 1);
    const groups = Object.values(resourcesOfType(template, GROUP)).map((g) => g.Properties!.DeploymentGroupName).sort();
    expect(groups).toEqual(['Test-Catalog', 'Test-Orders']);
  });
});

describe('termination wait', () => {
  test('is the terminationWait option', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({ deployment: Deployment.blueGreen({ terminationWait: Duration.minutes(60) }) });
    // THEN
    template.hasResourceProperties(GROUP, {
      BlueGreenDeploymentConfiguration: { TerminateBlueInstancesOnDeploymentSuccess: { Action: 'TERMINATE', TerminationWaitTimeInMinutes: 60 } },
    });
  });
});

describe('traffic shift', () => {
  test('allAtOnce uses CodeDeployDefault.ECSAllAtOnce', () => {
    expect(configNameFor(TrafficShift.allAtOnce()).name).toBe('CodeDeployDefault.ECSAllAtOnce');
  });

  test.each([
    [TrafficShift.canary(10, Duration.minutes(5)), 'CodeDeployDefault.ECSCanary10Percent5Minutes'],
    [TrafficShift.canary(10, Duration.minutes(15)), 'CodeDeployDefault.ECSCanary10Percent15Minutes'],
    [TrafficShift.linear(10, Duration.minutes(1)), 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes'],
    [TrafficShift.linear(10, Duration.minutes(3)), 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes'],
  ])('%# a predefined shift uses %s and no custom configuration', (traffic, expected) => {
    // GIVEN / WHEN
    const { template, name } = configNameFor(traffic);
    // THEN
    expect(name).toBe(expected);
    template.resourceCountIs('AWS::CodeDeploy::DeploymentConfig', 0);
  });

  test('canary(25, 7 minutes) creates a TimeBasedCanary configuration 25 % / 7 minutes', () => {
    // GIVEN / WHEN
    const { template, name } = configNameFor(TrafficShift.canary(25, Duration.minutes(7)));
    // THEN
    const config = resource(template, 'AWS::CodeDeploy::DeploymentConfig');
    expect(config.resource.Properties).toMatchObject({
      ComputePlatform: 'ECS',
      TrafficRoutingConfig: { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 25, CanaryInterval: 7 } },
    });
    expect(name).toEqual({ Ref: config.id });
  });

  test('linear(20, 2 minutes) creates a TimeBasedLinear configuration 20 % every 2 minutes', () => {
    // GIVEN / WHEN
    const { template, name } = configNameFor(TrafficShift.linear(20, Duration.minutes(2)));
    // THEN
    const config = resource(template, 'AWS::CodeDeploy::DeploymentConfig');
    expect(config.resource.Properties).toMatchObject({
      ComputePlatform: 'ECS',
      TrafficRoutingConfig: { Type: 'TimeBasedLinear', TimeBasedLinear: { LinearPercentage: 20, LinearInterval: 2 } },
    });
    expect(name).toEqual({ Ref: config.id });
  });

  test('an interval given in seconds that is whole minutes maps to the predefined configuration', () => {
    expect(configNameFor(TrafficShift.canary(10, Duration.seconds(300))).name).toBe('CodeDeployDefault.ECSCanary10Percent5Minutes');
  });
});

describe('the built-in smoke test', () => {
  let template: Template;
  let fnId: string;
  let fn: CfnResource;
  beforeAll(() => {
    template = serviceFixture({ deployment: Deployment.blueGreen(), container: { healthCheckPath: '/health' } }, 'Orders').template;
    ({ id: fnId, resource: fn } = resource(template, 'AWS::Lambda::Function', 'PlatformSmokeTestFunction'));
  });

  /** Where the platform 'Platform' of the stack 'Test' keeps its services' settings (Names.uniqueId of the platform). */
  const PLATFORM_PREFIX = '/cdk-container-platform/smoke-test/TestPlatform2E77021D/';

  /** The settings the service's SSM parameter gives the smoke test. */
  function settings(t: Template, name = 'Test-Orders'): Record<string, unknown> {
    const parameter = Object.values(t.findResources('AWS::SSM::Parameter', { Properties: { Name: `${PLATFORM_PREFIX}${name}` } }));
    expect(parameter).toHaveLength(1);
    return JSON.parse(flatten((parameter[0] as any).Properties.Value));
  }

  test('is one function of the platform in the VPC\'s service subnets, with its own security group', () => {
    // the smoke test, the deployed-state function, the service provider's onEvent and isComplete
    // functions with the provider framework's three, and aws-cdk-lib's default-security-group provider
    template.resourceCountIs('AWS::Lambda::Function', 8);
    expect(fn.Properties!.VpcConfig).toEqual({
      SecurityGroupIds: [{ 'Fn::GetAtt': [logicalId(template, 'AWS::EC2::SecurityGroup', 'PlatformSmokeTestSecurityGroup'), 'GroupId'] }],
      SubnetIds: [{ Ref: logicalId(template, 'AWS::EC2::Subnet', 'PlatformVpcPrivateSubnet1') }, { Ref: logicalId(template, 'AWS::EC2::Subnet', 'PlatformVpcPrivateSubnet2') }],
    });
    expect(fn.Properties!.Environment.Variables).toEqual({ PARAMETER_PREFIX: PLATFORM_PREFIX });
  });

  test('may reach the load balancer on the test port, and the load balancer lets it in', () => {
    const sg = logicalId(template, 'AWS::EC2::SecurityGroup', 'PlatformSmokeTestSecurityGroup');
    const alb = loadBalancerSecurityGroupId(template);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [sg, 'GroupId'] }, DestinationSecurityGroupId: { 'Fn::GetAtt': [alb, 'GroupId'] }, IpProtocol: 'tcp', FromPort: 9000, ToPort: 9000,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [alb, 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [sg, 'GroupId'] }, IpProtocol: 'tcp', FromPort: 9000, ToPort: 9000,
    });
  });

  test('is told the load balancer, test port, protocol, host, path and expected status of the service', () => {
    // THEN with path routing: the path prefix, any status below 500
    expect(settings(template)).toEqual({
      loadBalancerName: `{${logicalId(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')}.LoadBalancerFullName}`,
      port: 9000,
      protocol: 'http',
      host: '',
      path: '/orders/',
      expectedStatus: [],
      attempts: 5,
    });
  });

  test('may read the settings and report on the deployments of the platform\'s services, and describe network interfaces', () => {
    const role = logicalId(template, 'AWS::IAM::Role', 'PlatformSmokeTestRole');
    const statements = statementsOfRole(template, role);
    expect(statements).toContainEqual(expect.objectContaining({
      Effect: 'Allow',
      Action: 'codedeploy:GetDeployment',
      Resource: { 'Fn::Join': ['', ['arn:aws:codedeploy:eu-west-1:111111111111:deploymentgroup:', { Ref: logicalId(template, 'AWS::CodeDeploy::Application') }, '/Test-*']] },
    }));
    // PutLifecycleEventHookExecutionStatus takes no resource (the Service Authorization Reference): only "*" allows it.
    expect(statements.some((s) => actionsOf(s).includes('codedeploy:PutLifecycleEventHookExecutionStatus') && s.Resource === '*')).toBe(true);
    expect(statements).toContainEqual(expect.objectContaining({
      Effect: 'Allow', Action: 'ssm:GetParameter', Resource: `arn:aws:ssm:eu-west-1:111111111111:parameter${PLATFORM_PREFIX}*`,
    }));
    expect(statements.some((s) => actionsOf(s).includes('ec2:DescribeNetworkInterfaces') && s.Resource === '*')).toBe(true);
    expect(fn.Properties!.Role).toEqual({ 'Fn::GetAtt': [role, 'Arn'] });
  });

  test('is the AfterAllowTestTraffic hook of the appspec of the deployments cdk deploy starts', () => {
    const service = resource(template, SERVICE).resource;
    expect(hooksOfService(service)).toEqual([{ event: 'AfterAllowTestTraffic', arn: `{${fnId}.Arn}` }]);
  });

  test('may be invoked by the deployment group\'s role', () => {
    const role = (resource(template, GROUP).resource.Properties!.ServiceRoleArn as any)['Fn::GetAtt'][0];
    expect(statementsOfRole(template, role)).toContainEqual(expect.objectContaining({
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: expect.arrayContaining([{ 'Fn::GetAtt': [fnId, 'Arn'] }]),
    }));
  });

  test('serves every blue/green service of the platform with one function and one rule per load balancer', () => {
    // GIVEN three blue/green services
    const { stack, platform } = flatPlatform();
    for (const name of ['Orders', 'Catalog', 'Carts']) {
      platform.addService(name, { routing: Routing.path(`/${name.toLowerCase()}/*`), deployment: Deployment.blueGreen() });
    }
    // WHEN
    const t = templateOf(stack);
    // THEN one function, one ingress rule on the load balancer's group, and a settings parameter per service
    expect(Object.keys(t.findResources('AWS::Lambda::Function')).filter((id) => id.startsWith('PlatformSmokeTest'))).toHaveLength(1);
    const alb = loadBalancerSecurityGroupId(t);
    expect(Object.keys(t.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { GroupId: { 'Fn::GetAtt': [alb, 'GroupId'] } } }))).toHaveLength(1);
    expect(['Test-Orders', 'Test-Catalog', 'Test-Carts'].map((name) => settings(t, name).path)).toEqual(['/orders/', '/catalog/', '/carts/']);
  });
});

describe('the smoke test of a host-routed service', () => {
  test('requests the health-check path with the service\'s host and expects 200', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({ routing: Routing.host('*.example.com'), deployment: Deployment.blueGreen(), container: { healthCheckPath: '/health' } });
    // THEN
    const parameter = Object.values(template.findResources('AWS::SSM::Parameter'))[0] as any;
    expect(JSON.parse(flatten(parameter.Properties.Value))).toEqual(expect.objectContaining({ host: 'smoke.example.com', path: '/health', expectedStatus: [] }));
  });

  test('uses the smokeTest path, expected codes and attempts when given', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({
      deployment: Deployment.blueGreen({ smokeTest: { path: '/orders/ready', expectedStatusCodes: [200, 204], attempts: 3 } }),
    });
    // THEN
    const parameter = Object.values(template.findResources('AWS::SSM::Parameter'))[0] as any;
    expect(JSON.parse(flatten(parameter.Properties.Value))).toEqual(expect.objectContaining({ path: '/orders/ready', expectedStatus: [200, 204], attempts: 3 }));
  });
});

describe('user hooks', () => {
  const events = [HookEvent.BEFORE_INSTALL, HookEvent.AFTER_INSTALL, HookEvent.AFTER_ALLOW_TEST_TRAFFIC, HookEvent.BEFORE_ALLOW_TRAFFIC,
    HookEvent.AFTER_ALLOW_TRAFFIC];
  let template: Template;
  beforeAll(() => {
    template = serviceFixture((stack) => ({
      deployment: Deployment.blueGreen({
        hooks: events.map((lifecycleEvent, i) => ({ lifecycleEvent, function: hookFunction(stack, `Hook${i}`) })),
      }),
    })).template;
  });

  test('appear in the service resource\'s hooks in order, after the smoke test', () => {
    const smoke = logicalId(template, 'AWS::Lambda::Function', 'PlatformSmokeTestFunction');
    expect(hooksOfService(resource(template, SERVICE).resource)).toEqual([
      { event: 'AfterAllowTestTraffic', arn: `{${smoke}.Arn}` },
      ...events.map((event, i) => ({ event, arn: `{${logicalId(template, 'AWS::Lambda::Function', `Hook${i}`)}.Arn}` })),
    ]);
  });

  test('appear in the appspec the render step writes, in order', () => {
    // GIVEN the APPSPEC_YAML of the service's render step (the service needs a source for a pipeline)
    const t = serviceFixture((stack) => ({
      deployment: Deployment.blueGreen({
        smokeTest: { enabled: false },
        hooks: events.map((lifecycleEvent, i) => ({ lifecycleEvent, function: hookFunction(stack, `Hook${i}`) })),
      }),
      source: Source.codeCommit(),
    })).template;
    const project = resource(t, 'AWS::CodeBuild::Project', 'PlatformOrdersPipelineRender').resource;
    const yaml = (project.Properties!.Environment.EnvironmentVariables as any[]).find((v) => v.Name === 'APPSPEC_YAML').Value;
    // THEN
    const appspec = parseYaml(flatten(yaml));
    expect(appspec.Hooks).toEqual(events.map((event, i) => ({ [event]: `{${logicalId(t, 'AWS::Lambda::Function', `Hook${i}`)}.Arn}` })));
  });

  test('may each be invoked by the deployment group\'s role', () => {
    const role = (resource(template, GROUP).resource.Properties!.ServiceRoleArn as any)['Fn::GetAtt'][0];
    const invocable = statementsOfRole(template, role)
      .filter((s) => s.Effect === 'Allow' && actionsOf(s).includes('lambda:InvokeFunction'))
      .flatMap((s) => [s.Resource].flat().map(flatten));
    for (let i = 0; i < events.length; i++) {
      expect(invocable).toContain(`{${logicalId(template, 'AWS::Lambda::Function', `Hook${i}`)}.Arn}`);
    }
  });

  test('may each report their status (PutLifecycleEventHookExecutionStatus takes no resource: "*")', () => {
    for (let i = 0; i < events.length; i++) {
      const fn = resource(template, 'AWS::Lambda::Function', `Hook${i}`).resource;
      const role = (fn.Properties!.Role as any)['Fn::GetAtt'][0];
      expect(statementsOfRole(template, role)).toContainEqual(expect.objectContaining({
        Action: 'codedeploy:PutLifecycleEventHookExecutionStatus',
        Resource: '*',
      }));
    }
  });
});

describe('smokeTest.enabled false', () => {
  test('removes the smoke test function and its hook', () => {
    // GIVEN / WHEN
    const { template, service } = serviceFixture({ deployment: Deployment.blueGreen({ smokeTest: { enabled: false } }) });
    // THEN
    expect(service.smokeTest).toBeUndefined();
    expect(Object.keys(resourcesOfType(template, 'AWS::Lambda::Function')).filter((id) => id.includes('SmokeTest'))).toEqual([]);
    expect(resource(template, SERVICE).resource.Properties!.Hooks).toEqual([]);
  });
});

describe('Fargate Spot', () => {
  test('the service resource has the capacity provider strategy, which its deployments repeat', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({ deployment: Deployment.blueGreen(), capacity: Capacity.spot({ onDemandBase: 2, spotWeight: 4 }) });
    // THEN
    expect(resource(template, SERVICE).resource.Properties!.CapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Base: 2, Weight: 1 },
      { CapacityProvider: 'FARGATE_SPOT', Base: 0, Weight: 4 },
    ]);
  });
});

describe('the deployment group\'s service role is scoped to its service', () => {
  let template: Template;
  let role: string;
  let statements: Record<string, any>[];
  beforeAll(() => {
    template = serviceFixture((stack) => ({
      deployment: Deployment.blueGreen({ hooks: [{ lifecycleEvent: HookEvent.BEFORE_ALLOW_TRAFFIC, function: hookFunction(stack, 'Hook') }] }),
    })).template;
    role = (resource(template, GROUP).resource.Properties!.ServiceRoleArn as any)['Fn::GetAtt'][0];
    statements = statementsOfRole(template, role);
  });

  /** The statements of the role that allow `action`, with their resources flattened. */
  const allowing = (action: string) => statements
    .filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action))
    .map((s) => ({ resources: [s.Resource].flat().map(flatten).sort(), condition: s.Condition }));

  test('has no managed policy (AWSCodeDeployRoleForECS allows every service, listener and role of the account)', () => {
    expect(resourcesOfType(template, 'AWS::IAM::Role')[role].Properties!.ManagedPolicyArns).toBeUndefined();
  });

  test('may describe the service and move its primary task set, by the service\'s ARN', () => {
    const cluster = logicalId(template, 'AWS::ECS::Cluster');
    const service = `arn:aws:ecs:eu-west-1:111111111111:service/{${cluster}}/Test-Orders`;
    expect(allowing('ecs:DescribeServices')).toEqual([{ resources: [service], condition: undefined }]);
    expect(allowing('ecs:UpdateServicePrimaryTaskSet')).toEqual([{ resources: [service], condition: undefined }]);
  });

  test('may create and delete task sets of the service only', () => {
    const cluster = logicalId(template, 'AWS::ECS::Cluster');
    const taskSets = `arn:aws:ecs:eu-west-1:111111111111:task-set/{${cluster}}/Test-Orders/*`;
    expect(allowing('ecs:CreateTaskSet')).toEqual([{ resources: [taskSets], condition: undefined }]);
    expect(allowing('ecs:DeleteTaskSet')).toEqual([{ resources: [taskSets], condition: undefined }]);
  });

  test('may modify the service\'s production and test listener rules, and no other rule or listener', () => {
    const rules = ['PlatformOrdersProductionRule', 'PlatformOrdersTestRule'].map((p) => `{${logicalId(template, 'AWS::ElasticLoadBalancingV2::ListenerRule', p)}}`).sort();
    expect(allowing('elasticloadbalancing:ModifyRule')).toEqual([{ resources: rules, condition: undefined }]);
    const listeners = [`{${listenerId(template, 80)}}`, `{${listenerId(template, 9000)}}`].sort();
    expect(allowing('elasticloadbalancing:ModifyListener')).toEqual([{ resources: listeners, condition: undefined }]);
  });

  test('may describe target groups, listeners and rules, which support no resource-level permissions', () => {
    for (const action of ['elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules']) {
      expect(allowing(action)).toEqual([{ resources: ['*'], condition: undefined }]);
    }
  });

  test('may read the service\'s deployment alarms only', () => {
    const alarms = ['Http5xxBlue', 'Http5xxGreen', 'UnhealthyHostsBlue', 'UnhealthyHostsGreen', 'P99LatencyBlue', 'P99LatencyGreen']
      .map((name) => `{${logicalId(template, 'AWS::CloudWatch::Alarm', `PlatformOrdersAlarms${name}`)}.Arn}`).sort();
    expect(allowing('cloudwatch:DescribeAlarms')).toEqual([{ resources: alarms, condition: undefined }]);
  });

  test('may invoke the smoke test and the user\'s hook only', () => {
    const fns = [`{${logicalId(template, 'AWS::Lambda::Function', 'PlatformSmokeTestFunction')}.Arn}`, `{${logicalId(template, 'AWS::Lambda::Function', 'Hook')}.Arn}`];
    const invocable = allowing('lambda:InvokeFunction').flatMap((s) => s.resources);
    expect(invocable.filter((r) => !r.endsWith(':*'))).toEqual(expect.arrayContaining(fns));
    expect(invocable.every((r) => fns.some((fn) => r === fn || r === `${fn}:*`))).toBe(true);
  });

  test('may pass the task role and the execution role to ECS tasks, and no other role', () => {
    const taskRole = logicalId(template, 'AWS::IAM::Role', 'PlatformOrdersTaskDefinitionTaskRole');
    const executionRole = logicalId(template, 'AWS::IAM::Role', 'PlatformOrdersTaskDefinitionExecutionRole');
    expect(allowing('iam:PassRole')).toEqual([{
      resources: [`{${executionRole}.Arn}`, `{${taskRole}.Arn}`].sort(),
      condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }]);
  });

  test('has no S3 or SNS permissions: deployments carry their appspec, and the group has no triggers', () => {
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:') || a.startsWith('sns:'))).toEqual([]);
  });
});
