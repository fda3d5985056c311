import { Template } from 'aws-cdk-lib/assertions';
import { EXAMPLE_ENV } from '../../examples/env';
import { ExampleHttpsStack, EXAMPLE_ZONE } from '../../examples/https-stack';
import { checkCompliance, describeFindings } from '../compliance';
import { newApp, templateOf } from '../util';

test('the HTTPS example passes cdk-nag (AwsSolutions, NIST 800-53 R5) and the Control Tower controls', () => {
  // GIVEN / WHEN the example is synthesized with every policy pack plugged in
  const report = checkCompliance((app) => new ExampleHttpsStack(app, 'ExampleHttps', { env: EXAMPLE_ENV }));
  // THEN nothing is left unacknowledged
  expect(describeFindings(report.violations)).toEqual('');
});

test('the HTTPS example serves its domain: certificate, HTTPS listener and a record per routed name', () => {
  // GIVEN / WHEN
  const stack = new ExampleHttpsStack(newApp(), 'ExampleHttps', { env: EXAMPLE_ENV });
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

