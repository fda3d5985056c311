import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Deployment, Routing, TrafficShift } from '../../lib';
import { expectSynthWarnings } from '../synth-warnings';
import { newPlatform } from '../util';

expectSynthWarnings('cdk-container-platform:smoke-test-path');

/** Every TypeScript file of lib/, with its text. */
function libSources(dir = path.join(__dirname, '..', '..', 'lib')): Array<[string, string]> {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e): Array<[string, string]> => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return libSources(full);
    return e.name.endsWith('.ts') ? [[full, fs.readFileSync(full, 'utf8')]] : [];
  });
}

describe('the library\'s warnings', () => {
  test('go through the one collector (Problems.warn), with kebab-case IDs', () => {
    // GIVEN the sources of the library
    const sources = libSources();
    // THEN only the collector calls aws-cdk-lib's Annotations
    expect(sources.filter(([file, text]) => /Annotations\.of\(/.test(text) && !file.endsWith(path.join('private', 'errors.ts'))).map(([f]) => f)).toEqual([]);
    // AND every warning ID is kebab-case, and the README lists each one a user may acknowledge
    const ids = sources.flatMap(([, text]) => [...text.matchAll(/\.warn\('([^']+)'/g)].map((m) => m[1]));
    expect(ids.filter((id) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id))).toEqual([]);
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const listed = readme.match(/`cdk-container-platform:<id>` \(([^)]*)\)/)![1].match(/`[a-z0-9-]+`/g)!.map((id) => id.slice(1, -1));
    expect([...new Set(ids)].sort()).toEqual([...listed].sort());
  });
});

describe.each([
  ['canary', TrafficShift.canary(10, Duration.minutes(5))],
  ['linear', TrafficShift.linear(10, Duration.minutes(1))],
])('an ECS-native %s service', (_name, traffic) => {
  test('acknowledges aws-cdk-lib\'s circuit-breaker warning, with the reason', () => {
    // GIVEN a service deployed by the ECS controller's CANARY or LINEAR strategy (no circuit breaker)
    const { stack, platform } = newPlatform();
    platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.ecsBlueGreen({ traffic }) });
    const annotations = Annotations.fromStack(stack);
    // THEN aws-cdk-lib's advice to enable the circuit breaker is not left as a warning
    annotations.hasNoWarning('*', Match.stringLikeRegexp('circuitBreaker'));
    // (while the service's other warnings show: its smoke test requests a path of the route)
    annotations.hasWarning('/Test/Platform/OrdersStack/Orders', Match.stringLikeRegexp('The smoke test requests /orders/'));
  });
});
