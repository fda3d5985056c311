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
  // Patterns that are not text (JavaScript can pass them) are refused first: the checks and the
  // registry after would read them as strings.
  const before = p.count;
  const notText = (list: readonly unknown[], key: string) => list.forEach((v, i) => {
    if (typeof v !== 'string') p.add(`${prop}.${key}[${i}]`, v, 'a string', "write each pattern as a string, such as '/orders/*' or 'orders.example.com'");
  });
  notText(paths, 'paths');
  notText(hosts, 'hosts');
  if (p.count > before) p.throwIfAny();
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
    this.refuseShadowing(p, prop, entry);
    this.byKey.set(key, entry);
    this.byPriority.set(priority, entry);
    return priority;
  }

  /**
   * Refuses a route evaluated before another that it covers (on the same or more hosts, a path
   * pattern that matches everything one of the other's does: `/api/*` before `/api/orders/*`): the
   * load balancer would send it every request of the narrower route. The fix names a free
   * priority below the broader one's for the narrower route, which then stays as written.
   */
  private refuseShadowing(p: Problems, prop: string, entry: Registered): void {
    for (const other of this.byKey.values()) {
      const [first, second] = other.priority < entry.priority ? [other, entry] : [entry, other];
      const taken = shadowedPath(first.routing, second.routing);
      if (taken === undefined) continue;
      const narrow = second.routing;
      const suggestion = this.freePriorityBelow(first.priority);
      const rule = `Routing.rule({ ${narrow.hosts.length > 0 ? `hosts: ${JSON.stringify(narrow.hosts)}, ` : ''}paths: ${JSON.stringify(narrow.paths)}, priority: ${suggestion} })`
        .replace(/"/g, "'");
      p.add(prop, { paths: entry.routing.paths, hosts: entry.routing.hosts, priority: entry.priority },
        `a route that no broader route evaluated before it takes: ${describe(first)} (priority ${first.priority}) is evaluated before `
        + `${describe(second)} (priority ${second.priority}) and would receive every request for '${taken}'`,
        `evaluate the narrower route first: give ${second.owner.node.path} routing: ${rule} (a priority below ${first.priority} that no service uses), `
        + 'or make the routes not overlap');
      return;
    }
  }

  /** A priority below `limit` (at most 999, below the derived ones) that no service uses. */
  private freePriorityBelow(limit: number): number {
    for (let n = Math.min(limit - 1, DERIVED_MIN - 1); n >= 1; n--) if (!this.byPriority.has(n)) return n;
    return 1;
  }
}

/** A route in a message: its paths and hosts, and the service that has it. */
function describe(r: Registered): string {
  const what = [...r.routing.paths.map((x) => `'${x}'`), ...r.routing.hosts.map((h) => `host '${h}'`)].join(' ');
  return `${what} of ${r.owner.node.path}`;
}

/** A host pattern (`*` and `?` wildcards, case-insensitive) as a regular expression. */
function hostPattern(host: string): RegExp {
  return new RegExp(`^${host.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/**
 * The path (or `*`, any path) of `narrow` whose every request `broad` matches too, if any: `broad`
 * matches any host or every host of `narrow`, and any path, the same pattern or a prefix pattern
 * (`/api/*`) that the path's literal start begins with. Tokens are not judged.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
 */
export function shadowedPath(broad: Routing, narrow: Routing): string | undefined {
  const values = [...broad.paths, ...broad.hosts, ...narrow.paths, ...narrow.hosts];
  if (values.some((v) => Token.isUnresolved(v))) return undefined;
  const hostsCovered = broad.hosts.length === 0
    || (narrow.hosts.length > 0 && narrow.hosts.every((h) => broad.hosts.some((b) => hostPattern(b).test(h.toLowerCase()))));
  if (!hostsCovered) return undefined;
  if (broad.paths.length === 0) return narrow.paths[0] ?? '*';
  const covers = (b: string, n: string): boolean => {
    if (b === n) return true;
    if (!b.endsWith('*') || /[*?]/.test(b.slice(0, -1))) return false;
    const literal = n.slice(0, (n.search(/[*?]/) + 1 || n.length + 1) - 1);
    return literal.startsWith(b.slice(0, -1));
  };
  return narrow.paths.find((n) => broad.paths.some((b) => covers(b, n)));
}
