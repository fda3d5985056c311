import { Token } from 'aws-cdk-lib';
import type { Routing } from '../../foundation/routing';

/**
 * Whether an ALB path pattern matches a request path: case-sensitive, `*` matches any run of
 * characters, `?` exactly one, and only the path is compared, not the query string.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_PathPatternConditionConfig.html
 */
export function pathPatternMatches(pattern: string, path: string): boolean {
  const pathOnly = path.split('?')[0];
  const regex = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${regex}$`).test(pathOnly);
}

/** A concrete path that `pattern` matches: `*` matches nothing, `?` an 'x'. */
export function pathOf(pattern: string): string {
  return pattern.replace(/\*/g, '').replace(/\?/g, 'x');
}

/** Whether the service's listener rules send a request for `path` to it (undefined: cannot tell at synth). */
export function routes(routing: Routing, path: string): boolean | undefined {
  if (routing.paths.length === 0) return true;
  if (Token.isUnresolved(path) || routing.paths.some((p) => Token.isUnresolved(p))) return undefined;
  return routing.paths.some((pattern) => pathPatternMatches(pattern, path));
}

/** What the smoke test requests when `smokeTest.path` is not given. */
export interface DefaultSmokeTestPath {
  readonly path: string;
  /** False when the health-check path is outside the routing and a path of the route was taken instead. */
  readonly isHealthCheckPath: boolean;
}

/**
 * The health-check path, when the service's routing sends it to the service: the target
 * group's health check already requires a 2xx or 3xx there from every task, so a healthy green
 * task is sure to pass. Otherwise (a path route such as `/orders/*` with a health check on
 * `/health`) the test listener would answer the health-check path with the platform's 404, so
 * the smoke test requests a path of the route instead (`/orders/`).
 */
export function defaultSmokeTestPath(routing: Routing, healthCheckPath: string): DefaultSmokeTestPath {
  if (routes(routing, healthCheckPath) !== false) return { path: healthCheckPath, isHealthCheckPath: true };
  return { path: pathOf(routing.paths[0]), isHealthCheckPath: false };
}
