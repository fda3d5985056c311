import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Logging } from '../core/logging';
import { ContainerOptions, RepositoryOptions, SidecarOptions, StorageOptions } from '../core/options';
import type { IContainerPlatform } from '../foundation/platform-contract';
import { PipelineOptions } from '../pipeline/options';
import { Source } from '../pipeline/source';

/**
 * What every workload that is not a web service shares: its container, its ECR repository
 * and, optionally, its delivery pipeline.
 */
export interface WorkloadOptions {
  /**
   * The container and its task size. `port` and `healthCheckPath` do not apply: nothing
   * connects to a worker or a task (use `containerHealthCheck`).
   * @default - 256 CPU units, 512 MiB, X86_64
   */
  readonly container?: ContainerOptions;
  /**
   * The workload's ECR repository.
   * @default - a new repository with secure defaults
   */
  readonly repository?: RepositoryOptions;
  /**
   * Where the workload's pipeline gets its code. With a source, a pipeline builds the
   * image and deploys it (a worker) or makes the next run use it (a scheduled job or an
   * event task).
   * @default - no pipeline: set `container.image`, or push images with your own CI
   */
  readonly source?: Source;
  /**
   * The pipeline's build, approval and notifications (needs `source`).
   * @default - build the Dockerfile at the repository root, no tests, no approval
   */
  readonly pipeline?: PipelineOptions;

  /**
   * Containers that run beside the workload's own in each task (at most 10 containers in a task,
   * the platform's own included), as for a service. Their memory comes out of
   * `container.memoryMiB` and the CPU they reserve out of `container.cpu`. A task stops when any
   * essential container stops: when the workload's container exits (a job's or an event task's
   * run ends), ECS stops the sidecars.
   * @default - none
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_essential
   */
  readonly sidecars?: SidecarOptions[];

  /**
   * A persistent directory on Amazon EFS, kept across runs and shared by all of the workload's
   * tasks: mounted at `storage.path` through an access point of the workload's own, with IAM
   * authorization and encryption in transit, as for a service.
   * @default - none: the tasks have their ephemeral storage only
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html
   */
  readonly storage?: StorageOptions;

  /**
   * Run the AWS Distro for OpenTelemetry collector beside the workload's container, as for a
   * service: traces to AWS X-Ray, OTLP metrics to CloudWatch. The collector takes 256 MiB of
   * `container.memoryMiB`. When a run ends, ECS stops the collector, which sends what it holds
   * as it shuts down.
   * @default false
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/trace-data.html
   */
  readonly tracing?: boolean;

  /**
   * Where the workload's container sends its logs: `Logging.awsLogs()` or `Logging.fireLens()`,
   * as for a service.
   * @default Logging.awsLogs()
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_firelens.html
   */
  readonly logging?: Logging;
}

/** A workload's options and the platform it runs on. */
export interface WorkloadProps extends WorkloadOptions {
  /** The platform whose cluster, VPC and subnets the workload runs in. */
  readonly platform: IContainerPlatform;
}

/** How a scheduled job or an event task retries a run that could not be started. */
export interface RunRetryOptions {
  /**
   * Retries of a run that could not be started (RunTask failed), from 0 to 185.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * How long a run is retried before it goes to the dead-letter queue (1 minute to 24 hours).
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
  /**
   * Where runs that could not be started go: a standard queue (EventBridge takes no FIFO queue).
   * @default - a new SQS-encrypted, SSL-only queue that keeps them 14 days
   */
  readonly deadLetterQueue?: sqs.IQueue;
}
