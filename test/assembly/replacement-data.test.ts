import * as fs from 'node:fs';
import { App } from 'aws-cdk-lib';
import { EXAMPLE_ENV } from '../../examples/env';
import { ExampleHttpsStack } from '../../examples/https-stack';
import { ExamplePlatformStack } from '../../examples/platform-stack';
import { ExampleWorkloadsStack } from '../../examples/workloads-stack';
import { allTemplates, readAssembly } from '../../lib/assembly/cloud-assembly';
import { REPLACEMENT_DATA_SOURCE, REPLACING_PROPERTIES } from '../../lib/assembly/replacement-data';
import { DATA_FILE, EMITTED_TYPES, replacementDataSource } from '../../scripts/replacement-data';
import { everyOptionApp } from '../apps/every-option';
import { expectSynthWarnings } from '../synth-warnings';
import { newApp } from '../util';

expectSynthWarnings('cdk-container-platform:smoke-test-path', 'cdk-container-platform:desired-count-ignored');

test('lib/assembly/replacement-data.ts is what scripts/replacement-data.ts writes from the pinned @aws-cdk/aws-service-spec', () => {
  // GIVEN the installed package, the version package.json pins
  const pinned = JSON.parse(fs.readFileSync(require.resolve('../../package.json'), 'utf8')).devDependencies['@aws-cdk/aws-service-spec'];
  // THEN the committed data is the package's, and names its version
  expect(REPLACEMENT_DATA_SOURCE).toBe(`@aws-cdk/aws-service-spec ${pinned}`);
  expect(fs.readFileSync(DATA_FILE, 'utf8')).toBe(replacementDataSource());
});

test('the data covers every resource type the library emits (the examples and the every-option app)', () => {
  // GIVEN
  const examples = newApp();
  new ExamplePlatformStack(examples, 'ExamplePlatform', { env: EXAMPLE_ENV });
  new ExampleWorkloadsStack(examples, 'ExampleWorkloads', { env: EXAMPLE_ENV });
  new ExampleHttpsStack(examples, 'ExampleHttps', { env: EXAMPLE_ENV });
  const apps: App[] = [examples, everyOptionApp({ builtinCloudFormationValidation: false, treeMetadata: false })];
  // WHEN every template of them is read
  const types = new Set(apps.flatMap((app) => readAssembly(app.synth().directory).flatMap((s) => allTemplates(s.root))
    .flatMap((f) => Object.values<any>(f.template.Resources ?? {}).map((r) => r.Type as string))));
  // THEN each AWS type is in the list the data is made from, and in the data
  const aws = [...types].filter((t) => t.startsWith('AWS::') && t !== 'AWS::CDK::Metadata').sort();
  expect(aws.filter((t) => !EMITTED_TYPES.includes(t))).toEqual([]);
  expect(aws.filter((t) => REPLACING_PROPERTIES[t] === undefined)).toEqual([]);
}, 120_000);

test('what replaces a resource, by the database: an ECR repository\'s encryption, a task definition\'s containers, not a listener rule\'s conditions', () => {
  expect(REPLACING_PROPERTIES['AWS::ECR::Repository'].EncryptionConfiguration).toBe('yes');
  expect(REPLACING_PROPERTIES['AWS::ECS::TaskDefinition'].ContainerDefinitions).toBe('yes');
  expect(REPLACING_PROPERTIES['AWS::ElasticLoadBalancingV2::ListenerRule'].Conditions).toBeUndefined();
});
