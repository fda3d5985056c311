import { Match } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { PlatformAlerts, PlatformDashboard, QueueWorker } from '../../lib';
import { newPlatform, templateOf } from '../util';

test('a task whose container exits non-zero is announced on the platform topic with a readable message', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN its alerts are added
  new PlatformAlerts(stack, 'Alerts', { platform });
  // THEN a rule matches STOPPED tasks of the cluster with a non-zero exit code
  templateOf(stack).hasResourceProperties('AWS::Events::Rule', {
    EventPattern: {
      'source': ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      'detail': { clusterArn: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^PlatformCluster'), 'Arn'] }], lastStatus: ['STOPPED'], containers: { exitCode: [{ 'anything-but': 0 }] } },
    },
    Targets: [Match.objectLike({
      Arn: { Ref: Match.stringLikeRegexp('^PlatformAlarmTopic') },
      InputTransformer: Match.objectLike({
        InputPathsMap: Match.objectLike({ 'detail-taskArn': '$.detail.taskArn', 'detail-stoppedReason': '$.detail.stoppedReason', 'detail-group': '$.detail.group' }),
        InputTemplate: Match.stringLikeRegexp('ECS task stopped with a failed container .*group <detail-group>, task <detail-taskArn>.*reason: <detail-stoppedReason>'),
      }),
    })],
  });
});

test('failed ECS deployments, CodeDeploy deployments and pipeline executions are announced', () => {
  // GIVEN a platform with alerts
  const { stack, platform } = newPlatform();
  new PlatformAlerts(stack, 'Alerts', { platform });
  const t = templateOf(stack);
  // THEN each kind of failure has its rule
  t.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ 'detail-type': ['ECS Deployment State Change'], 'detail': { eventName: ['SERVICE_DEPLOYMENT_FAILED'] } }) });
  t.hasResourceProperties('AWS::Events::Rule', { EventPattern: { 'source': ['aws.codedeploy'], 'detail-type': ['CodeDeploy Deployment State-change Notification'], 'detail': { state: ['FAILURE'] } } });
  t.hasResourceProperties('AWS::Events::Rule', { EventPattern: { 'source': ['aws.codepipeline'], 'detail-type': ['CodePipeline Pipeline Execution State Change'], 'detail': { state: ['FAILED'] } } });
});

test('the platform dashboard shows the workers\' queue depths', () => {
  // GIVEN a platform with a worker
  const { stack, platform } = newPlatform();
  const worker = new QueueWorker(stack, 'Resizer', { platform, container: { image: ecs.ContainerImage.fromRegistry('busybox') } });
  // WHEN the dashboard lists its queue
  new PlatformDashboard(stack, 'Dashboard', { platform, queues: [worker.queue] });
  // THEN a widget graphs the visible messages
  const body = JSON.stringify(templateOf(stack).findResources('AWS::CloudWatch::Dashboard'));
  expect(body).toContain('Queue depth (visible messages)');
  expect(body).toContain('ApproximateNumberOfMessagesVisible');
});
