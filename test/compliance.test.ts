import { NestedStack, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { EXAMPLE_ENV } from '../examples/env';
import { acknowledge } from '../lib/private/compliance';
import { checkCompliance, CONTROL_TOWER } from './compliance';

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
});
