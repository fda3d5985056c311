import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ContainerPlatform, Deployment, Routing } from '../../lib';
import { expectSynthWarnings } from '../synth-warnings';
import { errorOf, newApp, newStack } from '../util';
import { IMAGE, messageOf } from '../validation/helpers';

// Services on the default health check: the smoke test's path is asserted in its own tests.
expectSynthWarnings('cdk-container-platform:smoke-test-path');

/**
 * A platform published under its name (`publish: true`): the SSM parameters of what importing
 * workloads need, and the parts of the platform they use, granted what they need at publication.
 */

const PREFIX = '/cdk-container-platform/platform/shop/';

function published(): { stack: Stack; template: Template } {
  const stack = newStack(newApp(), 'Shop');
  new ContainerPlatform(stack, 'Platform', { platformName: 'shop', publish: true });
  return { stack, template: Template.fromStack(stack) };
}

/** The statements of every policy of a template. */
function statements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('publish: true', () => {
  test('writes one SSM parameter per value under /cdk-container-platform/platform/<name>/, the subnets as a StringList', () => {
    // GIVEN / WHEN
    const { template } = published();
    // THEN
    const names = Object.values(template.findResources('AWS::SSM::Parameter')).map((r: any) => `${r.Properties.Name} ${r.Properties.Type}`).sort();
    expect(names).toEqual([
      'access-logs-bucket-name', 'alarm-topic-arn', 'claims-function-arn', 'cluster-name', 'codedeploy-application-name', 'deployed-state-function-arn',
      'encryption-key-arn', 'load-balancers/0/arn', 'load-balancers/0/production-listener-arn', 'load-balancers/0/production-port', 'load-balancers/0/protocol',
      'load-balancers/0/security-group-id', 'load-balancers/0/test-listener-arn', 'load-balancers/0/test-listener-port', 'role-path', 'service-provider-service-token',
      'service-subnets', 'smoke-test-function-arn', 'smoke-test-security-group-id', 'vpc-id',
    ].map((k) => `${PREFIX}${k} ${k === 'service-subnets' ? 'StringList' : 'String'}`).sort());
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: `${PREFIX}role-path`, Value: '/cdk-container-platform/shop/eu-west-1/' });
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: `${PREFIX}load-balancers/0/protocol`, Value: 'HTTP' });
  });

  test('names the cluster and the CodeDeploy application after the platform, and makes the parts importers use', () => {
    const { template } = published();
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterName: 'shop' });
    template.hasResourceProperties('AWS::CodeDeploy::Application', { ApplicationName: 'shop', ComputePlatform: 'ECS' });
    // the provider framework, the smoke test, the deployed-state and the claims functions
    expect(Object.values(template.findResources('AWS::Lambda::Function')).map((f: any) => f.Properties.Description).filter((d) => d).sort()).toEqual(expect.arrayContaining([
      'cdk-container-platform: claims the names, rule priorities and routes of the workloads of the platform, in any app',
      'cdk-container-platform: creates, updates and deletes the ECS services of the platform',
      'cdk-container-platform: reads the deployed image and desired count of services and the live target groups of blue/green services',
      'Smoke tests of the blue/green deployments of Shop/Platform',
    ]));
  });

  test('lets the provider pass the roles under the platform\'s IAM path to ECS tasks and ECS, in one statement per function, and serve the importers\' families and stacks', () => {
    const { template } = published();
    // the importers' families and stacks, which the platform cannot name: any family, any stack's tags (read-only)
    const all = statements(template);
    expect(all.filter((s) => s.Action === 'ecs:RegisterTaskDefinition').map((s) => s.Resource)).toEqual([
      'arn:aws:ecs:eu-west-1:111111111111:task-definition/*', 'arn:aws:ecs:eu-west-1:111111111111:task-definition/*',
    ]);
    expect(all.filter((s) => s.Action === 'cloudformation:DescribeStacks').map((s) => s.Resource)).toEqual(['arn:aws:cloudformation:eu-west-1:111111111111:stack/*']);
    const passRole = statements(template).filter((s) => s.Action === 'iam:PassRole');
    expect(passRole).toHaveLength(2);
    for (const s of passRole) {
      expect(s).toEqual({
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: 'arn:aws:iam::111111111111:role/cdk-container-platform/shop/eu-west-1/*',
        Condition: { StringEquals: { 'iam:PassedToService': ['ecs-tasks.amazonaws.com', 'ecs.amazonaws.com'] } },
      });
    }
  });

  test('lets the provider and the smoke test use the deployment groups of the application named after the platform, and the state function read rules', () => {
    const { template } = published();
    const all = statements(template);
    const group = { 'Fn::Join': ['', ['arn:aws:codedeploy:eu-west-1:111111111111:deploymentgroup:', { Ref: 'PlatformDeploymentApplicationF5423EA5' }, '/shop-*']] };
    expect(all).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['codedeploy:BatchGetDeployments', 'codedeploy:CreateDeployment', 'codedeploy:ListDeployments'], Resource: group }),
      expect.objectContaining({ Action: 'codedeploy:GetDeployment', Resource: group }),
      expect.objectContaining({ Action: ['ecs:DescribeTaskDefinition', 'elasticloadbalancing:DescribeRules'], Resource: '*' }),
    ]));
  });

  test('the claims function may put, get and delete the platform\'s claims only', () => {
    const { template } = published();
    expect(statements(template)).toContainEqual({
      Action: ['ssm:DeleteParameter', 'ssm:GetParameter', 'ssm:PutParameter'],
      Effect: 'Allow',
      Resource: 'arn:aws:ssm:eu-west-1:111111111111:parameter/cdk-container-platform/platform/shop/claims/*',
    });
  });

  test('publishes each load balancer the platform adds', () => {
    const stack = newStack(newApp(), 'Shop');
    const platform = new ContainerPlatform(stack, 'Platform', { platformName: 'shop', publish: true });
    platform.addLoadBalancer('LoadBalancer2');
    const names = Object.values(Template.fromStack(stack).findResources('AWS::SSM::Parameter')).map((r: any) => r.Properties.Name);
    expect(names.filter((n: string) => n.startsWith(`${PREFIX}load-balancers/1/`))).toHaveLength(7);
  });

  test('its own services claim their name, priority and route at deploy', () => {
    const stack = newStack(newApp(), 'Shop');
    const platform = new ContainerPlatform(stack, 'Platform', { platformName: 'shop', publish: true, nestedServiceStacks: false });
    platform.addService('Orders', { routing: Routing.rule({ paths: ['/orders/*'], priority: 10 }), container: { image: IMAGE } });
    const template = Template.fromStack(stack);
    const claims = Object.values(template.findResources('Custom::PlatformClaims'));
    expect(claims).toHaveLength(1);
    expect((claims[0] as any).Properties).toMatchObject({
      Platform: 'shop',
      Prefix: `${PREFIX}claims/`,
      Owner: 'Shop/Platform/Orders',
      Claims: [
        { Key: 'name/shop-Orders', What: 'the workload name shop-Orders' },
        { Key: 'priority/0/10', What: 'the listener-rule priority 10 on load balancer 0' },
        { Key: expect.stringMatching(/^route\/0\/[0-9a-f]{16}$/), What: 'the route paths /orders/* on load balancer 0' },
      ],
    });
    // the rules and the service come after the claims
    const claimsId = Object.keys(template.findResources('Custom::PlatformClaims'))[0];
    for (const type of ['AWS::ElasticLoadBalancingV2::ListenerRule', 'Custom::EcsService']) {
      for (const r of Object.values(template.findResources(type))) expect((r as any).DependsOn).toContain(claimsId);
    }
  });

  test('a platform that does not publish writes no parameter, names nothing and claims nothing', () => {
    const stack = newStack();
    const platform = new ContainerPlatform(stack, 'Platform', { platformName: 'shop', nestedServiceStacks: false });
    platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen(), container: { image: IMAGE } });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SSM::Parameter', 1); // the smoke test's settings
    template.resourceCountIs('Custom::PlatformClaims', 0);
    template.hasResourceProperties('AWS::ECS::Cluster', Match.not(Match.objectLike({ ClusterName: Match.anyValue() })));
    template.hasResourceProperties('AWS::CodeDeploy::Application', Match.not(Match.objectLike({ ApplicationName: Match.anyValue() })));
  });
});

describe('publish: refused', () => {
  test('a name of more than 100 characters (the CodeDeploy application is named after it)', () => {
    const stack = newStack();
    const name = `s${'x'.repeat(100)}`;
    expect(errorOf(() => new ContainerPlatform(stack, 'Platform', { platformName: name, publish: true }))).toBe(messageOf('Test/Platform', [
      `platformName: received "${name}"; allowed: at most 100 characters to publish (the CodeDeploy application of a published platform is named after it). Fix: choose a shorter platformName.`,
    ]));
  });

  test('a second platform of the app publishing the same name in the same account and Region', () => {
    const app = newApp();
    new ContainerPlatform(newStack(app, 'A'), 'Platform', { platformName: 'shop', publish: true });
    expect(errorOf(() => new ContainerPlatform(newStack(app, 'B'), 'Platform', { platformName: 'shop', publish: true }))).toBe(messageOf('B/Platform', [
      "publish: received true; allowed: a name no other platform of the app publishes in 111111111111/eu-west-1 (A/Platform publishes 'shop'; SSM parameter names are unique in an account and Region). "
      + 'Fix: give one of the platforms its own platformName.',
    ]));
  });

  test('the same name published in two accounts is two platforms', () => {
    const app = newApp();
    new ContainerPlatform(new Stack(app, 'A', { env: { account: '222222222222', region: 'eu-west-1' } }), 'Platform', { platformName: 'shop', publish: true });
    expect(() => new ContainerPlatform(new Stack(app, 'B', { env: { account: '333333333333', region: 'eu-west-1' } }), 'Platform', { platformName: 'shop', publish: true })).not.toThrow();
  });
});
