import { Template } from 'aws-cdk-lib/assertions';
import { Deployment } from '../../lib';
import { expectSynthWarnings } from '../synth-warnings';
import { serviceFixture } from './helpers';

/**
 * CloudFormation waits ServiceTimeout seconds (1 to 3600, by default 3600) for a custom
 * resource's answer: a handler that crashes before answering must not hold the stack an hour.
 * It waits long enough for the handler's three asynchronous attempts (Lambda retries an
 * asynchronous invocation twice, one and then two minutes apart).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */

// The blue/green fixture keeps the health check at / outside its route /orders/*: the smoke test
// requests /orders/, with this warning.
expectSynthWarnings('cdk-container-platform:smoke-test-path');

/** The custom resources of the template with their ServiceTimeout and their function's Timeout. */
function customResources(template: Template): Array<{ type: string; serviceTimeout: unknown; functionTimeout: number }> {
  const resources = template.toJSON().Resources as Record<string, any>;
  return Object.values(resources).filter((r) => r.Type.startsWith('Custom::') && r.Properties.ServiceToken?.['Fn::GetAtt']).map((r) => ({
    type: r.Type,
    serviceTimeout: r.Properties.ServiceTimeout,
    functionTimeout: resources[r.Properties.ServiceToken['Fn::GetAtt'][0]].Properties.Timeout,
  }));
}

test.each([
  ['a CodeDeploy blue/green service', Deployment.blueGreen()],
  ['a rolling service', Deployment.rolling()],
])('the custom resources of %s give up after the handler\'s three attempts, long before an hour', (_what, deployment) => {
  // GIVEN / WHEN
  const { template } = serviceFixture({ deployment });
  // THEN
  // The service resources (Custom::BlueGreenService, Custom::EcsService) wait for their
  // deployment: the provider framework answers (success, failure or "Operation timed out")
  // within 55 minutes, so they keep the hour (blue-green-service.test.ts, owned-service.test.ts).
  const services = ['Custom::BlueGreenService', 'Custom::EcsService'];
  const found = customResources(template).filter((r) => r.type !== 'Custom::VpcRestrictDefaultSG' && !services.includes(r.type));
  expect(found.length).toBeGreaterThan(0);
  for (const r of found) {
    expect({ type: r.type, serviceTimeout: r.serviceTimeout }).toEqual({ type: r.type, serviceTimeout: '600' });
    expect(600).toBeGreaterThanOrEqual(3 * r.functionTimeout + 180);
  }
});
