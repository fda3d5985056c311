import { EXAMPLE_ENV } from '../../examples/env';
import { ExampleWorkloadsStack } from '../../examples/workloads-stack';
import { checkCompliance, describeFindings } from '../compliance';

test('the workloads example passes cdk-nag (AwsSolutions, NIST 800-53 R5) and the Control Tower controls', () => {
  // GIVEN the example stack: a worker, a scheduled job and an S3-triggered task on a platform
  // WHEN it is synthesized with every compliance plugin
  const report = checkCompliance((app) => new ExampleWorkloadsStack(app, 'ExampleWorkloads', { env: EXAMPLE_ENV }));
  // THEN no finding is left unacknowledged
  expect(describeFindings(report.violations)).toEqual('');
});
