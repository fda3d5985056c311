import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Deployment, Microservice, Routing, ServiceOptions, Source, TrafficShift } from '../../lib';
import { expectSynthWarnings } from '../synth-warnings';
import { newPlatform, templateOf } from '../util';
import { actionsOf, CfnResource, flatPlatform, listenerId, logicalId, resource, resourcesOfType, serviceFixture, statementsOfRole } from './helpers';

/** Who owns the task definition (DESIGN.md, hard problem 1): what `cdk deploy` changes and what it never touches. */

// The blue/green fixtures keep the health check at / outside their route /orders/*: the smoke test
// requests /orders/, with this warning.
expectSynthWarnings('cdk-container-platform:smoke-test-path');

const TD = 'AWS::ECS::TaskDefinition';
const SERVICE = 'Custom::EcsService';
const STATE = 'Custom::DeployedState';
const BLUE_GREEN_SERVICE = 'Custom::BlueGreenService';

function stateOf(template: Template): { id: string; resource: CfnResource } {
  return resource(template, STATE, 'PlatformOrders');
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

  test('starts the service with DeployedState\'s initial count and never sends it a desired count afterwards', () => {
    // THEN the Custom::BlueGreenService creates the service with the initial count (0: empty
    // repository); its handler never sends DesiredCount in UpdateService (blue-green-service.lambda.test.ts)
    const service = resource(template, BLUE_GREEN_SERVICE, 'PlatformOrders').resource;
    expect(service.Properties!.DesiredCount).toBe(state.Properties!.InitialDesiredCount);
    expect(service.DependsOn).toContain(stateId);
    template.resourceCountIs(SERVICE, 0);
  });

  test('hands every new task-definition revision to the service resource, which deploys it blue/green', () => {
    const service = resource(template, BLUE_GREEN_SERVICE, 'PlatformOrders').resource;
    expect(service.Properties!.TaskDefinition).toEqual({ Ref: logicalId(template, TD, 'PlatformOrders') });
  });
});

describe('a rolling service', () => {
  test('keeps the task definition reference (the ECS controller can change it) and has no service resource', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({ deployment: Deployment.rolling(), source: Source.codeCommit() });
    // THEN
    const service = resource(template, SERVICE, 'PlatformOrders').resource;
    expect(service.Properties!.TaskDefinition).toEqual({ Ref: logicalId(template, TD, 'PlatformOrders') });
    template.resourceCountIs(BLUE_GREEN_SERVICE, 0);
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

/** The Watched property of the Orders service's DeployedState, synthesized with `options` and changed by `change`. */
function watchedOf(options: Partial<ServiceOptions> | ((stack: Stack) => Partial<ServiceOptions>), change?: (service: Microservice) => void): Record<string,
  any> {
  const { stack, platform } = flatPlatform();
  const resolved = typeof options === 'function' ? options(stack) : options;
  const service = platform.addService('Orders', { routing: Routing.path('/orders/*'), ...resolved });
  change?.(service);
  return stateOf(templateOf(stack)).resource.Properties!.Watched;
}

describe('DeployedState is read again exactly when CloudFormation would register a task definition', () => {
  const base: Partial<ServiceOptions> = {
    deployment: Deployment.rolling(),
    source: Source.codeCommit(),
    container: { cpu: 256, memoryMiB: 512, environment: { MODE: 'a' } },
  };
  let baseline: Record<string, any>;
  beforeAll(() => {
    baseline = watchedOf(base);
  });

  test('watches the task definition\'s own CloudFormation properties, and nothing of the service', () => {
    // GIVEN the template of the same service
    const { template } = serviceFixture(base);
    const td = resource(template, TD, 'PlatformOrders').resource.Properties!;
    // THEN Watched holds them as the template writes them, without the image and the tags
    const { ContainerDefinitions: containers, Tags: _tdTags, ...tdRest } = td;
    expect(baseline).toEqual({ TaskDefinition: { ...tdRest, ContainerDefinitions: containers.map(({ Image: _image, ...c }: any) => c) } });
  });

  test('never holds the image it answers (that would make it depend on itself or re-read on every deploy)', () => {
    expect(JSON.stringify(baseline)).not.toContain('"Image"');
  });

  test('is the same for the same settings in a new app (deterministic)', () => {
    expect(watchedOf(base)).toEqual(baseline);
  });

  test('changes with an environment variable', () => {
    expect(watchedOf({ ...base, container: { ...base.container, environment: { MODE: 'b' } } }).TaskDefinition).not.toEqual(baseline.TaskDefinition);
  });

  test('changes with cpu', () => {
    // GIVEN the same memory (1024 MiB), valid for both 256 and 512 CPU units
    const small = watchedOf({ ...base, container: { ...base.container, cpu: 256, memoryMiB: 1024 } });
    const large = watchedOf({ ...base, container: { ...base.container, cpu: 512, memoryMiB: 1024 } });
    // THEN
    expect(large.TaskDefinition.Cpu).toBe('512');
    expect(large.TaskDefinition).not.toEqual(small.TaskDefinition);
  });

  test('changes with memory', () => {
    expect(watchedOf({ ...base, container: { ...base.container, memoryMiB: 1024 } }).TaskDefinition.Memory).toBe('1024');
  });

  test('holds a secret as the reference CloudFormation resolves, so a replaced secret is seen too', () => {
    // GIVEN a secret from Secrets Manager created in the stack
    const watched = watchedOf((stack) => ({
      ...base,
      container: { ...base.container, secrets: { TOKEN: ecs.Secret.fromSecretsManager(new secretsmanager.Secret(stack, 'Token')) } },
    }));
    // THEN the container's secret is the secret's Ref, resolved by CloudFormation
    expect(watched.TaskDefinition.ContainerDefinitions[0].Secrets).toEqual([{ Name: 'TOKEN', ValueFrom: { Ref: expect.stringMatching(/^Token/) } }]);
  });

  test('changes with a volume, even one no container mounts (issue 11, item 5)', () => {
    // GIVEN a volume added to the task definition
    const watched = watchedOf(base, (service) => service.taskDefinition.addVolume({ name: 'scratch' }));
    // THEN
    expect(baseline.TaskDefinition.Volumes).toEqual([{ Name: 'tmp' }]);
    expect(watched.TaskDefinition.Volumes).toEqual([{ Name: 'tmp' }, { Name: 'scratch' }]);
  });

  test('does not change with a setting of the service alone: the platform\'s service resource never sends the count again', () => {
    // GIVEN only the health-check grace period changes
    const watched = watchedOf({ ...base, health: { gracePeriod: Duration.seconds(90) } });
    // THEN
    expect(watched).toEqual(baseline);
  });

  test('does not change with the alarm thresholds, scaling, draining or the traffic shift of a CodeDeploy service', () => {
    // GIVEN settings that are neither the task definition's nor the service's
    const codeDeploy = { ...base, deployment: Deployment.blueGreen() };
    const other = watchedOf({
      ...codeDeploy,
      deployment: Deployment.blueGreen({ traffic: TrafficShift.linear(10, Duration.minutes(1)) }),
      alarms: { http5xxPerMinute: 50, p99Latency: Duration.seconds(5) },
      scaling: { minTasks: 3, maxTasks: 20, cpuPercent: 50 },
      health: { deregistrationDelay: Duration.seconds(30) },
    });
    // THEN
    expect(other).toEqual(watchedOf(codeDeploy));
  });
});

describe('the listener rules of a blue/green service follow the live target groups', () => {
  test.each([
    ['CodeDeploy', Deployment.blueGreen()],
    ['ECS-native', Deployment.ecsBlueGreen()],
  ])('%s: production forwards to ProductionTargetGroup, test to TestTargetGroup, both read by Custom::LiveTargetGroups', (_name, deployment) => {
    // GIVEN
    const { template } = serviceFixture({ deployment, source: Source.codeCommit() });
    const { id: liveId, resource: live } = resource(template, 'Custom::LiveTargetGroups', 'PlatformOrders');
    // THEN the rules' only action forwards to the live target groups' answer
    const rules = resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::ListenerRule');
    const production = Object.values(rules).find((r) => r.Properties!.ListenerArn.Ref === listenerId(template, 80))!;
    const test = Object.values(rules).find((r) => r.Properties!.ListenerArn.Ref !== listenerId(template, 80))!;
    expect(production.Properties!.Actions).toEqual([{ Type: 'forward', TargetGroupArn: { 'Fn::GetAtt': [liveId, 'ProductionTargetGroup'] } }]);
    expect(test.Properties!.Actions).toEqual([{ Type: 'forward', TargetGroupArn: { 'Fn::GetAtt': [liveId, 'TestTargetGroup'] } }]);
    // AND it reads the production listener's rules, knowing blue, green and the priority, with the platform's function
    expect(live.Properties).toMatchObject({
      ServiceToken: stateOf(template).resource.Properties!.ServiceToken,
      ProductionListenerArn: { Ref: listenerId(template, 80) },
      Priority: production.Properties!.Priority,
      BlueTargetGroupArn: { Ref: logicalId(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'PlatformOrdersTargetGroup') },
      GreenTargetGroupArn: { Ref: logicalId(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'PlatformOrdersGreenTargetGroup') },
    });
    // AND it watches both rules without their actions
    const { Actions: _p, ...productionRest } = production.Properties!;
    const { Actions: _t, ...testRest } = test.Properties!;
    expect(live.Properties!.Watched).toEqual({ ProductionRule: productionRest, TestRule: testRest });
  });

  test('the task definition\'s and the service\'s changes do not touch the rules: a rollback replays a rule\'s previous properties', () => {
    // GIVEN a blue/green service, then the same with another environment variable and grace period
    const live = (options: Partial<ServiceOptions>) => {
      const { stack, platform } = flatPlatform();
      platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.ecsBlueGreen(), source: Source.codeCommit(), ...options });
      return resource(templateOf(stack), 'Custom::LiveTargetGroups').resource.Properties;
    };
    const before = live({});
    const after = live({ container: { environment: { MODE: 'b' } }, health: { gracePeriod: Duration.seconds(90) } });
    // THEN the live target groups resource, and so the rules, are the same
    expect(after).toEqual(before);
    // AND no rule refers to the deployed state of the task definition and the service
    const { template } = serviceFixture({ deployment: Deployment.ecsBlueGreen(), source: Source.codeCommit() });
    const rules = JSON.stringify(resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::ListenerRule'));
    expect(rules).not.toContain(stateOf(template).id);
  });

  test('a routing change is a change of the watched rules, so the live target groups are read again before the rules change', () => {
    // GIVEN the same service on another path
    const watchedRules = (routing: Routing) => {
      const { stack, platform } = flatPlatform();
      platform.addService('Orders', { routing, deployment: Deployment.blueGreen(), source: Source.codeCommit() });
      return resource(templateOf(stack), 'Custom::LiveTargetGroups').resource.Properties!.Watched;
    };
    const before = watchedRules(Routing.path('/orders/*'));
    const after = watchedRules(Routing.path('/shop/*'));
    // THEN
    expect(after.ProductionRule.Conditions).toEqual([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/shop/*'] } }]);
    expect(after.ProductionRule.Conditions).not.toEqual(before.ProductionRule.Conditions);
    expect(after.TestRule.Conditions).toEqual(after.ProductionRule.Conditions);
  });

  test('the service-state function may describe listener rules, which support no resource-level permissions', () => {
    // GIVEN
    const { template } = serviceFixture({ deployment: Deployment.blueGreen(), source: Source.codeCommit() });
    // THEN
    const statements = statementsOfRole(template, logicalId(template, 'AWS::IAM::Role', 'PlatformServiceStateFunctionRole'));
    const describeRules = statements.filter((st) => actionsOf(st).includes('elasticloadbalancing:DescribeRules'));
    expect(describeRules).toHaveLength(1);
    expect(describeRules[0]).toMatchObject({ Effect: 'Allow', Resource: '*' });
    expect(describeRules[0].Condition).toBeUndefined();
  });

  test('a rolling service has no rules to follow: its rule forwards to its target group and the function may not describe rules', () => {
    // GIVEN
    const { template } = serviceFixture({ deployment: Deployment.rolling(), source: Source.codeCommit() });
    // THEN
    const rule = Object.values(resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::ListenerRule'))[0];
    expect(rule.Properties!.Actions).toEqual([{ Type: 'forward', TargetGroupArn: { Ref: logicalId(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'PlatformOrdersTargetGroup') } }]);
    template.resourceCountIs('Custom::LiveTargetGroups', 0);
    const statements = statementsOfRole(template, logicalId(template, 'AWS::IAM::Role', 'PlatformServiceStateFunctionRole'));
    expect(statements.flatMap(actionsOf)).not.toContain('elasticloadbalancing:DescribeRules');
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

  test('keeps the service resource, its DeployedState and its task definition together in the service\'s stack', () => {
    expect(Stack.of(service).nested).toBe(true);
    const state = logicalId(nested, STATE, 'Orders');
    const svc = resource(nested, BLUE_GREEN_SERVICE, 'Orders').resource;
    expect(svc.Properties!.TaskDefinition).toEqual({ Ref: logicalId(nested, TD, 'Orders') });
    expect(resource(nested, TD, 'Orders').resource.Properties!.ContainerDefinitions[0].Image).toEqual({ 'Fn::GetAtt': [state, 'Image'] });
  });

  test('answers each custom resource with the platform\'s function for it, passed in as a parameter', () => {
    // THEN each nested-stack parameter is the parent's function ARN
    const parameterValue = (type: string) => {
      const parameter = resource(nested, type, 'Orders').resource.Properties!.ServiceToken.Ref as string;
      const nestedStack = Object.values(resourcesOfType(parent, 'AWS::CloudFormation::Stack'))
        .find((r) => r.Properties!.Parameters?.[parameter] !== undefined);
      return nestedStack!.Properties!.Parameters[parameter];
    };
    expect(parameterValue(STATE)).toEqual({ 'Fn::GetAtt': [logicalId(parent, 'AWS::Lambda::Function', 'PlatformServiceStateFunction'), 'Arn'] });
    expect(parameterValue(BLUE_GREEN_SERVICE)).toEqual({ 'Fn::GetAtt': [logicalId(parent, 'AWS::Lambda::Function', 'PlatformServiceProviderframeworkonEvent'), 'Arn'] });
  });
});
