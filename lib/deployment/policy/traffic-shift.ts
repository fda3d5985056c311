import { Duration } from 'aws-cdk-lib';

/** How a blue/green deployment moves production traffic from blue to green. */
export enum TrafficShiftKind {
  /** Everything at once. */
  ALL_AT_ONCE = 'ALL_AT_ONCE',
  /** A first share, then the rest after an interval. */
  CANARY = 'CANARY',
  /** Equal shares at equal intervals. */
  LINEAR = 'LINEAR',
}

/**
 * The traffic shift of a blue/green deployment. The shifts of CodeDeploy's predefined
 * configurations (canary 10 % for 5 or 15 minutes, linear 10 % every 1 or 3 minutes,
 * all at once) use them; any other shift creates a custom deployment configuration.
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html#deployment-configuration-ecs
 */
export class TrafficShift {
  /** All production traffic moves to green in one step. */
  public static allAtOnce(): TrafficShift {
    return new TrafficShift(TrafficShiftKind.ALL_AT_ONCE, 100, Duration.minutes(0));
  }

  /**
   * `percent` of the traffic moves to green first; the rest after `interval`.
   * @param percent 1 to 99
   * @param interval whole minutes, at least 1
   */
  public static canary(percent: number, interval: Duration): TrafficShift {
    return new TrafficShift(TrafficShiftKind.CANARY, percent, interval);
  }

  /**
   * `percent` of the traffic moves to green every `interval` until all has moved.
   * @param percent 1 to 99
   * @param interval whole minutes, at least 1
   */
  public static linear(percent: number, interval: Duration): TrafficShift {
    return new TrafficShift(TrafficShiftKind.LINEAR, percent, interval);
  }

  private constructor(
    /** All at once, canary or linear. */
    public readonly kind: TrafficShiftKind,
    /** The share moved in each step (100 for all at once). */
    public readonly percent: number,
    /** The time between steps (zero for all at once). */
    public readonly interval: Duration,
  ) {}
}
