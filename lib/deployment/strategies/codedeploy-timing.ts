import { Duration, Token } from 'aws-cdk-lib';
import { DEFAULTS } from '../../private/defaults';
import { Problems } from '../../private/errors';
import type { BlueGreenOptions } from '../policy/deployment';
import { TrafficShift, TrafficShiftKind } from '../policy/traffic-shift';
import { BLUE_GREEN_LIMITS } from '../provider/limits';

/** How long a CodeDeploy deployment of a service takes, and what a `cdk deploy` can wait for. */
export interface BlueGreenTiming {
  /** From the first to the last traffic step, in minutes. */
  readonly shiftMinutes: number;
  /** From the start of the deployment until production traffic has moved, in minutes (estimated). */
  readonly untilShiftedMinutes: number;
  /** Until blue is terminated, after the termination wait: the deployment's end, in minutes (estimated). */
  readonly untilEndMinutes: number;
  /** Whether a `cdk deploy` can wait for the end of the deployment. */
  readonly endFits: boolean;
  /** Whether a `cdk deploy` can wait until production traffic has moved. */
  readonly shiftFits: boolean;
}

/**
 * The time a CodeDeploy ECS deployment takes: the traffic shift (a canary moves the rest after
 * one interval; a linear shift moves `percent` every interval until all has moved, counted
 * here as one interval per step, the upper bound), the
 * termination wait, the health-check grace period, the draining of blue, plus an allowance for
 * starting green and running the hooks. Undefined when any of them is a token: then it is
 * known at deploy time only.
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html#deployment-configuration-ecs
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-codedeploy-deploymentgroup-blueinstanceterminationoption.html
 */
export function blueGreenTiming(traffic: TrafficShift, terminationWait: Duration, gracePeriod: Duration, draining: Duration): BlueGreenTiming | undefined {
  if ([traffic.interval, terminationWait, gracePeriod, draining].some((d) => d.isUnresolved()) || Token.isUnresolved(traffic.percent)) return undefined;
  const interval = traffic.interval.toSeconds({ integral: false }) / 60;
  const shiftMinutes = traffic.kind === TrafficShiftKind.ALL_AT_ONCE ? 0
    : traffic.kind === TrafficShiftKind.CANARY ? interval
      : Math.ceil(100 / traffic.percent) * interval;
  const untilShiftedMinutes = Math.ceil(shiftMinutes + gracePeriod.toSeconds({ integral: false }) / 60 + BLUE_GREEN_LIMITS.allowanceMinutes);
  const untilEndMinutes = Math.ceil(untilShiftedMinutes + terminationWait.toSeconds({ integral: false }) / 60 + draining.toSeconds({ integral: false }) / 60);
  return {
    shiftMinutes,
    untilShiftedMinutes,
    untilEndMinutes,
    endFits: untilEndMinutes <= BLUE_GREEN_LIMITS.waitMinutes,
    shiftFits: untilShiftedMinutes <= BLUE_GREEN_LIMITS.waitMinutes,
  };
}

/**
 * A cdk deploy that changes the task definition of a CodeDeploy service waits for its
 * deployment, at most as long as CloudFormation lets a custom resource run: the traffic shift
 * must fit in that time. (A termination wait that does not fit is a warning: see
 * `codeDeployService`.) Shifts that are invalid anyway have their own problem.
 */
export function validateCodeDeployTiming(p: Problems, o: BlueGreenOptions,
  health: { readonly gracePeriod?: Duration; readonly deregistrationDelay?: Duration }): void {
  const traffic = o.traffic ?? TrafficShift.allAtOnce();
  const timing = blueGreenTiming(traffic, o.terminationWait ?? DEFAULTS.terminationWait,
    health.gracePeriod ?? DEFAULTS.healthCheckGracePeriod, health.deregistrationDelay ?? DEFAULTS.deregistrationDelay);
  if (!timing) return;
  const minutes = traffic.interval.toSeconds({ integral: false }) / 60;
  if (traffic.kind !== TrafficShiftKind.ALL_AT_ONCE && !(traffic.percent >= 1 && traffic.percent <= 99 && Number.isInteger(minutes) && minutes >= 1)) return;
  p.require(timing.shiftFits, 'deployment.traffic', `${traffic.kind} ${traffic.percent} % every ${minutes} minutes`,
    `a traffic shift that, with the health-check grace period and ${BLUE_GREEN_LIMITS.allowanceMinutes} minutes to start green and run the hooks, `
    + `ends within the ${BLUE_GREEN_LIMITS.waitMinutes} minutes a cdk deploy can wait for its deployment (about ${timing.untilShiftedMinutes} minutes here)`,
    'shift in fewer or shorter steps, for example TrafficShift.linear(10, Duration.minutes(3)) or TrafficShift.canary(10, Duration.minutes(15))');
}
