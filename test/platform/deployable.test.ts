import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { ContainerPlatform, Deployment, EventTrigger, PlatformDashboard, Routing, Source } from '../../lib';
import { expectSynthWarnings } from '../synth-warnings';
import { errorOf, newApp, newPlatform, newStack, templateOf } from '../util';

/**
 * Issue 10: what CloudFormation would refuse in a template file on its own. Each test fails
 * on the defect it names.
 */

// The blue/green fixtures keep the health check at / outside their routes: the smoke test requests a
// path of the route, with this warning.
expectSynthWarnings('cdk-container-platform:smoke-test-path');

/** The template of the nested stack `<id>Stack` of the platform, as its own file. */
function nestedTemplate(stack: Stack, id: string): Record<string, any> {
  const nested = stack.node.findAll().find((c): c is NestedStack => c instanceof NestedStack && c.node.id === `${id}Stack`);
  if (!nested) throw new Error(`no nested stack ${id}Stack`);
  return Template.fromStack(nested).toJSON();
}

/** Every logical ID a Ref or Fn::GetAtt in `node` names. */
function referencedIds(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => referencedIds(n, found));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.Ref === 'string') found.add(o.Ref);
    const getAtt = o['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') found.add(getAtt[0]);
    Object.values(o).forEach((v) => referencedIds(v, found));
  }
  return found;
}

test('a resource of the parent stack granted to a nested service reaches it as a parameter (compliance rewrites keep tokens)', () => {
  // GIVEN a bucket in the platform's stack, granted to a service in its nested stack
  const { stack, platform } = newPlatform();
  const bucket = new s3.Bucket(stack, 'Uploads');
  const orders = platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen(), source: Source.codeCommit() });
  bucket.grantRead(orders.taskRole);
  // WHEN synthesized
  const t = nestedTemplate(stack, 'Orders');
  // THEN every reference of the nested template names its own resources, parameters or pseudo parameters
  const known = new Set([...Object.keys(t.Resources), ...Object.keys(t.Parameters ?? {})]);
  const dangling = [...referencedIds(t.Resources)].filter((id) => !known.has(id) && !id.startsWith('AWS::'));
  expect(dangling).toEqual([]);
  // AND the task role's policy names the bucket through a parameter
  const policies = Object.values(t.Resources).filter((r: any) => r.Type === 'AWS::IAM::Policy') as any[];
  const bucketParameter = Object.keys(t.Parameters).find((p) => p.includes('Uploads'));
  expect(bucketParameter).toBeDefined();
  expect(JSON.stringify(policies)).toContain(`"Ref":"${bucketParameter}"`);
});

test('scheduled jobs and event tasks with a source synthesize in their nested stacks, reading their families by names known at synth', () => {
  // GIVEN a job and an event task built by pipelines, in the default nested stacks
  const { stack, platform } = newPlatform();
  const uploads = new s3.Bucket(stack, 'Uploads');
  platform.addScheduledJob('NightlyReport', { schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '2' }), source: Source.codeCommit() });
  platform.addEventTask('Thumbnail', { trigger: EventTrigger.s3ObjectCreated(uploads), source: Source.codeCommit() });
  // WHEN synthesized THEN each reads its task definition's family, a literal, and no SSM parameter holds an image
  for (const t of [nestedTemplate(stack, 'NightlyReport'), nestedTemplate(stack, 'Thumbnail')]) {
    const resources = Object.values(t.Resources) as any[];
    const state = resources.find((r) => r.Type === 'Custom::DeployedState');
    const td = resources.find((r) => r.Type === 'AWS::ECS::TaskDefinition');
    expect(typeof state.Properties.Family).toBe('string');
    expect(state.Properties.Family).toBe(td.Properties.Family);
    expect(resources.filter((r) => r.Type === 'AWS::SSM::Parameter')).toEqual([]);
  }
});

/** The `Fn::Join` of a name that ends with the stack instance's suffix: [literal start, suffix]. */
function instanceName(name: unknown): [string, unknown] {
  const parts = (name as any)['Fn::Join'][1] as unknown[];
  expect((name as any)['Fn::Join'][0]).toBe('');
  expect(parts).toHaveLength(2);
  // The first 8 hex digits of the GUID of AWS::StackId (arn:...:stack/<name>/<guid>).
  expect(parts[1]).toEqual({ 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] });
  return parts as [string, unknown];
}

test('a worker\'s CodeCommit repository is named after the platform\'s stack and fits CodeCommit\'s 100 characters', () => {
  // GIVEN a platform in a stack with a long name, and a worker with a CodeCommit source
  const stack = new Stack(newApp(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' }, stackName: `team-${'a'.repeat(90)}` });
  const { platform } = newPlatform({}, stack);
  platform.addWorker('Resizer', { source: Source.codeCommit() });
  // WHEN synthesized
  const t = nestedTemplate(stack, 'Resizer');
  const repository = Object.values(t.Resources).find((r: any) => r.Type === 'AWS::CodeCommit::Repository') as any;
  // THEN the name is the stack name's start and a digest of the whole, then the stack instance's 8 characters: at most 100
  const [start] = instanceName(repository.Properties.RepositoryName);
  expect(start).toMatch(/^team-a+-[0-9a-f]{8}-$/);
  expect(start.length + 8).toBeLessThanOrEqual(100);
});

test('a short worker name is the platform\'s stack name and the worker\'s ID', () => {
  // GIVEN a worker with a CodeCommit source
  const { stack, platform } = newPlatform();
  platform.addWorker('Resizer', { source: Source.codeCommit() });
  // THEN its service is named Test-Resizer, and its repository too, then the stack instance's suffix
  const t = nestedTemplate(stack, 'Resizer');
  const byType = (type: string) => Object.values(t.Resources).find((r: any) => r.Type === type) as any;
  expect(instanceName(byType('AWS::CodeCommit::Repository').Properties.RepositoryName)[0]).toBe('Test-Resizer-');
  expect(byType('Custom::EcsService').Properties.ServiceName).toBe('Test-Resizer');
});

test('the platform dashboard of two services gives every metric of a graph its own ID', () => {
  // GIVEN two services on one platform
  const { stack, platform } = newPlatform();
  platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen() });
  platform.addService('Catalog', { routing: Routing.path('/catalog/*') });
  // WHEN the dashboard is added and synthesized
  new PlatformDashboard(stack, 'Dashboard', { platform });
  const body = JSON.stringify(templateOf(stack).findResources('AWS::CloudWatch::Dashboard'));
  // THEN the per-service sums use distinct metric IDs
  expect(body).toContain('SUM([FILL(s0m0, 0), FILL(s0m1, 0)])');
  expect(body).toContain('SUM([FILL(s1m0, 0)])');
});

test('two platforms in one stack keep their services\' smoke-test settings apart', () => {
  // GIVEN two platforms in one stack, each with a blue/green service
  const stack = newStack();
  const first = newPlatform({}, stack).platform;
  const second = new ContainerPlatform(stack, 'Second');
  first.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen() });
  second.addService('Payments', { routing: Routing.path('/payments/*'), deployment: Deployment.blueGreen() });
  // WHEN synthesized
  const names = stack.node.findAll().filter((c): c is NestedStack => c instanceof NestedStack)
    .flatMap((nested) => Object.values(Template.fromStack(nested).findResources('AWS::SSM::Parameter')))
    .map((r: any) => r.Properties.Name);
  // THEN each settings parameter lives under its own platform's prefix
  expect(names.sort()).toEqual([
    expect.stringMatching(/^\/cdk-container-platform\/smoke-test\/TestPlatform[0-9A-F]{8}\/Test-Orders$/),
    expect.stringMatching(/^\/cdk-container-platform\/smoke-test\/TestSecond[0-9A-F]{8}\/Test-Payments$/),
  ]);
});

test('two platforms named after one stack cannot use the same workload ID, whose names would collide', () => {
  // GIVEN two platforms in one stack, both named after it, the first with a service Orders
  const stack = newStack();
  const first = newPlatform({}, stack).platform;
  const second = new ContainerPlatform(stack, 'Second');
  first.addService('Orders', { routing: Routing.path('/orders/*') });
  // WHEN the second adds a worker called Orders THEN synthesis says why and how to fix it
  expect(errorOf(() => second.addWorker('Orders'))).toBe([
    '[Test/Second/OrdersStack/Orders] 1 invalid prop:',
    "  - id: received \"Orders\"; allowed: an ID no other workload named after 'Test' uses (Test/Platform/OrdersStack/Orders has it; the physical names of a workload are '<platform name>-<id>'). Fix: rename one of the two workloads, or give one of the platforms its own `platformName`.",
  ].join('\n'));
});
