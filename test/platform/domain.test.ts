import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ContainerPlatform, ContainerPlatformProps, Deployment, PlatformDomain, Routing, ServiceOptions } from '../../lib';
import { aliasRecordTypes } from '../../lib/foundation/platform-dns';
import { errorOf, newStack, templateOf } from '../util';

const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27');

function zone(stack: Stack, zoneName = 'example.com'): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: ZONE_ID, zoneName });
}

function domainPlatform(name = 'example.com', props: Partial<ContainerPlatformProps> = {}): { stack: Stack; platform: ContainerPlatform } {
  const stack = newStack();
  const platform = new ContainerPlatform(stack, 'Platform', { domain: { zone: zone(stack), name }, ...props });
  return { stack, platform };
}

function service(routing: Routing, extra: Partial<ServiceOptions> = {}): ServiceOptions {
  return { routing, container: { image: IMAGE }, deployment: Deployment.rolling(), ...extra };
}

/** Every Route 53 record of a template as "TYPE name -> alias DNS name's load balancer logical ID". */
function records(template: Template): string[] {
  return Object.values(template.findResources('AWS::Route53::RecordSet')).map((r: any) => {
    const dns = r.Properties.AliasTarget.DNSName['Fn::Join'][1][1]['Fn::GetAtt'][0];
    return `${r.Properties.Type} ${r.Properties.Name} -> ${dns}`;
  }).sort();
}

describe('ContainerPlatform with a domain', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN a platform for example.com / WHEN synthesized
    template = templateOf(domainPlatform().stack);
  });

  test('requests one DNS-validated certificate for the name and its wildcard, validated in the zone', () => {
    // THEN
    template.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'example.com',
      SubjectAlternativeNames: ['*.example.com'],
      ValidationMethod: 'DNS',
      // ACM validates the name and its wildcard with one CNAME, so one option covers both.
      DomainValidationOptions: [{ DomainName: 'example.com', HostedZoneId: ZONE_ID }],
    });
  });

  test('serves HTTPS on 443 with that certificate on the production and the test listener', () => {
    // THEN
    const certificate = { Ref: Object.keys(template.findResources('AWS::CertificateManager::Certificate'))[0] };
    for (const port of [443, 9000]) {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: port, Protocol: 'HTTPS', Certificates: [{ CertificateArn: certificate }],
      });
    }
  });

  test('redirects port 80 to HTTPS permanently', () => {
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
  });

  test('creates no record before a service routes a name', () => {
    // THEN
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
  });

  test('outputs the domain\'s URL', () => {
    // THEN
    template.hasOutput('*', { Value: 'https://example.com' });
  });
});

describe('alias records of the services', () => {
  test('one A record per host, and one for the domain itself shared by every service routed by path', () => {
    // GIVEN a platform for example.com
    const { stack, platform } = domainPlatform();
    // WHEN two services route by path, one by host and one by two hosts, one repeated
    platform.addService('Orders', service(Routing.path('/orders/*')));
    platform.addService('Payments', service(Routing.path('/payments/*')));
    platform.addService('Catalog', service(Routing.host('Catalog.example.com')));
    platform.addService('Search', service(Routing.rule({ hosts: ['search.example.com', 'catalog.example.com'], paths: ['/search/*'] })));
    const template = templateOf(stack);
    // THEN each name has one A record, an alias to the platform's load balancer, in the zone
    const lb = Object.keys(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0];
    expect(records(template)).toEqual([
      `A catalog.example.com. -> ${lb}`,
      `A example.com. -> ${lb}`,
      `A search.example.com. -> ${lb}`,
    ]);
    template.allResourcesProperties('AWS::Route53::RecordSet', {
      HostedZoneId: ZONE_ID,
      AliasTarget: {
        // An alias to an ELB names the load balancer's canonical hosted zone and its dualstack DNS name:
        // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-alias.html
        HostedZoneId: { 'Fn::GetAtt': [lb, 'CanonicalHostedZoneID'] },
        DNSName: { 'Fn::Join': ['', ['dualstack.', { 'Fn::GetAtt': [lb, 'DNSName'] }]] },
      },
    });
  });

  test('records live in the platform\'s stack, so a service\'s nested stack holds none', () => {
    // GIVEN / WHEN a service in its nested stack
    const { stack, platform } = domainPlatform();
    platform.addService('Orders', service(Routing.host('orders.example.com')));
    // THEN the parent template has the record
    Template.fromStack(stack).resourceCountIs('AWS::Route53::RecordSet', 1);
  });

  test('a wildcard host gets a wildcard record', () => {
    // GIVEN / WHEN
    const { stack, platform } = domainPlatform();
    platform.addService('Tenants', service(Routing.host('*.example.com')));
    // THEN
    templateOf(stack).hasResourceProperties('AWS::Route53::RecordSet', { Name: '*.example.com.', Type: 'A' });
  });

  test('a host on a second load balancer points at that load balancer', () => {
    // GIVEN a platform with two load balancers
    const { stack, platform } = domainPlatform();
    const second = platform.addLoadBalancer('LoadBalancer2');
    // WHEN a service on the second one routes a host
    platform.addService('Search', service(Routing.host('search.example.com'), { loadBalancer: second }));
    const template = templateOf(stack);
    // THEN its record is an alias to the second load balancer
    const secondId = stack.getLogicalId(second.loadBalancer.node.defaultChild as elbv2.CfnLoadBalancer);
    expect(records(template)).toEqual([`A search.example.com. -> ${secondId}`]);
  });

  test('a name within the zone serves its own records, and the certificate is for that name', () => {
    // GIVEN a platform for apps.example.com in the zone example.com
    const { stack, platform } = domainPlatform('apps.example.com');
    // WHEN
    platform.addService('Orders', service(Routing.path('/orders/*')));
    const template = templateOf(stack);
    // THEN
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'apps.example.com', SubjectAlternativeNames: ['*.apps.example.com'],
      DomainValidationOptions: [{ DomainName: 'apps.example.com', HostedZoneId: ZONE_ID }],
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'apps.example.com.', Type: 'A', HostedZoneId: ZONE_ID });
  });

  test('a dual-stack load balancer gets A and AAAA records; an IPv4 one gets A only', () => {
    // GIVEN a dual-stack VPC with a dual-stack load balancer, and an IPv4 one
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { ipProtocol: ec2.IpProtocol.DUAL_STACK, maxAzs: 2, natGateways: 0 });
    const dual = new elbv2.ApplicationLoadBalancer(stack, 'Dual', { vpc, ipAddressType: elbv2.IpAddressType.DUAL_STACK, internetFacing: true });
    const ipv4 = new elbv2.ApplicationLoadBalancer(stack, 'Ipv4', { vpc });
    // WHEN / THEN
    expect(aliasRecordTypes(dual)).toEqual(['A', 'AAAA']);
    expect(aliasRecordTypes(ipv4)).toEqual(['A']);
  });
});

describe('domain validation', () => {
  const domainError = (domain: (stack: Stack) => PlatformDomain, props: Partial<ContainerPlatformProps> = {}): string => {
    const stack = newStack();
    return errorOf(() => new ContainerPlatform(stack, 'Platform', { domain: domain(stack), ...props }));
  };

  test('a name outside the zone fails', () => {
    // GIVEN / WHEN
    const message = domainError((stack) => ({ zone: zone(stack), name: 'example.org' }));
    // THEN
    expect(message).toBe('[Test/Platform] 1 invalid prop:\n'
      + '  - domain.name: received "example.org"; allowed: the name of the hosted zone (\'example.com\') or a name within it. '
      + 'Fix: use a name that ends with \'example.com\', or pass the hosted zone that holds \'example.org\'.');
  });

  test('a name that only ends with the zone\'s name, without a dot between, is outside it', () => {
    // GIVEN / WHEN
    const message = domainError((stack) => ({ zone: zone(stack), name: 'myexample.com' }));
    // THEN
    expect(message).toContain('  - domain.name: received "myexample.com"; allowed: the name of the hosted zone (\'example.com\') or a name within it.');
  });

  test.each([
    ['https://example.com'],
    ['example.com.'],
    ['*.example.com'],
    ['-bad.example.com'],
    ['localhost'],
    [`${'a'.repeat(53)}.example.com`],
  ])('%s is not a valid domain name', (name) => {
    // GIVEN / WHEN
    const message = domainError((stack) => ({ zone: zone(stack), name }));
    // THEN
    expect(message).toContain(`  - domain.name: received ${JSON.stringify(name)}; allowed: a DNS name of at most 64 characters such as 'example.com': `
      + 'labels of letters, digits and hyphens separated by dots. '
      + 'Fix: write the bare name the services are reached under, without scheme, wildcard, port or trailing dot.');
  });

  test('a name of 64 characters is accepted', () => {
    // GIVEN a name of exactly 64 characters / WHEN / THEN no error
    const name = `${'a'.repeat(52)}.example.com`;
    expect(name).toHaveLength(64);
    expect(() => domainPlatform(name)).not.toThrow();
  });

  test('a zone imported by its ID alone fails: its name is unknown', () => {
    // GIVEN / WHEN
    const message = domainError((stack) => ({ zone: route53.HostedZone.fromHostedZoneId(stack, 'Zone', ZONE_ID), name: 'example.com' }));
    // THEN
    expect(message).toBe('[Test/Platform] 1 invalid prop:\n'
      + '  - domain.zone: received "Test/Zone"; allowed: a hosted zone whose name is known at synth. '
      + 'Fix: import it with route53.HostedZone.fromHostedZoneAttributes(this, \'Zone\', { hostedZoneId, zoneName }).');
  });

  test('a zone name with a trailing dot is accepted', () => {
    // GIVEN / WHEN / THEN
    expect(() => {
      const stack = newStack();
      new ContainerPlatform(stack, 'Platform', { domain: { zone: zone(stack, 'example.com.'), name: 'example.com' } });
    }).not.toThrow();
  });

  test('domain together with certificate fails', () => {
    // GIVEN / WHEN
    const message = domainError((stack) => ({ zone: zone(stack), name: 'example.com' }), {
      certificate: acm.Certificate.fromCertificateArn(newStack(), 'Mine', 'arn:aws:acm:eu-west-1:111111111111:certificate/1'),
    });
    // THEN
    expect(message).toBe('[Test/Platform] 1 invalid prop:\n'
      + '  - certificate: received "Test/Mine"; allowed: no certificate with `domain` (the platform requests the certificate of the domain). '
      + 'Fix: remove `certificate`, or remove `domain` and create the DNS records yourself.');
  });

  test('domain with protocol HTTP fails', () => {
    // GIVEN / WHEN
    const message = domainError((stack) => ({ zone: zone(stack), name: 'example.com' }), { protocol: elbv2.ApplicationProtocol.HTTP });
    // THEN
    expect(message).toBe('[Test/Platform] 1 invalid prop:\n'
      + '  - protocol: received "HTTP"; allowed: HTTPS when `domain` is set. '
      + 'Fix: remove `protocol` (HTTPS is then chosen), or remove `domain` for an HTTP-only trial.');
  });
});

describe('service hosts with a domain', () => {
  const serviceError = (routing: Routing): string => {
    const { platform } = domainPlatform();
    return errorOf(() => platform.addService('Catalog', service(routing)));
  };

  test('a host outside the domain fails at synth', () => {
    // GIVEN / WHEN
    const message = serviceError(Routing.host('catalog.example.org'));
    // THEN
    expect(message).toBe('[Test/Platform/CatalogStack/Catalog] 1 invalid prop:\n'
      + '  - routing.hosts[0]: received "catalog.example.org"; allowed: \'example.com\' or one label below it, '
      + 'such as \'orders.example.com\' or \'*.example.com\' (the platform\'s certificate covers example.com and *.example.com, '
      + 'and the platform creates the host\'s DNS record). '
      + 'Fix: route a host within example.com; for other domains pass your own `certificate` instead of `domain` and create the records yourself.');
  });

  test.each([['a.b.example.com'], ['cat?log.example.com'], ['x*.example.com']])('%s is not covered by the certificate and fails', (host) => {
    // GIVEN / WHEN
    const message = serviceError(Routing.host(host));
    // THEN
    expect(message).toContain(`  - routing.hosts[0]: received ${JSON.stringify(host)}; allowed: 'example.com' or one label below it`);
  });

  test('a host already pointing at another load balancer fails and names the first service', () => {
    // GIVEN a host on the first load balancer
    const { platform } = domainPlatform();
    platform.addService('Catalog', service(Routing.host('catalog.example.com')));
    const second = platform.addLoadBalancer('LoadBalancer2');
    // WHEN another service routes it on the second
    const message = errorOf(() => platform.addService('Catalog2', service(Routing.rule({ hosts: ['catalog.example.com'], paths: ['/v2/*'] }), { loadBalancer: second })));
    // THEN
    expect(message).toBe('[Test/Platform/Catalog2Stack/Catalog2] 1 invalid prop:\n'
      + '  - routing: received {"paths":["/v2/*"],"hosts":["catalog.example.com"]}; allowed: a DNS name that points at this service\'s load balancer: '
      + '\'catalog.example.com\' already points at Test/Platform/LoadBalancer/Resource for Test/Platform/CatalogStack/Catalog. '
      + 'Fix: serve \'catalog.example.com\' from one load balancer: pass the same `loadBalancer` to both services.');
  });

  test('a path-routed service on a second load balancer fails: the domain\'s own record points at the first', () => {
    // GIVEN a path-routed service on the first load balancer
    const { platform } = domainPlatform();
    platform.addService('Orders', service(Routing.path('/orders/*')));
    const second = platform.addLoadBalancer('LoadBalancer2');
    // WHEN another path-routed service is on the second
    const message = errorOf(() => platform.addService('Search', service(Routing.path('/search/*'), { loadBalancer: second })));
    // THEN
    expect(message).toContain('\'example.com\' already points at Test/Platform/LoadBalancer/Resource for Test/Platform/OrdersStack/Orders. '
      + 'Fix: give this service a host of its own, such as Routing.rule({ hosts: [\'search.example.com\'], paths }), or use the load balancer of Test/Platform/OrdersStack/Orders.');
  });

  test('without a domain, any host is accepted and no record is created', () => {
    // GIVEN / WHEN
    const stack = newStack();
    const platform = new ContainerPlatform(stack, 'Platform');
    platform.addService('Catalog', service(Routing.host('catalog.example.org')));
    // THEN
    const template = templateOf(stack);
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP', DefaultActions: Match.arrayWith([Match.objectLike({ Type: 'fixed-response' })]) });
  });
});
