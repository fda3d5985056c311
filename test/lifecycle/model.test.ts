import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudAssembly, Template } from './model/assembly';
import { runBuildSpec } from './model/buildspec-runner';
import { adversarialOrder } from './model/cloudformation';
import { CustomResourceEvent } from './model/custom-resource';
import { Principal, service, session } from './model/iam';
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

  test('GIVEN a repository with an image WHEN the stack deletes it THEN ECR refuses (RepositoryNotEmptyException); with EmptyOnDelete its images go with it', async () => {
    const repo = (name: string, empty?: boolean) => ({ Type: 'AWS::ECR::Repository', Properties: { RepositoryName: name, ...(empty ? { EmptyOnDelete: true } : {}) } });
    const pushed = async (name: string, empty?: boolean) => {
      await world.deploy(assembly({ Resources: { R: repo(name, empty) } }), 'S');
      world.ecr.push(`${A}.dkr.ecr.eu-west-1.amazonaws.com/${name}:c1`, 'c1');
      return world.destroy('S');
    };

    const emptied = await pushed('emptied', true);
    expect(emptied.status).toBe('DELETE_COMPLETE');
    expect(world.ecr.repositories.get('emptied')?.deleted).toBe(true);

    const full = await pushed('full');
    expect(full.status).toBe('DELETE_FAILED');
    expect(full.failure?.message).toMatch(/RepositoryNotEmptyException|still contains images/);
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
  async function service(controller: string) {
    world.ecs.registerTaskDefinition({ family: 'f', containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/x/y:1' }] });
    return world.ecs.createService({ cluster: 'c', serviceName: 's', taskDefinition: 'f', desiredCount: 3, deploymentController: { type: controller }, networkConfiguration: { awsvpcConfiguration: { subnets: ['a'] } } });
  }

  test.each([
    ['taskDefinition', 'f', 'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.'],
    ['networkConfiguration', { awsvpcConfiguration: { subnets: ['a'] } }, 'Unable to update network parameters on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.'],
    ['loadBalancers', [], 'Unable to update load balancers on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.'],
  ])('GIVEN a CODE_DEPLOY service WHEN UpdateService carries %s, even unchanged, THEN ECS refuses it', async (param, value, message) => {
    await service('CODE_DEPLOY');
    await expect(world.ecs.updateService({ cluster: 'c', service: 's', desiredCount: 4, [param]: value })).rejects.toThrow(message);
  });

  test('GIVEN a CODE_DEPLOY service WHEN UpdateService carries only the desired count THEN it is accepted; without a desired count the count stays', async () => {
    const s = await service('CODE_DEPLOY');
    await world.ecs.updateService({ cluster: 'c', service: 's', desiredCount: 5, healthCheckGracePeriodSeconds: 30 });
    expect(s.desiredCount).toBe(5);
    await world.ecs.updateService({ cluster: 'c', service: 's', healthCheckGracePeriodSeconds: 60 });
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
  test('GIVEN an active deployment WHEN another is created in its group THEN DeploymentLimitExceededException', async () => {
    world.iam.roles.set('arn:aws:iam::111111111111:role/cd', { arn: 'arn:aws:iam::111111111111:role/cd', name: 'cd', trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'codedeploy.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, inline: [], managed: [] });
    world.codedeploy.groups.set('app/g', { application: 'app', name: 'g', cluster: 'c', service: 's', targetGroupNames: [], prodListeners: [], testListeners: [], alarms: [], alarmsEnabled: false, rollbackEvents: [], terminationWaitMinutes: 0, serviceRoleArn: 'arn:aws:iam::111111111111:role/cd', deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce' });
    const input = { applicationName: 'app', deploymentGroupName: 'g', revision: { appSpecContent: { content: 'version: 0.0\nResources: []\n' } } };
    const first = await world.codedeploy.createDeployment(input);
    await expect(world.codedeploy.createDeployment(input)).rejects.toThrow(`The Deployment Group 'g' already has an active Deployment '${first.id}'`);
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

// ---- IAM, order, time, and the rules that differ from a naive reading ------------------------

const A = '111111111111';
const roleArn = (name: string) => `arn:aws:iam::${A}:role/${name}`;

/** A role in the model's IAM, trusting `service`, with these statements. */
function role(name: string, service: string, statements: unknown[] = []): Principal {
  world.iam.roles.set(roleArn(name), {
    arn: roleArn(name), name, trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] },
    inline: statements.length ? [{ name: 'p', document: { Version: '2012-10-17', Statement: statements } }] : [], managed: [],
  });
  return session(roleArn(name), `${name}-session`);
}

describe('IAM', () => {
  test('GIVEN a role without the permission WHEN it calls THEN AccessDenied names the session, the action and the resource as AWS words it', async () => {
    const caller = role('fn', 'lambda.amazonaws.com', [{ Effect: 'Allow', Action: 'ecs:DescribeServices', Resource: `arn:aws:ecs:eu-west-1:${A}:service/c/*` }]);
    await expect(world.iam.authorize(caller, { action: 'ecs:DescribeServices', resource: `arn:aws:ecs:eu-west-1:${A}:service/c/s` })).resolves.toBeUndefined();

    await expect(world.iam.authorize(caller, { action: 'ecs:UpdateService', resource: `arn:aws:ecs:eu-west-1:${A}:service/c/s` })).rejects.toThrow(
      `User: arn:aws:sts::${A}:assumed-role/fn/fn-session is not authorized to perform: ecs:UpdateService on resource: arn:aws:ecs:eu-west-1:${A}:service/c/s because no identity-based policy allows the ecs:UpdateService action`);
    expect(world.iam.denials).toHaveLength(1);
  });

  test('GIVEN an action the Service Authorization Reference lists without resource types WHEN a policy names a resource THEN only "*" allows it', async () => {
    // codedeploy:StopDeployment and PutLifecycleEventHookExecutionStatus take no resource
    // (list_awscodedeploy.html); CodeDeploy's permissions reference names a deployment group.
    const group = `arn:aws:codedeploy:eu-west-1:${A}:deploymentgroup:app/g`;
    const scoped = role('scoped', 'lambda.amazonaws.com', [{ Effect: 'Allow', Action: ['codedeploy:StopDeployment', 'codedeploy:PutLifecycleEventHookExecutionStatus'], Resource: group }]);
    const star = role('star', 'lambda.amazonaws.com', [{ Effect: 'Allow', Action: ['codedeploy:StopDeployment', 'codedeploy:PutLifecycleEventHookExecutionStatus'], Resource: '*' }]);

    for (const action of ['codedeploy:StopDeployment', 'codedeploy:PutLifecycleEventHookExecutionStatus']) {
      expect(await world.iam.allowed(scoped, { action, resource: group })).toBe(false);
      expect(await world.iam.allowed(star, { action, resource: group })).toBe(true);
    }
  });

  test('GIVEN a topic WHEN CloudWatch publishes THEN the default policy lets it; a topic policy that only enforces SSL replaces it and refuses it; the key policy decides the encryption', async () => {
    const topic = `arn:aws:sns:eu-west-1:${A}:alarms`;
    const key = `arn:aws:kms:eu-west-1:${A}:key/k`;
    const alarm = service('cloudwatch.amazonaws.com', `arn:aws:cloudwatch:eu-west-1:${A}:alarm:a`);
    world.iam.topics.set(topic, {});
    expect(await world.notifications.publish(alarm, topic, 'alarm a')).toBe(true);

    world.iam.resourcePolicies.set(topic, { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: topic, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] });
    expect(await world.notifications.publish(alarm, topic, 'alarm a')).toBe(false);
    expect(world.notifications.deliveries.at(-1)?.reason).toBe(`Service: cloudwatch.amazonaws.com is not authorized to perform: sns:Publish on resource: ${topic} because no resource-based policy allows the sns:Publish action`);

    const allowCloudWatch = { Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: topic, Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:eu-west-1:${A}:alarm:*` } } };
    world.iam.resourcePolicies.set(topic, { Version: '2012-10-17', Statement: [allowCloudWatch] });
    world.iam.topics.set(topic, { kmsKey: key });
    const keyPolicy = (topicArn: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*', Condition: { ArnLike: { 'kms:EncryptionContext:aws:sns:topicArn': topicArn } } }] });
    world.iam.resourcePolicies.set(key, keyPolicy(`arn:aws:sns:eu-west-1:${A}:other`));
    expect(await world.notifications.publish(alarm, topic, 'alarm a')).toBe(false);
    world.iam.resourcePolicies.set(key, keyPolicy(`arn:aws:sns:eu-west-1:${A}:*`));
    expect(await world.notifications.publish(alarm, topic, 'alarm a')).toBe(true);
  });

  test('GIVEN a role passed to ECS WHEN the caller may pass it only to another service THEN iam:PassRole is denied', async () => {
    const caller = role('passer', 'lambda.amazonaws.com', [
      { Effect: 'Allow', Action: 'ecs:RegisterTaskDefinition', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: roleArn('task'), Condition: { StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } } },
    ]);
    world.iam.roles.set(roleArn('task'), { arn: roleArn('task'), name: 'task', trust: { Statement: [] }, inline: [], managed: [] });
    await expect(world.api('ECS', 'RegisterTaskDefinition', { family: 'f', taskRoleArn: roleArn('task'), containerDefinitions: [] }, caller)).rejects.toThrow(/is not authorized to perform: iam:PassRole on resource: arn:aws:iam::111111111111:role\/task/);
  });
});

describe('order', () => {
  const policy = (roleRef: string, statement: unknown) => ({ Type: 'AWS::IAM::Policy', Properties: { PolicyName: `${roleRef}Policy`, Roles: [{ Ref: roleRef }], PolicyDocument: { Version: '2012-10-17', Statement: [statement] } } });
  const trust = (p: unknown) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: p, Action: 'sts:AssumeRole' }] });

  test('GIVEN resources no dependency orders WHEN created THEN a policy goes after them (unless something depends on it); WHEN deleted THEN first', () => {
    const t: Template = { Resources: {
      R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' }) } },
      P: policy('R', { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }),
      Q: { Type: 'AWS::SQS::Queue', Properties: {} },
      T: { Type: 'AWS::SNS::Topic', Properties: {} },
      U: { Type: 'AWS::SNS::Topic', Properties: {}, DependsOn: 'P' },
    } };
    const all = new Set(Object.keys(t.Resources));
    expect(adversarialOrder(t, all, 'create', () => false)).toEqual(['T', 'Q', 'R', 'P', 'U']);
    expect(adversarialOrder(t, new Set(['R', 'P', 'Q', 'T']), 'create', () => false)).toEqual(['T', 'Q', 'R', 'P']);
    // Deleting, a role (whose policies go with it) is a grant too: as early as its dependents allow.
    expect(adversarialOrder(t, all, 'delete', () => true)).toEqual(['U', 'P', 'R', 'T', 'Q']);
  });

  test('GIVEN a pipeline beside its action role\'s policy WHEN the stack is created THEN its first execution runs before the policy exists and is denied (aws-cdk#38861); with DependsOn it is not', async () => {
    const t = (dependsOn: boolean): Template => ({ Resources: {
      Repo: { Type: 'AWS::CodeCommit::Repository', Properties: { RepositoryName: 'repo' } },
      Bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
      PipelineRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust({ Service: 'codepipeline.amazonaws.com' }) } },
      PipelineRolePolicy: policy('PipelineRole', { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: { 'Fn::GetAtt': ['SourceRole', 'Arn'] } }),
      SourceRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust({ AWS: { 'Fn::GetAtt': ['PipelineRole', 'Arn'] } }) } },
      SourceRolePolicy: policy('SourceRole', { Effect: 'Allow', Action: ['codecommit:GetBranch', 'codecommit:GetCommit', 'codecommit:UploadArchive', 'codecommit:GetUploadArchiveStatus'], Resource: { 'Fn::GetAtt': ['Repo', 'Arn'] } }),
      Pipeline: {
        Type: 'AWS::CodePipeline::Pipeline',
        DependsOn: dependsOn ? ['PipelineRolePolicy', 'SourceRolePolicy'] : ['PipelineRolePolicy'],
        Properties: {
          Name: 'p', RoleArn: { 'Fn::GetAtt': ['PipelineRole', 'Arn'] }, ArtifactStore: { Type: 'S3', Location: { Ref: 'Bucket' } },
          Stages: [{ Name: 'Source', Actions: [{ Name: 'Source', ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'CodeCommit', Version: '1' }, RoleArn: { 'Fn::GetAtt': ['SourceRole', 'Arn'] }, Configuration: { RepositoryName: 'repo', BranchName: 'main' }, OutputArtifacts: [{ Name: 'src' }] }] }],
        },
      },
    } });

    await world.deploy(assembly(t(false)), 'S');
    expect(world.pipelines.executions[0].trigger).toBe('CreatePipeline');
    expect(world.pipelines.executions[0].error).toMatch(/is not authorized to perform: codecommit:GetBranch/);

    await world.destroy('S');
    world.iam.denials.splice(0);
    world.codecommit.repositories.clear();
    await world.deploy(assembly(t(true)), 'S');
    // The repository is empty: the first run fails at its source, authorized.
    expect(world.pipelines.executions[1].error).toMatch(/no branch named main was found/);
    expect(world.iam.denials).toEqual([]);
  });

  test('GIVEN a service using a capacity provider of its cluster WHEN the stack is destroyed THEN the association goes first and ECS refuses it: ResourceInUseException; with DependsOn it goes after the service', async () => {
    const t = (dependsOn: boolean): Template => ({ Resources: {
      Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: 'c' } },
      Providers: { Type: 'AWS::ECS::ClusterCapacityProviderAssociations', Properties: { Cluster: { Ref: 'Cluster' }, CapacityProviders: ['FARGATE'], DefaultCapacityProviderStrategy: [] } },
      Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { Family: 'f', ContainerDefinitions: [{ Name: 'app', Image: 'public.ecr.aws/x/y:1' }] } },
      Service: {
        Type: 'AWS::ECS::Service', ...(dependsOn ? { DependsOn: 'Providers' } : {}),
        Properties: { Cluster: { Ref: 'Cluster' }, ServiceName: 's', TaskDefinition: { Ref: 'Task' }, DesiredCount: 1, CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }] },
      },
    } });
    // Without the DependsOn the service could not even be created (the association comes late):
    // create with it, then drop it, to have something to destroy.
    expect((await world.deploy(assembly(t(false)), 'S')).failure?.message).toMatch(/not associated with the cluster/);
    expect((await world.deploy(assembly(t(true)), 'S')).status).toBe('CREATE_COMPLETE');
    expect((await world.deploy(assembly(t(false)), 'S')).status).toBe('UPDATE_COMPLETE');

    const destroyed = await world.destroy('S');

    expect(destroyed.status).toBe('DELETE_FAILED');
    expect(destroyed.failure?.logicalId).toBe('Providers');
    expect(destroyed.failure?.message).toMatch(/The specified capacity provider is in use and cannot be removed/);

    const world2 = new World().start();
    try {
      expect((await world2.deploy(assembly(t(true)), 'S')).status).toBe('CREATE_COMPLETE');
      expect((await world2.destroy('S')).status).toBe('DELETE_COMPLETE');
    } finally {
      world2.stop();
      world.start();
    }
  });
});

/** A CODE_DEPLOY service behind a production and a test rule, with a deployment group whose role may do everything. */
async function codeDeployService(config = 'CodeDeployDefault.ECSAllAtOnce', options: { terminationWaitMinutes?: number; hook?: string } = {}) {
  role('cd', 'codedeploy.amazonaws.com', [{ Effect: 'Allow', Action: '*', Resource: '*' }]);
  const lb = world.elbv2.createLoadBalancer('lb', '1');
  world.elbv2.listeners.set('prod', { arn: 'prod', loadBalancerArn: lb.arn, port: 80, defaultActions: [] });
  world.elbv2.listeners.set('test', { arn: 'test', loadBalancerArn: lb.arn, port: 9000, defaultActions: [] });
  const blue = world.elbv2.createTargetGroup('blue', '1', 80, '/');
  const green = world.elbv2.createTargetGroup('green', '2', 80, '/');
  blue.deregistrationDelay = 15;
  green.deregistrationDelay = 15;
  const forward = [{ type: 'forward' as const, forward: [{ targetGroupArn: blue.arn, weight: 1 }] }];
  world.elbv2.rules.set('prodRule', { arn: `arn:aws:elasticloadbalancing:eu-west-1:${A}:listener-rule/app/lb/1/prod/1`, listenerArn: 'prod', priority: 1, conditions: [], actions: forward });
  world.elbv2.rules.set('testRule', { arn: `arn:aws:elasticloadbalancing:eu-west-1:${A}:listener-rule/app/lb/1/test/1`, listenerArn: 'test', priority: 1, conditions: [], actions: forward });
  const v1 = world.ecs.registerTaskDefinition({ family: 'f', containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/x/y:1' }] });
  const v2 = world.ecs.registerTaskDefinition({ family: 'f', containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/x/y:2' }] });
  const svc = await world.ecs.createService({ cluster: 'c', serviceName: 's', taskDefinition: v1.taskDefinitionArn, desiredCount: 2, deploymentController: { type: 'CODE_DEPLOY' }, healthCheckGracePeriodSeconds: 60, loadBalancers: [{ targetGroupArn: blue.arn }] });
  world.codedeploy.groups.set('app/g', {
    application: 'app', name: 'g', cluster: 'c', service: 's', targetGroupNames: ['blue', 'green'], prodListeners: ['prod'], testListeners: ['test'],
    alarms: [], alarmsEnabled: false, rollbackEvents: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'],
    terminationWaitMinutes: options.terminationWaitMinutes ?? 0, serviceRoleArn: roleArn('cd'), deploymentConfigName: config,
  });
  const hooks = options.hook ? `Hooks:\n  - BeforeAllowTraffic: "${options.hook}"\n` : '';
  const deploy = () => world.codedeploy.createDeployment({
    applicationName: 'app', deploymentGroupName: 'g',
    revision: { revisionType: 'AppSpecContent', appSpecContent: { content: `version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: "${v2.taskDefinitionArn}"\n${hooks}` } },
  });
  return { svc, blue, green, v1, v2, deploy, prodRule: world.elbv2.rules.get('prodRule')! };
}

describe('time', () => {
  test('GIVEN a canary configuration WHEN CodeDeploy shifts traffic THEN the production rule forwards 10 % to green, then 100 % after the interval (green 100, blue 0), and green becomes PRIMARY', async () => {
    const { svc, blue, green, v2, deploy, prodRule } = await codeDeployService('CodeDeployDefault.ECSCanary10Percent5Minutes');
    const d = await deploy();
    await world.advance(61);

    expect(prodRule.actions[0].forward).toEqual([{ targetGroupArn: green.arn, weight: 10 }, { targetGroupArn: blue.arn, weight: 90 }]);
    expect(d.status).toBe('InProgress');
    await world.advance(5 * 60);
    expect(prodRule.actions[0].forward).toEqual([{ targetGroupArn: green.arn, weight: 100 }, { targetGroupArn: blue.arn, weight: 0 }]);
    expect(world.ecs.primary(svc)?.taskDefinition).toBe(v2.taskDefinitionArn);
    await world.settle();
    expect(d.status).toBe('Succeeded');
  });

  test('GIVEN a hook that never reports WHEN CodeDeploy waits THEN the deployment fails after an hour, and its automatic rollback is a new deployment with its own id (rollbackInfo)', async () => {
    const fn = `arn:aws:lambda:eu-west-1:${A}:function:silent`;
    world.lambdas.functions.set(fn, { name: 'silent', arn: fn, environment: {} });
    world.hookResults.set('silent', 'Silent');
    const { svc, v1, deploy } = await codeDeployService('CodeDeployDefault.ECSAllAtOnce', { hook: fn });
    const d = await deploy();

    // Green is ready after the grace period (60 s); the hook then has an hour.
    await world.advance(60 + 3599);
    expect(d.status).toBe('InProgress');
    await world.advance(1);

    expect(d.status).toBe('Failed');
    expect(d.error?.message).toMatch(/hook timed out/);
    const rollback = world.codedeploy.get(d.rollbackDeploymentId!);
    expect(rollback.id).not.toBe(d.id);
    expect(world.codedeploy.describe(rollback).rollbackInfo).toMatchObject({ rollbackTriggeringDeploymentId: d.id });
    expect(world.codedeploy.describe(d).rollbackInfo).toMatchObject({ rollbackDeploymentId: rollback.id });
    await world.settle();
    expect(rollback.status).toBe('Succeeded');
    expect(world.ecs.primary(svc)?.taskDefinition).toBe(v1.taskDefinitionArn);
  });

  test('GIVEN a custom resource whose waiter never completes WHEN the provider framework polls THEN it answers "Operation timed out" after MaxAttempts intervals, within ServiceTimeout', async () => {
    const f = (name: string, handler: string, env: Record<string, string> = {}) => ({ Type: 'AWS::Lambda::Function', Properties: { FunctionName: name, Handler: handler, Runtime: 'nodejs22.x', Code: { ZipFile: 'x' }, Environment: { Variables: env } } });
    world.testHandlers.set('onEvent', async () => ({ PhysicalResourceId: 'p1' }));
    world.testHandlers.set('isComplete', async (e) => ({ IsComplete: e.RequestType === 'Delete' }));
    const machine = `arn:aws:states:eu-west-1:${A}:stateMachine:waiter`;
    world.stateMachines.machines.set(machine, { arn: machine, roleArn: '', definition: { States: { t: { Retry: [{ IntervalSeconds: 15, MaxAttempts: 220 }] } } } });
    const fw = `arn:aws:lambda:eu-west-1:${A}:function:framework`;
    world.lambdas.functions.set(fw, { name: 'framework', arn: fw, handler: 'provider-framework', entry: 'onEvent', environment: {
      USER_ON_EVENT_FUNCTION_ARN: `arn:aws:lambda:eu-west-1:${A}:function:onEvent`, USER_IS_COMPLETE_FUNCTION_ARN: `arn:aws:lambda:eu-west-1:${A}:function:isComplete`, WAITER_STATE_MACHINE_ARN: machine,
    } });
    const template: Template = { Resources: {
      OnEvent: f('onEvent', 'index.handler'), IsComplete: f('isComplete', 'index.handler'),
      C: { Type: 'Custom::Slow', Properties: { ServiceToken: fw, ServiceTimeout: '3600' }, DependsOn: ['OnEvent', 'IsComplete'] },
    } };

    const op = await world.deploy(assembly(template), 'S');

    expect(op.failure?.message).toMatch(/Operation timed out/);
    expect(world.now).toBe(220 * 15);
  });
});

describe('rules', () => {
  test('GIVEN an update that fails WHEN CloudFormation rolls back THEN the custom resource whose update failed gets an Update back to its old properties', async () => {
    const events = probe((e) => ({ Status: e.RequestType === 'Update' && e.ResourceProperties.N === '2' ? 'FAILED' : 'SUCCESS' }));
    const t = (n: number): Template => ({ Resources: { Probe: PROBE, C: custom({ N: n }) } });
    await world.deploy(assembly(t(1)), 'S');

    const op = await world.deploy(assembly(t(2)), 'S');

    expect(op.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(events.map((e) => `${e.RequestType}:${e.ResourceProperties.N}:${e.OldResourceProperties?.N ?? ''}`)).toEqual(['Create:1:', 'Update:2:1', 'Update:1:2']);
  });

  test('GIVEN a deleted service WHEN its tasks drain THEN it is DRAINING, and a service of the same name cannot be created until it is INACTIVE', async () => {
    world.ecs.registerTaskDefinition({ family: 'f', containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/x/y:1' }] });
    const input = { cluster: 'c', serviceName: 's', taskDefinition: 'f', desiredCount: 1 };
    await world.ecs.createService(input);

    const s = world.ecs.deleteService('c', 's');

    expect(s.status).toBe('DRAINING');
    await expect(world.ecs.createService(input)).rejects.toThrow('Unable to Start a service that is still Draining.');
    await world.advance(30);
    expect(s.status).toBe('INACTIVE');
    expect((await world.ecs.createService(input)).status).toBe('ACTIVE');
  });

  test.each([
    ['capacityProviderStrategy', [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]],
    ['enableExecuteCommand', true],
    ['forceNewDeployment', true],
  ])('GIVEN a CODE_DEPLOY service WHEN UpdateService carries %s (not in the documented list) THEN ECS refuses it', async (param, value) => {
    const { svc } = await codeDeployService();
    await expect(world.ecs.updateService({ cluster: 'c', service: 's', [param]: value })).rejects.toThrow(/on services with a CODE_DEPLOY deployment controller/);
    await world.ecs.updateService({ cluster: 'c', service: 's', propagateTags: 'SERVICE', enableECSManagedTags: true, placementStrategy: [], deploymentConfiguration: { maximumPercent: 200 } });
    expect(svc.config.propagateTags).toBe('SERVICE');
  });

  test('GIVEN a rolling service WHEN only its capacity provider strategy changes THEN no deployment starts; with forceNewDeployment one does', async () => {
    world.ecs.registerTaskDefinition({ family: 'f', containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/x/y:1' }] });
    const s = await world.ecs.createService({ cluster: 'c', serviceName: 's', taskDefinition: 'f', desiredCount: 1, capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] });
    await world.ecs.settle(s);
    const spot = [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }];

    await world.ecs.updateService({ cluster: 'c', service: 's', capacityProviderStrategy: spot });
    expect(s.groups.map((g) => g.config?.capacityProviderStrategy)).toEqual([[{ capacityProvider: 'FARGATE', weight: 1 }]]);

    await world.ecs.updateService({ cluster: 'c', service: 's', capacityProviderStrategy: spot, forceNewDeployment: true });
    await world.ecs.settle(s);
    expect(s.groups.map((g) => g.config?.capacityProviderStrategy)).toEqual([spot]);
  });

  test.each([
    [1, 50, 100, true],
    [1, 100, 150, true],
    [1, 50, 200, false],
    [1, 0, 100, false],
    [2, 50, 100, false],
    [2, 100, 150, false],
  ])('GIVEN a rolling service at %i task(s) with %i %% / %i %% WHEN its task definition changes THEN the deployment stalls: %s (ECS rounds the minimum up and the maximum down)', async (count, min, max, stalls) => {
    world.ecs.registerTaskDefinition({ family: 'f', containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/x/y:1' }] });
    const s = await world.ecs.createService({ cluster: 'c', serviceName: 's', taskDefinition: 'f', desiredCount: count, deploymentConfiguration: { minimumHealthyPercent: min, maximumPercent: max } });
    await world.ecs.settle(s);
    const v2 = world.ecs.registerTaskDefinition({ family: 'f', containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/x/y:2' }] });

    await world.ecs.updateService({ cluster: 'c', service: 's', taskDefinition: v2.taskDefinitionArn });
    await world.ecs.settle(s);

    expect(world.ecs.primary(s)?.rolloutState).toBe(stalls ? 'IN_PROGRESS' : 'COMPLETED');
    expect(world.ecs.primary(s)?.running).toBe(stalls ? 0 : count);
  });

  test('GIVEN an ECS-native blue/green service with a lifecycle hook WHEN it is created THEN ECS runs the hook on the deployment that creates it', async () => {
    const calls: string[] = [];
    const fn = `arn:aws:lambda:eu-west-1:${A}:function:hook`;
    world.lambdas.functions.set(fn, { name: 'hook', arn: fn, environment: {} });
    world.testHandlers.set('hook', async (e) => { calls.push(e.lifecycleStage); return { hookStatus: 'SUCCEEDED' }; });
    role('hookRole', 'ecs.amazonaws.com', [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fn }]);
    const tg = world.elbv2.createTargetGroup('blue', '1', 80, '/');
    world.elbv2.rules.set('prod', { arn: 'prod', listenerArn: 'L', priority: 1, conditions: [], actions: [{ type: 'forward', forward: [{ targetGroupArn: tg.arn, weight: 1 }] }] });
    world.ecs.registerTaskDefinition({ family: 'f', containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/x/y:1' }] });

    const s = await world.ecs.createService({
      cluster: 'c', serviceName: 's', taskDefinition: 'f', desiredCount: 1,
      loadBalancers: [{ targetGroupArn: tg.arn, advancedConfiguration: { productionListenerRule: 'prod', alternateTargetGroupArn: 'green' } }],
      deploymentConfiguration: { strategy: 'BLUE_GREEN', lifecycleHooks: [{ hookTargetArn: fn, roleArn: roleArn('hookRole'), lifecycleStages: ['POST_SCALE_UP'] }] },
    });
    await world.ecs.settle(s);

    expect(calls).toEqual(['POST_SCALE_UP']);
    expect(world.ecs.primary(s)?.rolloutState).toBe('COMPLETED');
  });

  test('GIVEN a listener rule that CodeDeploy moved to green WHEN CloudFormation updates the rule THEN the update replays the template\'s actions (production back on blue)', async () => {
    const { blue, green, deploy, prodRule } = await codeDeployService();
    await deploy();
    await world.settle();
    expect(prodRule.actions[0].forward[0]).toEqual({ targetGroupArn: green.arn, weight: 100 });
    world.elbv2.listeners.set('L2', { arn: 'L2', loadBalancerArn: '', port: 81, defaultActions: [] });
    const template = (priority: number): Template => ({ Resources: { R: { Type: 'AWS::ElasticLoadBalancingV2::ListenerRule', Properties: { ListenerArn: 'prod', Priority: priority, Conditions: [], Actions: [{ Type: 'forward', TargetGroupArn: blue.arn }] } } } });
    world.elbv2.rules.delete('prodRule');
    await world.deploy(assembly(template(2)), 'S');
    const rule = [...world.elbv2.rules.values()].find((r) => r.priority === 2)!;
    rule.actions = [{ type: 'forward', forward: [{ targetGroupArn: green.arn, weight: 100 }, { targetGroupArn: blue.arn, weight: 0 }] }];

    await world.deploy(assembly(template(3)), 'S');

    expect(rule.actions).toEqual([{ type: 'forward', forward: [{ targetGroupArn: blue.arn, weight: 1 }] }]);
  });
});

describe('EFS', () => {
  const volume = (efsVolumeConfiguration: Record<string, unknown>) => ({ family: 'f', containerDefinitions: [{ name: 'app', image: 'x' }], volumes: [{ name: 'storage', efsVolumeConfiguration }] });

  test('GIVEN an EFS volume with IAM authorization or an access point WHEN registered without transit encryption THEN ClientException; with it THEN registered', () => {
    expect(() => world.ecs.registerTaskDefinition(volume({ fileSystemId: 'fs-1', authorizationConfig: { iam: 'ENABLED' } }))).toThrow(/transit encryption must be enabled/);
    expect(() => world.ecs.registerTaskDefinition(volume({ fileSystemId: 'fs-1', authorizationConfig: { accessPointId: 'fsap-1' } }))).toThrow(/transit encryption must be enabled/);
    expect(world.ecs.registerTaskDefinition(volume({ fileSystemId: 'fs-1', transitEncryption: 'ENABLED', authorizationConfig: { iam: 'ENABLED' } })).revision).toBe(1);
  });

  test('GIVEN a file system with a mount target and an access point WHEN a task mounts it read-write with IAM authorization THEN its role needs ClientMount and ClientWrite through that access point', async () => {
    // GIVEN
    await world.deploy(assembly({ Resources: {
      Fs: { Type: 'AWS::EFS::FileSystem', Properties: { FileSystemPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] } } },
      Target: { Type: 'AWS::EFS::MountTarget', Properties: { FileSystemId: { Ref: 'Fs' }, SubnetId: 'subnet-1', SecurityGroups: ['sg-1'] } },
      Point: { Type: 'AWS::EFS::AccessPoint', Properties: { FileSystemId: { Ref: 'Fs' } } },
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] } } },
      Mount: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'm', Roles: [{ Ref: 'Role' }], PolicyDocument: { Version: '2012-10-17', Statement: [{
        Effect: 'Allow', Action: 'elasticfilesystem:ClientMount', Resource: { 'Fn::GetAtt': ['Fs', 'Arn'] },
        Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': { 'Fn::GetAtt': ['Point', 'Arn'] } } } }] } } },
    } }), 'S');
    const [fs] = world.efs.fileSystems.values();
    const [ap] = world.efs.accessPoints.values();
    const role = [...world.iam.roles.values()][0].arn;
    const volumes = [{ name: 'storage', efsVolumeConfiguration: { fileSystemId: fs.id, transitEncryption: 'ENABLED', authorizationConfig: { accessPointId: ap.id, iam: 'ENABLED' } } }];
    const mount = (readOnly: boolean) => world.efs.mountProblem(volumes, [{ name: 'app', mountPoints: [{ sourceVolume: 'storage', containerPath: '/data', readOnly }] }], role, 't', 'test');
    // WHEN / THEN read-only needs ClientMount only; read-write ClientWrite too, which the role lacks
    expect(await mount(true)).toBeUndefined();
    expect(await mount(false)).toMatch(/^ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: mount.nfs4: access denied by server .*elasticfilesystem:ClientWrite/);
    // and a file system with mount targets cannot be deleted before them (CloudFormation deletes the targets first: they refer to it)
    expect((await world.destroy('S')).status).toBe('DELETE_COMPLETE');
    expect(world.efs.fileSystems.size).toBe(0);
  });
});
