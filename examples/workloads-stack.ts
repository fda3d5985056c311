import { Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { ContainerPlatform, EventTask, EventTrigger, PlatformAlerts, PlatformDashboard, QueueWorker, ScheduledJob } from '../lib';

/**
 * Workloads beyond web services on one platform: a queue worker that scales to zero, a
 * nightly job, a task started by every upload to a bucket, the platform's alerts and its dashboard.
 */
export class ExampleWorkloadsStack extends Stack {
  public readonly platform: ContainerPlatform;
  public readonly worker: QueueWorker;
  public readonly job: ScheduledJob;
  public readonly onUpload: EventTask;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.platform = new ContainerPlatform(this, 'Platform');
    const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

    this.worker = this.platform.addWorker('Resizer', {
      container: { image, command: ['sh', '-c', 'echo consuming "$QUEUE_URL"; sleep 3600'], user: '1000' },
      scaling: { minTasks: 0, maxTasks: 5 },
    });

    this.job = this.platform.addScheduledJob('NightlyReport', {
      schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '2' }),
      container: { image, command: ['sh', '-c', 'echo nightly report'], user: '1000' },
      maxEventAge: Duration.minutes(30),
    });

    const uploads = new s3.Bucket(this, 'Uploads', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.platform.encryptionKey,
      bucketKeyEnabled: true,
      lifecycleRules: [{ expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      serverAccessLogsBucket: this.platform.accessLogsBucket,
      serverAccessLogsPrefix: 's3/uploads/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(uploads).acknowledge({
      id: 'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled',
      reason: 'Uploads are inputs of a batch task that expire after 30 days; a second region adds nothing.',
    });
    Validations.of(uploads).acknowledge({
      id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
      reason: 'Uploads expire after 30 days; object lock would keep them past that, and versioning protects against overwrites.',
    });
    this.onUpload = this.platform.addEventTask('Thumbnail', {
      trigger: EventTrigger.s3ObjectCreated(uploads, { prefix: 'incoming/' }),
      container: { image, command: ['sh', '-c', 'echo "s3://$BUCKET_NAME/$OBJECT_KEY"'], user: '1000' },
    });

    const alerts = new PlatformAlerts(this, 'Alerts', { platform: this.platform });
    new PlatformDashboard(this, 'Dashboard', { platform: this.platform, alerts });
  }
}
