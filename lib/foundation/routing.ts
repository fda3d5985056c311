import { rememberOptions } from '../private/known-keys';

/** Options of {@link Routing.rule}. */
export interface RoutingRuleOptions {
  /**
   * Path patterns the rule matches (case-sensitive; `*` and `?` are wildcards), at most 3.
   * @default - any path
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#path-conditions
   */
  readonly paths?: string[];
  /**
   * Host headers the rule matches (case-insensitive; `*` and `?` are wildcards), at most 3.
   * @default - any host
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#host-conditions
   */
  readonly hosts?: string[];
  /**
   * The priority of the service's rules on the production and the test listener
   * (1 to 50000, lower is evaluated first).
   * @default - derived from the service's ID: a stable number from 1000 to 49999 that does not depend on other services
   */
  readonly priority?: number;
}

/**
 * How the shared load balancer routes requests to a service: by path, by host, or both.
 * Each service gets one rule on the production listener and, for blue/green, the same
 * rule on the test listener.
 */
export class Routing {
  /** Routes requests whose path matches `pattern`, such as `/orders/*`. */
  public static path(pattern: string): Routing {
    return new Routing([pattern], [], undefined);
  }

  /** Routes requests whose Host header matches `hostname`, such as `catalog.example.com`. */
  public static host(hostname: string): Routing {
    return new Routing([], [hostname], undefined);
  }

  /** Routes on any combination of paths and hosts, optionally with a fixed priority. */
  public static rule(options: RoutingRuleOptions): Routing {
    return rememberOptions(new Routing(options.paths ?? [], options.hosts ?? [], options.priority), 'RoutingRuleOptions', 'Routing.rule', options);
  }

  private constructor(
    /** The path patterns the service's rules match. */
    public readonly paths: string[],
    /** The host headers the service's rules match. */
    public readonly hosts: string[],
    /** The fixed priority, when one was chosen. */
    public readonly priority: number | undefined,
  ) {}
}
