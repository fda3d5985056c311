import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

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

