import * as route53 from 'aws-cdk-lib/aws-route53';

/**
 * The domain a {@link ContainerPlatform} serves: the platform requests a DNS-validated ACM
 * certificate for `name` and `*.name`, listens with HTTPS on 443 (port 80 redirects), and creates
 * an alias record for every host its services route (`name` itself for services routed by path).
 */
export interface PlatformDomain {
  /**
   * The public Route 53 hosted zone that holds `name`. ACM validates the certificate with a
   * CNAME record it writes into this zone, and the platform's alias records go here too.
   * Import it by attributes (`route53.HostedZone.fromHostedZoneAttributes(this, 'Zone',
   * { hostedZoneId, zoneName })`) so that synthesis needs no AWS lookup; a zone imported by
   * its ID alone has no name and is rejected.
   * @see https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
   */
  readonly zone: route53.IHostedZone;

  /**
   * The domain name, such as 'example.com' or 'apps.example.com': the zone's own name or a
   * name within it, at most 64 characters (the longest name ACM accepts as a certificate's
   * first name). Services route hosts equal to it or one label below it ('orders.example.com',
   * '*.example.com'), which the certificate covers.
   * @see https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html
   */
  readonly name: string;
}
