import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { Capacity, Deployment, Routing, TrafficShift } from '../../lib';
import { DEFAULTS } from '../../lib/private/defaults';
import { newPlatform, templateOf } from '../util';
import { IMAGE, onlyProperties, refTo, serviceTemplate } from './helpers';

function serviceProps(template: Template): any {
  return onlyProperties(template, 'Custom::EcsService');
}

describe('the Fargate service, by default', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN a platform / WHEN a service is added with defaults
    template = serviceTemplate().template;
  });

  test('runs in the private subnets without a public IP', () => {
    // THEN
    expect(serviceProps(template).NetworkConfiguration).toEqual({
      AwsvpcConfiguration: {
        AssignPublicIp: 'DISABLED',
        SecurityGroups: [{ 'Fn::GetAtt': [expect.stringMatching(/OrdersSecurityGroup/), 'GroupId'] }],
        Subnets: [
          { Ref: expect.stringMatching(/PlatformVpcPrivateSubnet1Subnet/) },
          { Ref: expect.stringMatching(/PlatformVpcPrivateSubnet2Subnet/) },
        ],
      },
    });
  });

  test('is named after the stack and the service, on the platform cluster', () => {
    // THEN
    expect(serviceProps(template)).toMatchObject({ ServiceName: 'Test-Orders' });
    template.hasResourceProperties('Custom::EcsService', { Cluster: refTo('PlatformCluster') });
  });

  test('runs on on-demand Fargate only', () => {
    // THEN
    expect(serviceProps(template).CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE', Base: 0, Weight: 1 }]);
  });

  test('deploys rolling (50/100) with the ECS controller, the circuit breaker and rollback', () => {
    // THEN
    expect(serviceProps(template)).toMatchObject({
      DeploymentController: { Type: 'ECS' },
      DeploymentConfiguration: {
        MinimumHealthyPercent: 50,
        MaximumPercent: 100,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      },
    });
  });

  test('rolls back a deployment on its 5xx, unhealthy-host and latency alarms', () => {
    // THEN
    expect(serviceProps(template).DeploymentConfiguration.Alarms).toEqual({
      Enable: true,
      Rollback: true,
      // The alarms' own literal names (the platform's stack, the service, the alarm), not references.
      AlarmNames: ['Test-Orders-Http5xx', 'Test-Orders-UnhealthyHosts', 'Test-Orders-P99Latency'],
    });
    for (const name of ['Http5xx', 'UnhealthyHosts', 'P99Latency']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: `Test-Orders-${name}` });
    }
  });

  test('comes after its deployment alarms, which it names without a reference', () => {
    // THEN
    const service = Object.values(template.findResources('Custom::EcsService'))[0] as any;
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'))
      .filter(([, a]: [string, any]) => ['Test-Orders-Http5xx', 'Test-Orders-UnhealthyHosts', 'Test-Orders-P99Latency'].includes(a.Properties.AlarmName))
      .map(([id]) => id);
    expect(alarms).toHaveLength(3);
    expect(service.DependsOn).toEqual(expect.arrayContaining(alarms));
  });

  test('ignores failing load-balancer health checks for the 60 s grace period', () => {
    // THEN
    expect(serviceProps(template).HealthCheckGracePeriodSeconds).toBe(DEFAULTS.healthCheckGracePeriod.toSeconds());
  });

  test('propagates the service\'s tags and enables ECS managed tags', () => {
    // THEN
    expect(serviceProps(template)).toMatchObject({ PropagateTags: 'SERVICE', EnableECSManagedTags: true });
  });

  test('registers the container app on its port with one target group', () => {
    // THEN
    expect(serviceProps(template).LoadBalancers).toEqual([{ ContainerName: 'app', ContainerPort: 8080, TargetGroupArn: { Ref: expect.stringMatching(/OrdersTargetGroup/) } }]);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
  });

  test('the target group checks / every 10 s (5 s timeout, 2 healthy, 3 unhealthy, 200-399) and drains for 15 s', () => {
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: DEFAULTS.containerPort,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: DEFAULTS.healthCheckPath,
      HealthCheckIntervalSeconds: DEFAULTS.healthCheckInterval.toSeconds(),
      HealthCheckTimeoutSeconds: DEFAULTS.healthCheckTimeout.toSeconds(),
      HealthyThresholdCount: DEFAULTS.healthyThresholdCount,
      UnhealthyThresholdCount: DEFAULTS.unhealthyThresholdCount,
      Matcher: { HttpCode: '200-399' },
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: String(DEFAULTS.deregistrationDelay.toSeconds()) }]),
    });
    expect([DEFAULTS.healthCheckInterval.toSeconds(), DEFAULTS.healthCheckTimeout.toSeconds(), DEFAULTS.deregistrationDelay.toSeconds(),
      DEFAULTS.healthCheckGracePeriod.toSeconds()])
      .toEqual([10, 5, 15, 60]);
  });
});

describe('the service security group', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN / WHEN a service listening on 3000
    template = serviceTemplate({ container: { port: 3000 } }).template;
  });

  test('admits only the load balancer\'s security group on the container port', () => {
    // THEN
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties);
    expect(ingress).toEqual([{
      Description: 'from the load balancer',
      GroupId: { 'Fn::GetAtt': [expect.stringMatching(/OrdersSecurityGroup/), 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 3000,
      ToPort: 3000,
      SourceSecurityGroupId: expect.anything(),
    }]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourceSecurityGroupId: refTo('PlatformLoadBalancerSecurityGroup', 'GroupId') });
    const group = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Tasks of ') } }));
    expect(group).toHaveLength(1);
    expect((group[0] as any).Properties.SecurityGroupIngress).toBeUndefined();
  });

  test('adds no rule to the load balancer\'s security group (which holds at most 60 rules a direction)', () => {
    // THEN
    const onLoadBalancer = { Properties: { GroupId: refTo('PlatformLoadBalancerSecurityGroup', 'GroupId') } };
    expect(Object.keys(template.findResources('AWS::EC2::SecurityGroupEgress', onLoadBalancer))).toEqual([]);
    expect(Object.keys(template.findResources('AWS::EC2::SecurityGroupIngress', onLoadBalancer))).toEqual([]);
  });

  test('the target group and the container use the port', () => {
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 3000 });
    expect(serviceProps(template).LoadBalancers[0].ContainerPort).toBe(3000);
  });
});

/** The properties of the ECS service named `Test-<id>`. */
function serviceNamed(template: Template, id: string): any {
  const found = Object.values(template.findResources('Custom::EcsService', { Properties: { ServiceName: `Test-${id}` } }));
  expect(found).toHaveLength(1);
  return (found[0] as any).Properties;
}

describe('capacity', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN one platform / WHEN services are added with each capacity choice
    const { stack, platform } = newPlatform();
    platform.addService('OnDemand', { routing: Routing.path('/on-demand/*'), capacity: Capacity.onDemand() });
    platform.addService('Spot', { routing: Routing.path('/spot/*'), capacity: Capacity.spot() });
    platform.addService('SpotCustom', { routing: Routing.path('/spot-custom/*'), capacity: Capacity.spot({ onDemandBase: 2, onDemandWeight: 1, spotWeight: 4 }) });
    template = templateOf(stack);
  });

  test('Capacity.onDemand(): every task on FARGATE', () => {
    // THEN
    expect(serviceNamed(template, 'OnDemand').CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE', Base: 0, Weight: 1 }]);
  });

  test('Capacity.spot(): an on-demand base of 1, then 1:3 on-demand to Spot', () => {
    // THEN
    expect(serviceNamed(template, 'Spot').CapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Base: DEFAULTS.onDemandBase, Weight: DEFAULTS.onDemandWeight },
      { CapacityProvider: 'FARGATE_SPOT', Base: 0, Weight: 3 },
    ]);
  });

  test('Capacity.spot({...}): the given base and weights', () => {
    // THEN
    expect(serviceNamed(template, 'SpotCustom').CapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Base: 2, Weight: 1 },
      { CapacityProvider: 'FARGATE_SPOT', Base: 0, Weight: 4 },
    ]);
  });
});

describe('deployment policies (DESIGN.md table)', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN one platform / WHEN a service is added with each deployment policy
    const { stack, platform } = newPlatform();
    const add = (id: string, deployment: Deployment) => platform.addService(id, { routing: Routing.path(`/${id.toLowerCase()}/*`), deployment });
    add('AllAtOnce', Deployment.allAtOnce());
    add('Rolling', Deployment.rolling());
    add('Additional', Deployment.rollingWithAdditionalBatch());
    add('Immutable', Deployment.immutable());
    platform.addService('RollingFromOne', { routing: Routing.path('/rollingfromone/*'), deployment: Deployment.rolling(), scaling: { minTasks: 1, maxTasks: 4 } });
    platform.addService('AdditionalFromOne', { routing: Routing.path('/additionalfromone/*'), deployment: Deployment.rollingWithAdditionalBatch(), scaling: { minTasks: 1, maxTasks: 4 } });
    // A schedule that lets the service run one task (at night) counts as a minimum of one; one that keeps two does not.
    const night = appscaling.Schedule.cron({ hour: '0', minute: '0' });
    platform.addService('RollingNightOne', { routing: Routing.path('/rollingnightone/*'), deployment: Deployment.rolling(), scaling: { schedules: [{ id: 'Night', schedule: night, minTasks: 0, maxTasks: 1 }] } });
    platform.addService('RollingNightCapOne', { routing: Routing.path('/rollingnightcapone/*'), deployment: Deployment.rolling(), scaling: { schedules: [{ id: 'Night', schedule: night, maxTasks: 1 }] } });
    platform.addService('RollingNightTwo', { routing: Routing.path('/rollingnighttwo/*'), deployment: Deployment.rolling(), scaling: { schedules: [{ id: 'Night', schedule: night, minTasks: 2, maxTasks: 3 }] } });
    add('BlueGreen', Deployment.blueGreen({ smokeTest: { enabled: false } }));
    add('EcsBlueGreen', Deployment.ecsBlueGreen({ smokeTest: { enabled: false } }));
    add('EcsAllAtOnce', Deployment.ecsBlueGreen({ traffic: TrafficShift.allAtOnce(), smokeTest: { enabled: false } }));
    add('EcsCanary', Deployment.ecsBlueGreen({ traffic: TrafficShift.canary(10, Duration.minutes(5)), smokeTest: { enabled: false } }));
    add('EcsLinear', Deployment.ecsBlueGreen({ traffic: TrafficShift.linear(20, Duration.minutes(2)), smokeTest: { enabled: false } }));
    template = templateOf(stack);
  });

  test.each([
    { id: 'AllAtOnce', min: 0, max: 100 },
    { id: 'Rolling', min: 50, max: 100 },
    { id: 'Additional', min: 100, max: 150 },
    { id: 'Immutable', min: 100, max: 200 },
    // From one task ECS would round 50 % or 100 % up to 1 and 100 % or 150 % down to 1: 200 % lets one new task start.
    { id: 'RollingFromOne', min: 50, max: 200 },
    { id: 'AdditionalFromOne', min: 100, max: 200 },
    { id: 'RollingNightOne', min: 50, max: 200 },
    { id: 'RollingNightCapOne', min: 50, max: 200 },
    { id: 'RollingNightTwo', min: 50, max: 100 },
  ])('$id: minimum healthy $min %, maximum $max %, ECS controller with circuit breaker and rollback', ({ id, min, max }) => {
    // THEN
    expect(serviceNamed(template, id)).toMatchObject({
      DeploymentController: { Type: 'ECS' },
      DeploymentConfiguration: {
        MinimumHealthyPercent: min,
        MaximumPercent: max,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      },
    });
  });

  test('blueGreen: no AWS::ECS::Service, the service a Custom::BlueGreenService creates with the CODE_DEPLOY controller', () => {
    // THEN (the handler's CreateService input: blue-green-service.lambda.test.ts)
    expect(Object.values(template.findResources('Custom::EcsService', { Properties: { ServiceName: 'Test-BlueGreen' } }))).toHaveLength(0);
    template.hasResourceProperties('Custom::BlueGreenService', { ServiceName: 'Test-BlueGreen', MinimumHealthyPercent: 100, MaximumPercent: 200 });
    template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 1);
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentGroupName: 'Test-BlueGreen' });
  });

  test.each([
    { id: 'EcsBlueGreen', strategy: 'BLUE_GREEN', shift: {} },
    { id: 'EcsAllAtOnce', strategy: 'BLUE_GREEN', shift: {} },
    { id: 'EcsCanary', strategy: 'CANARY', shift: { CanaryConfiguration: { CanaryPercent: 10, CanaryBakeTimeInMinutes: 5 } } },
    { id: 'EcsLinear', strategy: 'LINEAR', shift: { LinearConfiguration: { StepPercent: 20, StepBakeTimeInMinutes: 2 } } },
  ])('ecsBlueGreen ($id): the ECS controller with the $strategy strategy', ({ id, strategy, shift }) => {
    // THEN
    const props = serviceNamed(template, id);
    expect(props.DeploymentController).toEqual({ Type: 'ECS' });
    expect(props.DeploymentConfiguration).toMatchObject({
      Strategy: strategy,
      BakeTimeInMinutes: DEFAULTS.terminationWait.toMinutes(),
      MinimumHealthyPercent: 100,
      MaximumPercent: 200,
      ...shift,
    });
  });

  test('ecsBlueGreen: the service\'s load balancer entry names the green target group and both listener rules', () => {
    // THEN
    expect(serviceNamed(template, 'EcsBlueGreen').LoadBalancers).toEqual([{
      ContainerName: 'app',
      ContainerPort: 8080,
      TargetGroupArn: { Ref: expect.stringMatching(/EcsBlueGreenTargetGroup/) },
      AdvancedConfiguration: {
        AlternateTargetGroupArn: { Ref: expect.stringMatching(/EcsBlueGreenGreenTargetGroup/) },
        ProductionListenerRule: { Ref: expect.stringMatching(/EcsBlueGreenProductionRule/) },
        TestListenerRule: { Ref: expect.stringMatching(/EcsBlueGreenTestRule/) },
        RoleArn: expect.anything(),
      },
    }]);
  });
});

describe('health-check and draining options', () => {
  test('health: overrides interval, timeout, thresholds, draining and grace period', () => {
    // GIVEN / WHEN
    const { template } = serviceTemplate({
      container: { healthCheckPath: '/health' },
      health: {
        interval: Duration.seconds(30),
        timeout: Duration.seconds(10),
        healthyThresholdCount: 5,
        unhealthyThresholdCount: 4,
        deregistrationDelay: Duration.seconds(120),
        gracePeriod: Duration.seconds(300),
      },
    });
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 10,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 4,
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '120' }]),
    });
    expect(serviceProps(template).HealthCheckGracePeriodSeconds).toBe(300);
  });
});

describe('desired count', () => {
  test('a service with a fixed image starts with desiredCount tasks', () => {
    // GIVEN / WHEN
    const { template } = serviceTemplate({ container: { image: IMAGE }, desiredCount: 3, scaling: { minTasks: 2, maxTasks: 4 } });
    // THEN
    template.hasResourceProperties('Custom::DeployedState', { InitialDesiredCount: 3 });
    expect(serviceProps(template).DesiredCount).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/OrdersDeployedState/), 'DesiredCount'] });
  });

  test('a service with a fixed image and no desiredCount starts with minTasks', () => {
    // GIVEN / WHEN
    const { template } = serviceTemplate({ container: { image: IMAGE }, scaling: { minTasks: 3 } });
    // THEN
    template.hasResourceProperties('Custom::DeployedState', { InitialDesiredCount: 3 });
  });
});
