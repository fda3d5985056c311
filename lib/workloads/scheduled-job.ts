import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Capacity } from '../core/capacity';
import { joinPlatform } from '../core/platform-membership';
import { PlatformContext } from '../foundation/platform-context';
import { requirePlatform } from '../foundation/platform-contract';
import { Problems } from '../private/errors';
import { checkKnownKeys } from '../private/known-keys';
import { allowFamily, buildRunTask, retrySettings, runTaskPipeline } from './run-task';
import { ScheduledJobProps } from './scheduled-job-options';
import { validateScheduledJob } from './validate-scheduled-job';
import { WorkloadPipeline } from './workload-pipeline';

/**
 * A Fargate task that EventBridge Scheduler runs on a rate or cron schedule, with retries
 * and a dead-letter queue for runs that could not be started. With a `source`, its
 * pipeline builds the image and releases it to the next run.
 */
export class ScheduledJob extends Construct {
  /**
   * The name the job's resources carry (when it has a pipeline, the pipeline's, such as the
   * CodeCommit repository a CodeCommit source creates), from the platform's stack name and the
   * ID (at most 64 characters): unique in the account and region.
   */
  public readonly workloadName: string;
  /** The EventBridge Scheduler schedule that runs the task. */
  public readonly schedule: scheduler.Schedule;
  /** The role EventBridge Scheduler starts the task with. */
  public readonly schedulerRole: iam.Role;
  /**
   * The ECR repository of the job's image: yours, or one the job created. None with a fixed
   * `container.image`: nothing pushes to a repository then.
   */
  public readonly repository?: ecr.IRepository;
  /** The task definition each run starts (its family's newest revision when the pipeline releases the image). */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The job's container. */
  public readonly container: ecs.ContainerDefinition;
  /** Where the container logs go, encrypted with the platform's key. */
  public readonly logGroup: logs.ILogGroup;
  /** The EFS file system of `storage`: the platform's, or yours. */
  public readonly fileSystem?: efs.IFileSystem;
  /** The workload's own access point on `fileSystem`, through which its tasks mount `storage`. */
  public readonly accessPoint?: efs.AccessPoint;
  /** Where the runs that could not be started go. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** The delivery pipeline, when the job has a `source`. */
  public readonly pipeline?: WorkloadPipeline;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    requirePlatform(this, props?.platform);
    const p = new Problems(this);
    checkKnownKeys(p, props, 'ScheduledJobProps');
    validateScheduledJob(p, this, id, props);
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
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: `Starts the task of ${this.node.path}`,
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: props.schedule,
      description: `Runs ${this.node.path}`,
      enabled: props.enabled ?? true,
      target: new targets.EcsRunFargateTask(platform.cluster, {
        taskDefinition: this.taskDefinition,
        role: this.schedulerRole,
        vpcSubnets: platform.serviceSubnets,
        securityGroups: [built.securityGroup],
        assignPublicIp: false,
        capacityProviderStrategies: (props.capacity ?? Capacity.onDemand()).strategies,
        enableEcsManagedTags: true,
        propagateTags: true,
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: retry.retryAttempts,
        maxEventAge: retry.maxEventAge,
      }),
    });
    for (const [key, value] of Object.entries(retry.overrides)) {
      (this.schedule.node.defaultChild as scheduler.CfnSchedule).addPropertyOverride(`Target.RetryPolicy.${key}`, value);
    }
    if (built.deployedState) {
      // The image is released by the pipeline: every run starts the family's latest revision.
      (this.schedule.node.defaultChild as scheduler.CfnSchedule).addPropertyOverride('Target.EcsParameters.TaskDefinitionArn', built.familyArn);
      allowFamily(this.schedulerRole, built, platform.cluster);
    }
    this.pipeline = runTaskPipeline(this, props, built);
    joinPlatform(this, platform, this.workloadName, [], [this.schedule]);
  }

  /** Lets the task read or write your resources: pass it to `grant*` methods. */
  public get taskRole(): iam.IRole {
    return this.taskDefinition.taskRole;
  }
}
