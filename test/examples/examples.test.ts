import * as fs from 'node:fs';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EXAMPLE_ENV } from '../../examples/env';
import { ExampleHttpsStack, EXAMPLE_ZONE } from '../../examples/https-stack';
import { ExamplePlatformStack } from '../../examples/platform-stack';
import { ExampleWorkloadsStack } from '../../examples/workloads-stack';
import { allTemplates, readAssembly } from '../../lib/assembly/cloud-assembly';
import { REPLACING_PROPERTIES } from '../../lib/assembly/replacement-data';
import { EMITTED_TYPES } from '../../scripts/replacement-data';
import { everyOptionApp } from '../apps/every-option';
import { checkAppCompliance, checkCompliance, ComplianceReport, describeFindings, Finding } from '../compliance';
import { checkAssembly, formatProblems } from '../integrity/template-integrity';
import { expectSynthWarnings } from '../synth-warnings';
import { LEAN_METADATA, newApp, platformSnapshot, stackTemplates, templateOf } from '../util';

/**
 * The examples as bin/app.ts builds them, and the every-option app (test/apps/every-option.ts,
 * every construct and option of the library): each synthesized once, here, for every test
 * that reads them: the compliance packs, the snapshots, the integrity of every template file,
 * the deployment alarms' names and the HTTPS example's domain.
 *
 * The examples' app runs every compliance plugin and aws-cdk-lib's built-in CloudFormation
 * validator, as `cdk synth` would with them plugged in. The every-option app runs without the
 * validator: it does not look at nested templates, and `npm run lint:templates` runs cfn-lint
 * over every file.
 */

// The every-option app's warnings: blue/green services whose health check is outside their route
// (the smoke test requests a path of the route), a desiredCount without a fixed image, and an
// ECS-native canary service without a circuit breaker (ECS documents none for canary).
expectSynthWarnings('cdk-container-platform:smoke-test-path', 'cdk-container-platform:desired-count-ignored');

const EXAMPLES = {
  ExamplePlatform: (app: App) => new ExamplePlatformStack(app, 'ExamplePlatform', { env: EXAMPLE_ENV }),
  ExampleWorkloads: (app: App) => new ExampleWorkloadsStack(app, 'ExampleWorkloads', { env: EXAMPLE_ENV }),
  ExampleHttps: (app: App) => new ExampleHttpsStack(app, 'ExampleHttps', { env: EXAMPLE_ENV }),
};
type ExampleName = keyof typeof EXAMPLES;

/** Built on first use, then shared by the tests. */
function once<T>(build: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: build() }).v;
}

/** The examples' app, synthesized with both cdk-nag packs and the Control Tower controls plugged in. */
const examples = once((): ComplianceReport => checkCompliance((app) => {
  for (const build of Object.values(EXAMPLES)) build(app);
}, { cdk: true }));

/** One example's stack in the examples' app. */
function example(name: ExampleName): Stack {
  return examples().stacks.find((s) => s.stackName === name)!;
}

/**
 * The every-option app, synthesized with both cdk-nag packs and the Control Tower controls plugged
 * in (its own resources, the user's bucket and the like, acknowledge what they fail: FIXTURE_RULES).
 */
const everyOptionReport = once((): ComplianceReport =>
  checkAppCompliance(everyOptionApp({ builtinCloudFormationValidation: false, treeMetadata: false, context: LEAN_METADATA })));
const everyOption = (): App => everyOptionReport().app;

describe('compliance', () => {
  /** The findings of one example's constructs. */
  const findingsOf = (name: ExampleName): Finding[] => examples().violations.filter((f) => f.paths.some((p) => p === name || p.startsWith(`${name}/`)));

  test('the example platform passes cdk-nag (AwsSolutions, NIST 800-53 R5) and the Control Tower controls', () => {
    expect(describeFindings(findingsOf('ExamplePlatform'))).toEqual('');
  });

  test('the workloads example passes cdk-nag (AwsSolutions, NIST 800-53 R5) and the Control Tower controls', () => {
    // GIVEN the example stack: a worker, a scheduled job and an S3-triggered task on a platform
    // WHEN it is synthesized with every compliance plugin
    // THEN no finding is left unacknowledged
    expect(describeFindings(findingsOf('ExampleWorkloads'))).toEqual('');
  });

  test('every construct and option of the library passes cdk-nag (AwsSolutions, NIST 800-53 R5) and the Control Tower controls', () => {
    // GIVEN the every-option app: TCP services with blue/green on the NLB, FireLens, sidecars,
    // storage and tracing, isolated subnets, an imported platform, promotion pipelines
    // WHEN it is synthesized with every compliance plugin, Control Tower on every template file
    // THEN nothing is left unacknowledged
    const report = everyOptionReport();
    // (its warnings are the file's declared synth warnings, asserted by expectSynthWarnings)
    expect(describeFindings(report.violations.filter((f) => f.plugin !== 'Construct Annotations'))).toEqual('');
    // and the check saw the library's constructs (their acknowledged findings) in nested templates too
    expect(report.suppressed.some((f) => f.paths.some((p) => p.startsWith('EveryOption/Platform/') && p.includes('Stack/')))).toBe(true);
  });

  test('the HTTPS example passes cdk-nag (AwsSolutions, NIST 800-53 R5) and the Control Tower controls', () => {
    // GIVEN / WHEN the example is synthesized with every policy pack plugged in
    // THEN nothing is left unacknowledged
    expect(describeFindings(findingsOf('ExampleHttps'))).toEqual('');
  });

  test('every finding is of one of the examples: none is left out of the three above', () => {
    expect(examples().stacks.map((s) => s.stackName).sort()).toEqual(Object.keys(EXAMPLES).sort());
    const names = Object.keys(EXAMPLES) as ExampleName[];
    expect(describeFindings(examples().violations.filter((f) => !names.some((n) => findingsOf(n).includes(f))))).toEqual('');
  });
});

test('the HTTPS example serves its domain: certificate, HTTPS listener and a record per routed name', () => {
  // GIVEN / WHEN
  const stack = example('ExampleHttps');
  const template = templateOf(stack);
  // THEN
  template.hasResourceProperties('AWS::CertificateManager::Certificate', {
    DomainName: EXAMPLE_ZONE.zoneName,
    SubjectAlternativeNames: [`*.${EXAMPLE_ZONE.zoneName}`],
    DomainValidationOptions: [{ DomainName: EXAMPLE_ZONE.zoneName, HostedZoneId: EXAMPLE_ZONE.hostedZoneId }],
  });
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
  const names = Object.values(template.findResources('AWS::Route53::RecordSet')).map((r: any) => `${r.Properties.Type} ${r.Properties.Name}`).sort();
  expect(names).toEqual([`A catalog.${EXAMPLE_ZONE.zoneName}.`, `A ${EXAMPLE_ZONE.zoneName}.`]);
  // and the parent stack alone is a deployable template with them
  Template.fromStack(stack).resourceCountIs('AWS::Route53::RecordSet', 2);
});

/*
 * Every template of each example, the nested ones included, each file on its own, with asset
 * hashes and CDK's version metadata normalised (test/util.ts `platformSnapshot`). Update
 * deliberately with `npx jest test/examples/examples.test.ts -u`, never in CI (`--ci`).
 */
test.each(['ExamplePlatform', 'ExampleWorkloads'] as const)('every template of %s matches the snapshot', (name) => {
  // GIVEN the example, WHEN synthesized
  const stack = example(name);
  const snapshot = platformSnapshot(stack);
  // THEN the snapshot holds the parent and each nested template, and is unchanged
  expect(Object.keys(snapshot)).toEqual(Object.keys(stackTemplates(stack)));
  expect(Object.keys(snapshot).length).toBeGreaterThan(1);
  expect(snapshot).toMatchSnapshot();
});

test('the snapshot of an example is the same in two synths', () => {
  // GIVEN the same example in two apps (the examples' app, and one of its own without the
  // plugins and the validator), WHEN both are synthesized
  const first = platformSnapshot(example('ExamplePlatform'));
  const second = platformSnapshot(EXAMPLES.ExamplePlatform(newApp()));
  // THEN the snapshots are identical, nested templates included
  expect(second).toEqual(first);
});

test('the snapshot changes when the library\'s own Lambda code changes: its handlers are assets of the platform', () => {
  // GIVEN the example platform's snapshot
  const snapshot = JSON.stringify(platformSnapshot(example('ExamplePlatform')));
  // THEN each of the library's handlers appears by a short hash of its contents
  const digests = new Set([...snapshot.matchAll(/<asset-hash:([0-9a-f]{8})>/g)].map((m) => m[1]));
  expect(digests.size).toBeGreaterThanOrEqual(3);
});

/*
 * Every template file that the examples and the every-option app synthesize, top-level and
 * nested, is one CloudFormation would accept on its own (see test/integrity/template-integrity.ts).
 */
describe.each([
  ['the examples', () => examples().app],
  ['the every-option app', everyOption],
])('%s', (_name, built) => {
  test('every template file on its own: references, nested-stack parameters, quotas, physical names', () => {
    // GIVEN / WHEN
    const app = built();
    const dir = app.synth().directory;
    // THEN every nested stack has its own file, and no file has a problem
    const nestedFiles = fs.readdirSync(dir).filter((f) => f.endsWith('.nested.template.json'));
    expect(nestedFiles.length).toBe(app.node.findAll().filter((c) => c instanceof NestedStack).length);
    expect(nestedFiles.length).toBeGreaterThan(0);
    expect(formatProblems(checkAssembly(dir))).toBe('');
  });
});

/**
 * The deploy preview knows what replaces each resource from lib/assembly/replacement-data.ts,
 * made for the types in scripts/replacement-data.ts's list (test/assembly/replacement-data.test.ts
 * keeps the file what the database says).
 */
test('the replacement data covers every resource type the examples and the every-option app emit', () => {
  // GIVEN / WHEN every template of both apps is read
  const types = new Set([examples().app, everyOption()].flatMap((app) => readAssembly(app.synth().directory).flatMap((s) => allTemplates(s.root))
    .flatMap((f) => Object.values<any>(f.template.Resources ?? {}).map((r) => r.Type as string))));
  // THEN each AWS type is in the list the data is made from, and in the data
  const aws = [...types].filter((t) => t.startsWith('AWS::') && t !== 'AWS::CDK::Metadata').sort();
  expect(aws.length).toBeGreaterThan(40);
  expect(aws.filter((t) => !EMITTED_TYPES.includes(t))).toEqual([]);
  expect(aws.filter((t) => REPLACING_PROPERTIES[t] === undefined)).toEqual([]);
});

/**
 * A service's deployment alarms are named literally, so that its DeploymentAlarms name them
 * without a reference: aws-cdk-lib reports every alarm name that is a token as "may cause a
 * circular dependency error when this stack deploys" (once per alarm of every rolling and
 * ECS-native blue/green service of `cdk synth`).
 */
describe('deployment alarm names', () => {
  const CIRCULAR = 'may cause a circular dependency';

  /** The examples as bin/app.ts builds them, and the every-option app (rolling and ECS-native blue/green services). */
  const built = (): App[] => [examples().app, everyOption()];

  /** Every info annotation of the app's constructs. */
  const infos = (app: App): string[] =>
    app.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:info').map((m) => String(m.data)));

  /** Every stack of the app, top-level and nested. */
  const stacks = (app: App): Stack[] => app.node.findAll().filter((c): c is Stack => Stack.isStack(c));

  test('synthesis reports no possible circular dependency of a deployment alarm', () => {
    expect(built().flatMap(infos).filter((i) => i.includes(CIRCULAR))).toEqual([]);
  });

  test('each ECS service names its deployment alarms literally, as the alarms name themselves', () => {
    let services = 0;
    const allNames: string[] = [];
    for (const stack of built().flatMap(stacks)) {
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
