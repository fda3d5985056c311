import { Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DEFAULTS } from '../private/defaults';
import { rememberOptions } from '../private/known-keys';

/** Options of {@link Logging.fireLens}. */
export interface FireLensOptions {
  /**
   * The Fluent Bit output to send the container's logs to instead of the service's log group:
   * the `Name` of an output plugin and its settings, such as
   * `{ Name: 'kinesis_firehose', region: 'eu-west-1', delivery_stream: 'logs' }`. Grant the task
   * role (`service.taskRole`) what the destination needs.
   * @default - CloudWatch Logs: the service's log group, encrypted with the platform's key
   * @see https://docs.fluentbit.io/manual/pipeline/outputs
   */
  readonly output?: { [key: string]: string };
  /**
   * The log router's memory in MiB (a hard limit, at least 6), taken from the task's `container.memoryMiB`.
   * @default 128
   */
  readonly memoryMiB?: number;
}

/** How a service's container logs leave the task. */
export enum LoggingKind {
  /** The awslogs driver, into the service's log group. */
  AWS_LOGS = 'awslogs',
  /** FireLens: a Fluent Bit log router in the task. */
  FIRELENS = 'firelens',
}

/**
 * Where the service's container sends its logs: the awslogs driver (the default), or FireLens,
 * a Fluent Bit log router beside it that sends them to CloudWatch Logs or a destination of yours.
 */
export class Logging {
  /** The awslogs log driver, into the service's log group (non-blocking). */
  public static awsLogs(): Logging {
    return new Logging(LoggingKind.AWS_LOGS, undefined);
  }

  /**
   * FireLens: AWS for Fluent Bit runs in the task as its log router, and the service's container
   * logs to it; by default it writes to the service's log group.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_firelens.html
   */
  public static fireLens(options: FireLensOptions = {}): Logging {
    return rememberOptions(new Logging(LoggingKind.FIRELENS, options), 'FireLensOptions', 'Logging.fireLens', options);
  }

  private constructor(
    /** The log route. */
    public readonly kind: LoggingKind,
    /** The FireLens options, for {@link LoggingKind.FIRELENS}. */
    public readonly fireLensOptions: FireLensOptions | undefined,
  ) {}
}

/** The name of the log router container FireLens adds. */
export const LOG_ROUTER_CONTAINER = 'log-router';

/**
 * The log router's image: AWS for Fluent Bit from Amazon ECR Public, pinned.
 * @see https://github.com/aws/aws-for-fluent-bit/releases/tag/v3.4.12
 */
export const LOG_ROUTER_IMAGE = 'public.ecr.aws/aws-observability/aws-for-fluent-bit:3.4.12';

/** The log router's memory when `memoryMiB` is not given. */
export const LOG_ROUTER_MEMORY_MIB = DEFAULTS.logRouterMemoryMiB;

/** The memory the log router takes from the task, if the logging has one. */
export function logRouterMemoryMiB(logging: Logging | undefined): number {
  return logging?.kind === LoggingKind.FIRELENS ? logging.fireLensOptions?.memoryMiB ?? LOG_ROUTER_MEMORY_MIB : 0;
}

/**
 * The log driver of the service's container with FireLens: the output given, or Fluent Bit's
 * `cloudwatch_logs` output into the service's log group (which exists: the router creates none).
 * @see https://docs.fluentbit.io/manual/pipeline/outputs/cloudwatch
 */
export function fireLensDriver(logging: Logging, logGroup: logs.ILogGroup, scope: Stack): ecs.LogDriver {
  return ecs.LogDrivers.firelens({
    options: logging.fireLensOptions?.output ?? {
      Name: 'cloudwatch_logs',
      region: scope.region,
      log_group_name: logGroup.logGroupName,
      log_stream_prefix: 'app/',
      auto_create_group: 'false',
    },
  });
}

/**
 * Adds the log router (essential, read-only root; its own logs through awslogs into the service's
 * log group) before which the service's container starts, and, for the default destination, lets
 * the task role write the service's log group (Fluent Bit runs with the task's credentials).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/firelens-taskdef.html
 * @see https://docs.fluentbit.io/manual/pipeline/outputs/cloudwatch (permissions: logs:CreateLogStream, logs:PutLogEvents)
 */
export function addLogRouter(taskDefinition: ecs.FargateTaskDefinition, app: ecs.ContainerDefinition, logGroup: logs.ILogGroup, logging: Logging): void {
  const router = taskDefinition.addFirelensLogRouter(LOG_ROUTER_CONTAINER, {
    containerName: LOG_ROUTER_CONTAINER,
    image: ecs.ContainerImage.fromRegistry(LOG_ROUTER_IMAGE),
    essential: true,
    memoryLimitMiB: logRouterMemoryMiB(logging),
    readonlyRootFilesystem: true,
    firelensConfig: { type: ecs.FirelensLogRouterType.FLUENTBIT, options: { enableECSLogMetadata: true } },
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: LOG_ROUTER_CONTAINER, mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
  });
  app.addContainerDependencies({ container: router, condition: ecs.ContainerDependencyCondition.START });
  if (logging.fireLensOptions?.output === undefined) {
    taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
  }
}
