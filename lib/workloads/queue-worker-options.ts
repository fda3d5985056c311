import type { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Capacity } from '../core/capacity';
import type { Deployment } from '../deployment/policy/deployment';
import type { IContainerPlatform } from '../foundation/platform-contract';
import type { PromotionEnvironment } from '../pipeline/promotion-pipeline';
import type { WorkerScalingOptions } from './queue-scaling';
import type { WorkloadOptions } from './workload-options';

/** The queue a {@link QueueWorker} creates. */
export interface WorkerQueueOptions {
  /**
   * Receives before a message moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long a received message stays invisible to other tasks: longer than your slowest message takes.
   * @default Duration.minutes(5)
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
   */
  readonly visibilityTimeout?: Duration;
  /**
   * A KMS key to encrypt both queues with.
   * @default - SQS-managed encryption (SSE-SQS)
   */
  readonly encryptionKey?: kms.IKey;
}

/** Properties of a {@link QueueWorker}. */
export interface QueueWorkerOptions extends WorkloadOptions {
  /**
   * The queue to consume, in the worker's Region (the worker scales on its metrics).
   * @default - a new queue with a dead-letter queue, encrypted and SSL-only
   */
  readonly queue?: sqs.IQueue;
  /**
   * Options of the queue the worker creates (not with `queue`).
   * @default - the defaults of each option
   */
  readonly queueOptions?: WorkerQueueOptions;
  /**
   * Scaling on the queue's backlog.
   * @default - 1 to 10 tasks, step scaling on the visible messages
   */
  readonly scaling?: WorkerScalingOptions;
  /**
   * The deployment policy: a rolling kind (a worker takes no traffic to shift blue/green).
   * @default Deployment.rolling()
   */
  readonly deployment?: Deployment;
  /**
   * On-demand Fargate or a mix with Fargate Spot.
   * @default Capacity.onDemand()
   */
  readonly capacity?: Capacity;
  /**
   * The environment of a promotion pipeline this worker is (`pipeline.addEnvironment(name)`):
   * the pipeline builds the image once and deploys it here (the ECS deploy action), after the
   * environments before it. Not with `source`, `container.image` or `repository`.
   * @default - no promotion: the worker's own `source`, a fixed image, or your CI
   */
  readonly promotion?: PromotionEnvironment;

  /**
   * Let people open a shell or run a command in the running tasks with ECS Exec
   * (`aws ecs execute-command`). The tasks' role gets exactly the ssmmessages actions the SSM
   * agent needs and may write the platform's session log; sessions are encrypted with the
   * platform's key and logged to the platform's `ExecSessionLogs` log group. Whoever runs the
   * command needs `ecs:ExecuteCommand` on the task and `kms:GenerateDataKey` on the platform's
   * key, and the Session Manager plugin of the AWS CLI. The image needs `sh` (and `script` and
   * `cat` for the session log), and the container's root filesystem is writable (the SSM agent
   * writes to it): `container.readonlyRootFilesystem` defaults to false then.
   *
   * Changing it replaces the worker's tasks (a new deployment), so that every task has it or none.
   * @default false
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
   */
  readonly enableExec?: boolean;
}

/** Properties of a {@link QueueWorker}. */
export interface QueueWorkerProps extends QueueWorkerOptions {
  /** The platform whose cluster, VPC and subnets it runs in. */
  readonly platform: IContainerPlatform;
}
