import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Capacity } from '../core/capacity';
import type { Logging } from '../core/logging';
import type { ContainerOptions, RepositoryOptions, SidecarOptions, StorageOptions } from '../core/options';
import type { Deployment } from '../deployment/policy/deployment';
import type { IContainerPlatform } from '../foundation/platform-contract';
import type { Routing } from '../foundation/routing';
import type { SharedLoadBalancer } from '../foundation/shared-load-balancer';
import type { AlarmOptions } from '../observability/service-alarms';
import type { PipelineOptions } from '../pipeline/options';
import type { Source } from '../pipeline/source';

/** Target-group health checks and draining. The defaults favour fast deployments. */
export interface HealthOptions {
  /**
   * Time between health checks.
   * @default Duration.seconds(10)
   */
  readonly interval?: Duration;
  /**
   * Time a health check may take.
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive successes before a target is healthy.
   * @default 2
   */
  readonly healthyThresholdCount?: number;
  /**
   * Consecutive failures before a target is unhealthy.
   * @default 3
   */
  readonly unhealthyThresholdCount?: number;
  /**
   * How long a deregistering target finishes in-flight requests.
   * @default Duration.seconds(15)
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#deregistration-delay
   */
  readonly deregistrationDelay?: Duration;
  /**
   * How long ECS ignores failing load-balancer health checks of a new task.
   * @default Duration.seconds(60)
   */
  readonly gracePeriod?: Duration;
}

/** A scheduled change of the service's task limits. */
export interface ScheduledScalingOptions {
  /** An ID for the scheduled action, unique within the service. */
  readonly id: string;
  /**
   * When to apply the limits: `rate(...)`, `cron(...)` with each field in its range, or `at(...)`.
   * @see https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html
   */
  readonly schedule: appscaling.Schedule;
  /**
   * The minimum number of tasks from then on (0 to 5000, at most `maxTasks`). Set it, `maxTasks` or both.
   * @default - unchanged
   */
  readonly minTasks?: number;
  /**
   * The maximum number of tasks from then on (0 to 5000).
   * @default - unchanged
   */
  readonly maxTasks?: number;
}

/** Step scaling on any metric, such as a queue's depth. */
export interface StepScalingOptions {
  /** An ID for the policy, unique within the service (not CpuScaling, MemoryScaling, RequestScaling or Target). */
  readonly id: string;
  /** The metric to scale on. */
  readonly metric: cloudwatch.IMetric;
  /**
   * The steps: 2 to 40 metric intervals from 0 up, without overlap, and the whole-number change in tasks for each.
   * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html
   */
  readonly steps: appscaling.ScalingInterval[];
  /**
   * How the steps' `change` is read.
   * @default appscaling.AdjustmentType.CHANGE_IN_CAPACITY
   */
  readonly adjustmentType?: appscaling.AdjustmentType;
}

/** Auto scaling of a service. */
export interface ScalingOptions {
  /**
   * The fewest tasks.
   * @default 2
   */
  readonly minTasks?: number;
  /**
   * The most tasks.
   * @default 10
   */
  readonly maxTasks?: number;
  /**
   * Target average CPU utilization (1 to 100).
   * @default 70
   */
  readonly cpuPercent?: number;
  /**
   * Target average memory utilization (1 to 100).
   * @default - no memory target
   */
  readonly memoryPercent?: number;
  /**
   * Target requests per task per minute, counted over both target groups during a blue/green deployment.
   * @default - no request target
   */
  readonly requestsPerTarget?: number;
  /**
   * Scheduled changes of the limits.
   * @default - none
   */
  readonly schedules?: ScheduledScalingOptions[];
  /**
   * Step scaling policies on metrics of your choice.
   * @default - none
   */
  readonly steps?: StepScalingOptions[];
}

/** What a service on a {@link ContainerPlatform} is made of. */
export interface ServiceOptions {
  /**
   * How the shared load balancer routes requests to the service.
   */
  readonly routing: Routing;
  /**
   * The shared load balancer that routes to the service.
   * @default - the platform's first load balancer
   */
  readonly loadBalancer?: SharedLoadBalancer;
  /**
   * The container and its task size.
   * @default - port 8080, 256 CPU units, 512 MiB, X86_64
   */
  readonly container?: ContainerOptions;
  /**
   * The deployment policy.
   * @default Deployment.rolling()
   */
  readonly deployment?: Deployment;
  /**
   * Where the service's pipeline gets its code. With a source the service gets a
   * pipeline that builds the image and deploys it with the service's deployment policy.
   * @default - no pipeline: set `container.image`, or push images with your own CI
   */
  readonly source?: Source;
  /**
   * The pipeline's build, approval and notifications (needs `source`).
   * @default - build the Dockerfile at the repository root, no tests, no approval
   */
  readonly pipeline?: PipelineOptions;
  /**
   * The service's ECR repository.
   * @default - a new repository with secure defaults
   */
  readonly repository?: RepositoryOptions;
  /**
   * Auto scaling.
   * @default - 2 to 10 tasks, tracking 70 % CPU
   */
  readonly scaling?: ScalingOptions;
  /**
   * The number of tasks the service starts with; auto scaling moves it within min..max afterwards.
   * @default - the minimum of `scaling`
   */
  readonly desiredCount?: number;
  /**
   * On-demand Fargate or a mix with Fargate Spot.
   * @default Capacity.onDemand()
   */
  readonly capacity?: Capacity;
  /**
   * Target-group health checks and draining.
   * @default - 10 s interval, 2 healthy, 3 unhealthy, 15 s deregistration delay
   */
  readonly health?: HealthOptions;
  /**
   * Alarm thresholds.
   * @default - the defaults of each threshold
   */
  readonly alarms?: AlarmOptions;
  /**
   * Join the platform's Service Connect namespace, so that other services reach this one at
   * `http://<id in lower case>:<port>`. Service Connect works with the ECS deployment
   * controller only: use it with the rolling policies or `Deployment.ecsBlueGreen()`.
   * @default false
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect.html
   */
  readonly serviceConnect?: boolean;

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
   * For a `Deployment.blueGreen()` service, ECS fixes this at the service's creation (CodeDeploy
   * deployments cannot change it): choose it before the first deployment; changing it later fails
   * the `cdk deploy` with what to do. With the other policies, changing it replaces the tasks (a
   * new deployment), so that every task has it or none.
   * @default false
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
   */
  readonly enableExec?: boolean;

  /**
   * Containers that run beside the service's own in each task (at most 10 containers in a task,
   * the platform's own included). Their memory comes out of `container.memoryMiB` and the CPU they
   * reserve out of `container.cpu`; the service's container gets the rest. Pipelines and
   * deployments replace the image of the service's container only: a sidecar runs the image given here.
   * @default - none
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html
   */
  readonly sidecars?: SidecarOptions[];

  /**
   * A persistent directory on Amazon EFS, shared by all of the service's tasks and kept across
   * deployments and task replacements: mounted at `storage.path` through an access point of the
   * service's own, with IAM authorization and encryption in transit.
   * @default - none: the tasks have their ephemeral storage only
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html
   */
  readonly storage?: StorageOptions;

  /**
   * Run the AWS Distro for OpenTelemetry collector beside the service's container: traces sent
   * to `localhost` over OTLP (4317 gRPC, 4318 HTTP) or the X-Ray daemon protocol (UDP 2000) go
   * to AWS X-Ray, OTLP metrics to CloudWatch (embedded metric format, in the service's log
   * group). The collector takes 256 MiB of `container.memoryMiB`; the task role gets the X-Ray
   * actions and may write the service's log group.
   * @default false
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/trace-data.html
   */
  readonly tracing?: boolean;

  /**
   * Where the service's container sends its logs: `Logging.awsLogs()` (the awslogs driver, into
   * the service's log group), or `Logging.fireLens()`, a Fluent Bit log router in the task (128 MiB
   * of `container.memoryMiB`) that writes to the service's log group or to the output you give.
   * Sidecars and the platform's own containers log through awslogs either way.
   * @default Logging.awsLogs()
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_firelens.html
   */
  readonly logging?: Logging;
}

/** Properties of a {@link Microservice}. */
export interface MicroserviceProps extends ServiceOptions {
  /** The platform the service runs on. */
  readonly platform: IContainerPlatform;
}
