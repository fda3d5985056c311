import * as fs from 'node:fs';
import * as path from 'node:path';
import * as api from '../lib';
import { PlatformErrors, Routing } from '../lib';
import { newPlatform } from './util';

/** What an app that imports the package sees: the public API is the product, nothing else. */

test('exports only classes and enums at run time: no limits, helpers or handler constants', () => {
  // GIVEN every run-time value the package exports (interfaces have none: a transpiler that
  // compiles file by file re-exports them as undefined)
  const values = Object.entries(api).filter(([, v]) => v !== undefined);
  // THEN each is a class (a function with a prototype) or an enum (an object of constants)
  const other = values.filter(([, v]) => !(typeof v === 'function' && v.prototype) && !(typeof v === 'object' && v !== null));
  expect(other.map(([name]) => name)).toEqual([]);
  // and the names users reach for are there, while the internals that leaked before are not
  expect(Object.keys(api)).toEqual(expect.arrayContaining(['ContainerPlatform', 'Routing', 'Deployment', 'Source', 'PlatformErrors', 'PlatformTemplates']));
  for (const internal of ['MAX_RULES_PER_LOAD_BALANCER', 'platformApplication', 'SMOKE_TEST_PARAMETER_PREFIX', 'ContainerPlatformValidationError']) {
    expect(Object.keys(api)).not.toContain(internal);
  }
});

describe('PlatformErrors.isValidationError', () => {
  test('is true for the error of invalid props', () => {
    // GIVEN
    const { platform } = newPlatform();
    // WHEN
    let error: unknown;
    try {
      platform.addService('Orders', { routing: Routing.path('orders') });
    } catch (e) {
      error = e;
    }
    // THEN
    expect(error).toBeInstanceOf(Error);
    expect(PlatformErrors.isValidationError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^\[Test\/Platform\/OrdersStack\/Orders\] /);
  });

  test('is false for other errors and for values that are not errors', () => {
    expect(PlatformErrors.isValidationError(new Error('other'))).toBe(false);
    expect(PlatformErrors.isValidationError({ message: 'not an error' })).toBe(false);
    expect(PlatformErrors.isValidationError(undefined)).toBe(false);
  });
});

describe('the constructs the platform makes for a service', () => {
  // The published API (jsii's assembly, which `npm run build` writes before the tests run):
  // what every language sees of each class.
  const assemblyFile = path.join(__dirname, '..', '.jsii');
  const types = (): Record<string, { initializer?: unknown }> => {
    if (!fs.existsSync(assemblyFile)) throw new Error(`${assemblyFile} is missing: run \`npm run build\` first (npm test does)`);
    return JSON.parse(fs.readFileSync(assemblyFile, 'utf8')).types;
  };

  test('cannot be made by hand: the service hands each its contract, and users read them from the service', () => {
    // GIVEN the published classes
    const published = types();
    // THEN the parts of a service have no public constructor (`service.pipeline`, `.dashboard`, `.blueGreen`)
    for (const part of ['ServicePipeline', 'ServiceDashboard', 'BlueGreenDeployment']) {
      expect({ part, constructible: 'initializer' in published[`cdk-container-platform.${part}`] }).toEqual({ part, constructible: false });
    }
    // while what users build has one (so the check reads constructors where they exist)
    for (const built of ['ContainerPlatform', 'Microservice', 'QueueWorker', 'PlatformDashboard']) {
      expect({ built, constructible: 'initializer' in published[`cdk-container-platform.${built}`] }).toEqual({ built, constructible: true });
    }
  });
});
