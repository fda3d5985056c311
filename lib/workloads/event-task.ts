import { Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { joinPlatform } from '../core/platform-membership';
import { PlatformContext } from '../foundation/platform-context';
import { requirePlatform } from '../foundation/platform-contract';
import { acknowledge, acknowledgeAll } from '../private/compliance';
import { Problems } from '../private/errors';
import { checkKnownKeys } from '../private/known-keys';
import { EventTaskProps } from './event-task-options';
import { allowFamily, buildRunTask, retrySettings, runTaskPipeline } from './run-task';
import { validateEventTask } from './validate-event-task';
import { WorkloadPipeline } from './workload-pipeline';

/**
 * A Fargate task that an EventBridge rule starts for each matching event, such as an
 * object uploaded to a bucket, with the event's fields as environment variables, retries
 * and a dead-letter queue. With a `source`, its pipeline releases new images to the next runs.
 */
export class EventTask extends Construct {
  /**
   * The name the task's resources carry (when it has a pipeline, the pipeline's, such as the
   * CodeCommit repository a CodeCommit source creates), from the platform's stack name and the
   * ID (at most 64 characters): unique in the account and region.
   */
  public readonly workloadName: string;
  /** The EventBridge rule that starts a task for each matching event. */
  public readonly rule: events.Rule;
  /** The role EventBridge starts the task with. */
  public readonly eventsRole: iam.Role;
  /**
   * The ECR repository of the task's image: yours, or one the task created. None with a fixed
   * `container.image`: nothing pushes to a repository then.
   */
  public readonly repository?: ecr.IRepository;
  /** The task definition each event runs (its family's newest revision when the pipeline releases the image). */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The task's container. */
  public readonly container: ecs.ContainerDefinition;
  /** Where the container logs go, encrypted with the platform's key. */
  public readonly logGroup: logs.ILogGroup;
  /** The EFS file system of `storage`: the platform's, or yours. */
  public readonly fileSystem?: efs.IFileSystem;
  /** The workload's own access point on `fileSystem`, through which its tasks mount `storage`. */
  public readonly accessPoint?: efs.AccessPoint;
  /** Where the events of runs that could not be started go. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** The delivery pipeline, when the task has a `source`. */
  public readonly pipeline?: WorkloadPipeline;

  constructor(scope: Construct, id: string, props: EventTaskProps) {
    super(scope, id);
    requirePlatform(this, props?.platform);
    const trigger = props.trigger;
    const p = new Problems(this);
    checkKnownKeys(p, props, 'EventTaskProps');
    const pattern = validateEventTask(p, this, id, props);
    p.throwIfAny();
    PlatformContext.of(props.platform).addWorkload(this);

    const { platform } = props;
    const retry = retrySettings(props);
    const built = buildRunTask(this, id, props, {});
    this.workloadName = built.name;
    this.repository = built.repository;
    this.taskDefinition = built.taskDefinition;
    this.container = built.container;
    this.logGroup = built.logGroup;
    this.fileSystem = built.fileSystem;
    this.accessPoint = built.accessPoint;
    this.deadLetterQueue = built.deadLetterQueue;
    if (trigger.bucket) this.readFrom(trigger.bucket, trigger.prefix);

    this.eventsRole = new iam.Role(this, 'EventsRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: `Starts the task of ${this.node.path}`,
    });
    this.rule = new events.Rule(this, 'Rule', {
      description: `Starts ${this.node.path}`,
      eventPattern: pattern as events.EventPattern,
    });
    this.rule.addTarget(new targets.EcsTask({
      cluster: platform.cluster,
      taskDefinition: this.taskDefinition,
      role: this.eventsRole,
      launchType: ecs.LaunchType.FARGATE,
      subnetSelection: platform.serviceSubnets,
      securityGroups: [built.securityGroup],
      assignPublicIp: false,
      propagateTags: ecs.PropagatedTagSource.TASK_DEFINITION,
      containerOverrides: [{
        containerName: this.container.containerName,
        environment: Object.entries(trigger.environment).map(([name, path]) => ({ name, value: events.EventField.fromPath(path) })),
      }],
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: retry.retryAttempts,
      maxEventAge: retry.maxEventAge,
    }));
    for (const [key, value] of Object.entries(retry.overrides)) {
      (this.rule.node.defaultChild as events.CfnRule).addPropertyOverride(`Targets.0.RetryPolicy.${key}`, value);
    }
    if (built.deployedState) {
      // The image is released by the pipeline: every event starts the family's latest revision.
      (this.rule.node.defaultChild as events.CfnRule).addPropertyOverride('Targets.0.EcsParameters.TaskDefinitionArn', built.familyArn);
      allowFamily(this.eventsRole, built, platform.cluster);
    }
    this.pipeline = runTaskPipeline(this, props, built);
    joinPlatform(this, platform, this.workloadName, [], [this.rule]);
  }

  /** Lets the task read or write your resources: pass it to `grant*` methods. */
  public get taskRole(): iam.IRole {
    return this.taskDefinition.taskRole;
  }

  private readFrom(bucket: s3.IBucket, prefix: string | undefined): void {
    bucket.grantRead(this.taskDefinition.taskRole, prefix ? `${prefix}*` : '*');
    // Through aws-cdk-lib's notifications of the bucket (a Custom::S3BucketNotifications resource
    // that puts the bucket's whole notification configuration), never beside them: S3 sets a
    // bucket's notification configuration with one PutBucketNotificationConfiguration, so
    // EventBridge turned on in the bucket's own properties would be turned off again by the
    // notifications the app adds. An imported bucket's are merged into what it has (aws-cdk#29939).
    // @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html
    // @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html
    // @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_s3.IBucket.html#enablewbrbridgewbrnotification
    bucket.enableEventBridgeNotification();
    acknowledgeBucketNotifications(bucket);
  }
}

const acknowledged = new WeakSet<IConstruct>();

/**
 * What aws-cdk-lib adds to put a bucket's notifications, and why its findings do not apply: its
 * function (one per stack, with AWSLambdaBasicExecutionRole) runs outside a VPC and calls only
 * S3, the bucket's policy for it is inline; and Control Tower's CT.S3.PR.4 looks for
 * notifications in the bucket's own properties, where aws-cdk-lib does not put them (aws-cdk#26282).
 */
function acknowledgeBucketNotifications(bucket: s3.IBucket): void {
  const reason = 'aws-cdk-lib puts the bucket\'s notification configuration (EventBridge, for an event task) with this function when the stack changes it; it calls only S3.';
  const handler = Stack.of(bucket).node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
  if (handler && !acknowledged.has(handler)) {
    acknowledged.add(handler);
    acknowledgeAll(handler, ['lambda_inside_vpc_check', 'NIST.800.53.R5-LambdaInsideVPC'], reason);
    const role = handler.node.tryFindChild('Role');
    if (role) acknowledge(role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason);
  }
  const policy = bucket.node.tryFindChild('Notifications')?.node.tryFindChild('HandlerPolicy');
  if (policy && !acknowledged.has(policy)) {
    acknowledged.add(policy);
    acknowledge(policy, 'NIST.800.53.R5-IAMNoInlinePolicy', 'aws-cdk-lib\'s policy that lets its notifications function put this bucket\'s notification configuration.');
  }
  if (bucket.node.defaultChild instanceof s3.CfnBucket && !acknowledged.has(bucket)) {
    acknowledged.add(bucket);
    acknowledge(bucket, 's3_event_notifications_enabled_check',
      'Its EventBridge notifications are on: aws-cdk-lib puts them with its notifications resource, not in the bucket\'s own properties, which the rule reads (aws-cdk#26282).');
  }
}
