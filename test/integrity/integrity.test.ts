import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, NestedStack } from 'aws-cdk-lib';
import { EXAMPLE_ENV } from '../../examples/env';
import { ExampleHttpsStack } from '../../examples/https-stack';
import { ExamplePlatformStack } from '../../examples/platform-stack';
import { ExampleWorkloadsStack } from '../../examples/workloads-stack';
import { everyOptionApp } from '../apps/every-option';
import { expectSynthWarnings } from '../synth-warnings';
import { CDK_CONTEXT } from '../util';
import { checkAssembly, formatProblems } from './template-integrity';

// The every-option app's warnings: blue/green services whose health check is outside their route
// (the smoke test requests a path of the route), a desiredCount without a fixed image, and an
// ECS-native canary service without a circuit breaker (ECS documents none for canary).
expectSynthWarnings('cdk-container-platform:smoke-test-path', 'cdk-container-platform:desired-count-ignored', '@aws-cdk/aws-ecs:shouldUseCircuitBreaker');

/**
 * Every template file that the examples and the every-option app synthesize, top-level and
 * nested, is one CloudFormation would accept on its own (see template-integrity.ts).
 * aws-cdk-lib's built-in validation is off: it does not look at nested templates, and
 * `npm run lint:templates` runs cfn-lint over every file.
 */
const settings = () => ({
  outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'integrity-app-')),
  builtinCloudFormationValidation: false,
  treeMetadata: false,
});

/** The examples as bin/app.ts builds them. */
function examplesApp(): App {
  const app = new App({ ...settings(), context: CDK_CONTEXT });
  new ExamplePlatformStack(app, 'ExamplePlatform', { env: EXAMPLE_ENV });
  new ExampleWorkloadsStack(app, 'ExampleWorkloads', { env: EXAMPLE_ENV });
  new ExampleHttpsStack(app, 'ExampleHttps', { env: EXAMPLE_ENV });
  return app;
}

describe.each([
  ['the examples', examplesApp],
  ['the every-option app', () => everyOptionApp(settings())],
])('%s', (_name, build) => {
  test('every template file on its own: references, nested-stack parameters, quotas, physical names', () => {
    // GIVEN
    const app = build();
    // WHEN
    const dir = app.synth().directory;
    // THEN every nested stack has its own file, and no file has a problem
    const nestedFiles = fs.readdirSync(dir).filter((f) => f.endsWith('.nested.template.json'));
    expect(nestedFiles.length).toBe(app.node.findAll().filter((c) => c instanceof NestedStack).length);
    expect(nestedFiles.length).toBeGreaterThan(0);
    expect(formatProblems(checkAssembly(dir))).toBe('');
  }, 180_000);
});
