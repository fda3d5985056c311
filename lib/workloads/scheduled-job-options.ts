import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Capacity } from '../core/capacity';
import type { IContainerPlatform } from '../foundation/platform-contract';
import type { RunRetryOptions, WorkloadOptions } from './workload-options';

/** Properties of a {@link ScheduledJob}. */
export interface ScheduledJobOptions extends WorkloadOptions, RunRetryOptions {
  /**
   * When the job runs: a rate (at least a minute), a cron expression, or once at a date.
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
   */
  readonly schedule: scheduler.ScheduleExpression;
  /**
   * Whether the schedule starts enabled.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * On-demand Fargate or a mix with Fargate Spot.
   * @default Capacity.onDemand()
   */
  readonly capacity?: Capacity;
}

/** Properties of a {@link ScheduledJob}. */
export interface ScheduledJobProps extends ScheduledJobOptions {
  /** The platform whose cluster, VPC and subnets it runs in. */
  readonly platform: IContainerPlatform;
}
