import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Deployment, Routing, ServiceOptions } from '../../lib';
import { MAX_SMOKE_TEST_ATTEMPTS, SMOKE_TEST_TIMING } from '../../lib/deployment/smoke-test/timing';
import { expectSynthWarnings } from '../synth-warnings';
import { errorOf } from '../util';
import { flatPlatform, flatten, resource, serviceFixture } from './helpers';

/** The construct side of the built-in smoke test: what it asks of each service, and the settings it refuses. */

// The services on /orders/* whose health check stays at / or /health outside the route: the smoke
// test requests a path of the route instead, with this warning (asserted below where it is the subject).
expectSynthWarnings('cdk-container-platform:smoke-test-path');

/** The settings the SSM parameter of `Test-<name>` gives the smoke test. */
function settings(template: Template, name = 'Orders'): Record<string, unknown> {
  const parameters = Object.values(template.findResources('AWS::SSM::Parameter'))
    .filter((r: any) => /^\/cdk-container-platform\/smoke-test\/[^/]+\//.test(r.Properties.Name) && r.Properties.Name.endsWith(`/Test-${name}`));
  expect(parameters).toHaveLength(1);
  return JSON.parse(flatten((parameters[0] as any).Properties.Value));
}

/** The message of adding `Orders` with `options` (routing defaults to `/orders/*`). */
function addError(options: Partial<ServiceOptions>): string {
  const { platform } = flatPlatform();
  return errorOf(() => platform.addService('Orders', { routing: Routing.path('/orders/*'), ...options }));
}

describe('what the smoke test requests by default', () => {
  test('a host-routed service: its health-check path, passing on any 2xx or 3xx', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({ routing: Routing.host('orders.example.com'), deployment: Deployment.blueGreen(), container: { healthCheckPath: '/health' } });
    // THEN an empty list of codes means 2xx or 3xx, what the target group's health check accepts
    expect(settings(template)).toEqual(expect.objectContaining({ host: 'orders.example.com', path: '/health', expectedStatus: [], attempts: 5 }));
  });

  test('a path-routed service whose route covers the health-check path: the health-check path, without a warning', () => {
    // GIVEN / WHEN
    const { stack, template } = serviceFixture({ deployment: Deployment.blueGreen(), container: { healthCheckPath: '/orders/health' } });
    // THEN
    expect(settings(template)).toEqual(expect.objectContaining({ path: '/orders/health', expectedStatus: [] }));
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('smoke test'));
  });

  test('a path-routed service whose route does not cover the health-check path: a path of its route, with a warning', () => {
    // GIVEN /orders/* and a health check on /health, which the test listener would answer with the platform's 404
    const { stack, template } = serviceFixture({ deployment: Deployment.blueGreen(), container: { healthCheckPath: '/health' } });
    // THEN
    expect(settings(template)).toEqual(expect.objectContaining({ path: '/orders/', expectedStatus: [] }));
    Annotations.fromStack(stack).hasWarning('/Test/Platform/Orders', Match.stringLikeRegexp(
      "^The smoke test requests /orders/ .*health-check path /health is outside the routing.*smokeTest.path.*\\[ack: cdk-container-platform:smoke-test-path\\]$"));
  });

  test('a route with single-character wildcards becomes a path it matches', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({ routing: Routing.path('/api/v?/items*'), deployment: Deployment.blueGreen() });
    // THEN
    expect(settings(template).path).toBe('/api/vx/items');
  });

  test('the path, codes and attempts given replace the defaults', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({ deployment: Deployment.blueGreen({ smokeTest: { path: '/orders/ready', expectedStatusCodes: [200, 204], attempts: 3 } }) });
    // THEN
    expect(settings(template)).toEqual(expect.objectContaining({ path: '/orders/ready', expectedStatus: [200, 204], attempts: 3 }));
  });
});

test('the function\'s timeout is the budget its handler keeps to', () => {
  // GIVEN / WHEN
  const { template } = serviceFixture({ deployment: Deployment.blueGreen() });
  // THEN
  expect(resource(template, 'AWS::Lambda::Function', 'PlatformSmokeTestFunction').resource.Properties!.Timeout).toBe(SMOKE_TEST_TIMING.functionTimeoutSeconds);
  // 10 attempts: 10 requests of 5 s and 9 pauses of 5 s fit in 120 s less 10 s of setup and 15 s of reporting
  expect(MAX_SMOKE_TEST_ATTEMPTS).toBe(10);
});

describe('smoke-test settings that can never pass are refused at synth', () => {
  const HEADER = '[Test/Platform/Orders] 1 invalid prop:\n';

  test.each([0, MAX_SMOKE_TEST_ATTEMPTS + 1, 2.5])('attempts: %p', (attempts) => {
    // WHEN
    const message = addError({ deployment: Deployment.blueGreen({ smokeTest: { attempts } }) });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.smokeTest.attempts: received ${attempts}; allowed: an integer from 1 to ${MAX_SMOKE_TEST_ATTEMPTS}. `
      + `Fix: the smoke test's function times out after ${SMOKE_TEST_TIMING.functionTimeoutSeconds} s and each attempt takes up to 10 s: ask for 1 to ${MAX_SMOKE_TEST_ATTEMPTS} attempts.`);
  });

  test('no expected status codes', () => {
    // WHEN
    const message = addError({ deployment: Deployment.blueGreen({ smokeTest: { expectedStatusCodes: [] } }) });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.smokeTest.expectedStatusCodes: received []; allowed: at least one HTTP status code from 200 to 599. `
      + 'Fix: list the codes that pass, or omit expectedStatusCodes to pass on any 2xx or 3xx.');
  });

  test.each([[99], [600], [200.5], [101]])('an impossible status code: %p', (code) => {
    // WHEN
    const message = addError({ deployment: Deployment.blueGreen({ smokeTest: { expectedStatusCodes: [200, code] } }) });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.smokeTest.expectedStatusCodes[1]: received ${code}; allowed: an HTTP status code from 200 to 599 (a response's final status; `
      + 'never 1xx). Fix: use a final status code such as 200 or 204.');
  });

  test.each(['health', '', '/he alth'])('a path that is not an absolute URL path: %p', (path) => {
    // WHEN
    const message = addError({ routing: Routing.host('orders.example.com'), deployment: Deployment.blueGreen({ smokeTest: { path } }) });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.smokeTest.path: received ${JSON.stringify(path)}; allowed: a path that starts with '/', without spaces, at most 1024 characters. `
      + "Fix: write it like '/health'.");
  });

  test('a path the service\'s routing does not send to it', () => {
    // WHEN
    const message = addError({ deployment: Deployment.blueGreen({ smokeTest: { path: '/health' } }) });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.smokeTest.path: received "/health"; allowed: a path that the routing (/orders/*) sends to the service; `
      + "the test listener answers any other with the platform's 404. Fix: request a path under the route, such as '/orders/health'.");
  });

  test('settings of a disabled smoke test', () => {
    // WHEN
    const message = addError({ deployment: Deployment.blueGreen({ smokeTest: { enabled: false, attempts: 3 } }) });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.smokeTest: received {"enabled":false,"attempts":3}; allowed: no path, expectedStatusCodes or attempts when enabled is false. `
      + 'Fix: remove them, or enable the smoke test.');
  });

  test('ECS-native blue/green is checked the same way', () => {
    // WHEN
    const message = addError({ deployment: Deployment.ecsBlueGreen({ smokeTest: { attempts: 0 } }) });
    // THEN
    expect(message).toContain('  - deployment.smokeTest.attempts: received 0;');
  });
});
