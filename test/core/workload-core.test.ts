import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { buildWorkloadCore } from '../../lib/core/workload-core';
import { newPlatform } from '../util';

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

/** The CloudFormation resources of one type in the stack, by logical ID. */
function resources(stack: Stack, type: string): Record<string, any> {
  return Template.fromStack(stack).findResources(type);
}

test('a service core without a fixed image starts from the bootstrap image with no tasks, and its execution role pulls from the repository', () => {
  // GIVEN a platform and a scope for the workload
  const { stack, platform } = newPlatform();
  const scope = new Construct(stack, 'Orders');
  // WHEN the core of a service whose pipeline owns the image is built
  const core = buildWorkloadCore(scope, { platform, container: {}, port: 8080, service: { serviceName: 'orders', desiredCount: 3 } });
  // THEN its parts are the scope's children under the ids the constructs always had
  expect(scope.node.children.map((c) => c.node.id)).toEqual(['Repository', 'DeployedState', 'TaskDefinition', 'Logs']);
  expect(core.initialDesiredCount).toBe(0);
  // AND the deployed state reads the service and starts from the repository's bootstrap image
  const states = Object.values(resources(stack, 'Custom::DeployedState'));
  expect(states).toHaveLength(1);
  expect(states[0].Properties).toMatchObject({
    ServiceName: 'orders',
    ContainerName: 'app',
    InitialDesiredCount: 0,
  });
  Template.fromStack(stack).hasResourceProperties('Custom::DeployedState', {
    BootstrapImage: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':bootstrap$')])] },
  });
  // AND the container listens on the port and runs the deployed image
  Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: Match.arrayWith([Match.objectLike({
      Name: 'app',
      PortMappings: [Match.objectLike({ ContainerPort: 8080 })],
      Image: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersDeployedState'), 'Image'] },
    })]),
  });
  // AND the execution role may pull from the repository
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['ecr:BatchGetImage']) })]) },
    Roles: [{ Ref: Match.stringLikeRegexp('^OrdersTaskDefinitionExecutionRole') }],
  });
});

test('a service core with a fixed image keeps its deployed state (for the desired count) and starts with the desired count', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  const scope = new Construct(stack, 'Orders');
  // WHEN the core of a service that runs a fixed image is built
  const core = buildWorkloadCore(scope, { platform, container: { image }, service: { serviceName: 'orders', desiredCount: 3 } });
  // THEN it starts with the desired count, with no bootstrap image and no port mapping
  expect(core.initialDesiredCount).toBe(3);
  expect(core.deployedState).toBeDefined();
  Template.fromStack(stack).hasResourceProperties('Custom::DeployedState', { InitialDesiredCount: 3, BootstrapImage: '' });
  Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'app', PortMappings: Match.absent() })]),
  });
});

test('a task core with a fixed image has no deployed state and no repository: nothing pushes to one', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  const scope = new Construct(stack, 'Report');
  // WHEN the core of a task run by a trigger is built with a fixed image and extra variables
  const core = buildWorkloadCore(scope, {
    platform, container: { image, environment: { MODE: 'nightly' } }, environment: { QUEUE_URL: 'url' },
  });
  // THEN nothing reads a deployed state, no repository is created, and the execution role pulls from none
  expect(core.deployedState).toBeUndefined();
  expect(core.repository).toBeUndefined();
  expect(scope.node.tryFindChild('Repository')).toBeUndefined();
  expect(resources(stack, 'Custom::DeployedState')).toEqual({});
  expect(resources(stack, 'AWS::ECR::Repository')).toEqual({});
  expect(JSON.stringify(resources(stack, 'AWS::IAM::Policy'))).not.toContain('ecr:BatchGetImage');
  // AND the container gets its own variables and the platform's
  Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: Match.arrayWith([Match.objectLike({
      Name: 'app',
      Environment: Match.arrayWith([{ Name: 'MODE', Value: 'nightly' }, { Name: 'QUEUE_URL', Value: 'url' }]),
    })]),
  });
});

test('a task core without a fixed image reads the family\'s deployed image, not a service', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  const scope = new Construct(stack, 'Report');
  // WHEN the core of a pipeline-fed task is built
  const core = buildWorkloadCore(scope, { platform, container: {} });
  // THEN its deployed state names the task definition's family and no service
  expect(core.deployedState).toBeDefined();
  const props = Object.values(resources(stack, 'Custom::DeployedState'))[0].Properties;
  expect(props.ServiceName).toBeUndefined();
  expect(props.ClusterName).toBeUndefined();
  expect(props.Family).toEqual(Stack.of(scope).resolve(core.taskDefinition.family));
});
