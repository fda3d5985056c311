import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudAssembly, Template } from './model/assembly';
import { runBuildSpec } from './model/buildspec-runner';
import { CustomResourceEvent } from './model/custom-resource';
import { World } from './model/world';

/** The lifecycle model's own rules, each on a hand-written template or a direct call. */

let world: World;
beforeEach(() => { world = new World().start(); });
afterEach(() => world.stop());

/** A cloud assembly of one stack (and nested templates, by the 64-hex name their TemplateURL ends with). */
function assembly(template: Template, nested: Record<string, Template> = {}): CloudAssembly {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-'));
  fs.writeFileSync(path.join(dir, 'S.template.json'), JSON.stringify(template));
  const files: Record<string, unknown> = {};
  for (const [hash, t] of Object.entries(nested)) {
    fs.writeFileSync(path.join(dir, `${hash}.json`), JSON.stringify(t));
    files[hash] = { source: { path: `${hash}.json` } };
  }
  fs.writeFileSync(path.join(dir, 'S.assets.json'), JSON.stringify({ files }));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json' } }, A: { type: 'cdk:asset-manifest', properties: { file: 'S.assets.json' } } },
  }));
  return new CloudAssembly(dir);
}

/** A custom resource backed by the test's handler `probe`. */
const PROBE = { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'probe', Handler: 'index.handler', Runtime: 'nodejs22.x', Code: { ZipFile: 'x' } } };
function custom(properties: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { Type: 'Custom::Probe', Properties: { ServiceToken: { 'Fn::GetAtt': ['Probe', 'Arn'] }, ...properties }, ...extra };
}

/** The test handler: records every event and answers SUCCESS (or what `answer` says). */
function probe(answer: (e: CustomResourceEvent) => { Status?: string; PhysicalResourceId?: string; Data?: Record<string,
  unknown> } = () => ({})): CustomResourceEvent[] {
  const events: CustomResourceEvent[] = [];
  world.testHandlers.set('probe', async (e: CustomResourceEvent) => {
    events.push(e);
    const a = answer(e);
    await fetch(e.ResponseURL, { method: 'PUT', body: JSON.stringify({ Status: a.Status ?? 'SUCCESS', Reason: 'probe', PhysicalResourceId: a.PhysicalResourceId ?? e.PhysicalResourceId ?? 'p1', Data: a.Data ?? {} }) });
  });
  return events;
}

describe('CloudFormation', () => {
  test('GIVEN a custom resource WHEN its resolved properties do not change THEN it gets no event; WHEN they change THEN an Update with OldResourceProperties, scalars as strings', async () => {
    const events = probe();
    const t = (n: number, other: string): Template => ({ Resources: { Probe: PROBE, Other: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: other } }, C: custom({ Count: n, Enabled: true }) } });
    await world.deploy(assembly(t(1, 'a')), 'S');
    await world.deploy(assembly(t(1, 'b')), 'S');
    expect(events.map((e) => e.RequestType)).toEqual(['Create']);

    const op = await world.deploy(assembly(t(2, 'b')), 'S');

    expect(op.status).toBe('UPDATE_COMPLETE');
    expect(events.map((e) => e.RequestType)).toEqual(['Create', 'Update']);
    expect(events[1].ResourceProperties).toMatchObject({ Count: '2', Enabled: 'true' });
    expect(events[1].OldResourceProperties).toMatchObject({ Count: '1' });
    expect(events[1].PhysicalResourceId).toBe('p1');
  });

  test('GIVEN an update that fails after a custom resource was updated WHEN CloudFormation rolls back THEN the custom resource gets an Update with the old properties', async () => {
    const events = probe();
    const t = (n: number): Template => ({ Resources: { Probe: PROBE, C: custom({ N: n }), Later: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: `t${n}` }, DependsOn: 'C' } } });
    await world.deploy(assembly(t(1)), 'S');
    world.cfn.injectFailure('Later');

    const op = await world.deploy(assembly(t(2)), 'S');

    expect(op.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(op.failure?.logicalId).toBe('Later');
    expect(events.map((e) => `${e.RequestType}:${e.ResourceProperties.N}:${e.OldResourceProperties?.N ?? ''}`)).toEqual(['Create:1:', 'Update:2:1', 'Update:1:2']);
  });

  test('GIVEN a rollback WHEN the custom resource fails to roll back THEN the stack is UPDATE_ROLLBACK_FAILED and takes no update', async () => {
    probe((e) => ({ Status: e.RequestType === 'Update' && e.ResourceProperties.N === '1' ? 'FAILED' : 'SUCCESS' }));
    const t = (n: number): Template => ({ Resources: { Probe: PROBE, C: custom({ N: n }), Later: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: `t${n}` }, DependsOn: 'C' } } });
    await world.deploy(assembly(t(1)), 'S');
    world.cfn.injectFailure('Later');

    const op = await world.deploy(assembly(t(2)), 'S');
    const next = await world.deploy(assembly(t(3)), 'S');

    expect(op.status).toBe('UPDATE_ROLLBACK_FAILED');
    expect(op.rollbackFailure?.logicalId).toBe('C');
    expect(next.failure?.message).toMatch(/is in UPDATE_ROLLBACK_FAILED state and can not be updated/);
  });

  test('GIVEN a custom resource WHEN its handler answers another physical id THEN the old one gets a Delete with its own properties in the cleanup phase', async () => {
    const events = probe((e) => ({ PhysicalResourceId: `p${e.ResourceProperties.N}` }));
    const t = (n: number): Template => ({ Resources: { Probe: PROBE, C: custom({ N: n }) } });
    await world.deploy(assembly(t(1)), 'S');

    await world.deploy(assembly(t(2)), 'S');

    expect(events.map((e) => `${e.RequestType}:${e.PhysicalResourceId ?? ''}:${e.ResourceProperties.N}`)).toEqual(['Create::1', 'Update:p1:2', 'Delete:p1:1']);
  });

  test('GIVEN a change of a create-only property WHEN deployed THEN the resource is replaced (new physical id) and the old one deleted; a mutable property updates in place', async () => {
    const t = (name: string, value: string): Template => ({ Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Name: name, Type: 'String', Value: value } } } });
    await world.deploy(assembly(t('/a', 'x')), 'S');
    await world.deploy(assembly(t('/a', 'y')), 'S');
    expect(world.ssm.parameters.get('/a')).toEqual({ value: 'y', version: 2 });

    await world.deploy(assembly(t('/b', 'y')), 'S');

    expect(world.ssm.parameters.has('/a')).toBe(false);
    expect(world.ssm.parameters.get('/b')?.value).toBe('y');
  });

  test('GIVEN a custom-named resource WHEN a create-only property changes but not its name THEN the update fails as CloudFormation documents', async () => {
    const t = (fifo: boolean): Template => ({ Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'q.fifo', FifoQueue: fifo } } } });
    await world.deploy(assembly(t(true)), 'S');

    const op = await world.deploy(assembly(t(false)), 'S');

    expect(op.failure?.message).toBe('CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename q.fifo and update the stack again.');
    expect(op.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  test('GIVEN resources with DeletionPolicy and UpdateReplacePolicy Retain WHEN replaced, removed or the stack destroyed THEN they remain', async () => {
    const repo = (name: string) => ({ Type: 'AWS::ECR::Repository', Properties: { RepositoryName: name }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    await world.deploy(assembly({ Resources: { R: repo('one'), K: repo('kept') } }), 'S');
    await world.deploy(assembly({ Resources: { R: repo('two') } }), 'S');

    await world.destroy('S');

    expect([...world.ecr.repositories.values()].filter((r) => !r.deleted).map((r) => r.name).sort()).toEqual(['kept', 'one', 'two']);
  });

  test('GIVEN a nested stack WHEN it refers to its parent THEN only a parameter reaches the parent\'s resource; a dangling Ref fails', async () => {
    const child: Template = { Parameters: { TopicArn: { Type: 'String' } }, Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/child', Type: 'String', Value: { Ref: 'TopicArn' } } } } };
    const dangling: Template = { Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/child', Type: 'String', Value: { Ref: 'Topic' } } } } };
    const hash = (c: string) => c.repeat(64);
    const parent = (h: string): Template => ({ Resources: {
      Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
      N: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: `https://s3.amazonaws.com/b/${h}.json`, Parameters: { TopicArn: { Ref: 'Topic' } } } },
    } });

    const ok = await world.deploy(assembly(parent(hash('a')), { [hash('a')]: child }), 'S');
    expect(ok.status).toBe('CREATE_COMPLETE');
    expect(world.ssm.get('/child')).toBe(world.cfn.stacks.get('S')!.resources.get('Topic')!.physicalId);

    world.ssm.delete('/child');
    await world.destroy('S');
    const bad = await world.deploy(assembly(parent(hash('b')), { [hash('b')]: dangling }), 'S');
    expect(bad.failure?.message).toMatch(/Ref Topic before it exists/);
  });
});

describe('ECS', () => {
  function service(controller: string) {
    world.ecs.registerTaskDefinition({ family: 'f', containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/x/y:1' }] });
    return world.ecs.createService({ cluster: 'c', serviceName: 's', taskDefinition: 'f', desiredCount: 3, deploymentController: { type: controller }, networkConfiguration: { awsvpcConfiguration: { subnets: ['a'] } } });
  }

  test.each([
    ['taskDefinition', 'f', 'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.'],
    ['networkConfiguration', { awsvpcConfiguration: { subnets: ['a'] } }, 'Unable to update network parameters on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.'],
    ['loadBalancers', [], 'Unable to update load balancers on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.'],
  ])('GIVEN a CODE_DEPLOY service WHEN UpdateService carries %s, even unchanged, THEN ECS refuses it', (param, value, message) => {
    service('CODE_DEPLOY');
    expect(() => world.ecs.updateService({ cluster: 'c', service: 's', desiredCount: 4, [param]: value })).toThrow(message);
  });

  test('GIVEN a CODE_DEPLOY service WHEN UpdateService carries only the desired count THEN it is accepted; without a desired count the count stays', () => {
    const s = service('CODE_DEPLOY');
    world.ecs.updateService({ cluster: 'c', service: 's', desiredCount: 5, healthCheckGracePeriodSeconds: 30 });
    expect(s.desiredCount).toBe(5);
    world.ecs.updateService({ cluster: 'c', service: 's', healthCheckGracePeriodSeconds: 60 });
    expect(s.desiredCount).toBe(5);
  });

  test('GIVEN a template without DesiredCount WHEN CloudFormation creates the service THEN it runs 1 task', async () => {
    const op = await world.deploy(assembly({ Resources: {
      T: { Type: 'AWS::ECS::TaskDefinition', Properties: { Family: 'f', ContainerDefinitions: [{ Name: 'app', Image: 'public.ecr.aws/x/y:1' }] } },
      S: { Type: 'AWS::ECS::Service', Properties: { Cluster: 'c', ServiceName: 's', TaskDefinition: { Ref: 'T' } } },
    } }), 'S');
    expect(op.status).toBe('CREATE_COMPLETE');
    expect(world.ecs.service('c', 's').desiredCount).toBe(1);
  });

  test('GIVEN task definitions WHEN registered in a family THEN revisions count up and the family name means the latest ACTIVE one', () => {
    const a = world.ecs.registerTaskDefinition({ family: 'f', containerDefinitions: [] });
    const b = world.ecs.registerTaskDefinition({ family: 'f', containerDefinitions: [] });
    expect([a.revision, b.revision]).toEqual([1, 2]);
    world.ecs.deregisterTaskDefinition(b.taskDefinitionArn);
    expect(world.ecs.describeTaskDefinition('f').taskDefinitionArn).toBe(a.taskDefinitionArn);
  });
});

describe('CodeDeploy, ECR and ELB', () => {
  test('GIVEN an active deployment WHEN another is created in its group THEN DeploymentLimitExceededException', () => {
    world.codedeploy.groups.set('app/g', { application: 'app', name: 'g', cluster: 'c', service: 's', targetGroupNames: [], prodListeners: [], testListeners: [], alarms: [], alarmsEnabled: false, rollbackEvents: [], terminationWaitMinutes: 0 });
    const input = { applicationName: 'app', deploymentGroupName: 'g', revision: { appSpecContent: { content: 'version: 0.0\nResources: []\n' } } };
    const first = world.codedeploy.createDeployment(input);
    expect(() => world.codedeploy.createDeployment(input)).toThrow(`The Deployment Group 'g' already has an active Deployment '${first.id}'`);
  });

  test('GIVEN an immutable repository keeping 2 images WHEN a tag is pushed again or a third image arrives THEN the push fails, and the oldest image expires', () => {
    const repo = world.ecr.create('r', true, JSON.stringify({ rules: [{ selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 } }] }));
    world.ecr.push(`${repo.uri}:a`, 'c1');
    expect(() => world.ecr.push(`${repo.uri}:a`, 'c2')).toThrow(/already exists in the 'r' repository and cannot be overwritten/);
    world.ecr.push(`${repo.uri}:b`, 'c2');
    world.ecr.push(`${repo.uri}:c`, 'c3');
    expect(world.ecr.pullable(`${repo.uri}:a`)).toBe(false);
    expect(world.ecr.pullable(`${repo.uri}:c`)).toBe(true);
  });

  test('GIVEN listener rules WHEN a request arrives THEN the lowest priority whose conditions match forwards it, else the default action', () => {
    const lb = world.elbv2.createLoadBalancer('lb', '1');
    world.elbv2.listeners.set('L', { arn: 'L', loadBalancerArn: lb.arn, port: 80, defaultActions: [{ type: 'fixed-response', forward: [], statusCode: 404 }] });
    world.elbv2.rules.set('r2', { arn: 'r2', listenerArn: 'L', priority: 2, conditions: [{ field: 'path-pattern', values: ['/orders/*'] }], actions: [{ type: 'forward', forward: [{ targetGroupArn: 'b', weight: 1 }] }] });
    world.elbv2.rules.set('r1', { arn: 'r1', listenerArn: 'L', priority: 1, conditions: [{ field: 'path-pattern', values: ['/orders/x'] }], actions: [{ type: 'forward', forward: [{ targetGroupArn: 'a', weight: 1 }] }] });
    expect(world.elbv2.route('L', '', '/orders/x').rule?.arn).toBe('r1');
    expect(world.elbv2.route('L', '', '/orders/y').rule?.arn).toBe('r2');
    expect(world.elbv2.route('L', '', '/other').action.statusCode).toBe(404);
  });

  test('GIVEN a buildspec WHEN it runs an aws command the model does not know THEN it fails loudly', async () => {
    await expect(runBuildSpec({ phases: { build: { commands: ['aws s3 cp a b'] } } }, { world, env: {}, commit: 'c', files: new Map() }))
      .rejects.toThrow('the lifecycle model does not know the command: aws s3 cp a b');
  });
});
