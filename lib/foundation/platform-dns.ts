import { CfnOutput, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct, IConstruct } from 'constructs';
import { Problems } from '../private/errors';
import { NAME_LIMITS } from '../private/name-limits';
import { PlatformDomain } from './domain';
import { Routing } from './routing';

/**
 * One DNS label: letters, digits and hyphens, 1 to 63 characters, no hyphen at either end. The
 * pattern of AWS::CertificateManager::Certificate DomainValidationOption.DomainName:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-certificatemanager-certificate-domainvalidationoption.html
 */
const LABEL = '(?!-)[a-z0-9-]{0,62}[a-z0-9]';
const LABEL_RE = new RegExp(`^${LABEL}$`);
/** Two labels or more, no trailing dot. */
const DNS_NAME_RE = new RegExp(`^(${LABEL}\\.)+${LABEL}$`);
/**
 * "the length of the domain name (technically, the Common Name) that you provide cannot exceed
 * 64 octets (characters), including periods" (NAME_LIMITS.certificateName).
 */
export const MAX_CERTIFICATE_NAME_LENGTH = NAME_LIMITS.certificateName.max;

/** Whether `name` is a DNS name of two labels or more (case-insensitive, no trailing dot). */
export function isDnsName(name: string): boolean {
  return name.length <= 253 && DNS_NAME_RE.test(name.toLowerCase());
}

/** Records the problems of a `domain` prop: an invalid name, a zone without a name, a name outside the zone. */
export function validateDomain(p: Problems, domain: PlatformDomain): void {
  const name = domain.name;
  if (!Token.isUnresolved(name)) {
    p.require(isDnsName(name) && name.length <= MAX_CERTIFICATE_NAME_LENGTH, 'domain.name', name,
      `a DNS name of at most ${MAX_CERTIFICATE_NAME_LENGTH} characters such as 'example.com': labels of letters, digits and hyphens separated by dots`,
      "write the bare name the services are reached under, without scheme, wildcard, port or trailing dot");
  }
  let zoneName: string;
  try {
    zoneName = domain.zone.zoneName;
  } catch {
    p.add('domain.zone', domain.zone.node.path, 'a hosted zone whose name is known at synth',
      "import it with route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId, zoneName })");
    return;
  }
  if (Token.isUnresolved(name) || Token.isUnresolved(zoneName)) return;
  const zone = zoneName.replace(/\.$/, '').toLowerCase();
  const lower = name.toLowerCase();
  p.require(lower === zone || lower.endsWith(`.${zone}`), 'domain.name', name,
    `the name of the hosted zone ('${zone}') or a name within it`,
    `use a name that ends with '${zone}', or pass the hosted zone that holds '${name}'`);
}

/**
 * The alias record types for a load balancer: A, and AAAA when the load balancer is dual-stack.
 * Route 53 aliases an A record to the load balancer's IPv4 addresses and an AAAA record to its
 * IPv6 addresses: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-to-elb-load-balancer.html
 */
export function aliasRecordTypes(loadBalancer: elbv2.IApplicationLoadBalancer): string[] {
  const dualStack = loadBalancer.ipAddressType === elbv2.IpAddressType.DUAL_STACK
    || loadBalancer.ipAddressType === elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4;
  return dualStack ? ['A', 'AAAA'] : ['A'];
}

interface Claim {
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly owner: IConstruct;
}

/**
 * The DNS side of a platform with a `domain`: the certificate (the name and its wildcard,
 * validated through the hosted zone) and one set of alias records per host the services route.
 * Records are keyed by host and live here, in the platform's stack, not in a service's nested
 * stack: several services share a host (every service routed by path shares the domain's own
 * name), and a record that moved from one service's stack to another's when the first service is
 * removed would be created before the old one is deleted, which Route 53 rejects.
 */
export class PlatformDns extends Construct {
  /** The domain name in lower case. */
  public readonly domainName: string;
  public readonly zone: route53.IHostedZone;
  public readonly certificate: acm.Certificate;
  private readonly claims = new Map<string, Claim>();

  constructor(scope: Construct, id: string, domain: PlatformDomain) {
    super(scope, id);
    this.domainName = domain.name.toLowerCase();
    this.zone = domain.zone;
    // With a HostedZoneId in its DomainValidationOptions, ACM writes the validation CNAME into
    // the zone itself, and renews while that record stays:
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-certificatemanager-certificate-domainvalidationoption.html
    // https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: this.domainName,
      subjectAlternativeNames: [`*.${this.domainName}`],
      validation: acm.CertificateValidation.fromDns(domain.zone),
    });
    new CfnOutput(this, 'Url', { value: `https://${this.domainName}`, description: `The platform's domain (${this.node.path})` });
  }

  /** The DNS names a routing needs: its hosts in lower case, or the domain's own name for a routing by path alone. */
  public namesOf(routing: Routing): string[] {
    return routing.hosts.length > 0 ? routing.hosts.map((h) => h.toLowerCase()) : [this.domainName];
  }

  /**
   * Whether the certificate covers `host` and the platform can create its record: the domain's
   * name, or one label below it. A wildcard covers one level only, and Route 53 takes `*` only as
   * the whole leftmost label:
   * https://docs.aws.amazon.com/acm/latest/userguide/acm-certificate.html
   * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html
   */
  public covers(host: string): boolean {
    const lower = host.toLowerCase();
    if (lower === this.domainName) return true;
    const suffix = `.${this.domainName}`;
    if (!lower.endsWith(suffix)) return false;
    const label = lower.slice(0, -suffix.length);
    return label === '*' || LABEL_RE.test(label);
  }

  /** Records the problems of a service's routing: hosts outside the domain, names another load balancer already serves. */
  public _validate(p: Problems, prop: string, routing: Routing, loadBalancer: elbv2.IApplicationLoadBalancer): void {
    routing.hosts.forEach((host, i) => {
      if (Token.isUnresolved(host)) return;
      p.require(this.covers(host), `${prop}.hosts[${i}]`, host,
        `'${this.domainName}' or one label below it, such as 'orders.${this.domainName}' or '*.${this.domainName}' ` +
        `(the platform's certificate covers ${this.domainName} and *.${this.domainName}, and the platform creates the host's DNS record)`,
        `route a host within ${this.domainName}; for other domains pass your own \`certificate\` instead of \`domain\` and create the records yourself`);
    });
    for (const name of this.namesOf(routing)) {
      const claim = this.claims.get(name);
      if (!claim || claim.loadBalancer === loadBalancer) continue;
      p.add(prop, { paths: routing.paths, hosts: routing.hosts },
        `a DNS name that points at this service's load balancer: '${name}' already points at ${claim.loadBalancer.node.path} for ${claim.owner.node.path}`,
        routing.hosts.length > 0
          ? `serve '${name}' from one load balancer: pass the same \`loadBalancer\` to both services`
          : `give this service a host of its own, such as Routing.rule({ hosts: ['${prefixOf(routing)}.${this.domainName}'], paths }), or use the load balancer of ${claim.owner.node.path}`);
    }
  }

  /** Creates the alias records of a service's routing that no earlier service created. */
  public _addRecords(owner: IConstruct, loadBalancer: elbv2.IApplicationLoadBalancer, routing: Routing): void {
    for (const name of this.namesOf(routing)) {
      if (Token.isUnresolved(name) || this.claims.has(name)) continue;
      this.claims.set(name, { loadBalancer, owner });
      const scope = new Construct(this, name);
      const target = route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(loadBalancer));
      for (const type of aliasRecordTypes(loadBalancer)) {
        const props = { zone: this.zone, recordName: `${name}.`, target };
        if (type === 'A') new route53.ARecord(scope, 'A', props);
        else new route53.AaaaRecord(scope, 'AAAA', props);
      }
    }
  }
}

/** A host label suggested for a service routed by path: its first path segment. */
function prefixOf(routing: Routing): string {
  const segment = (routing.paths[0] ?? '').split('/').find((s) => /^[a-z0-9-]+$/i.test(s));
  return (segment ?? 'service').toLowerCase();
}
