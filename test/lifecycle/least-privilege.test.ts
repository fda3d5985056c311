/**
 * What the deployed roles and resource policies allow, evaluated by the lifecycle model's IAM
 * (the Service Authorization Reference's resource types and AWS's evaluation logic): each role
 * may do its part on the platform's own resources and is refused the same action elsewhere.
 * The scenarios show the same roles doing their work with no request denied.
 */
import { expectSynthWarnings } from '../synth-warnings';
import { app, Kind, STACK, WORKLOAD_ID } from './apps';
import { Lifecycle } from './lifecycle';
import { ACCOUNT, REGION } from './model/aws';
import { Principal, session } from './model/iam';

jest.mock('node:http', () => ({ ...jest.requireActual('node:http'), request: (...a: unknown[]) => require('./model/network').request(...a) }));
jest.setTimeout(60_000);
// The apps' blue/green service checks /health, outside its route /orders/*: the smoke test requests /orders/.
expectSynthWarnings('cdk-container-platform:smoke-test-path');

const OTHER_ACCOUNT = '999999999999';

/** The deployed resources of every stack of the app, by type and logical ID. */
function resources(lc: Lifecycle, type: string, logicalIdPrefix: string) {
  return [...lc.world.cfn.stacks.values()].flatMap((s) => [...s.resources.values()])
    .filter((r) => r.type === type && r.logicalId.startsWith(logicalIdPrefix));
}

/** A session of the one deployed role whose logical ID starts with `prefix`. */
function roleSession(lc: Lifecycle, prefix: string): Principal {
  const roles = resources(lc, 'AWS::IAM::Role', prefix);
  expect(roles.map((r) => r.logicalId)).toHaveLength(1);
  return session(String(roles[0].attributes.Arn), 'least-privilege');
}

const ecsArn = (resource: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:${resource}`;

async function deployed(kind: Kind): Promise<{ lc: Lifecycle; cluster: string; family: string }> {
  const lc = new Lifecycle(kind);
  await lc.deploy(app(kind, 'v1'));
  const cluster = resources(lc, 'AWS::ECS::Cluster', 'PlatformCluster')[0].physicalId;
  const family = String(resources(lc, 'AWS::ECS::TaskDefinition', `${WORKLOAD_ID[kind]}TaskDefinition`)[0].properties.Family);
  return { lc, cluster, family };
}

describe.each(['codeDeploy', 'rolling'] as const)('the roles of a %s service with its pipeline', (kind) => {
  let lc: Lifecycle;
  let service: string;
  let otherService: string;
  let family: string;
  beforeAll(async () => {
    const d = await deployed(kind);
    lc = d.lc;
    family = d.family;
    service = ecsArn(`service/${d.cluster}/${STACK}-${WORKLOAD_ID[kind]}`);
    otherService = ecsArn(`service/${d.cluster}/someone-elses-service`);
  });
  afterAll(() => lc.stop());
  const allowed = (who: Principal, action: string, resource: string) => lc.world.iam.allowed(who, { action, resource });

  test('the image build, which runs the repository\'s Dockerfile and test commands, reads no task definition and changes no service', async () => {
    const build = roleSession(lc, `${WORKLOAD_ID[kind]}PipelineBuildRole`);
    expect(await allowed(build, 'ecs:DescribeTaskDefinition', '*')).toBe(false);
    expect(await allowed(build, 'ecs:UpdateService', service)).toBe(false);
    expect(await allowed(build, 'ecs:DescribeServices', service)).toBe(false);
    // (it still pushes its image)
    const repository = resources(lc, 'AWS::ECR::Repository', WORKLOAD_ID[kind])[0].physicalId;
    expect(await allowed(build, 'ecr:PutImage', `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${repository}`)).toBe(true);
  });

  test('the render step after it, which runs no code of the repository, raises its own service from zero and no other', async () => {
    const render = roleSession(lc, `${WORKLOAD_ID[kind]}PipelineRenderRole`);
    expect(await allowed(render, 'ecs:UpdateService', service)).toBe(true);
    expect(await allowed(render, 'ecs:UpdateService', otherService)).toBe(false);
    // CodeDeploy's taskdef.json is rendered from the revision production runs.
    expect(await allowed(render, 'ecs:DescribeTaskDefinition', '*')).toBe(kind === 'codeDeploy');
  });

  test('the pipeline\'s role registers revisions of its own family only, and changes its own service only', async () => {
    const pipeline = roleSession(lc, `${WORKLOAD_ID[kind]}PipelineRole`);
    expect(await allowed(pipeline, 'ecs:RegisterTaskDefinition', ecsArn(`task-definition/${family}:7`))).toBe(true);
    expect(await allowed(pipeline, 'ecs:RegisterTaskDefinition', ecsArn('task-definition/another-family:1'))).toBe(false);
    expect(await allowed(pipeline, 'ecs:UpdateService', otherService)).toBe(false);
    // The ECS deploy action updates the service it deploys.
    expect(await allowed(pipeline, 'ecs:UpdateService', service)).toBe(kind === 'rolling');
  });

  test('the service provider manages the platform\'s services and registers the platform\'s families, no other service or family of the cluster', async () => {
    for (const fn of ['PlatformServiceProviderOnEventFunctionRole', 'PlatformServiceProviderIsCompleteFunctionRole']) {
      const provider = roleSession(lc, fn);
      expect({ fn, own: await allowed(provider, 'ecs:DescribeServices', service), other: await allowed(provider, 'ecs:DescribeServices', otherService) })
        .toEqual({ fn, own: true, other: false });
      expect({ fn, own: await allowed(provider, 'ecs:RegisterTaskDefinition', ecsArn(`task-definition/${family}:3`)),
        other: await allowed(provider, 'ecs:RegisterTaskDefinition', ecsArn('task-definition/another-family:1')) })
        .toEqual({ fn, own: true, other: false });
    }
    const onEvent = roleSession(lc, 'PlatformServiceProviderOnEventFunctionRole');
    for (const action of ['ecs:CreateService', 'ecs:UpdateService', 'ecs:DeleteService']) {
      expect({ action, own: await allowed(onEvent, action, service), other: await allowed(onEvent, action, otherService) })
        .toEqual({ action, own: true, other: false });
    }
  });
});

describe('the platform\'s key and topics, for the AWS services that publish to them', () => {
  let lc: Lifecycle;
  let key: string;
  beforeAll(async () => {
    lc = (await deployed('codeDeploy')).lc;
    key = String(resources(lc, 'AWS::KMS::Key', 'PlatformKey')[0].attributes.Arn);
  });
  afterAll(() => lc.stop());
  const publisher = (service: string, sourceArn: string, sourceAccount = ACCOUNT): Principal => ({ kind: 'service', service, sourceArn, sourceAccount });
  const canPublish = (who: Principal, topic: string) => lc.world.iam.allowed(who, { action: 'sns:Publish', resource: topic });
  const canUseKeyFor = (who: Principal, topic: string) =>
    lc.world.iam.allowed(who, { action: 'kms:GenerateDataKey', resource: key, context: { 'kms:EncryptionContext:aws:sns:topicArn': topic } });

  test('CodeStar Notifications publishes a pipeline\'s notifications for this account only', async () => {
    const topic = resources(lc, 'AWS::SNS::Topic', `${WORKLOAD_ID.codeDeploy}PipelineNotifications`)[0].physicalId;
    const rule = `arn:aws:codestar-notifications:${REGION}:${ACCOUNT}:notificationrule/abc`;
    expect(await canPublish(publisher('codestar-notifications.amazonaws.com', rule), topic)).toBe(true);
    expect(await canPublish(publisher('codestar-notifications.amazonaws.com', rule, OTHER_ACCOUNT), topic)).toBe(false);
  });

  test('EventBridge publishes to the alarm topic for the platform\'s alert rules only', async () => {
    const topic = resources(lc, 'AWS::SNS::Topic', 'PlatformAlarmTopic')[0].physicalId;
    const alertRule = String(resources(lc, 'AWS::Events::Rule', 'AlertsPipelineFailed')[0].attributes.Arn);
    expect(await canPublish(publisher('events.amazonaws.com', alertRule), topic)).toBe(true);
    expect(await canPublish(publisher('events.amazonaws.com', `arn:aws:events:${REGION}:${ACCOUNT}:rule/someone-elses-rule`), topic)).toBe(false);
    expect(await canPublish(publisher('events.amazonaws.com', alertRule, OTHER_ACCOUNT), topic)).toBe(false);
  });

  test('the key lets EventBridge and CodeStar Notifications encrypt for the account\'s topics only: no grant to them is unconditioned', async () => {
    const own = `arn:aws:sns:${REGION}:${ACCOUNT}:any-topic`;
    const foreign = `arn:aws:sns:${REGION}:${OTHER_ACCOUNT}:their-topic`;
    for (const service of ['events.amazonaws.com', 'codestar-notifications.amazonaws.com']) {
      const who = publisher(service, `arn:aws:events:${REGION}:${ACCOUNT}:rule/r`);
      expect({ service, own: await canUseKeyFor(who, own), foreign: await canUseKeyFor(who, foreign) }).toEqual({ service, own: true, foreign: false });
    }
  });
});
