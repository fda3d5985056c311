import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Problems } from '../private/errors';
import { stableHash } from '../private/hash';
import { NAME_LIMITS } from '../private/name-limits';
import { Routing } from './routing';

/** Derived priorities live in [DERIVED_MIN, DERIVED_MIN + DERIVED_SPAN). */
const DERIVED_MIN = 1000;
const DERIVED_SPAN = 49000;
export const MAX_PRIORITY = 50000;

/**
 * ALB limits on rule conditions: 128 characters a value, path patterns of A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ?,
 * host names of A-Z a-z 0-9 - . * ?, and 5 condition values a rule; priorities 1 to 50000.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RuleCondition.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateRule.html (Priority)
 */
export const MAX_VALUES_PER_CONDITION = 3;
export const MAX_VALUES_PER_RULE = 5;
export const MAX_PATTERN_LENGTH = NAME_LIMITS.ruleCondition.max;
const PATH_CHARS = /^[A-Za-z0-9_\-.$/~"'@:+&*?]+$/;
const HOST_CHARS = /^[A-Za-z0-9\-.*?]+$/;

interface Registered {
  readonly owner: IConstruct;
  readonly key: string;
  readonly priority: number;
  readonly routing: Routing;
}

/** The stable priority a service ID gets when no priority is chosen. */
export function derivedPriority(serviceId: string): number {
  return DERIVED_MIN + (stableHash(serviceId) % DERIVED_SPAN);
}

/** Checks one routing's conditions against the ALB rules; records problems under `prop`. */
export function validateRouting(p: Problems, prop: string, routing: Routing): void {
  const { paths, hosts, priority } = routing;
  p.require(paths.length + hosts.length > 0, prop, routing, 'at least one path pattern or host',
    "use Routing.path('/orders/*') or Routing.host('orders.example.com')");
  p.require(paths.length <= MAX_VALUES_PER_CONDITION, `${prop}.paths`, paths, `at most ${MAX_VALUES_PER_CONDITION} path patterns per rule`, 'merge patterns with wildcards');
  p.require(hosts.length <= MAX_VALUES_PER_CONDITION, `${prop}.hosts`, hosts, `at most ${MAX_VALUES_PER_CONDITION} host headers per rule`, 'merge hosts with wildcards such as *.example.com');
  p.require(paths.length + hosts.length <= MAX_VALUES_PER_RULE, prop, { paths, hosts },
    `at most ${MAX_VALUES_PER_RULE} paths and hosts together in one rule`, 'route fewer values to this service');
  paths.forEach((path, i) => {
    if (Token.isUnresolved(path)) return;
    p.require(path.length >= 1 && path.length <= MAX_PATTERN_LENGTH && path.startsWith('/') && PATH_CHARS.test(path),
      `${prop}.paths[${i}]`, path,
      `a pattern of 1 to ${MAX_PATTERN_LENGTH} characters that starts with '/' and uses only A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ?`,
      "write it like '/orders/*'");
  });
  hosts.forEach((host, i) => {
    if (Token.isUnresolved(host)) return;
    if (!(host.length >= 1 && host.length <= MAX_PATTERN_LENGTH && HOST_CHARS.test(host))) {
      p.add(`${prop}.hosts[${i}]`, host, `a host name of 1 to ${MAX_PATTERN_LENGTH} characters using only A-Z a-z 0-9 - . * ?`,
        "write it like 'orders.example.com' (no scheme, port or path)");
    } else {
      // "You must include at least one '.' character. You can include only alphabetical characters after the final '.' character."
      // @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_HostHeaderConditionConfig.html
      p.require(/\.[A-Za-z]+$/.test(host), `${prop}.hosts[${i}]`, host,
        "a host name with at least one '.' and only letters after the last one, such as orders.example.com", 'write the full domain name');
    }
  });
  // A repeated value matches nothing more and uses up one of the rule's condition values.
  // @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html (5 condition values per rule)
  paths.forEach((path, i) => {
    if (!Token.isUnresolved(path) && paths.indexOf(path) < i) {
      p.add(`${prop}.paths[${i}]`, path, `each path pattern once per rule (a repeat matches nothing more and uses one of the rule's ${MAX_VALUES_PER_RULE} condition values)`,
        'remove the repeated pattern');
    }
  });
  const lower = hosts.map((h) => h.toLowerCase());
  hosts.forEach((host, i) => {
    if (!Token.isUnresolved(host) && lower.indexOf(host.toLowerCase()) < i) {
      p.add(`${prop}.hosts[${i}]`, host, 'each host once per rule (host names match without regard to case)', 'remove the repeated host');
    }
  });
  p.intRange(`${prop}.priority`, priority, 1, MAX_PRIORITY, 'choose a priority no other service on this load balancer uses');
}

/**
 * The routes of every service on one platform: hands out stable listener-rule priorities
 * and rejects duplicate routes and priority collisions at synth.
 */
export class RouteRegistry {
  private readonly byPriority = new Map<number, Registered>();
  private readonly byKey = new Map<string, Registered>();

  constructor(private readonly platform: IConstruct) {}

  /** Registers a service's routing and returns its rule priority; records collisions in `p`. */
  public register(p: Problems, owner: IConstruct, prop: string, routing: Routing): number {
    const priority = routing.priority ?? derivedPriority(owner.node.id);
    const key = JSON.stringify([[...routing.hosts].map((h) => h.toLowerCase()).sort(), [...routing.paths].sort()]);
    const sameRoute = this.byKey.get(key);
    if (sameRoute) {
      p.add(prop, { paths: routing.paths, hosts: routing.hosts }, `a route no other service on ${this.platform.node.path} uses`,
        `${sameRoute.owner.node.path} already routes exactly these paths and hosts; give one service a different path or host`);
    }
    const samePriority = this.byPriority.get(priority);
    if (samePriority) {
      p.add(`${prop}.priority`, priority, `a listener-rule priority no other service uses`,
        `${samePriority.owner.node.path} already has priority ${priority}; set Routing.rule({ ..., priority }) to another free number on one of them`);
    }
    if (sameRoute || samePriority) return priority;
    const entry = { owner, key, priority, routing };
    this.warnOnShadowing(entry);
    this.byKey.set(key, entry);
    this.byPriority.set(priority, entry);
    return priority;
  }

  /** Warns when a broader path on the same hosts is evaluated before a narrower one and would swallow it. */
  private warnOnShadowing(entry: Registered): void {
    for (const other of this.byKey.values()) {
      const [first, second] = other.priority < entry.priority ? [other, entry] : [entry, other];
      if (JSON.stringify(first.routing.hosts) !== JSON.stringify(second.routing.hosts)) continue;
      for (const broad of first.routing.paths) {
        if (!broad.endsWith('*')) continue;
        const prefix = broad.slice(0, -1);
        const shadowed = second.routing.paths.find((narrow) => narrow !== broad && narrow.startsWith(prefix));
        if (shadowed) {
          new Problems(second.owner).warn('route-shadowed',
            `Path '${shadowed}' is shadowed by '${broad}' of ${first.owner.node.path}, whose rule priority ${first.priority} is evaluated first. ` +
            `Give this service a lower priority with Routing.rule({ paths, priority }).`);
        }
      }
    }
  }
}
