import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  ContainerPlatform, Deployment, EventTrigger, IContainerPlatform, Microservice, QueueWorker, Routing, ScheduledJob, EventTask, Source,
} from '../../lib';
import { expectSynthWarnings } from '../synth-warnings';
import { errorOf, newApp } from '../util';
import { IMAGE, messageOf } from '../validation/helpers';

// Services on the default health check (the smoke test's path is asserted in its own tests), and a platform of
// another stack (asserted below).
expectSynthWarnings('cdk-container-platform:smoke-test-path', 'cdk-container-platform:platform-in-another-stack');

/**
 * `ContainerPlatform.fromName`: a platform published under a name, imported in another stack or
 * app as CloudFormation parameters of SSM types, with every workload kind on it.
 */

const STAGING = { account: '222222222222', region: 'eu-west-1' };

function teamStack(app: App = newApp(), id = 'Team'): { stack: Stack; platform: IContainerPlatform } {
  const stack = new Stack(app, id, { env: STAGING });
  return { stack, platform: ContainerPlatform.fromName(stack, 'Platform', 'shop') };
}

describe('an imported platform', () => {
  test('reads what its workloads use from SSM-typed parameters, and looks nothing up', () => {
    // GIVEN a team's app that imports 'shop' and builds a blue/green service on it
    const app = newApp();
    const { stack, platform } = teamStack(app);
    new Microservice(stack, 'Payments', { platform, routing: Routing.path('/payments/*'), deployment: Deployment.blueGreen(), source: Source.codeCommit() });
    // WHEN synthesized
    const assembly = app.synth();
    const template = Template.fromStack(stack);
    // THEN nothing was looked up, and every value of the platform is a parameter that names its SSM parameter
    expect(assembly.manifest.missing ?? []).toEqual([]);
    const parameters = Object.values(template.toJSON().Parameters) as Array<{ Type: string; Default: string }>;
    const platformParameters = parameters.filter((p) => p.Default.startsWith('/cdk-container-platform/'));
    expect(platformParameters.map((p) => p.Default.replace('/cdk-container-platform/platform/shop/', '')).sort()).toEqual([
      'access-logs-bucket-name', 'alarm-topic-arn', 'claims-function-arn', 'deployed-state-function-arn', 'encryption-key-arn',
      'load-balancers/0/arn', 'load-balancers/0/production-listener-arn', 'load-balancers/0/protocol', 'load-balancers/0/security-group-id',
      'load-balancers/0/test-listener-arn', 'load-balancers/0/test-listener-port', 'service-provider-service-token', 'service-subnets',
      'smoke-test-function-arn', 'vpc-id',
    ]);
    expect(new Set(platformParameters.map((p) => p.Type))).toEqual(new Set(['AWS::SSM::Parameter::Value<String>', 'AWS::SSM::Parameter::Value<List<String>>']));
    expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
  });

  test('its service runs in the published subnets and cluster, is served by the published provider and claims its places', () => {
    const { stack, platform } = teamStack();
    new Microservice(stack, 'Payments', { platform, routing: Routing.path('/payments/*'), deployment: Deployment.blueGreen(), container: { image: IMAGE } });
    const template = Template.fromStack(stack);
    const subnets = Object.keys(template.toJSON().Parameters).find((k) => k.startsWith('PlatformShopServiceSubnets'))!;
    const token = Object.keys(template.toJSON().Parameters).find((k) => k.startsWith('PlatformShopServiceProviderServiceToken'))!;
    template.hasResourceProperties('Custom::BlueGreenService', {
      ServiceToken: { Ref: token },
      ClusterName: 'shop',
      ServiceName: 'shop-Payments',
      Subnets: { Ref: subnets },
      ApplicationName: 'shop',
      DeploymentGroupName: 'shop-Payments',
    });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { ApplicationName: 'shop', DeploymentGroupName: 'shop-Payments' });
    template.resourceCountIs('Custom::PlatformClaims', 1);
  });

  test('its services invoke the platform\'s functions by the roles\' own policies: no Lambda permission per service on a function of the platform', () => {
    // GIVEN a CodeDeploy blue/green service and an ECS blue/green one, whose hooks run the platform's smoke test
    const { stack, platform } = teamStack();
    new Microservice(stack, 'Payments', { platform, routing: Routing.path('/payments/*'), deployment: Deployment.blueGreen(), container: { image: IMAGE } });
    new Microservice(stack, 'Cart', { platform, routing: Routing.path('/cart/*'), deployment: Deployment.ecsBlueGreen(), container: { image: IMAGE } });
    // WHEN synthesized
    const template = Template.fromStack(stack);
    // THEN the function's policy is left alone (it would grow by a statement per service, up to Lambda's 20 KB):
    // the function is in the stack's own account and Region, where the caller's identity policy is enough
    template.resourceCountIs('AWS::Lambda::Permission', 0);
    const smokeTest = Object.keys(template.toJSON().Parameters).find((k) => k.startsWith('PlatformShopSmokeTestFunctionArn'))!;
    const invoked = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((r: any) => r.Properties.PolicyDocument.Statement)
      .filter((st: any) => [st.Action].flat().includes('lambda:InvokeFunction')).map((st: any) => JSON.stringify(st.Resource));
    expect(invoked.length).toBeGreaterThanOrEqual(2);
    for (const resource of invoked) expect(resource).toContain(smokeTest);
  });

  test('storage of a service or a worker needs a file system of the app\'s own: an imported platform has none to share', () => {
    const { stack, platform } = teamStack();
    const message = errorOf(() => new Microservice(stack, 'Payments', {
      platform, routing: Routing.path('/payments/*'), container: { image: IMAGE }, storage: { path: '/data' },
    }));
    expect(message).toBe(messageOf('Team/Payments', [
      'storage.fileSystem: received undefined; allowed: a file system of your own with a platform imported by name (the platform\'s file system is made in the platform\'s '
      + 'stack, for its own services; it is not published). Fix: create one in the platform\'s VPC (vpc: platform.vpc) and pass it as storage.fileSystem.',
    ]));
    // a worker's storage alike
    expect(errorOf(() => new QueueWorker(stack, 'Mailer', { platform, container: { image: IMAGE }, storage: { path: '/data' } })))
      .toContain('storage.fileSystem: received undefined; allowed: a file system of your own with a platform imported by name');
  });

  test('a TCP service is refused: the platform\'s Network Load Balancer is not published', () => {
    const { stack, platform } = teamStack();
    expect(errorOf(() => new Microservice(stack, 'Ledger', { platform, routing: Routing.tcp(5432), container: { image: IMAGE, port: 5432 } })))
      .toContain('routing: received "tcp 5432"; allowed: an HTTP route with a platform imported by name (the platform\'s Network Load Balancer is not published). '
        + 'Fix: add the TCP service in the platform\'s own app, or route it by path or host.');
  });

  test('every role of its workloads is under the platform\'s IAM path', () => {
    const { stack, platform } = teamStack();
    new Microservice(stack, 'Cart', { platform, routing: Routing.path('/cart/*'), deployment: Deployment.ecsBlueGreen(), container: { image: IMAGE } });
    new QueueWorker(stack, 'Mailer', { platform, container: { image: IMAGE } });
    const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')).map((r: any) => r.Properties.Path);
    expect(roles.length).toBeGreaterThan(4);
    expect(new Set(roles)).toEqual(new Set(['/cdk-container-platform/shop/eu-west-1/']));
  });

  test('takes every workload kind: a worker, a scheduled job and an event task, each claiming its name', () => {
    const { stack, platform } = teamStack();
    new QueueWorker(stack, 'Mailer', { platform, container: { image: IMAGE } });
    new ScheduledJob(stack, 'Nightly', { platform, schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), container: { image: IMAGE } });
    new EventTask(stack, 'Import', { platform, trigger: EventTrigger.fromJson('{"source":["com.example"]}', { ID: '$.detail.id' }), container: { image: IMAGE } });
    const template = Template.fromStack(stack);
    const claims = Object.values(template.findResources('Custom::PlatformClaims')).map((r: any) => r.Properties.Claims.map((c: any) => c.Key));
    expect(claims).toEqual([['name/shop-Mailer'], ['name/shop-Nightly'], ['name/shop-Import']]);
    const subnets = Object.keys(template.toJSON().Parameters).find((k) => k.startsWith('PlatformShopServiceSubnets'))!;
    template.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { EcsParameters: { NetworkConfiguration: { AwsvpcConfiguration: { Subnets: { Ref: subnets } } } } } });
  });

  test('is refused when its name cannot be a published platform\'s, or when it imports no load balancer', () => {
    const stack = new Stack(newApp(), 'Team', { env: STAGING });
    expect(errorOf(() => ContainerPlatform.fromName(stack, 'Platform', 'shop_internal', { loadBalancers: 0 }))).toBe(messageOf('Team/Platform', [
      'platformName: received "shop_internal"; allowed: the name of a published platform: letters, digits and hyphens, starting with a letter, at most 100 characters. '
      + "Fix: pass the platformName the platform is published under, such as 'shop'.",
      'loadBalancers: received 0; allowed: an integer from 1 to 50. Fix: import at least the first load balancer, and no more than the platform has.',
    ]));
  });
});

describe('in the app that builds the platform', () => {
  function platformApp(publish = true): { app: App; platform: ContainerPlatform } {
    const app = newApp();
    const platform = new ContainerPlatform(new Stack(app, 'Shop', { env: STAGING }), 'Platform', { platformName: 'shop', publish });
    return { app, platform };
  }

  test('a service stack imports it, deploys after it, and references none of its values', () => {
    const { app } = platformApp();
    const { stack, platform } = teamStack(app);
    new Microservice(stack, 'Payments', { platform, routing: Routing.path('/payments/*'), container: { image: IMAGE } });
    const assembly = app.synth();
    expect(assembly.getStackByName('Team').dependencies.map((d) => d.id)).toContain('Shop');
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('Fn::ImportValue');
    expect(JSON.stringify(assembly.getStackByName('Shop').template.Outputs ?? {})).not.toContain('Export');
  });

  test('routes, priorities and names are refused at synth as on the platform itself', () => {
    const { app, platform: shop } = platformApp();
    shop.addService('Orders', { routing: Routing.rule({ paths: ['/orders/*'], priority: 20 }), container: { image: IMAGE } });
    const { stack, platform } = teamStack(app);
    expect(errorOf(() => new Microservice(stack, 'Checkout', { platform, routing: Routing.rule({ paths: ['/orders/*'], priority: 21 }), container: { image: IMAGE } })))
      .toContain('routing: received {"paths":["/orders/*"],"hosts":[]}; allowed: a route no other service on Shop/Platform/LoadBalancer uses. Fix: Shop/Platform/OrdersStack/Orders already routes exactly these paths and hosts');
    expect(errorOf(() => new Microservice(stack, 'Search', { platform, routing: Routing.rule({ paths: ['/search/*'], priority: 20 }), container: { image: IMAGE } })))
      .toContain('routing.priority: received 20; allowed: a listener-rule priority no other service uses. Fix: Shop/Platform/OrdersStack/Orders already has priority 20');
    expect(errorOf(() => new Microservice(stack, 'Orders', { platform, routing: Routing.path('/orders2/*'), container: { image: IMAGE } })))
      .toContain("id: received \"Orders\"; allowed: an ID no other workload named after 'shop' uses (Shop/Platform/OrdersStack/Orders has it;");
  });

  test('two stacks importing the same name share its routes at synth', () => {
    const app = newApp();
    const a = teamStack(app, 'TeamA');
    const b = teamStack(app, 'TeamB');
    new Microservice(a.stack, 'Payments', { platform: a.platform, routing: Routing.path('/pay/*'), container: { image: IMAGE } });
    expect(errorOf(() => new Microservice(b.stack, 'Refunds', { platform: b.platform, routing: Routing.path('/pay/*'), container: { image: IMAGE } })))
      .toContain('TeamA/Payments already routes exactly these paths and hosts');
  });

  test('is refused when the platform does not publish, when imported in its own stack, or for more load balancers than it has', () => {
    const unpublished = platformApp(false);
    expect(errorOf(() => teamStack(unpublished.app))).toBe(messageOf('Team/Platform', [
      "platformName: received \"shop\"; allowed: a published platform (Shop/Platform of this app is named 'shop' but does not publish). Fix: set publish: true on Shop/Platform.",
    ]));
    const { app, platform } = platformApp();
    const own = Stack.of(platform);
    expect(errorOf(() => ContainerPlatform.fromName(own, 'Imported', 'shop', { loadBalancers: 2 }))).toBe(messageOf('Shop/Imported', [
      'scope: received "Shop/Imported"; allowed: a stack other than the platform\'s own (Shop): CloudFormation resolves a stack\'s SSM-typed parameters before it creates the stack\'s resources. '
      + 'Fix: use the platform itself in its own stack, and import it in the others.',
      'loadBalancers: received 2; allowed: at most the 1 load balancer(s) Shop/Platform has. Fix: import fewer, or add them to the platform with addLoadBalancer.',
    ]));
    void app;
  });
});

test('a queue worker of an imported platform consumes its own queue (no endpoint is added: an isolated platform publishes one)', () => {
  const { stack, platform } = teamStack();
  new QueueWorker(stack, 'Mailer', { platform, queue: new sqs.Queue(stack, 'Queue', { enforceSSL: true }), container: { image: IMAGE } });
  Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  void path;
});

test('a workload of another stack that takes the platform itself is warned of the exports, and shown the import', () => {
  // GIVEN the platform in one stack, a service in another taking it by reference
  const app = newApp();
  const shop = new ContainerPlatform(new Stack(app, 'Shop', { env: STAGING }), 'Platform', { platformName: 'shop', publish: true });
  const stack = new Stack(app, 'Team', { env: STAGING });
  new Microservice(stack, 'Payments', { platform: shop, routing: Routing.path('/payments/*'), container: { image: IMAGE } });
  // THEN
  Annotations.fromStack(stack).hasWarning('/Team/Payments', Match.stringLikeRegexp(
    'Team/Payments is in stack Team and its platform Shop/Platform in Shop: the platform\'s values reach it as exports of Shop.*'
    + "ContainerPlatform.fromName\\(scope, 'Platform', 'shop'\\)"));
});
