import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { rememberOptions } from '../../private/known-keys';
import { TrafficShift } from './traffic-shift';

/** The deployment policies of the platform. */
export enum DeploymentKind {
  /** Replace every task at once (minimum healthy 0 %, maximum 100 %). */
  ALL_AT_ONCE = 'ALL_AT_ONCE',
  /** Replace half the tasks at a time (minimum healthy 50 %, maximum 100 %). */
  ROLLING = 'ROLLING',
  /** Start a batch of new tasks before stopping old ones (minimum healthy 100 %, maximum 150 %). */
  ROLLING_WITH_ADDITIONAL_BATCH = 'ROLLING_WITH_ADDITIONAL_BATCH',
  /** Start a full set of new tasks beside the old ones (minimum healthy 100 %, maximum 200 %). */
  IMMUTABLE = 'IMMUTABLE',
  /** CodeDeploy blue/green with a test listener, hooks and a traffic shift. */
  BLUE_GREEN = 'BLUE_GREEN',
  /** The ECS deployment controller's own blue/green, canary or linear strategy. */
  ECS_BLUE_GREEN = 'ECS_BLUE_GREEN',
}

/** The ECS lifecycle events of a CodeDeploy blue/green deployment that can run a hook. */
export enum HookEvent {
  /** Before the replacement task set is created. */
  BEFORE_INSTALL = 'BeforeInstall',
  /** After the replacement task set is created, before any traffic reaches it. */
  AFTER_INSTALL = 'AfterInstall',
  /** After the test listener sends traffic to the replacement task set: where the smoke test runs. */
  AFTER_ALLOW_TEST_TRAFFIC = 'AfterAllowTestTraffic',
  /** Before production traffic moves to the replacement task set. */
  BEFORE_ALLOW_TRAFFIC = 'BeforeAllowTraffic',
  /** After production traffic has moved to the replacement task set. */
  AFTER_ALLOW_TRAFFIC = 'AfterAllowTraffic',
}

/** A Lambda function that a blue/green deployment runs at one lifecycle event. */
export interface DeploymentHook {
  /** When the hook runs. */
  readonly lifecycleEvent: HookEvent;
  /**
   * The function. For CodeDeploy it must report its result with
   * `PutLifecycleEventHookExecutionStatus`; the platform grants it that.
   */
  readonly function: lambda.IFunction;
}

/**
 * The built-in smoke test that blue/green deployments run against the test listener. It
 * never passes on the platform's own 404 (the listener's answer when no rule matches).
 */
export interface SmokeTestOptions {
  /**
   * Set to false to skip the smoke test (then set none of the other options).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The path requested through the test listener. It must be one that the service's routing
   * sends to the service.
   * @default - the service's health-check path, which every healthy task answers with 2xx or
   * 3xx; when the routing's paths do not cover it (a route such as `/orders/*` with a health
   * check on `/health`), a path of the first route (`/orders/`) and a synth warning
   */
  readonly path?: string;
  /**
   * HTTP status codes that pass (200 to 599).
   * @default - any 2xx or 3xx, like the target group's health check
   */
  readonly expectedStatusCodes?: number[];
  /**
   * Attempts before the smoke test fails the deployment, 5 s apart. At most 10, what the
   * function's 120 s timeout holds.
   * @default 5
   */
  readonly attempts?: number;
}

/** Options of {@link Deployment.blueGreen} and {@link Deployment.ecsBlueGreen}. */
export interface BlueGreenOptions {
  /**
   * How production traffic moves to green.
   * @default TrafficShift.allAtOnce()
   */
  readonly traffic?: TrafficShift;
  /**
   * How long blue keeps running after the shift, ready for a rollback.
   * CodeDeploy allows at most 2880 minutes (48 hours).
   * @default Duration.minutes(5)
   */
  readonly terminationWait?: Duration;
  /**
   * The built-in smoke test after test traffic reaches green.
   * @default - enabled, requesting the health-check path (see `SmokeTestOptions.path`) and passing on any 2xx or 3xx
   */
  readonly smokeTest?: SmokeTestOptions;
  /**
   * Your own Lambda hooks.
   * @default - none
   */
  readonly hooks?: DeploymentHook[];
}

/**
 * A deployment policy: the rolling kinds of the ECS controller (each with the deployment
 * circuit breaker and rollback), CodeDeploy blue/green, or ECS-native blue/green.
 */
export class Deployment {
  /** Stop every old task, then start the new ones: fastest, with downtime. */
  public static allAtOnce(): Deployment {
    return new Deployment(DeploymentKind.ALL_AT_ONCE, 0, 100);
  }

  /** Replace tasks in batches of half the service. */
  public static rolling(): Deployment {
    return new Deployment(DeploymentKind.ROLLING, 50, 100);
  }

  /** Replace tasks in batches without ever running fewer than the desired count. */
  public static rollingWithAdditionalBatch(): Deployment {
    return new Deployment(DeploymentKind.ROLLING_WITH_ADDITIONAL_BATCH, 100, 150);
  }

  /** Start a complete new set of tasks beside the old one, then stop the old. */
  public static immutable(): Deployment {
    return new Deployment(DeploymentKind.IMMUTABLE, 100, 200);
  }

  /** Blue/green through CodeDeploy, with a test listener, lifecycle hooks and traffic shifting. */
  public static blueGreen(options: BlueGreenOptions = {}): Deployment {
    return rememberOptions(new Deployment(DeploymentKind.BLUE_GREEN, 100, 200, options), 'BlueGreenOptions', 'Deployment.blueGreen', options);
  }

  /**
   * Blue/green through the ECS deployment controller (no CodeDeploy): the only blue/green
   * that services using Service Connect can have. Canary and linear shifts map to the
   * CANARY and LINEAR strategies; `hooks` run as ECS lifecycle hooks: BeforeInstall at
   * PRE_SCALE_UP, AfterInstall at POST_SCALE_UP, AfterAllowTestTraffic and BeforeAllowTraffic
   * at POST_TEST_TRAFFIC_SHIFT (after test traffic reaches green, before production traffic
   * moves), AfterAllowTraffic at POST_PRODUCTION_TRAFFIC_SHIFT. The BLUE_GREEN strategy has the
   * deployment circuit breaker with rollback; CANARY and LINEAR roll back on the alarms only.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentLifecycleHook.html
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-failure-detection.html
   */
  public static ecsBlueGreen(options: BlueGreenOptions = {}): Deployment {
    return rememberOptions(new Deployment(DeploymentKind.ECS_BLUE_GREEN, 100, 200, options), 'BlueGreenOptions', 'Deployment.ecsBlueGreen', options);
  }

  private constructor(
    /** The policy: a rolling kind, CodeDeploy blue/green or ECS-native blue/green. */
    public readonly kind: DeploymentKind,
    /** Minimum healthy percent of the ECS deployment configuration. */
    public readonly minHealthyPercent: number,
    /** Maximum percent of the ECS deployment configuration. */
    public readonly maxHealthyPercent: number,
    /** The blue/green options, for the blue/green kinds. */
    public readonly blueGreenOptions?: BlueGreenOptions,
  ) {}
}

/** The hooks of a blue/green deployment, by CodeDeploy event, in the appspec's order. */
export interface HookBinding {
  /** When the hook runs. */
  readonly lifecycleEvent: HookEvent;
  /** The ARN of the function the hook invokes. */
  readonly functionArn: string;
}
