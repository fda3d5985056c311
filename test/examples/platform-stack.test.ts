import { EXAMPLE_ENV } from '../../examples/env';
import { ExamplePlatformStack } from '../../examples/platform-stack';
import { checkCompliance, describeFindings } from '../compliance';

test('the example platform passes cdk-nag (AwsSolutions, NIST 800-53 R5) and the Control Tower controls', () => {
  const report = checkCompliance((app) => new ExamplePlatformStack(app, 'ExamplePlatform', { env: EXAMPLE_ENV }));
  expect(describeFindings(report.violations)).toEqual('');
});
