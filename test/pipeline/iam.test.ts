import * as path from 'node:path';
import { Duration, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EXAMPLE_ENV } from '../../examples/env';
import { ExamplePlatformStack } from '../../examples/platform-stack';
import { Deployment, HookEvent, Routing, Source, TrafficShift } from '../../lib';
import { actionsOf, flatPlatform, hookFunction, identityStatements, logicalId, OwnedStatement, statementsOfRole } from '../deployment/helpers';
import { expectSynthWarnings } from '../synth-warnings';
import { newApp, templateOf } from '../util';

/** Least privilege: no wildcard action anywhere, and the build's resources scoped to its own service. */

// The blue/green fixtures keep the health check at / outside their routes: the smoke test requests a
// path of the route, with this warning.
expectSynthWarnings('cdk-container-platform:smoke-test-path');

/** Every template of `stack`: its own and those of its nested stacks. */
function templatesOf(stack: Stack): Template[] {
  const nested = stack.node.findAll().filter((c): c is NestedStack => c instanceof NestedStack);
  return [stack, ...nested].map((s) => templateOf(s));
}

function wildcardActions(statements: OwnedStatement[]): string[] {
  return statements
    .filter(({ statement }) => statement.Effect === 'Allow')
    .flatMap(({ owner, statement }) => actionsOf(statement).filter((a) => a.includes('*')).map((a) => `${owner}: ${a}`));
}

describe('no wildcard actions', () => {
  test('in any identity policy of the example platform (with its nested service stacks)', () => {
    // GIVEN / WHEN
    const stack = new ExamplePlatformStack(newApp(), 'ExamplePlatform', { env: EXAMPLE_ENV });
    const statements = templatesOf(stack).flatMap(identityStatements);
    // THEN
    expect(statements.length).toBeGreaterThan(20);
    expect(wildcardActions(statements)).toEqual([]);
  });

  test('in any identity policy of a platform with every delivery kind in one stack', () => {
    // GIVEN CodeDeploy canary and custom linear with hooks, ECS-native, rolling, each with a pipeline
    const { stack, platform } = flatPlatform();
    const app = path.join(__dirname, '..', '..', 'examples', 'app');
    platform.addService('Orders', {
      routing: Routing.path('/orders/*'),
      deployment: Deployment.blueGreen({ traffic: TrafficShift.canary(10, Duration.minutes(5)), hooks: [{ lifecycleEvent: HookEvent.BEFORE_INSTALL, function: hookFunction(stack, 'Hook') }] }),
      source: Source.codeCommit({ initialCode: app }),
      pipeline: { approval: { emails: ['lead@example.com'] } },
    });
    platform.addService('Catalog', { routing: Routing.path('/catalog/*'), deployment: Deployment.blueGreen({ traffic: TrafficShift.linear(20, Duration.minutes(2)) }), source: Source.codeCommit() });
    platform.addService('Carts', { routing: Routing.path('/carts/*'), deployment: Deployment.ecsBlueGreen(), source: Source.codeCommit() });
    platform.addService('Users', { routing: Routing.path('/users/*'), deployment: Deployment.rolling(), source: Source.codeCommit() });
    // WHEN
    const statements = identityStatements(templateOf(stack));
    // THEN
    expect(wildcardActions(statements)).toEqual([]);
  });
});

describe('the build role', () => {
  let template: Template;
  let statements: Record<string, any>[];
  let serviceArn: unknown;
  beforeAll(() => {
    const { stack, platform } = flatPlatform();
    platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen(), source: Source.codeCommit() });
    template = templateOf(stack);
    statements = statementsOfRole(template, logicalId(template, 'AWS::IAM::Role', 'PlatformOrdersPipelineBuildRole'));
    serviceArn = { 'Fn::Join': ['', ['arn:aws:ecs:eu-west-1:111111111111:service/', { Ref: logicalId(template, 'AWS::ECS::Cluster') }, '/Test-Orders']] };
  });

  /** The resources of every Allow statement that grants `action`. */
  function resourcesFor(action: string): unknown[] {
    return statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action)).flatMap((s) => [s.Resource].flat());
  }

  test('reads and changes nothing of ECS: it runs the repository\'s Dockerfile and test commands', () => {
    expect(statements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf).filter((a) => a.startsWith('ecs:'))).toEqual([]);
  });

  test('the render step after it may describe and update exactly its own service, and read task definitions', () => {
    const render = statementsOfRole(template, logicalId(template, 'AWS::IAM::Role', 'PlatformOrdersPipelineRenderRole'));
    const renderResourcesFor = (action: string) => render.filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action)).flatMap((s) => [s.Resource].flat());
    expect(renderResourcesFor('ecs:DescribeServices')).toEqual([serviceArn]);
    expect(renderResourcesFor('ecs:UpdateService')).toEqual([serviceArn]);
    // DescribeTaskDefinition takes no resource type in the Service Authorization Reference.
    expect(renderResourcesFor('ecs:DescribeTaskDefinition')).toEqual(['*']);
    expect(render.flatMap(actionsOf).filter((a) => a.startsWith('ecr:'))).toEqual([]);
  });

  test('may push and pull exactly its own repository', () => {
    const repository = { 'Fn::GetAtt': [logicalId(template, 'AWS::ECR::Repository'), 'Arn'] };
    for (const action of ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer',
      'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage', 'ecr:DescribeImages']) {
      expect({ action, resources: resourcesFor(action) }).toEqual({ action, resources: [repository] });
    }
  });

  test('gets "*" only for the actions without resource-level permissions', () => {
    const star = statements.filter((s) => s.Effect === 'Allow' && s.Resource === '*').flatMap(actionsOf).sort();
    expect(star).toEqual(['ecr:GetAuthorizationToken']);
  });

  test('may not register task definitions or pass roles (the deploy action does)', () => {
    const actions = statements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf);
    expect(actions).not.toContain('ecs:RegisterTaskDefinition');
    expect(actions).not.toContain('iam:PassRole');
  });
});

describe('iam:PassRole', () => {
  // aws-cdk-lib's deploy actions grant iam:PassRole on '*'; the pipeline narrows it.
  test.each([
    ['CodeDeploy blue/green', Deployment.blueGreen()],
    ['the ECS deploy action', Deployment.rolling()],
  ])('with %s the deploy action\'s role may pass exactly the service\'s task and execution roles', (_name, deployment) => {
    // GIVEN a service with a pipeline
    const { stack, platform } = flatPlatform();
    platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment, source: Source.codeCommit() });
    // WHEN
    const template = templateOf(stack);
    // (the platform's service provider has its own, for every service: test/deployment/blue-green-service.test.ts)
    const passRole = identityStatements(template).filter(({ owner, statement }) => !owner.startsWith('PlatformServiceProvider') && actionsOf(statement).includes('iam:PassRole'));
    // THEN
    const taskRole = logicalId(template, 'AWS::IAM::Role', 'PlatformOrdersTaskDefinitionTaskRole');
    const executionRole = logicalId(template, 'AWS::IAM::Role', 'PlatformOrdersTaskDefinitionExecutionRole');
    expect(passRole.length).toBeGreaterThan(0);
    for (const { statement } of passRole) {
      // IAM merges and sorts the statement's resources; the set is what matters.
      expect(statement.Resource).toHaveLength(2);
      expect(statement.Resource).toEqual(expect.arrayContaining([{ 'Fn::GetAtt': [taskRole, 'Arn'] }, { 'Fn::GetAtt': [executionRole, 'Arn'] }]));
    }
  });
});
