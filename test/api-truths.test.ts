import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PlatformAlerts, Source, SourceKind } from '../lib';
import { newPlatform } from './util';

/** What the public API says of itself holds. */

test('PlatformAlerts exposes each of its two stopped-task rules under the name its doc gives', () => {
  // GIVEN a platform's alerts
  const { stack, platform } = newPlatform();
  const alerts = new PlatformAlerts(stack, 'Alerts', { platform });
  // THEN stoppedTaskRule is the rule on failed containers, unexpectedStopRule the one on other stop codes
  expect(alerts.stoppedTaskRule.node.id).toBe('TaskFailed');
  expect(alerts.unexpectedStopRule.node.id).toBe('TaskStoppedUnexpectedly');
});

test('a QueueWorker has a taskRole, like the other workloads', () => {
  // GIVEN a worker
  const { platform } = newPlatform();
  const worker = platform.addWorker('Invoices', { container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37') } });
  // THEN its task role is its task definition's, to grant to
  expect(worker.taskRole).toBe(worker.taskDefinition.taskRole);
});

test('Source.kind is a SourceKind', () => {
  // GIVEN one source of each kind
  const { stack } = newPlatform();
  const sources = [Source.codeCommit(), Source.connection({ connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/abc', owner: 'o', repo: 'r' }),
    Source.s3({ bucket: new s3.Bucket(stack, 'B', { versioned: true }), key: 'k.zip' })];
  // THEN each names its kind with the enum
  expect(sources.map((s) => s.kind)).toEqual([SourceKind.CODE_COMMIT, SourceKind.CONNECTION, SourceKind.S3]);
});
