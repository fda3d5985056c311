import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { rememberOptions } from '../private/known-keys';

/** TLS on a TCP service's listener: the Network Load Balancer ends TLS and sends plain TCP to the tasks. */
export interface TcpTlsOptions {
  /** The ACM certificate the listener presents. */
  readonly certificate: acm.ICertificate;
  /**
   * The security policy of the TLS listener.
   * @default elbv2.SslPolicy.TLS13_12_RES_PQ (TLS 1.3 and 1.2, post-quantum key exchange)
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html
   */
  readonly sslPolicy?: elbv2.SslPolicy;
}

/** Options of {@link Routing.tcp}. */
export interface TcpRoutingOptions {
  /**
   * Put the service on the platform's internet-facing Network Load Balancer (in the public
   * subnets, made with the first such service) instead of its internal one, for clients outside
   * the VPC. The two load balancers are separate: a port may be used once on each.
   *
   * Decide before the first deployment: moving a service from one load balancer to the other
   * replaces its listeners, and clients must then connect to the other load balancer's address.
   * @default false - the internal Network Load Balancer, reached from the VPC
   */
  readonly internetFacing?: boolean;
  /**
   * The IPv4 CIDR blocks that may connect to the listener. The platform's Network Load Balancers
   * have IPv4 addresses only, so IPv6 blocks are refused.
   * @default - internal: the platform VPC's IPv4 CIDR block; internet-facing: any IPv4 address (0.0.0.0/0)
   */
  readonly allowedCidrs?: string[];
  /**
   * End TLS at the load balancer with this certificate (a TLS listener instead of a TCP one).
   * @default - a TCP listener: the bytes pass through unchanged
   */
  readonly tls?: TcpTlsOptions;
  /**
   * Check the tasks with HTTP GET on this path of the container port, expecting 200-399, instead
   * of opening a TCP connection. For a service that speaks HTTP beside its own protocol.
   * @default - a TCP health check: a task is healthy when it accepts a connection on the container port
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html
   */
  readonly httpHealthCheckPath?: string;
  /**
   * The port of the test listener of a blue/green deployment (`Deployment.blueGreen()` or
   * `ecsBlueGreen()`): a second listener on the platform's Network Load Balancer that reaches the
   * new tasks (green) before production traffic does, where the platform's smoke test connects.
   * Required with a blue/green deployment and refused without one. Only the smoke test may
   * connect to it (the load balancer's security group admits nothing else on this port).
   *
   * There is no default: a port derived from the service's own (such as `port + 10000`) may be
   * out of range or taken by another service, and one handed out in the order services are added
   * would move when a service is added or removed, changing a listener that clients or firewall
   * rules may rely on.
   * @default - no test listener (rolling deployments)
   */
  readonly testPort?: number;
}

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
 * How the load balancer routes requests to a service: by path, by host, or both, on the shared
 * Application Load Balancer (one rule on the production listener and, for blue/green, the same
 * rule on the test listener); or, for a service that does not speak HTTP, a port of the
 * platform's Network Load Balancer (`Routing.tcp`).
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

  /**
   * Routes TCP connections on `port` of the platform's Network Load Balancer (internal, made with
   * the first TCP service; internet-facing with `internetFacing: true`) to the service's container
   * port: for services that do not speak HTTP. One service per port of a load balancer.
   */
  public static tcp(port: number, options: TcpRoutingOptions = {}): Routing {
    return rememberOptions(new Routing([], [], undefined, port, options), 'TcpRoutingOptions', 'Routing.tcp', options);
  }

  private constructor(
    /** The path patterns the service's rules match. */
    public readonly paths: string[],
    /** The host headers the service's rules match. */
    public readonly hosts: string[],
    /** The fixed priority, when one was chosen. */
    public readonly priority: number | undefined,
    /** The port of the Network Load Balancer's listener of a TCP service (`Routing.tcp`). */
    public readonly tcpPort?: number,
    /** The options of a TCP service's listener (`Routing.tcp`). */
    public readonly tcpOptions?: TcpRoutingOptions,
  ) {}
}
