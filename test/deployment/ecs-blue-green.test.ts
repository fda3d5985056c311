import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Deployment, HookEvent, TrafficShift } from '../../lib';
import { expectSynthWarnings } from '../synth-warnings';
import { CfnResource, hookFunction, logicalId, resource, serviceFixture } from './helpers';

/** ECS-native blue/green (Deployment.ecsBlueGreen): the ECS controller's BLUE_GREEN, CANARY and LINEAR strategies. */

// The fixtures keep the health check at / outside their route /orders/* (the smoke test requests
// /orders/); canary and linear services have no circuit breaker (ECS documents none for them), which
// aws-cdk-lib warns about.
expectSynthWarnings('cdk-container-platform:smoke-test-path');

function serviceOf(template: Template): CfnResource {
  return resource(template, 'Custom::EcsService', 'PlatformOrders').resource;
}

describe('ecsBlueGreen with the defaults', () => {
  let template: Template;
  let service: CfnResource;
  beforeAll(() => {
    template = serviceFixture({ deployment: Deployment.ecsBlueGreen() }).template;
    service = serviceOf(template);
  });

  test('uses the ECS controller with the BLUE_GREEN strategy and a 5-minute bake time', () => {
    expect(service.Properties!.DeploymentController).toEqual({ Type: 'ECS' });
    expect(service.Properties!.DeploymentConfiguration).toMatchObject({ Strategy: 'BLUE_GREEN', BakeTimeInMinutes: 5 });
    expect(service.Properties!.DeploymentConfiguration.CanaryConfiguration).toBeUndefined();
    expect(service.Properties!.DeploymentConfiguration.LinearConfiguration).toBeUndefined();
  });

  test('needs no CodeDeploy and no rollout', () => {
    template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 0);
    template.resourceCountIs('AWS::CodeDeploy::Application', 0);
    template.resourceCountIs('Custom::BlueGreenRollout', 0);
    expect(service.Properties!.TaskDefinition).toEqual({ Ref: logicalId(template, 'AWS::ECS::TaskDefinition', 'PlatformOrders') });
  });

  test('attaches blue with green as the alternate target group on the production and test listener rules', () => {
    expect(service.Properties!.LoadBalancers).toEqual([{
      ContainerName: 'app',
      ContainerPort: 8080,
      TargetGroupArn: { Ref: logicalId(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'PlatformOrdersTargetGroup') },
      AdvancedConfiguration: {
        AlternateTargetGroupArn: { Ref: logicalId(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'PlatformOrdersGreenTargetGroup') },
        ProductionListenerRule: { Ref: logicalId(template, 'AWS::ElasticLoadBalancingV2::ListenerRule', 'PlatformOrdersProductionRule') },
        TestListenerRule: { Ref: logicalId(template, 'AWS::ElasticLoadBalancingV2::ListenerRule', 'PlatformOrdersTestRule') },
        RoleArn: { 'Fn::GetAtt': [logicalId(template, 'AWS::IAM::Role', 'PlatformOrdersServiceAlternateTargetRole'), 'Arn'] },
      },
    }]);
  });

  test('runs the smoke test at POST_TEST_TRAFFIC_SHIFT', () => {
    const smoke = logicalId(template, 'AWS::Lambda::Function', 'PlatformSmokeTestFunction');
    expect(service.Properties!.DeploymentConfiguration.LifecycleHooks).toEqual([{
      HookTargetArn: { 'Fn::GetAtt': [smoke, 'Arn'] },
      LifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
      RoleArn: { 'Fn::GetAtt': [logicalId(template, 'AWS::IAM::Role', 'PlatformOrdersServiceHook0Role'), 'Arn'] },
    }]);
  });

  test('rolls back on the 5xx, unhealthy-host and latency alarms of both target groups', () => {
    // The alarms' literal names, as each alarm names itself (no reference, so no possible cycle).
    const alarm = (name: string) => resource(template, 'AWS::CloudWatch::Alarm', `PlatformOrdersAlarms${name}`).resource.Properties!.AlarmName;
    const names = ['Http5xxBlue', 'Http5xxGreen', 'UnhealthyHostsBlue', 'UnhealthyHostsGreen', 'P99LatencyBlue', 'P99LatencyGreen'];
    expect(names.map(alarm)).toEqual(names.map((n) => `Test-Orders-${n}`));
    expect(service.Properties!.DeploymentConfiguration.Alarms).toEqual({
      Enable: true,
      Rollback: true,
      AlarmNames: names.map((n) => `Test-Orders-${n}`),
    });
  });
});

describe('the deployment circuit breaker of an ECS-native blue/green service', () => {
  // The developer guide documents the circuit breaker (and the alarms) for the rolling update and
  // blue/green deployment types; the canary and linear pages name only the alarms for rollback.
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-failure-detection.html
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/canary-deployment-implementation.html
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/linear-deployment-implementation.html
  test('is on, with rollback, for the BLUE_GREEN strategy', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({ deployment: Deployment.ecsBlueGreen() });
    // THEN
    expect(serviceOf(template).Properties!.DeploymentConfiguration).toMatchObject({ Strategy: 'BLUE_GREEN', DeploymentCircuitBreaker: { Enable: true, Rollback: true } });
  });

  test.each([
    ['CANARY', TrafficShift.canary(10, Duration.minutes(5))],
    ['LINEAR', TrafficShift.linear(10, Duration.minutes(1))],
  ])('is left out for the %s strategy, which rolls back on its alarms', (strategy, traffic) => {
    // GIVEN / WHEN
    const { template } = serviceFixture({ deployment: Deployment.ecsBlueGreen({ traffic }) });
    // THEN
    const config = serviceOf(template).Properties!.DeploymentConfiguration;
    expect(config.Strategy).toBe(strategy);
    expect(config.DeploymentCircuitBreaker).toBeUndefined();
    expect(config.Alarms).toMatchObject({ Enable: true, Rollback: true });
  });
});

describe('ecsBlueGreen traffic shifts', () => {
  test('canary(20, 3 minutes) uses the CANARY strategy with 20 % and a 3-minute canary bake time', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({ deployment: Deployment.ecsBlueGreen({ traffic: TrafficShift.canary(20, Duration.minutes(3)),
      terminationWait: Duration.minutes(7) }) });
    // THEN
    expect(serviceOf(template).Properties!.DeploymentConfiguration).toMatchObject({
      Strategy: 'CANARY',
      BakeTimeInMinutes: 7,
      CanaryConfiguration: { CanaryPercent: 20, CanaryBakeTimeInMinutes: 3 },
    });
  });

  test('linear(25, 2 minutes) uses the LINEAR strategy with 25 % steps and a 2-minute step bake time', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({ deployment: Deployment.ecsBlueGreen({ traffic: TrafficShift.linear(25, Duration.minutes(2)) }) });
    // THEN
    const config = serviceOf(template).Properties!.DeploymentConfiguration;
    expect(config).toMatchObject({
      Strategy: 'LINEAR',
      BakeTimeInMinutes: 5,
      LinearConfiguration: { StepPercent: 25, StepBakeTimeInMinutes: 2 },
    });
    expect(config.CanaryConfiguration).toBeUndefined();
  });

  test('allAtOnce uses the BLUE_GREEN strategy', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({ deployment: Deployment.ecsBlueGreen({ traffic: TrafficShift.allAtOnce() }) });
    // THEN
    expect(serviceOf(template).Properties!.DeploymentConfiguration.Strategy).toBe('BLUE_GREEN');
  });
});

describe('ecsBlueGreen hooks', () => {
  test('map each CodeDeploy event to its ECS lifecycle stage, after the smoke test', () => {
    // GIVEN a hook for each of the five events
    const events = [HookEvent.BEFORE_INSTALL, HookEvent.AFTER_INSTALL, HookEvent.AFTER_ALLOW_TEST_TRAFFIC, HookEvent.BEFORE_ALLOW_TRAFFIC,
      HookEvent.AFTER_ALLOW_TRAFFIC];
    const { template } = serviceFixture((stack) => ({
      deployment: Deployment.ecsBlueGreen({ hooks: events.map((lifecycleEvent, i) => ({ lifecycleEvent, function: hookFunction(stack, `Hook${i}`) })) }),
    }));
    // THEN
    const hooks = serviceOf(template).Properties!.DeploymentConfiguration.LifecycleHooks as any[];
    expect(hooks.map((h) => [h.HookTargetArn['Fn::GetAtt'][0], h.LifecycleStages])).toEqual([
      [logicalId(template, 'AWS::Lambda::Function', 'PlatformSmokeTestFunction'), ['POST_TEST_TRAFFIC_SHIFT']],
      [logicalId(template, 'AWS::Lambda::Function', 'Hook0'), ['PRE_SCALE_UP']],
      [logicalId(template, 'AWS::Lambda::Function', 'Hook1'), ['POST_SCALE_UP']],
      [logicalId(template, 'AWS::Lambda::Function', 'Hook2'), ['POST_TEST_TRAFFIC_SHIFT']],
      // BeforeAllowTraffic runs before production traffic moves: after the test traffic shift,
      // not during the production one (PRODUCTION_TRAFFIC_SHIFT: "green is migrating from 0% to 100%").
      // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentLifecycleHook.html
      [logicalId(template, 'AWS::Lambda::Function', 'Hook3'), ['POST_TEST_TRAFFIC_SHIFT']],
      [logicalId(template, 'AWS::Lambda::Function', 'Hook4'), ['POST_PRODUCTION_TRAFFIC_SHIFT']],
    ]);
  });

  test('smokeTest.enabled false leaves no lifecycle hook', () => {
    // GIVEN / WHEN
    const { template, service } = serviceFixture({ deployment: Deployment.ecsBlueGreen({ smokeTest: { enabled: false } }) });
    // THEN
    expect(service.smokeTest).toBeUndefined();
    expect(serviceOf(template).Properties!.DeploymentConfiguration.LifecycleHooks).toBeUndefined();
  });
});
