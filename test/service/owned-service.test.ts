import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Deployment, Routing, Source } from '../../lib';
import { actionsOf, flatPlatform, identityStatements, logicalId, passPlatformRoles, resource, resourcesOfType } from '../deployment/helpers';
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

  test('puts the task\'s two roles under the platform\'s role path, which the provider may pass to ECS tasks without a policy of the service\'s', () => {
    for (const name of ['PlatformOrdersTaskDefinitionTaskRole', 'PlatformOrdersTaskDefinitionExecutionRole']) {
      expect(resourcesOfType(template, 'AWS::IAM::Role')[logicalId(template, 'AWS::IAM::Role', name)].Properties!.Path).toBe('/cdk-container-platform/Test/eu-west-1/');
    }
    expect(policiesOf(template, 'PlatformOrdersService')).toEqual([]);
    const provider = identityStatements(template).filter((s) => s.owner.startsWith('PlatformServiceProvider') && actionsOf(s.statement).includes('iam:PassRole'));
    expect(provider.map((s) => s.statement)).toEqual([passPlatformRoles(), passPlatformRoles()]);
    // The service waits for the provider, its permissions included.
    expect(service.DependsOn).toEqual(expect.arrayContaining(provider.map((s) => s.owner)));
  });

  test('needs no CodeDeploy: the provider gets no CodeDeploy permission and the platform no application', () => {
    template.resourceCountIs('AWS::CodeDeploy::Application', 0);
    expect(JSON.stringify(resourcesOfType(template, 'AWS::IAM::Policy'))).not.toContain('codedeploy:');
  });
});

test('an ECS-native blue/green service puts the roles ECS assumes for it (load balancer, hooks) under the platform\'s role path', () => {
  // GIVEN
  const { template } = serviceOf(Deployment.ecsBlueGreen());
  // THEN each role the service's properties name is one of the service's own, assumed by ECS, under the path
  const roles = resourcesOfType(template, 'AWS::IAM::Role');
  const named = JSON.stringify(resource(template, SERVICE, 'PlatformOrders').resource.Properties);
  const passed = Object.keys(roles).filter((id) => named.includes(`"${id}"`));
  expect(passed.length).toBeGreaterThanOrEqual(2);
  for (const id of passed) {
    expect(id.startsWith('PlatformOrdersService')).toBe(true);
    expect(JSON.stringify(roles[id].Properties!.AssumeRolePolicyDocument)).toContain('ecs.amazonaws.com');
    expect(roles[id].Properties!.Path).toBe('/cdk-container-platform/Test/eu-west-1/');
  }
});

test('a service whose template fixes the image adds no policy either: the provider never registers a revision for it', () => {
  // GIVEN
  const { template, service } = serviceOf(Deployment.rolling(), { source: undefined, container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27') } });
  // THEN
  expect(service.Properties.ImageOwner).toBe('stack');
  expect(policiesOf(template, 'PlatformOrdersService')).toEqual([]);
});
