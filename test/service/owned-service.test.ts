import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Deployment, Routing, Source } from '../../lib';
import { flatPlatform, logicalId, passOrdersTaskRoles, resource, resourcesOfType } from '../deployment/helpers';
import { expectSynthWarnings } from '../synth-warnings';
import { templateOf } from '../util';

/**
 * Rolling and ECS-native blue/green services are Custom::EcsService resources of the platform's
 * service provider: aws-cdk-lib's FargateService renders their properties, the provider owns
 * their updates (test/deployment/ecs-service.handler.test.ts, test/lifecycle).
 */

// The blue/green fixture keeps the health check at / outside its route /orders/*: the smoke test
// requests /orders/, with this warning.
expectSynthWarnings('cdk-container-platform:smoke-test-path');

const SERVICE = 'Custom::EcsService';

function serviceOf(deployment: Deployment, extra: Record<string, unknown> = {}): { template: Template; service: Record<string, any>; id: string } {
  const { stack, platform } = flatPlatform();
  platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment, source: Source.codeCommit(), ...extra });
  const template = templateOf(stack);
  const found = resource(template, SERVICE, 'PlatformOrders');
  return { template, service: found.resource as Record<string, any>, id: found.id };
}

const policiesOf = (template: Template, prefix: string) =>
  Object.entries(resourcesOfType(template, 'AWS::IAM::Policy')).filter(([id]) => id.startsWith(prefix));

describe('a rolling service', () => {
  let template: Template;
  let service: Record<string, any>;
  beforeAll(() => ({ template, service } = serviceOf(Deployment.rolling())));

  test('is a Custom::EcsService of the platform\'s provider, waited for up to the hour, that knows who owns the image', () => {
    template.resourceCountIs('AWS::ECS::Service', 0);
    expect(service.Properties).toMatchObject({
      ServiceToken: { 'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Function', 'PlatformServiceProviderframeworkonEvent'), 'Arn'] },
      ServiceTimeout: '3600',
      ImageOwner: 'pipeline',
      ContainerName: 'app',
      // What aws-cdk-lib's FargateService renders for AWS::ECS::Service, unchanged.
      ServiceName: 'Test-Orders',
      DeploymentController: { Type: 'ECS' },
    });
  });

  test('is scaled and alarmed by the Name attribute the provider answers', () => {
    const target = resource(template, 'AWS::ApplicationAutoScaling::ScalableTarget').resource as Record<string, any>;
    expect(JSON.stringify(target.Properties.ResourceId)).toContain(`"${resource(template, SERVICE, 'PlatformOrders').id}","Name"`);
  });

  test('lets the provider pass exactly the task\'s two roles to ECS tasks, and waits for that permission', () => {
    const [[policyId, policy]] = policiesOf(template, 'PlatformOrdersServiceProviderPolicy');
    expect(policy.Properties!.Roles).toEqual([
      { Ref: logicalId(template, 'AWS::IAM::Role', 'PlatformServiceProviderOnEventFunctionRole') },
      { Ref: logicalId(template, 'AWS::IAM::Role', 'PlatformServiceProviderIsCompleteFunctionRole') },
    ]);
    expect(policy.Properties!.PolicyDocument.Statement).toEqual([passOrdersTaskRoles(template)]);
    expect(service.DependsOn).toContain(policyId);
  });

  test('needs no CodeDeploy: the provider gets no CodeDeploy permission and the platform no application', () => {
    template.resourceCountIs('AWS::CodeDeploy::Application', 0);
    expect(JSON.stringify(resourcesOfType(template, 'AWS::IAM::Policy'))).not.toContain('codedeploy:');
  });
});

test('an ECS-native blue/green service lets the provider pass the load balancer and hook roles to ECS, and nothing else to it', () => {
  // GIVEN
  const { template } = serviceOf(Deployment.ecsBlueGreen());
  const [[, policy]] = policiesOf(template, 'PlatformOrdersServiceProviderPolicy');
  const [toEcs] = (policy.Properties!.PolicyDocument.Statement as Array<Record<string, any>>)
    .filter((s) => s.Condition.StringEquals['iam:PassedToService'] === 'ecs.amazonaws.com');
  // THEN each role is one of the service's own, assumed by ECS
  const roles = resourcesOfType(template, 'AWS::IAM::Role');
  const passed = ([] as Array<{ 'Fn::GetAtt': [string, string] }>).concat(toEcs.Resource).map((r) => r['Fn::GetAtt'][0]);
  // The role ECS assumes to move the listener rules, and the smoke-test hook's role.
  const named = JSON.stringify(resource(template, SERVICE, 'PlatformOrders').resource.Properties);
  expect(passed.sort()).toEqual(Object.keys(roles).filter((id) => named.includes(`"${id}"`)).sort());
  expect(passed.length).toBeGreaterThanOrEqual(2);
  for (const id of passed) {
    expect(id.startsWith('PlatformOrdersService')).toBe(true);
    expect(JSON.stringify(roles[id].Properties!.AssumeRolePolicyDocument)).toContain('ecs.amazonaws.com');
  }
});

test('a service whose template fixes the image passes no task role: the provider never registers a revision for it', () => {
  // GIVEN
  const { template, service } = serviceOf(Deployment.rolling(), { source: undefined, container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27') } });
  // THEN
  expect(service.Properties.ImageOwner).toBe('stack');
  expect(policiesOf(template, 'PlatformOrdersServiceProviderPolicy')).toEqual([]);
});
