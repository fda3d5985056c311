import * as fs from 'node:fs';
import * as path from 'node:path';
import { NestedStack, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Node } from 'constructs';
import { EXAMPLE_ENV } from '../examples/env';
import { ContainerPlatform, Routing, Source } from '../lib';
import { acknowledge } from '../lib/private/compliance';
import { checkCompliance, CONTROL_TOWER, controlTowerFindings, describeFindings, guardedPart, ruleGroups } from './compliance';

/**
 * The compliance check runs the Control Tower rules on every template file, nested ones too,
 * which the cfn-guard validation plugin does not see (it is given the top-level templates).
 */
describe('the Control Tower rules', () => {
  test('find a resource of a nested template and name its construct; an acknowledgement up its path suppresses it', () => {
    // GIVEN a nested stack with two log groups without a KMS key (CT.CLOUDWATCH.PR.3), one acknowledged on its L2 construct (the parent of its resource)
    const report = checkCompliance((app) => {
      const nested = new NestedStack(new Stack(app, 'Parent', { env: EXAMPLE_ENV }), 'Child');
      new logs.LogGroup(nested, 'Open', { retention: logs.RetentionDays.ONE_YEAR });
      const acknowledged = new logs.LogGroup(nested, 'Acknowledged', { retention: logs.RetentionDays.ONE_YEAR });
      acknowledge(acknowledged, 'cloudwatch_log_group_encrypted_check', 'a test');
    });
    // THEN
    const rule = (findings: typeof report.violations) => findings.filter((f) => f.plugin === CONTROL_TOWER && f.rule === 'cloudwatch_log_group_encrypted_check').flatMap((f) => f.paths);
    expect(rule(report.violations)).toContain('Parent/Child/Open/Resource');
    expect(rule(report.violations)).not.toContain('Parent/Child/Acknowledged/Resource');
    expect(rule(report.suppressed)).toEqual(['Parent/Child/Acknowledged/Resource']);
  }, 60_000);

  test('find the same in the templates\' resources of the types they name as in the whole templates', () => {
    // GIVEN templates with resources the rules read (log groups, one encrypted with a key of the
    // template: a rule that follows a reference) and resources of types no rule names
    const report = checkCompliance((app) => {
      const stack = new Stack(app, 'Parent', { env: EXAMPLE_ENV });
      const nested = new NestedStack(stack, 'Child');
      const key = new kms.Key(nested, 'Key');
      new logs.LogGroup(nested, 'Encrypted', { encryptionKey: key, retention: logs.RetentionDays.ONE_YEAR });
      new logs.LogGroup(stack, 'Plain', { retention: logs.RetentionDays.ONE_YEAR });
      new cloudwatch.Dashboard(nested, 'Dashboard');
      new ssm.StringParameter(stack, 'Parameter', { stringValue: 'x' });
    });
    const types = (t: any) => Object.values(t.Resources ?? {}).map((r: any) => r.Type);
    const templates = fs.readdirSync(report.assemblyDir).filter((f) => f.endsWith('.template.json'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(report.assemblyDir, f), 'utf8')));
    // WHEN cfn-guard reads the parts the rules name, and then the whole templates
    const parts = controlTowerFindings(report.assemblyDir);
    const whole = controlTowerFindings(report.assemblyDir, new Map(), true);
    // THEN the findings are the same, and there are some
    expect(parts).toEqual(whole);
    expect(parts.violations.length).toBeGreaterThan(0);
    // AND the parts of the rule groups left out the dashboard and the parameter, and the log
    // groups' encryption rule (ct-cloudwatch-pr-3) read the key beside the log groups
    const groups = ruleGroups();
    const kept = groups.flatMap((g) => templates.flatMap((t) => types(guardedPart(t, g.types) ?? {})));
    expect(templates.flatMap(types)).toEqual(expect.arrayContaining(['AWS::CloudWatch::Dashboard', 'AWS::SSM::Parameter']));
    expect(kept).not.toContain('AWS::CloudWatch::Dashboard');
    expect(kept).not.toContain('AWS::SSM::Parameter');
    const logGroupRule = groups.find((g) => g.files.some((f) => path.basename(f) === 'ct-cloudwatch-pr-3.guard'))!;
    expect(templates.flatMap((t) => types(guardedPart(t, logGroupRule.types) ?? {})).sort()).toEqual(['AWS::KMS::Key', 'AWS::Logs::LogGroup', 'AWS::Logs::LogGroup']);
  }, 60_000);
});

test('a platform deleted with its stack (removalPolicy DESTROY: buckets emptied first) leaves no finding unacknowledged either', () => {
  // GIVEN a platform whose buckets aws-cdk-lib empties on delete, with a service and its pipeline
  const report = checkCompliance((app) => {
    const platform = new ContainerPlatform(new Stack(app, 'Destroy', { env: EXAMPLE_ENV }), 'Platform', { removalPolicy: RemovalPolicy.DESTROY });
    platform.addService('Orders', { routing: Routing.path('/orders/*'), container: { user: 'node', healthCheckPath: '/orders/health' }, source: Source.codeCommit() });
  });
  // THEN
  expect(describeFindings(report.violations)).toEqual('');
}, 120_000);

describe('an acknowledgement of the library', () => {
  afterEach(() => { delete process.env.CDK_DEBUG; });

  /**
   * Acknowledges a rule on `scope` with the library's `acknowledge`, watching aws-cdk-lib's
   * acknowledge and constructs' addMetadata: V8's stack trace limit while aws-cdk-lib rendered its
   * trace, and the trace handed to constructs with the acknowledgement's metadata.
   */
  function acknowledgeWatched(scope: Stack): { frames: number | undefined; handed: Array<{ data: unknown; trace: string[] | undefined }> } {
    let frames: number | undefined;
    const inner = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementationOnce(function (this: Validations, ...rules) {
      frames = Error.stackTraceLimit;
      inner.mockRestore();
      return this.acknowledge(...rules);
    });
    const addMetadata = jest.spyOn(Node.prototype, 'addMetadata');
    try {
      acknowledge(scope, 'AwsSolutions-IAM5', 'a reason');
      const handed = addMetadata.mock.calls.filter(([type]) => type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .map(([, data, options]) => ({ data, trace: (options as { stackTraceOverride?: string[] } | undefined)?.stackTraceOverride }));
      return { frames, handed };
    } finally {
      addMetadata.mockRestore();
    }
  }

  test('is recorded with its reason, renders no stack trace, and leaves V8\'s stack trace limit as it was', () => {
    // GIVEN a stack, and the limit of stack frames as the test runner set it
    const stack = new Stack();
    const limit = Error.stackTraceLimit;
    // WHEN the library acknowledges a rule on it
    const { frames } = acknowledgeWatched(stack);
    // THEN the rule is recorded for the validation plugins, under the plugin's name, with the reason
    const acknowledged = stack.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    expect(acknowledged.map((m) => m.data)).toEqual([{ 'AwsSolutions::AwsSolutions-IAM5': 'a reason' }]);
    // AND no frame was captured while aws-cdk-lib rendered its trace; the limit is back
    expect(frames).toBe(0);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  test('hands constructs no trace to write (constructs 10.6 and later write the one they are given), and leaves the node as it was', () => {
    // GIVEN a stack
    const stack = new Stack();
    // WHEN the library acknowledges a rule on it
    const { handed } = acknowledgeWatched(stack);
    // THEN constructs recorded the acknowledgement with no stack trace to use
    expect(handed).toEqual([{ data: { 'AwsSolutions::AwsSolutions-IAM5': 'a reason' }, trace: undefined }]);
    // AND the node's addMetadata is constructs' own again
    expect(Object.prototype.hasOwnProperty.call(stack.node, 'addMetadata')).toBe(false);
    expect(stack.node.addMetadata).toBe(Node.prototype.addMetadata);
  });

  test('renders its stack trace in CDK\'s debug mode (CDK_DEBUG=true)', () => {
    process.env.CDK_DEBUG = 'true';
    const { frames, handed } = acknowledgeWatched(new Stack());
    expect(frames).toBe(Error.stackTraceLimit);
    expect(frames).toBeGreaterThan(0);
    // and the rendered trace is handed to constructs
    expect(handed).toHaveLength(1);
    expect(handed[0].trace?.length).toBeGreaterThan(0);
  });

  test('leaves the limit as it was when acknowledging throws', () => {
    const limit = Error.stackTraceLimit;
    const spy = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementationOnce(() => { throw new Error('boom'); });
    expect(() => acknowledge(new Stack(), 'AwsSolutions-IAM5', 'a reason')).toThrow('boom');
    spy.mockRestore();
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
