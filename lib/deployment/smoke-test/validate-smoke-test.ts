import { Token } from 'aws-cdk-lib';
import type { Routing } from '../../foundation/routing';
import { Problems } from '../../private/errors';
import { SmokeTestOptions } from '../policy/deployment';
import { pathOf, routes } from './paths';
import { MAX_SMOKE_TEST_ATTEMPTS, SMOKE_TEST_TIMING } from './timing';

/** The time one attempt may take: a request and the pause before the next. */
const ATTEMPT_SECONDS = (SMOKE_TEST_TIMING.requestTimeoutMs + SMOKE_TEST_TIMING.pauseMs) / 1000;

/**
 * Refuses smoke-test settings that can never pass: more attempts than the function's timeout
 * holds, no or impossible status codes, a path that is not a URL path or that the service's
 * routing does not send to it, and settings of a disabled smoke test (silently ignored).
 */
export function validateSmokeTest(p: Problems, options: SmokeTestOptions | undefined, routing: Routing | undefined): void {
  if (!options) return;
  const prop = 'deployment.smokeTest';
  if (options.enabled === false) {
    p.require(options.path === undefined && options.expectedStatusCodes === undefined && options.attempts === undefined, prop, options,
      'no path, expectedStatusCodes or attempts when enabled is false', 'remove them, or enable the smoke test');
    return;
  }
  p.intRange(`${prop}.attempts`, options.attempts, 1, MAX_SMOKE_TEST_ATTEMPTS,
    `the smoke test's function times out after ${SMOKE_TEST_TIMING.functionTimeoutSeconds} s and each attempt takes up to ${ATTEMPT_SECONDS} s: ask for 1 to ${MAX_SMOKE_TEST_ATTEMPTS} attempts`);
  const codes = options.expectedStatusCodes;
  if (codes !== undefined && !Token.isUnresolved(codes)) {
    p.require(codes.length > 0, `${prop}.expectedStatusCodes`, codes, 'at least one HTTP status code from 200 to 599',
      'list the codes that pass, or omit expectedStatusCodes to pass on any 2xx or 3xx');
    // HTTP status codes are three digits from 100 to 599; the 1xx ones are interim and never the
    // status a GET's response ends with (Node's http client reports them as 'information').
    // https://www.rfc-editor.org/rfc/rfc9110#section-15 ; https://nodejs.org/api/http.html#event-information
    codes.forEach((code, i) => {
      if (Token.isUnresolved(code)) return;
      p.require(Number.isInteger(code) && code >= 200 && code <= 599, `${prop}.expectedStatusCodes[${i}]`, code,
        "an HTTP status code from 200 to 599 (a response's final status; never 1xx)", 'use a final status code such as 200 or 204');
    });
  }
  const path = options.path;
  if (path === undefined || Token.isUnresolved(path)) return;
  if (!(path.startsWith('/') && path.length <= 1024 && !/\s/.test(path))) {
    p.add(`${prop}.path`, path, "a path that starts with '/', without spaces, at most 1024 characters", "write it like '/health'");
    return;
  }
  if (routing && routes(routing, path) === false) {
    const route = pathOf(routing.paths[0]);
    p.add(`${prop}.path`, path,
      `a path that the routing (${routing.paths.join(', ')}) sends to the service; the test listener answers any other with the platform's 404`,
      `request a path under the route, such as '${route.endsWith('/') ? `${route}health` : route}'`);
  }
}
