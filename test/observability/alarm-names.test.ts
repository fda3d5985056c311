import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EXAMPLE_ENV } from '../../examples/env';
import { ExampleHttpsStack } from '../../examples/https-stack';
import { ExamplePlatformStack } from '../../examples/platform-stack';
import { ExampleWorkloadsStack } from '../../examples/workloads-stack';
import { everyOptionApp } from '../apps/every-option';
import { expectSynthWarnings } from '../synth-warnings';
import { CDK_CONTEXT } from '../util';

// The every-option app's warnings: blue/green services whose health check is outside their route
// (the smoke test requests a path of the route), a desiredCount without a fixed image, and an
// ECS-native canary service without a circuit breaker (ECS documents none for canary).
expectSynthWarnings('cdk-container-platform:smoke-test-path', 'cdk-container-platform:desired-count-ignored', '@aws-cdk/aws-ecs:shouldUseCircuitBreaker');

/**
 * A service's deployment alarms are named literally, so that its DeploymentAlarms name them
 * without a reference: aws-cdk-lib reports every alarm name that is a token as "may cause a
 * circular dependency error when this stack deploys" (once per alarm of every rolling and
 * ECS-native blue/green service of `cdk synth`).
 */
const CIRCULAR = 'may cause a circular dependency';

const settings = () => ({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'alarm-names-')), builtinCloudFormationValidation: false, treeMetadata: false });

/** The examples as bin/app.ts builds them, and the every-option app (rolling and ECS-native blue/green services). */
function apps(): App[] {
  const examples = new App({ ...settings(), context: CDK_CONTEXT });
  new ExamplePlatformStack(examples, 'ExamplePlatform', { env: EXAMPLE_ENV });
  new ExampleWorkloadsStack(examples, 'ExampleWorkloads', { env: EXAMPLE_ENV });
  new ExampleHttpsStack(examples, 'ExampleHttps', { env: EXAMPLE_ENV });
  return [examples, everyOptionApp(settings())];
}

/** Every info annotation of the app's constructs. */
function infos(app: App): string[] {
  return app.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:info').map((m) => String(m.data)));
}

/** Every stack of the app, top-level and nested. */
function stacks(app: App): Stack[] {
  return app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
}

describe('deployment alarm names', () => {
  let built: App[];
  beforeAll(() => {
    built = apps();
    for (const app of built) app.synth();
  });

  test('synthesis reports no possible circular dependency of a deployment alarm', () => {
    expect(built.flatMap(infos).filter((i) => i.includes(CIRCULAR))).toEqual([]);
  });

  test('each ECS service names its deployment alarms literally, as the alarms name themselves', () => {
    let services = 0;
    const allNames: string[] = [];
    for (const stack of built.flatMap(stacks)) {
      const template = Template.fromStack(stack).toJSON();
      const resources = Object.values(template.Resources ?? {}) as any[];
      const alarmNames = resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties.AlarmName);
      for (const service of resources.filter((r) => r.Type === 'Custom::EcsService' && r.Properties.DeploymentConfiguration?.Alarms)) {
        services++;
        const names = service.Properties.DeploymentConfiguration.Alarms.AlarmNames as unknown[];
        expect(names.length).toBeGreaterThan(0);
        for (const name of names) {
          expect(typeof name).toBe('string');
          expect(alarmNames).toContain(name);
        }
      }
      allNames.push(...alarmNames.filter((n) => typeof n === 'string'));
    }
    // the examples' rolling service, and the every-option app's rolling and ECS-native blue/green services
    expect(services).toBeGreaterThanOrEqual(3);
    // Alarm names are unique in the Region and at most 255 characters; any UTF-8 but ASCII control characters.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
    expect(new Set(allNames).size).toBe(allNames.length);
    for (const name of allNames) {
      expect(name.length).toBeLessThanOrEqual(255);
      // eslint-disable-next-line no-control-regex -- CloudWatch refuses control characters in alarm names
      expect(name).not.toMatch(/[\x00-\x1f\x7f]/);
    }
  });
});
