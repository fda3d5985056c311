import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { ContainerPlatform, Deployment, Microservice, PlatformErrors, Routing, Source } from '../../lib';
import { expectSynthWarnings } from '../synth-warnings';
import { errorOf, newPlatform, newStack } from '../util';
import { IMAGE, messageOf } from '../validation/helpers';

expectSynthWarnings('cdk-container-platform:smoke-test-path');

/**
 * Every workload claims its name in one registry, whether `platform.addService` (or addWorker,
 * addScheduledJob, addEventTask) built it or the user did with `new Microservice(...)`: the
 * physical names (`<platform name>-<id>`) of two workloads never collide at deploy time.
 */

/** The physical names a stack's templates carry for ECS services, alarms and CodeCommit repositories. */
function physicalNames(stack: Stack): string[] {
  const stacks = [stack, ...stack.node.findAll().filter((c): c is NestedStack => c instanceof NestedStack)];
  return stacks.flatMap((s) => {
    const t = Template.fromStack(s);
    return [
      ...Object.values(t.findResources('Custom::EcsService')).map((r) => r.Properties.ServiceName),
      ...Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((r) => r.Properties.AlarmName),
    ];
  }).filter((name) => typeof name === 'string');
}

describe('bug: a workload built directly claims its name like one added by the platform', () => {
  test('two Microservices called Orders on two platforms of one stack, both named after the stack, are refused', () => {
    // GIVEN two platforms in one stack, both named after the stack (the default)
    const stack = newStack();
    const first = new ContainerPlatform(stack, 'First');
    const second = new ContainerPlatform(stack, 'Second');
    new Microservice(new Construct(stack, 'TeamA'), 'Orders', { platform: first, routing: Routing.path('/orders/*'), container: { image: IMAGE } });
    // WHEN a second Orders is built directly on the other platform
    let error: unknown;
    try {
      new Microservice(new Construct(stack, 'TeamB'), 'Orders', { platform: second, routing: Routing.path('/orders/*'), container: { image: IMAGE } });
    } catch (e) {
      error = e;
    }
    // THEN synthesis refuses it with the library's error, naming the other workload and the fix
    expect(PlatformErrors.isValidationError(error)).toBe(true);
    expect((error as Error).message).toBe(messageOf('Test/TeamB/Orders', [
      "id: received \"Orders\"; allowed: an ID no other workload named after 'Test' uses (Test/TeamA/Orders has it; the physical names of a workload are '<platform name>-<id>'). "
      + "Fix: rename one of the two workloads, or give one of the platforms its own `platformName`.",
    ]));
  });

  test('two Microservices called Orders on one platform, built in two scopes, are refused', () => {
    // GIVEN a platform and a service Orders built directly
    const { stack, platform } = newPlatform();
    new Microservice(new Construct(stack, 'TeamA'), 'Orders', { platform, routing: Routing.path('/orders/*'), container: { image: IMAGE } });
    // WHEN another scope builds a second Orders on it
    const message = errorOf(() => new Microservice(new Construct(stack, 'TeamB'), 'Orders', { platform, routing: Routing.rule({ paths: ['/orders2/*'], priority: 7 }), container: { image: IMAGE } }));
    // THEN it is refused: the two would be one ECS service, one set of alarms
    expect(message).toContain("[Test/TeamB/Orders] 1 invalid prop:\n  - id: received \"Orders\"; allowed: an ID no other workload named after 'Test' uses (Test/TeamA/Orders has it;");
  });
});

describe('bug: the platform\'s own children reserve their IDs', () => {
  test.each(['ServiceProvider', 'SmokeTest', 'DeploymentApplication', 'ServiceStateFunction', 'ServiceStateFunctionRole', 'ServiceStateFunctionLogs', 'ClaimsFunction', 'ExecSessionLogs',
    'FileSystem', 'FileSystemSecurityGroup', 'NetworkLoadBalancer', 'PublicNetworkLoadBalancer'])(
    'without nested stacks, a service called %s is refused with the library\'s error', (id) => {
      // GIVEN a platform whose services are its direct children
      const { platform } = newPlatform({ nestedServiceStacks: false });
      // WHEN a service takes the ID of a part the platform makes when a service first needs it
      const message = errorOf(() => platform.addService(id, { routing: Routing.path('/orders/*') }));
      // THEN the library's error says so, not aws-cdk-lib's "There is already a Construct with name"
      expect(message).toBe(messageOf('Test/Platform', [
        `id: received "${id}"; allowed: an ID other than ClaimsFunction, ClaimsFunctionLogs, ClaimsFunctionRole, DeploymentApplication, ExecSessionLogs, FileSystem, FileSystemSecurityGroup, NetworkLoadBalancer, PublicNetworkLoadBalancer, ServiceProvider, `
        + 'ServiceStateFunction, ServiceStateFunctionLogs, '
        + 'ServiceStateFunctionRole, SmokeTest (the platform creates these when a service needs them). Fix: give each service, worker, job and event task its own ID.',
      ]));
    });

  test('a Microservice built directly in the platform with a reserved ID is refused too', () => {
    // GIVEN a platform
    const { platform } = newPlatform();
    // WHEN a service is built as the platform's child ServiceProvider
    const message = errorOf(() => new Microservice(platform, 'ServiceProvider', { platform, routing: Routing.path('/orders/*') }));
    // THEN the library refuses it before aws-cdk-lib would
    expect(message).toContain('[Test/Platform/ServiceProvider] 1 invalid prop:\n  - id: received "ServiceProvider"; allowed: an ID other than ClaimsFunction, ClaimsFunctionLogs, ClaimsFunctionRole, DeploymentApplication, ExecSessionLogs, FileSystem, FileSystemSecurityGroup, NetworkLoadBalancer, PublicNetworkLoadBalancer, ServiceProvider,');
  });
});

describe('bug: names are scoped by platform, not by stack', () => {
  test('two platforms of one stack each have a service Orders, with names that stay unique', () => {
    // GIVEN two platforms in one stack, the second with a name of its own
    const stack = newStack();
    const first = newPlatform({}, stack).platform;
    const second = new ContainerPlatform(stack, 'Second', { platformName: 'Test-Second' });
    // WHEN each adds a blue/green service Orders with a pipeline
    const options = { routing: Routing.path('/orders/*'), deployment: Deployment.ecsBlueGreen(), source: Source.codeCommit() };
    const a = first.addService('Orders', options);
    const b = second.addService('Orders', options);
    // THEN both exist, each named after its platform
    expect(a.workloadName).toBe('Test-Orders');
    expect(b.workloadName).toBe('Test-Second-Orders');
    expect(second.platformName).toBe('Test-Second');
    // AND no physical name of one is a physical name of the other
    const names = physicalNames(stack);
    expect(names.length).toBeGreaterThan(10);
    expect(new Set(names).size).toBe(names.length);
  });

  test('two platforms of one stack each have a worker Orders', () => {
    // GIVEN two platforms in one stack with names of their own
    const stack = newStack();
    const first = new ContainerPlatform(stack, 'First', { platformName: 'Shop-A' });
    const second = new ContainerPlatform(stack, 'Second', { platformName: 'Shop-B' });
    // WHEN each adds a worker Orders
    // THEN both are built, each named after its platform
    expect(first.addWorker('Orders', { container: { image: IMAGE } }).workloadName).toBe('Shop-A-Orders');
    expect(second.addWorker('Orders', { container: { image: IMAGE } }).workloadName).toBe('Shop-B-Orders');
  });
});

describe('platformName', () => {
  test('is the stack name by default', () => {
    // GIVEN a platform without a name
    const { platform } = newPlatform();
    // THEN it is named after its stack, as its workloads were before the prop existed
    expect(platform.platformName).toBe('Test');
  });

  test.each(['', '1shop', 'shop_internal', `s${'x'.repeat(128)}`])('refuses %j', (platformName) => {
    // GIVEN a name that cannot start a physical name
    const stack = newStack();
    // WHEN a platform is made with it
    const message = errorOf(() => new ContainerPlatform(stack, 'Platform', { platformName }));
    // THEN the library's error says what is allowed
    expect(message).toBe(messageOf('Test/Platform', [
      `platformName: received ${JSON.stringify(platformName)}; allowed: letters, digits and hyphens, starting with a letter, at most 128 characters `
      + "(it starts the physical names of the workloads, as a stack name does). Fix: use a name such as 'shop-internal'.",
    ]));
  });
});
