import { Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ContainerPlatform, ContainerPlatformProps } from '../../lib';
import { isCidr } from '../../lib/private/cidr';
import { errorOf, newApp, newPlatform, newStack } from '../util';

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';
const CIDR_ALLOWED = "allowed: an IPv4 CIDR block such as '203.0.113.0/24'. Fix: write the address with its prefix length.";
const IPV6_REFUSED = "allowed: an IPv4 CIDR block: the platform's load balancers have IPv4 addresses only, so no IPv6 client can connect. "
  + 'Fix: remove the IPv6 block, and list the IPv4 blocks of those clients instead.';

/** The message of the error creating a platform with `props` in a stack of the example env throws. */
function platformError(props: ContainerPlatformProps | ((stack: Stack) => ContainerPlatformProps)): string {
  const stack = newStack();
  return errorOf(() => new ContainerPlatform(stack, 'Platform', typeof props === 'function' ? props(stack) : props));
}

function certificate(stack: Stack): acm.ICertificate {
  return acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
}

describe('ContainerPlatform validation', () => {
  test('HTTPS without a certificate fails, naming the path, the prop and the fix', () => {
    // GIVEN / WHEN
    const message = platformError({ protocol: elbv2.ApplicationProtocol.HTTPS });
    // THEN
    expect(message).toBe('[Test/Platform] 1 invalid prop:\n'
      + '  - certificate: received undefined; allowed: a certificate whenever protocol is HTTPS. '
      + 'Fix: pass `certificate` (an ACM certificate for your domain) or set protocol to HTTP.');
  });

  test('a certificate with protocol HTTP fails', () => {
    // GIVEN / WHEN
    const message = platformError((stack) => ({ certificate: certificate(stack), protocol: elbv2.ApplicationProtocol.HTTP }));
    // THEN
    expect(message).toContain('[Test/Platform] 1 invalid prop:');
    expect(message).toContain('  - protocol: received "HTTP"; allowed: HTTPS when a certificate is set. '
      + 'Fix: remove `protocol` (HTTPS is then chosen) or remove `certificate`.');
  });

  test('a test listener port equal to the HTTP production port 80 fails', () => {
    // GIVEN / WHEN
    const message = platformError({ testListenerPort: 80 });
    // THEN
    expect(message).toContain('[Test/Platform]');
    expect(message).toContain('  - testListenerPort: received 80; allowed: a port other than the production port 80. Fix: choose a free port such as 9000.');
  });

  test('with HTTPS, a test listener port equal to the production port 443 fails', () => {
    // GIVEN / WHEN
    const message = platformError((stack) => ({ certificate: certificate(stack), testListenerPort: 443 }));
    // THEN
    expect(message).toContain('[Test/Platform]');
    expect(message).toContain('  - testListenerPort: received 443; allowed: a port other than the production port 443 and the redirect port 80. '
      + 'Fix: choose a free port such as 9000.');
  });

  test('with HTTPS, a test listener port equal to the redirect port 80 fails', () => {
    // GIVEN / WHEN
    const message = platformError((stack) => ({ certificate: certificate(stack), testListenerPort: 80 }));
    // THEN
    expect(message).toContain('  - testListenerPort: received 80; allowed: a port other than the production port 443 and the redirect port 80.');
  });

  test('with HTTP, port 443 is a valid test listener port', () => {
    // GIVEN / WHEN
    const { platform } = newPlatform({ testListenerPort: 443 });
    // THEN
    expect(platform.testListenerPort).toBe(443);
  });

  test('a test listener port outside 1..65535 fails', () => {
    // GIVEN / WHEN
    const message = platformError({ testListenerPort: 70000 });
    // THEN
    expect(message).toContain('[Test/Platform]');
    expect(message).toContain('  - testListenerPort: received 70000; allowed: an integer from 1 to 65535. Fix: set testListenerPort to a whole number between 1 and 65535.');
  });

  test('an invalid IPv4 CIDR in allowedCidrs fails, naming its index', () => {
    // GIVEN / WHEN
    const message = platformError({ allowedCidrs: ['203.0.113.0/24', '10.0.0.256/16'] });
    // THEN
    expect(message).toContain('[Test/Platform] 1 invalid prop:');
    expect(message).toContain(`  - allowedCidrs[1]: received "10.0.0.256/16"; ${CIDR_ALLOWED}`);
  });

  test.each([
    ['allowedCidrs', '::/0'], ['allowedCidrs', '2001:db8::/32'], ['testListenerAllowedCidrs', '2001:db8:1::/48'], ['allowedCidrs', '2001:db8::1::/64'],
  ])('an IPv6 block in %s (%s) fails: the load balancers have IPv4 addresses only', (prop, cidr) => {
    // GIVEN / WHEN
    const message = platformError({ [prop]: ['203.0.113.0/24', cidr] });
    // THEN
    expect(message).toBe(`[Test/Platform] 1 invalid prop:\n  - ${prop}[1]: received "${cidr}"; ${IPV6_REFUSED}`);
  });

  // A security group rule takes a network block (cfn-lint E3002: format ipv4-network/ipv6-network).
  test.each([
    ['allowedCidrs', '10.0.0.5/16', "write the block '10.0.0.0/16', or '10.0.0.5/32' for that one address"],
    ['testListenerAllowedCidrs', '192.168.77.0/18', "write the block '192.168.64.0/18', or '192.168.77.0/32' for that one address"],
  ])('%s with host bits set (%s) fails, naming the block', (prop, cidr, fix) => {
    const message = platformError({ [prop]: [cidr] });
    expect(message).toContain(`  - ${prop}[0]: received "${cidr}"; allowed: a network block, whose address has no bits set past its prefix (a security group rule takes no other). Fix: ${fix}.`);
  });

  test('an empty allowedCidrs fails: no client would reach production', () => {
    expect(platformError({ allowedCidrs: [] })).toContain('  - allowedCidrs: received []; allowed: at least one CIDR block (an empty list would let no client reach production).');
  });

  test('a vpcCidr with host bits fails instead of becoming another block', () => {
    // aws-cdk-lib would lay the VPC out in 10.1.0.0/16 for 10.0.0.5/16
    expect(platformError({ vpcCidr: '10.0.0.5/16' })).toContain(
      "  - vpcCidr: received \"10.0.0.5/16\"; allowed: a network block, whose address has no bits set past its prefix. Fix: write '10.0.0.0/16', the block that address is in.");
  });

  test('an address without a prefix length in testListenerAllowedCidrs fails', () => {
    // GIVEN / WHEN
    const message = platformError({ testListenerAllowedCidrs: ['198.51.100.7'] });
    // THEN
    expect(message).toContain('[Test/Platform] 1 invalid prop:');
    expect(message).toContain(`  - testListenerAllowedCidrs[0]: received "198.51.100.7"; ${CIDR_ALLOWED}`);
  });

  test('maxAzs below 2 fails', () => {
    // GIVEN / WHEN
    const message = platformError({ maxAzs: 1 });
    // THEN
    expect(message).toContain('[Test/Platform]');
    expect(message).toContain('  - maxAzs: received 1; allowed: an integer from 2 to 6. Fix: an Application Load Balancer needs 2 AZs; regions have at most 6.');
  });

  test('maxAzs above 6 fails', () => {
    // GIVEN / WHEN
    const message = platformError({ maxAzs: 7 });
    // THEN
    expect(message).toContain('  - maxAzs: received 7; allowed: an integer from 2 to 6.');
  });

  test('more NAT gateways than AZs fails', () => {
    // GIVEN / WHEN
    const message = platformError({ natGateways: 3 });
    // THEN
    expect(message).toContain('[Test/Platform]');
    expect(message).toContain('  - natGateways: received 3; allowed: an integer from 0 to 2. Fix: use 0 (VPC endpoints instead), 1 (cheapest) or up to one per AZ (2).');
  });

  test('a vpcCidr outside /16../18 fails (2 AZs of a /24 and a /20 subnet need a /18)', () => {
    // GIVEN / WHEN
    const message = platformError({ vpcCidr: '10.0.0.0/8' });
    // THEN
    expect(message).toContain(`  - vpcCidr: received "10.0.0.0/8"; allowed: an IPv4 CIDR block with a prefix from /16 to /18 (room for a /24 public and a /20 private subnet in each of the 2 availability zones). Fix: use a private range such as '10.0.0.0/16'.`);
  });

  test('vpc together with maxAzs fails', () => {
    // GIVEN / WHEN
    const message = platformError((stack) => ({ vpc: new ec2.Vpc(stack, 'UserVpc'), maxAzs: 3 }));
    // THEN
    expect(message).toContain('[Test/Platform] 1 invalid prop:');
    expect(message).toContain('  - maxAzs: received 3; allowed: nothing when `vpc` is passed (the VPC is yours). Fix: remove `maxAzs`, or remove `vpc` to let the platform create one.');
  });

  test('vpc together with natGateways and vpcCidr reports both', () => {
    // GIVEN / WHEN
    const message = platformError((stack) => ({ vpc: new ec2.Vpc(stack, 'UserVpc'), natGateways: 0, vpcCidr: '10.1.0.0/16' }));
    // THEN
    expect(message).toContain('[Test/Platform] 2 invalid props:');
    expect(message).toContain('  - natGateways: received 0; allowed: nothing when `vpc` is passed');
    expect(message).toContain('  - vpcCidr: received "10.1.0.0/16"; allowed: nothing when `vpc` is passed');
  });

  test('an env-agnostic stack (no region) fails with the fix', () => {
    // GIVEN
    const stack = new Stack(newApp(), 'Agnostic');
    // WHEN
    const message = errorOf(() => new ContainerPlatform(stack, 'Platform'));
    // THEN
    expect(message).toContain('[Agnostic/Platform] 1 invalid prop:');
    expect(message).toMatch(/ {2}- stack env\.region: received "\$\{Token\[AWS\.Region\.\d+\]\}"; allowed: a stack with an explicit region/);
    expect(message).toContain("Fix: create the stack with env: { account, region }, and give the platform availabilityZones (or put them in cdk.json's context) to synthesize offline.");
  });

  test('several problems are reported together in one error', () => {
    // GIVEN / WHEN
    const message = platformError({
      protocol: elbv2.ApplicationProtocol.HTTPS,
      testListenerPort: 443,
      maxAzs: 1,
      allowedCidrs: ['nope'],
      testListenerAllowedCidrs: ['10.0.0.0/33'],
    });
    // THEN
    const lines = message.split('\n');
    expect(lines[0]).toBe('[Test/Platform] 5 invalid props:');
    expect(lines.slice(1).map((l) => l.split(':')[0])).toEqual([
      '  - certificate',
      '  - testListenerPort',
      '  - maxAzs',
      '  - allowedCidrs[0]',
      '  - testListenerAllowedCidrs[0]',
    ]);
  });

  test('unresolved tokens are not judged', () => {
    // GIVEN / WHEN / THEN
    expect(() => newPlatform({
      testListenerPort: Token.asNumber({ Ref: 'TestPort' }),
      allowedCidrs: [Token.asString({ Ref: 'OfficeCidr' })],
    })).not.toThrow();
  });
});

describe('isCidr', () => {
  test.each(['0.0.0.0/0', '10.0.0.0/16', '203.0.113.7/32', '::/0', '2001:db8::/32', '::1/128', 'fe80::1:2:3:4:5:6/10', '1:2:3:4:5:6:7:8/128'])(
    'accepts %s', (cidr) => {
      // GIVEN / WHEN / THEN
      expect(isCidr(cidr)).toBe(true);
    });

  test.each(['10.0.0.0', '10.0.0.0/33', '256.0.0.0/8', '10.0.0/8', '::/129', '2001:db8:::/32', ':::/0', ':1::/64', '1::2:/64',
    '1::2::3/64', '1:2:3:4:5:6:7:8:9/128', '1:2:3:4:5:6:7/128', '12345::/16', 'g::/16'])(
    'rejects %s', (cidr) => {
      // GIVEN / WHEN / THEN
      expect(isCidr(cidr)).toBe(false);
    });
});
