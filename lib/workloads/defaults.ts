/** The defaults of the workloads (quoted by the `@default` docs of their props). */
import { Duration } from 'aws-cdk-lib';

export const WORKER_DEFAULTS = {
  minTasks: 1,
  maxTasks: 10,
  maxReceiveCount: 5,
  visibilityTimeout: Duration.minutes(5),
  /** Scale out by 1 task from 1 visible message, 2 from 100, 5 from 500. */
  scaleOutSteps: [{ lower: 1, change: 1 }, { lower: 100, change: 2 }, { lower: 500, change: 5 }],
  scaleInCooldown: Duration.minutes(5),
  scaleOutCooldown: Duration.minutes(1),
} as const;

export const JOB_DEFAULTS = {
  retryAttempts: 2,
  maxEventAge: Duration.hours(1),
  /** The highest rate a schedule may run at. */
  minIntervalSeconds: 60,
} as const;
