import { Match } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Deployment, QueueWorker, Source, TrafficShift } from '../../lib';
import { errorOf, newPlatform, templateOf } from '../util';

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

test('creates an encrypted, SSL-only queue with a dead-letter queue after 5 receives', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN a worker is added without a queue
  new QueueWorker(stack, 'Resizer', { platform, container: { image } });
  // THEN its queue is SQS-encrypted and redrives to the dead-letter queue
  templateOf(stack).hasResourceProperties('AWS::SQS::Queue', {
    SqsManagedSseEnabled: true,
    VisibilityTimeout: 300,
    RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ResizerDeadLetterQueue'), 'Arn'] }, maxReceiveCount: 5 },
  });
  templateOf(stack).hasResourceProperties('AWS::SQS::QueuePolicy', {
    PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
  });
});

test('the task role may consume exactly the worker queue', () => {
  // GIVEN a worker
  const { stack, platform } = newPlatform();
  new QueueWorker(stack, 'Resizer', { platform, container: { image } });
  // THEN the task role's policy receives and deletes on that queue only
  templateOf(stack).hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: Match.stringLikeRegexp('^ResizerTaskDefinitionTaskRole') }],
    PolicyDocument: { Statement: [{
      Effect: 'Allow',
      Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ResizerQueue'), 'Arn'] },
    }] },
  });
});

test.each([
  // A worker scales down to one task (1 by default): ECS rounds the minimum up and the maximum
  // down, so a maximum below 200 % with a minimum above 0 % could neither start nor stop a task.
  ['allAtOnce', Deployment.allAtOnce(), 1, 0, 100],
  ['rolling', Deployment.rolling(), 1, 50, 200],
  ['rollingWithAdditionalBatch', Deployment.rollingWithAdditionalBatch(), 1, 100, 200],
  ['immutable', Deployment.immutable(), 1, 100, 200],
  ['rolling', Deployment.rolling(), 2, 50, 100],
  ['rollingWithAdditionalBatch', Deployment.rollingWithAdditionalBatch(), 2, 100, 150],
])('a service without load balancer, with the circuit breaker and the percentages of %s from %i task(s)', (_name, deployment, minTasks, min, max) => {
  // GIVEN a worker with a rolling kind of deployment
  const { stack, platform } = newPlatform();
  new QueueWorker(stack, 'Resizer', { platform, container: { image }, deployment, scaling: { minTasks, maxTasks: 10 } });
  // THEN the service has no load balancer and deploys with the policy's percentages and rollback
  templateOf(stack).hasResourceProperties('Custom::EcsService', {
    ServiceName: 'Test-Resizer',
    LoadBalancers: [],
    DeploymentConfiguration: { MinimumHealthyPercent: min, MaximumPercent: max, DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
    NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
  });
});

test('scales to zero when minTasks is 0, and out on the visible messages', () => {
  // GIVEN a worker that may scale to zero
  const { stack, platform } = newPlatform();
  new QueueWorker(stack, 'Resizer', { platform, container: { image }, scaling: { minTasks: 0, maxTasks: 5 } });
  const t = templateOf(stack);
  // THEN the scalable target goes from 0 to 5
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 5 });
  // AND a step policy adds 1, 2 or 5 tasks as visible messages reach 1, 100 or 500
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyType: 'StepScaling',
    StepScalingPolicyConfiguration: {
      AdjustmentType: 'ChangeInCapacity', Cooldown: 60, MetricAggregationType: 'Maximum',
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 99, ScalingAdjustment: 1 },
        { MetricIntervalLowerBound: 99, MetricIntervalUpperBound: 499, ScalingAdjustment: 2 },
        { MetricIntervalLowerBound: 499, ScalingAdjustment: 5 },
      ],
    },
  });
  t.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS', Threshold: 1, Period: 60,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  });
});

test('scales in to the minimum only when nothing is waiting or in flight', () => {
  // GIVEN a worker
  const { stack, platform } = newPlatform();
  new QueueWorker(stack, 'Resizer', { platform, container: { image }, scaling: { minTasks: 0 } });
  const t = templateOf(stack);
  // THEN a -100 % step runs when visible + in-flight messages stay at 0 for 5 minutes
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    StepScalingPolicyConfiguration: { AdjustmentType: 'PercentChangeInCapacity', Cooldown: 300, StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -100 }] },
  });
  t.hasResourceProperties('AWS::CloudWatch::Alarm', {
    ComparisonOperator: 'LessThanOrEqualToThreshold', Threshold: 0, EvaluationPeriods: 5,
    Metrics: Match.arrayWith([Match.objectLike({ Expression: 'visible + inFlight' })]),
  });
});

test('messagesPerTask tracks visible messages per running task', () => {
  // GIVEN a worker with a backlog-per-task target
  const { stack, platform } = newPlatform();
  new QueueWorker(stack, 'Resizer', { platform, container: { image }, scaling: { messagesPerTask: 20 } });
  // THEN a target-tracking policy divides visible messages by running tasks
  templateOf(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: Match.objectLike({
      TargetValue: 20,
      CustomizedMetricSpecification: { Metrics: Match.arrayWith([{ Id: 'backlogPerTask', Expression: 'visible / tasks', Label: 'Visible messages per running task', ReturnData: true }]) },
    }),
  });
});

test('passes QUEUE_URL and QUEUE_NAME to the container', () => {
  // GIVEN a worker on the user's queue
  const { stack, platform } = newPlatform();
  const queue = new sqs.Queue(stack, 'Jobs', { enforceSSL: true });
  new QueueWorker(stack, 'Resizer', { platform, queue, container: { image, environment: { MODE: 'fast' } } });
  // THEN the container gets the queue's URL and name beside its own variables
  templateOf(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'app', Environment: [
      { Name: 'MODE', Value: 'fast' },
      { Name: 'QUEUE_URL', Value: { Ref: Match.stringLikeRegexp('^Jobs') } },
      { Name: 'QUEUE_NAME', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Jobs'), 'QueueName'] } },
    ] })]),
  });
});

test('with a source, the pipeline deploys the worker with the ECS deploy action', () => {
  // GIVEN a worker built from CodeCommit
  const { stack, platform } = newPlatform();
  new QueueWorker(stack, 'Resizer', { platform, source: Source.codeCommit() });
  // THEN its pipeline ends with the render step, which raises a new service to its minimum, then an ECS deploy of the worker's service
  const template = templateOf(stack);
  template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
    Stages: Match.arrayWith([{ Name: 'Deploy', Actions: [Match.objectLike({ Name: 'Render', RunOrder: 1 }), Match.objectLike({
      ActionTypeId: { Category: 'Deploy', Owner: 'AWS', Provider: 'ECS', Version: '1' },
      Configuration: Match.objectLike({ ServiceName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ResizerService'), 'Name'] } }),
      RunOrder: 2,
    })] }]),
  });
  // AND the image build, which runs the repository's code, may change no service: the render step may change the worker's
  const ecsActionsOf = (role: string) => Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref?.startsWith(role)))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement.flatMap((st: any) => [st.Action].flat()))
    .filter((a: string) => a.startsWith('ecs:'));
  expect(ecsActionsOf('ResizerPipelineBuildRole')).toEqual([]);
  expect(ecsActionsOf('ResizerPipelineRenderRole').sort()).toEqual(['ecs:DescribeServices', 'ecs:UpdateService']);
});

test.each([
  ['BLUE_GREEN', Deployment.blueGreen({ traffic: TrafficShift.allAtOnce() })],
  ['ECS_BLUE_GREEN', Deployment.ecsBlueGreen()],
])('a %s policy fails: a worker has no traffic to shift', (kind, deployment) => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN a worker asks for a blue/green kind
  const message = errorOf(() => new QueueWorker(stack, 'Resizer', { platform, container: { image }, deployment }));
  // THEN the error names the path, prop, value, what is allowed and the fix
  expect(message).toContain('[Test/Resizer] 1 invalid prop:');
  expect(message).toContain(`deployment: received "${kind}"; allowed: a rolling kind`);
  expect(message).toContain('nothing to shift blue/green');
  expect(message).toContain('Fix: use Deployment.rolling() or Deployment.immutable().');
});

test('messagesPerTask with minTasks 0 fails: target tracking cannot start from zero', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN backlog per task is combined with scale to zero
  const message = errorOf(() => new QueueWorker(stack, 'Resizer', { platform, container: { image }, scaling: { minTasks: 0, messagesPerTask: 10 } }));
  // THEN the error explains why and how to fix it
  expect(message).toContain('[Test/Resizer]');
  expect(message).toContain('scaling.minTasks: received 0; allowed: at least 1 with `messagesPerTask`');
  expect(message).toContain('Fix: raise minTasks to 1, or remove `messagesPerTask`');
});

test('queueOptions with your own queue fails', () => {
  // GIVEN the user's queue
  const { stack, platform } = newPlatform();
  const queue = new sqs.Queue(stack, 'Jobs');
  // WHEN queue options are passed too
  const message = errorOf(() => new QueueWorker(stack, 'Resizer', { platform, queue, queueOptions: { maxReceiveCount: 3 }, container: { image } }));
  // THEN the error says the queue is the user's
  expect(message).toContain('[Test/Resizer]');
  expect(message).toContain('queueOptions: received "set"; allowed: nothing when `queue` is passed (the queue is yours). Fix: remove `queueOptions`');
});

test('an environment variable named QUEUE_URL fails', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN the container sets QUEUE_URL itself
  const message = errorOf(() => new QueueWorker(stack, 'Resizer', { platform, container: { image, environment: { QUEUE_URL: 'x' } } }));
  // THEN the error names the reserved variable
  expect(message).toContain('[Test/Resizer]');
  expect(message).toContain('container.environment: received ["QUEUE_URL"]; allowed: names other than QUEUE_URL, QUEUE_NAME (the platform sets them). Fix: rename your variables.');
});

test('a health-check path fails: no load balancer checks a worker', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN the worker's container has a health-check path
  const message = errorOf(() => new QueueWorker(stack, 'Resizer', { platform, container: { image, healthCheckPath: '/health' } }));
  // THEN the error points to the container health check
  expect(message).toContain('[Test/Resizer]');
  expect(message).toContain('container.healthCheckPath: received "/health"; allowed: nothing: no load balancer checks a worker or a task. Fix: remove it, or use `container.containerHealthCheck`');
});

test('its containers expose no port: nothing connects to a worker', () => {
  // GIVEN a worker
  const { stack, platform } = newPlatform();
  new QueueWorker(stack, 'Resizer', { platform, container: { image } });
  // THEN its one container has no port mapping
  const taskDefinitions = templateOf(stack).findResources('AWS::ECS::TaskDefinition');
  const containers = Object.values(taskDefinitions).flatMap((t: any) => t.Properties.ContainerDefinitions);
  // (the app, and the container that opens its /tmp: task.test.ts)
  expect(containers.map((c: any) => c.Name)).toEqual(['app', 'tmp-permissions']);
  expect(containers.map((c: any) => c.PortMappings)).toEqual([undefined, undefined]);
});

test('its pipeline\'s deploy action may pass exactly the worker\'s task and execution roles', () => {
  // GIVEN a worker with a pipeline
  const { stack, platform } = newPlatform({ nestedServiceStacks: false });
  platform.addWorker('Resizer', { source: Source.codeCommit() });
  // WHEN
  const policies = templateOf(stack).findResources('AWS::IAM::Policy');
  // (the platform's service provider has its own, for every service: test/service/owned-service.test.ts)
  const passRole = Object.entries(policies).filter(([id]) => !id.startsWith('PlatformServiceProvider')).flatMap(([, p]: [string, any]) => p.Properties.PolicyDocument.Statement)
    .filter((st: any) => [st.Action].flat().includes('iam:PassRole'));
  // THEN every iam:PassRole names the two roles, never '*'
  expect(passRole.length).toBeGreaterThan(0);
  for (const st of passRole) {
    // IAM merges and sorts the statement's resources; the set is what matters.
    expect(st.Resource).toHaveLength(2);
    expect(st.Resource).toEqual(expect.arrayContaining([
      { 'Fn::GetAtt': [expect.stringMatching(/^PlatformResizerTaskDefinitionTaskRole/), 'Arn'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^PlatformResizerTaskDefinitionExecutionRole/), 'Arn'] },
    ]));
  }
});

test('a worker\'s service is the platform\'s: created with the count read at deploy time, never sent again', () => {
  // GIVEN a worker built by its pipeline
  const { stack, platform } = newPlatform();
  new QueueWorker(stack, 'Resizer', { platform, source: Source.codeCommit() });
  const t = templateOf(stack);
  // THEN the service is a Custom::EcsService of the platform's provider, created with the deployed state's count
  const [stateId, state] = Object.entries<any>(t.findResources('Custom::DeployedState'))[0];
  const service = Object.values<any>(t.findResources('Custom::EcsService'))[0];
  expect(service.Properties.DesiredCount).toEqual({ 'Fn::GetAtt': [stateId, 'DesiredCount'] });
  expect(service.Properties.ImageOwner).toBe('pipeline');
  expect(service.Properties.ServiceToken['Fn::GetAtt'][0]).toMatch(/^PlatformServiceProviderframeworkonEvent/);
  // AND the deployed state watches the task definition only (the service never takes a count after its creation)
  expect(Object.keys(state.Properties.Watched)).toEqual(['TaskDefinition']);
});
