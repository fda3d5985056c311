import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Deployment, Routing, Source } from '../../lib';
import { buildSpecOf, CfnResource, flatProps, flatten, logicalId, resource, serviceFixture } from '../deployment/helpers';
import { expectSynthWarnings } from '../synth-warnings';
import { newApp, newPlatform, newStack, templateOf } from '../util';

/** The delivery pipeline of a service: stages, actions, source repository, notifications, artifacts. */

// The blue/green fixtures keep the health check at / outside their route /orders/*: the smoke test
// requests /orders/, with this warning.
expectSynthWarnings('cdk-container-platform:smoke-test-path');

const PIPELINE = 'AWS::CodePipeline::Pipeline';
const APP_DIR = path.join(__dirname, '..', '..', 'examples', 'app');

function pipelineOf(template: Template): CfnResource {
  return resource(template, PIPELINE).resource;
}

function stage(pipeline: CfnResource, name: string): any {
  const found = (pipeline.Properties!.Stages as any[]).find((s) => s.Name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
}

describe('the pipeline of a CodeDeploy blue/green service with a CodeCommit source', () => {
  let template: Template;
  let pipeline: CfnResource;
  beforeAll(() => {
    template = serviceFixture({ deployment: Deployment.blueGreen(), source: Source.codeCommit({ initialCode: APP_DIR }) }).template;
    pipeline = pipelineOf(template);
  });

  test('has the stages Source, Build and Deploy, in that order', () => {
    expect((pipeline.Properties!.Stages as any[]).map((s) => s.Name)).toEqual(['Source', 'Build', 'Deploy']);
    expect(pipeline.Properties).toMatchObject({ PipelineType: 'V2', RestartExecutionOnUpdate: false });
  });

  test('runs every action as the pipeline\'s role, and is created after that role\'s policy: its first run starts at creation (aws-cdk#38861)', () => {
    // THEN no action has a role of its own (one role per action would take 4 to 5 of the account's roles per pipeline)
    const actions = (pipeline.Properties!.Stages as any[]).flatMap((s) => s.Actions);
    expect(actions.length).toBeGreaterThanOrEqual(3);
    for (const action of actions) expect({ action: action.Name, role: action.RoleArn }).toEqual({ action: action.Name, role: undefined });
    expect(Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.includes('CodePipelineActionRole'))).toEqual([]);
    // AND the pipeline waits for its role's policy
    const role = (pipeline.Properties!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policy = Object.entries(template.findResources('AWS::IAM::Policy')).find(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${role}"`))![0];
    expect(pipeline.DependsOn).toContain(policy);
  });

  test('reads branch main of the CodeCommit repository, started by EventBridge instead of polling', () => {
    const repository = logicalId(template, 'AWS::CodeCommit::Repository');
    expect(stage(pipeline, 'Source').Actions).toEqual([expect.objectContaining({
      Name: 'CodeCommit',
      ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'CodeCommit', Version: '1' },
      Configuration: { RepositoryName: { 'Fn::GetAtt': [repository, 'Name'] }, BranchName: 'main', PollForSourceChanges: false },
      OutputArtifacts: [{ Name: 'Source' }],
    })]);
  });

  test('starts on a push to main through an EventBridge rule', () => {
    const repository = logicalId(template, 'AWS::CodeCommit::Repository');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.codecommit'],
        'resources': [{ 'Fn::GetAtt': [repository, 'Arn'] }],
        'detail-type': ['CodeCommit Repository State Change'],
        'detail': { event: ['referenceCreated', 'referenceUpdated'], referenceName: ['main'] },
      },
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::Join': ['', ['arn:aws:codepipeline:eu-west-1:111111111111:', { Ref: logicalId(template, PIPELINE) }]] } })],
    });
  });

  test('builds with the service\'s CodeBuild project from Source into Build', () => {
    expect(stage(pipeline, 'Build').Actions).toEqual([expect.objectContaining({
      Name: 'Image',
      ActionTypeId: { Category: 'Build', Owner: 'AWS', Provider: 'CodeBuild', Version: '1' },
      Configuration: { ProjectName: { Ref: logicalId(template, 'AWS::CodeBuild::Project', 'PlatformOrdersPipelineBuild') } },
      InputArtifacts: [{ Name: 'Source' }],
      OutputArtifacts: [{ Name: 'Build' }],
    })]);
  });

  test('deploys blue/green with CodeDeployToECS from the Render step\'s taskdef.json and appspec.yaml and the Build artifact\'s image', () => {
    expect(stage(pipeline, 'Deploy').Actions).toEqual([
      expect.objectContaining({
        Name: 'Render',
        Configuration: { ProjectName: { Ref: logicalId(template, 'AWS::CodeBuild::Project', 'PlatformOrdersPipelineRender') } },
        InputArtifacts: [{ Name: 'Build' }],
        OutputArtifacts: [{ Name: 'DeployFiles' }],
        RunOrder: 1,
      }),
      expect.objectContaining({
        Name: 'BlueGreen',
        ActionTypeId: { Category: 'Deploy', Owner: 'AWS', Provider: 'CodeDeployToECS', Version: '1' },
        Configuration: {
          ApplicationName: { Ref: logicalId(template, 'AWS::CodeDeploy::Application') },
          DeploymentGroupName: { Ref: logicalId(template, 'AWS::CodeDeploy::DeploymentGroup') },
          TaskDefinitionTemplateArtifact: 'DeployFiles',
          TaskDefinitionTemplatePath: 'taskdef.json',
          AppSpecTemplateArtifact: 'DeployFiles',
          AppSpecTemplatePath: 'appspec.yaml',
          Image1ArtifactName: 'Build',
          Image1ContainerName: 'IMAGE1_NAME',
        },
        InputArtifacts: expect.arrayContaining([{ Name: 'Build' }, { Name: 'DeployFiles' }]),
        RunOrder: 2,
      }),
    ]);
  });

  test('creates the CodeCommit repository named after the service, retained on delete', () => {
    const repository = resource(template, 'AWS::CodeCommit::Repository').resource;
    expect(repository.DeletionPolicy).toBe('Retain');
    expect(repository.UpdateReplacePolicy).toBe('Retain');
    expect(flatten(repository.Properties!.RepositoryName)).toMatch(/^Test-Orders-/);
  });

  test('ends the repository\'s name with the stack instance\'s suffix, so a retained repository does not block deploying the stack again', () => {
    // GIVEN the retained repository of a deleted stack keeps its name
    const name = resource(template, 'AWS::CodeCommit::Repository').resource.Properties!.RepositoryName;
    // THEN the new stack's repository is named with the first 8 hex digits of its own stack ID's GUID
    // (arn:aws:cloudformation:<region>:<account>:stack/<name>/<guid>)
    expect(name).toEqual({
      'Fn::Join': ['', ['Test-Orders-', { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] }]],
    });
  });

  test('seeds the repository with initialCode as the first commit on main', () => {
    const code = resource(template, 'AWS::CodeCommit::Repository').resource.Properties!.Code;
    expect(code).toEqual({
      BranchName: 'main',
      S3: { Bucket: 'cdk-hnb659fds-assets-111111111111-eu-west-1', Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/) },
    });
  });

  test('notifies failed and succeeded executions and waiting approvals on a topic encrypted with the platform key', () => {
    const topic = logicalId(template, 'AWS::SNS::Topic', 'PlatformOrdersPipelineNotifications');
    template.hasResourceProperties('AWS::CodeStarNotifications::NotificationRule', {
      DetailType: 'FULL',
      EventTypeIds: [
        'codepipeline-pipeline-pipeline-execution-failed',
        'codepipeline-pipeline-pipeline-execution-succeeded',
        'codepipeline-pipeline-manual-approval-needed',
      ],
      Resource: { 'Fn::Join': ['', ['arn:aws:codepipeline:eu-west-1:111111111111:', { Ref: logicalId(template, PIPELINE) }]] },
      Targets: [{ TargetAddress: { Ref: topic }, TargetType: 'SNS' }],
    });
    expect(resource(template, 'AWS::SNS::Topic', 'PlatformOrdersPipelineNotifications').resource.Properties!.KmsMasterKeyId)
      .toEqual({ 'Fn::GetAtt': [logicalId(template, 'AWS::KMS::Key'), 'Arn'] });
  });

  describe('the artifacts bucket', () => {
    let bucketId: string;
    let bucket: CfnResource;
    beforeAll(() => {
      bucketId = (pipeline.Properties!.ArtifactStore.Location as any).Ref;
      bucket = resourcesOf(template, 'AWS::S3::Bucket')[bucketId];
    });

    test('is encrypted and blocks public access', () => {
      expect(bucket.Properties!.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
      expect(bucket.Properties!.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      });
    });

    test('denies every request without SSL', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          })]),
        },
      });
    });

    test('expires artifacts after 30 days', () => {
      expect(bucket.Properties!.LifecycleConfiguration.Rules).toEqual([expect.objectContaining({ ExpirationInDays: 30, Status: 'Enabled' })]);
    });

    test('logs server access to the platform\'s access-log bucket', () => {
      const accessLogs = Object.keys(resourcesOf(template, 'AWS::S3::Bucket')).filter((id) => id !== bucketId && id.startsWith('PlatformAccessLogs'));
      expect(accessLogs).toHaveLength(1);
      expect(bucket.Properties!.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: accessLogs[0] },
        LogFilePrefix: expect.stringContaining('Orders-artifacts/'),
      });
    });

    test('is retained on delete', () => {
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.UpdateReplacePolicy).toBe('Retain');
    });
  });
});

function resourcesOf(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

describe('the pipeline of a rolling service', () => {
  test('deploys with the ECS deploy action and imagedefinitions.json', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({ deployment: Deployment.rolling(), source: Source.codeCommit() });
    // THEN
    const deploy = stage(pipelineOf(template), 'Deploy').Actions;
    expect(deploy).toEqual([expect.objectContaining({ Name: 'Render', InputArtifacts: [{ Name: 'Build' }], RunOrder: 1 }), expect.objectContaining({
      Name: 'Deploy',
      ActionTypeId: { Category: 'Deploy', Owner: 'AWS', Provider: 'ECS', Version: '1' },
      Configuration: {
        ClusterName: { Ref: logicalId(template, 'AWS::ECS::Cluster') },
        ServiceName: { 'Fn::GetAtt': [logicalId(template, 'Custom::EcsService'), 'Name'] },
      },
      InputArtifacts: [{ Name: 'Build' }],
      RunOrder: 2,
    })]);
    // (the render step only raises a new service from zero: it writes no file)
    expect(deploy[0]).not.toHaveProperty('OutputArtifacts');
    template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 0);
  });
});

describe('sources', () => {
  test('a CodeCommit source without initialCode creates an empty repository', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({ deployment: Deployment.blueGreen(), source: Source.codeCommit({ branch: 'release' }) });
    // THEN
    const repository = resource(template, 'AWS::CodeCommit::Repository').resource;
    expect(repository.Properties!.Code).toBeUndefined();
    expect(stage(pipelineOf(template), 'Source').Actions[0].Configuration.BranchName).toBe('release');
  });

  test('a long service name is fitted so that the repository\'s name, with the stack instance\'s suffix, has exactly 100 characters', () => {
    // GIVEN a service named with the most the service's validation allows: 100 characters
    const { platform } = newPlatform(flatProps(), newStack(newApp(), `Team${'x'.repeat(89)}`));
    const service = platform.addService('Orders', { routing: Routing.path('/orders/*'), source: Source.codeCommit() });
    // WHEN
    const name = resource(templateOf(Stack.of(service)), 'AWS::CodeCommit::Repository').resource.Properties!.RepositoryName;
    // THEN the literal start (91 characters of name and digest, then a hyphen) and 8 characters of the stack ID
    const start: string = name['Fn::Join'][1][0];
    expect(start).toMatch(/^Teamx+-[0-9a-f]{8}-$/);
    expect(start.length + 8).toBe(100);
  });

  test('Source.connection reads a GitHub repository through a CodeConnections connection', () => {
    // GIVEN
    const connectionArn = 'arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
    // WHEN
    const { template } = serviceFixture({
      deployment: Deployment.blueGreen(),
      source: Source.connection({ connectionArn, owner: 'acme', repo: 'orders', branch: 'trunk' }),
    });
    // THEN
    expect(stage(pipelineOf(template), 'Source').Actions).toEqual([expect.objectContaining({
      Name: 'Source',
      ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'CodeStarSourceConnection', Version: '1' },
      Configuration: expect.objectContaining({ ConnectionArn: connectionArn, FullRepositoryId: 'acme/orders', BranchName: 'trunk' }),
      OutputArtifacts: [{ Name: 'Source' }],
    })]);
    template.resourceCountIs('AWS::CodeCommit::Repository', 0);
  });

  test('Source.s3 reads a zip file from a bucket, started by EventBridge', () => {
    // GIVEN / WHEN
    const fixture = serviceFixture((stack) => ({
      deployment: Deployment.blueGreen(),
      source: Source.s3({ bucket: s3.Bucket.fromBucketName(stack, 'SourceBucket', 'orders-source'), key: 'orders/source.zip' }),
    }));
    // THEN
    expect(stage(pipelineOf(fixture.template), 'Source').Actions).toEqual([expect.objectContaining({
      Name: 'S3',
      ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'S3', Version: '1' },
      Configuration: { S3Bucket: 'orders-source', S3ObjectKey: 'orders/source.zip', PollForSourceChanges: false },
    })]);
  });
});

describe('manual approval', () => {
  test('adds an Approve stage between Build and Deploy that emails the approvers', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({
      deployment: Deployment.blueGreen(),
      source: Source.codeCommit(),
      pipeline: { approval: { emails: ['lead@example.com', 'ops@example.com'] } },
    });
    // THEN
    const pipeline = pipelineOf(template);
    expect((pipeline.Properties!.Stages as any[]).map((s) => s.Name)).toEqual(['Source', 'Build', 'Approve', 'Deploy']);
    const action = stage(pipeline, 'Approve').Actions[0];
    expect(action).toMatchObject({
      Name: 'Approve',
      ActionTypeId: { Category: 'Approval', Owner: 'AWS', Provider: 'Manual', Version: '1' },
      Configuration: { CustomData: 'Approve to deploy Test-Orders to production.' },
    });
    const topic = action.Configuration.NotificationArn.Ref;
    for (const email of ['lead@example.com', 'ops@example.com']) {
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email, TopicArn: { Ref: topic } });
    }
  });

  test('the approvers\' topic is encrypted with the platform\'s key, SSL-only, and the pipeline\'s role may publish to it', () => {
    // GIVEN / WHEN approvers by email and no topic of the user's
    const { template } = serviceFixture({
      deployment: Deployment.blueGreen(),
      source: Source.codeCommit(),
      pipeline: { approval: { emails: ['lead@example.com'] } },
    });
    // THEN the approval notifies a topic of the pipeline's own (aws-cdk-lib's would be unencrypted)
    const topic = logicalId(template, 'AWS::SNS::Topic', 'PlatformOrdersPipelineApprovals');
    expect(stage(pipelineOf(template), 'Approve').Actions[0].Configuration.NotificationArn).toEqual({ Ref: topic });
    const key = { 'Fn::GetAtt': [logicalId(template, 'AWS::KMS::Key'), 'Arn'] };
    expect(template.toJSON().Resources[topic].Properties).toEqual({
      DisplayName: 'Approve to deploy Test-Orders to production.',
      KmsMasterKeyId: key,
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    // and the role the pipeline's actions run as publishes, with the key's data-key actions
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement as any[]);
    const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
    const allows = (action: string, on: unknown): boolean =>
      statements.some((st) => st.Effect === 'Allow' && list(st.Action).includes(action) && list(st.Resource).some((r) => JSON.stringify(r) === JSON.stringify(on)));
    expect(allows('sns:Publish', { Ref: topic })).toBe(true);
    expect(allows('kms:GenerateDataKey', key) && allows('kms:Decrypt', key)).toBe(true);
  });

  test('a blue/green service renders its deployment files after the approval, from the revision production runs then', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({
      deployment: Deployment.blueGreen(),
      source: Source.codeCommit(),
      pipeline: { approval: { emails: ['lead@example.com'] } },
    });
    // THEN the Deploy stage runs Render, then CodeDeploy with Render's taskdef.json and appspec.yaml and the build's image
    const actions = stage(pipelineOf(template), 'Deploy').Actions;
    expect(actions).toEqual([
      expect.objectContaining({
        Name: 'Render',
        ActionTypeId: { Category: 'Build', Owner: 'AWS', Provider: 'CodeBuild', Version: '1' },
        Configuration: { ProjectName: { Ref: logicalId(template, 'AWS::CodeBuild::Project', 'PlatformOrdersPipelineRender') } },
        InputArtifacts: [{ Name: 'Build' }],
        OutputArtifacts: [{ Name: 'DeployFiles' }],
        RunOrder: 1,
      }),
      expect.objectContaining({
        Name: 'BlueGreen',
        Configuration: expect.objectContaining({
          TaskDefinitionTemplateArtifact: 'DeployFiles',
          AppSpecTemplateArtifact: 'DeployFiles',
          Image1ArtifactName: 'Build',
        }),
        RunOrder: 2,
      }),
    ]);
    // AND the image build stays before the approval
    expect((pipelineOf(template).Properties!.Stages as any[]).map((s) => s.Name)).toEqual(['Source', 'Build', 'Approve', 'Deploy']);
  });

  test('a rolling service\'s render step writes no deployment files: the ECS deploy action starts from the service\'s task definition when it runs', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({
      deployment: Deployment.rolling(),
      source: Source.codeCommit(),
      pipeline: { approval: { emails: ['lead@example.com'] } },
    });
    // THEN (the ECS deploy action "creates its own revision of the task definition based on the revision used by the
    // Amazon ECS service" when it runs: https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECS.html)
    expect(stage(pipelineOf(template), 'Deploy').Actions.map((a: any) => a.Name)).toEqual(['Render', 'Deploy']);
    expect(buildSpecOf(resource(template, 'AWS::CodeBuild::Project', 'PlatformOrdersPipelineRender').resource).artifacts).toBeUndefined();
  });

  test('notifies the given topic', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture((stack) => ({
      deployment: Deployment.blueGreen(),
      source: Source.codeCommit(),
      pipeline: { approval: { topic: new sns.Topic(stack, 'Approvers') } },
    }));
    // THEN
    expect(stage(pipelineOf(template), 'Approve').Actions[0].Configuration.NotificationArn).toEqual({ Ref: logicalId(template, 'AWS::SNS::Topic', 'Approvers') });
  });
});

describe('notification topic option', () => {
  test('notifies the given topic instead of creating one', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture((stack) => ({
      deployment: Deployment.blueGreen(),
      source: Source.codeCommit(),
      pipeline: { notificationTopic: new sns.Topic(stack, 'Team') },
    }));
    // THEN
    template.hasResourceProperties('AWS::CodeStarNotifications::NotificationRule', {
      Targets: [{ TargetAddress: { Ref: logicalId(template, 'AWS::SNS::Topic', 'Team') }, TargetType: 'SNS' }],
    });
    expect(Object.keys(resourcesOf(template, 'AWS::SNS::Topic')).filter((id) => id.startsWith('PlatformOrdersPipelineNotifications'))).toEqual([]);
  });
});
