import { Token } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type { Problems } from './errors';

/**
 * A load balancer's certificate is in its region: "Certificates in ACM are regional resources.
 * To use a certificate with Elastic Load Balancing for the same fully qualified domain name ...
 * in more than one AWS region, you must request or import a certificate for each region."
 * Judged when both the certificate's ARN and the region are known at synth.
 * @see https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html
 */
export function validateCertificateRegion(p: Problems, prop: string, certificate: acm.ICertificate | undefined, region: string): void {
  const arn = certificate?.certificateArn;
  if (typeof arn !== 'string' || Token.isUnresolved(arn) || Token.isUnresolved(region)) return;
  const certificateRegion = arn.split(':')[3];
  if (!certificateRegion) return;
  p.require(certificateRegion === region, prop, arn, `an ACM certificate in the load balancer's region, ${region} (certificates are regional)`,
    `request or import the certificate in ${region}, and pass that one`);
}
