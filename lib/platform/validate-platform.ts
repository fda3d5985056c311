import { ContextProvider, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { IConstruct } from 'constructs';
import { PlatformContext } from '../foundation/platform-context';
import { validateDomain } from '../foundation/platform-dns';
import { validateCertificateRegion } from '../private/certificate';
import { checkIpv4RuleBlock, hasHostBits, isIpv4Cidr, networkBlock } from '../private/cidr';
import { inboundRulesWarning, INBOUND_RULES_PER_SECURITY_GROUP } from '../private/constants';
import { DEFAULTS } from '../private/defaults';
import { Problems } from '../private/errors';
import { NAME_LIMITS } from '../private/name-limits';
import type { ContainerPlatformProps } from './options';

/**
 * A regional AWS WAF web ACL: the only scope a load balancer can use.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awswafv2.html (webacl: arn:${Partition}:wafv2:${Region}:${Account}:${Scope}/webacl/${Name}/${Id})
 * @see https://docs.aws.amazon.com/waf/latest/APIReference/API_AssociateWebACL.html (Application Load Balancers take REGIONAL web ACLs)
 */
const WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:([a-z0-9-]+):\d{12}:regional\/webacl\/[^/\s]+\/[^/\s]+$/;

/** The prefix lengths of the subnets the platform's VPC has in each availability zone. */
export const SUBNET_MASKS = { public: 24, private: 20 } as const;

/** What the platform's validation needs besides the props. */
export interface PlatformSettings {
  readonly protocol: elbv2.ApplicationProtocol;
  readonly productionPort: number;
  readonly testListenerPort: number;
}

/**
 * A published platform's name: known at synth (it names SSM parameters, the cluster and the
 * CodeDeploy application, at most 100 characters), and not published by another platform of
 * this app in the same account and Region (SSM parameter names are unique there).
 */
function validatePublication(p: Problems, scope: IConstruct, name: string): void {
  const max = NAME_LIMITS.publishedPlatformName.max;
  if (Token.isUnresolved(name)) {
    p.add('platformName', name, 'a name known at synth to publish under', "set platformName to a literal such as 'shop'");
    return;
  }
  p.require(name.length <= max, 'platformName', name,
    `at most ${max} characters to publish (the CodeDeploy application of a published platform is named after it)`, 'choose a shorter platformName');
  const stack = Stack.of(scope);
  const other = PlatformContext.builtInApp(scope, stack.account, stack.region, name, true);
  if (other) {
    p.add('publish', true, `a name no other platform of the app publishes in ${stack.account}/${stack.region} (${other.platform.node.path} publishes '${name}'; SSM parameter names are unique in an account and Region)`,
      'give one of the platforms its own platformName');
  }
}

/** Checks the platform's props; records the problems in `p`. */
export function validatePlatform(p: Problems, scope: IConstruct, props: ContainerPlatformProps, s: PlatformSettings): void {
  const https = s.protocol === elbv2.ApplicationProtocol.HTTPS;
  p.require(!(https && !props.certificate && !props.domain), 'certificate', undefined,
    'a certificate whenever protocol is HTTPS', 'pass `certificate` (an ACM certificate for your domain) or set protocol to HTTP');
  p.require(!(!https && props.certificate), 'protocol', s.protocol,
    'HTTPS when a certificate is set', 'remove `protocol` (HTTPS is then chosen) or remove `certificate`');
  if (props.domain) {
    p.require(https, 'protocol', s.protocol, 'HTTPS when `domain` is set', 'remove `protocol` (HTTPS is then chosen), or remove `domain` for an HTTP-only trial');
    p.require(!props.certificate, 'certificate', props.certificate?.node.path,
      'no certificate with `domain` (the platform requests the certificate of the domain)', 'remove `certificate`, or remove `domain` and create the DNS records yourself');
    validateDomain(p, props.domain);
  }
  p.require(https || props.sslPolicy === undefined, 'sslPolicy', props.sslPolicy,
    'nothing without HTTPS (the HTTP listeners have no TLS policy)', 'remove sslPolicy, or pass a certificate for HTTPS');
  p.intRange('testListenerPort', props.testListenerPort, 1, 65535);
  if (props.platformName !== undefined && !Token.isUnresolved(props.platformName)) {
    const max = NAME_LIMITS.platformName.max;
    p.require(/^[A-Za-z][A-Za-z0-9-]*$/.test(props.platformName) && props.platformName.length <= max, 'platformName', props.platformName,
      `letters, digits and hyphens, starting with a letter, at most ${max} characters (it starts the physical names of the workloads, as a stack name does)`,
      "use a name such as 'shop-internal'");
  }
  if (props.publish) validatePublication(p, scope, props.platformName ?? Stack.of(scope).stackName);
  const region = Stack.of(scope).region;
  p.require(!Token.isUnresolved(region), 'stack env.region', region,
    'a stack with an explicit region (the load balancer\'s access-log bucket policy names the region\'s log-delivery principal)',
    `create the stack with env: { account, region }, and give the platform availabilityZones (or put them in cdk.json's context) to synthesize offline`);
  const reserved: number[] = https ? [DEFAULTS.httpsPort, DEFAULTS.httpPort] : [DEFAULTS.httpPort];
  if (!Token.isUnresolved(s.testListenerPort) && reserved.includes(s.testListenerPort)) {
    p.add('testListenerPort', s.testListenerPort, `a port other than the production port ${s.productionPort}${https ? ' and the redirect port 80' : ''}`,
      `choose a free port such as ${DEFAULTS.testListenerPort}`);
  }
  if (props.vpc) {
    for (const prop of ['maxAzs', 'availabilityZones', 'natGateways', 'vpcCidr'] as const) {
      p.require(props[prop] === undefined, prop, props[prop], 'nothing when `vpc` is passed (the VPC is yours)',
        `remove \`${prop}\`, or remove \`vpc\` to let the platform create one`);
    }
    validateSubnets(p, props.vpc, props);
  }
  for (const prop of ['maxAzs', 'natGateways', 'vpcCidr'] as const) {
    // The one exception to "tokens pass": aws-cdk-lib computes the VPC's layout at synth.
    p.require(!Token.isUnresolved(props[prop]), prop, 'an unresolved token',
      "a value known at synth: aws-cdk-lib lays out the VPC's subnets, NAT gateways and routes from it",
      'pass a literal, or create the VPC yourself and pass it as `vpc`');
  }
  p.intRange('maxAzs', props.maxAzs, 2, 6, 'an Application Load Balancer needs 2 AZs; regions have at most 6');
  validateAvailabilityZones(p, scope, props, region);
  const azs = zoneCount(props);
  p.intRange('natGateways', props.natGateways, 0, azs, `use 0 (VPC endpoints instead), 1 (cheapest) or up to one per AZ (${azs})`);
  if (props.vpcCidr !== undefined && !Token.isUnresolved(props.vpcCidr)) {
    // A VPC's block is /16 to /28; the platform's layout needs a public and a private subnet per AZ.
    // @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
    // Stack.availabilityZones looks the region's zones up: not when they are given.
    const regionAzs = props.availabilityZones ?? Stack.of(scope).availabilityZones;
    const used = Token.isUnresolved(azs) ? 2 : Math.min(azs, regionAzs.some((z) => Token.isUnresolved(z)) ? azs : regionAzs.length);
    // aws-cdk-lib allocates the public subnets first, then each private one on a boundary of its size.
    const addresses = 2 ** (32 - SUBNET_MASKS.private) * (used + 1);
    const widest = 32 - Math.ceil(Math.log2(addresses));
    const prefix = Number(props.vpcCidr.split('/')[1]);
    const valid = isIpv4Cidr(props.vpcCidr) && prefix >= 16 && prefix <= widest;
    p.require(valid, 'vpcCidr', props.vpcCidr,
      `an IPv4 CIDR block with a prefix from /16 to /${widest} (room for a /${SUBNET_MASKS.public} public and a /${SUBNET_MASKS.private} private subnet in each of the ${used} availability zones)`,
      "use a private range such as '10.0.0.0/16'");
    // aws-cdk-lib would move a block with host bits to the next block of its size (10.0.0.5/16 to 10.1.0.0/16).
    if (valid) {
      p.require(!hasHostBits(props.vpcCidr), 'vpcCidr', props.vpcCidr, 'a network block, whose address has no bits set past its prefix',
        `write '${networkBlock(props.vpcCidr)}', the block that address is in`);
    }
  }
  for (const [prop, list] of [['allowedCidrs', props.allowedCidrs], ['testListenerAllowedCidrs', props.testListenerAllowedCidrs]] as const) {
    if (list === undefined || Token.isUnresolved(list)) continue;
    // An empty testListenerAllowedCidrs is its default: the test listener closed to clients.
    p.require(prop !== 'allowedCidrs' || list.length > 0, prop, list, 'at least one CIDR block (an empty list would let no client reach production)',
      'leave allowedCidrs out for the default, or list the blocks that may connect');
    // The platform's Application Load Balancers have the default IP address type, ipv4 (dualstack
    // needs subnets with IPv6 blocks, which the platform's VPC has not): an IPv6 block would open
    // the security group to clients that cannot reach the load balancer at all.
    // @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#ip-address-type
    list.forEach((cidr, i) => checkIpv4RuleBlock(p, `${prop}[${i}]`, cidr, 'the platform\'s load balancers',
      { allowed: "an IPv4 CIDR block such as '203.0.113.0/24'", fix: 'write the address with its prefix length' }));
  }
  warnLoadBalancerRules(p, props, https);
  p.removalPolicy('removalPolicy', props.removalPolicy);
  validateCertificateRegion(p, 'certificate', props.certificate, region);
  validateWebAcl(p, props.webAclArn, region);
  if (props.accessLogsBucket) validateAccessLogsBucket(p, props.accessLogsBucket, region);
}

/** How many availability zones the platform's VPC spans: `availabilityZones`, else `maxAzs`. */
export function zoneCount(props: ContainerPlatformProps): number {
  const zones = props.availabilityZones;
  return zones !== undefined && !Token.isUnresolved(zones) ? zones.length : props.maxAzs ?? DEFAULTS.maxAzs;
}

/**
 * The inbound rules of each load balancer's security group: one for each allowed block and
 * listener port it opens (production, and with HTTPS the HTTP redirect too), one for each test
 * block (IPv4 blocks: the IPv6 ones are refused), and the one that admits the platform's smoke
 * tests (from their own security group, once a blue/green service is added). AWS allows 60
 * inbound rules a security group for each IP version by default; above that CloudFormation
 * fails to add them, unless the account's quota was raised (it is adjustable): a warning,
 * which such an account acknowledges.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
 */
function warnLoadBalancerRules(p: Problems, props: ContainerPlatformProps, https: boolean): void {
  // aws-cdk-lib writes a rule once however often its block is listed.
  const blocks = (list: string[] | undefined): string[] => (list === undefined || Token.isUnresolved(list) ? []
    : [...new Set(list.filter((cidr) => !Token.isUnresolved(cidr) && isIpv4Cidr(cidr)))]);
  const allowed = blocks(props.allowedCidrs);
  const test = blocks(props.testListenerAllowedCidrs);
  const ports = https ? 2 : 1;
  const rules = allowed.length * ports + test.length + 1;
  if (rules <= INBOUND_RULES_PER_SECURITY_GROUP) return;
  p.warn('load-balancer-rules', inboundRulesWarning('each load balancer\'s security group', rules,
    `allowedCidrs: ${allowed.length} IPv4 blocks on ${ports} listener port${ports === 1 ? '' : 's'}; testListenerAllowedCidrs: ${test.length}; the smoke tests: 1`,
    'List fewer, wider blocks'));
}

/**
 * The availability zones of the platform's VPC, when given: at least two (an Application Load
 * Balancer needs subnets in two), each once, names of the stack's region (`eu-west-1a`, not a
 * zone ID such as `euw1-az1`), and as many as `maxAzs` says if it is set too. When the app's
 * context records the zones the account has in the region (aws-cdk-lib's lookup, written by the
 * CLI to cdk.context.json, or kept in cdk.json), each zone must be one of them: EC2 creates a
 * subnet only in a zone the account has, and the name alone cannot tell (a region's zones
 * differ between accounts, and some accounts have fewer).
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#availability-zones
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html
 * @see https://docs.aws.amazon.com/cdk/v2/guide/context.html
 */
function validateAvailabilityZones(p: Problems, scope: IConstruct, props: ContainerPlatformProps, region: string): void {
  const zones = props.availabilityZones;
  if (zones === undefined) return;
  if (Token.isUnresolved(zones)) {
    p.add('availabilityZones', 'an unresolved token', "a list known at synth: aws-cdk-lib lays out one public and one private subnet per zone",
      "write the zones as a list, such as ['eu-west-1a', 'eu-west-1b']");
    return;
  }
  const recorded = recordedZones(scope);
  const example = Token.isUnresolved(region) ? "['eu-west-1a', 'eu-west-1b']" : `['${region}a', '${region}b']`;
  p.require(zones.length >= 2 && zones.length <= 6, 'availabilityZones', zones, '2 to 6 zones (an Application Load Balancer needs subnets in two; regions have at most 6)',
    `name two or more zones, such as ${example}`);
  const name = Token.isUnresolved(region) ? /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/ : new RegExp(`^${region.replace(/[-]/g, '\\-')}[a-z]$`);
  zones.forEach((zone, i) => {
    if (Token.isUnresolved(zone)) return;
    p.require(name.test(zone), `availabilityZones[${i}]`, zone,
      Token.isUnresolved(region) ? 'an availability zone name, such as eu-west-1a' : `an availability zone of the stack's region ${region}, such as ${region}a`,
      zone.includes('-az') ? 'use the zone\'s name, not its ID (the EC2 console shows both; names map to IDs per account)' : `use zones of ${Token.isUnresolved(region) ? 'the stack\'s region' : region}`);
    if (zones.indexOf(zone) < i) {
      p.add(`availabilityZones[${i}]`, zone, 'each zone once', 'remove the repeated zone');
    }
    if (recorded && name.test(zone) && !recorded.zones.includes(zone)) {
      p.add(`availabilityZones[${i}]`, zone, `one of the zones the account has in ${region}, as the context key "${recorded.key}" records them: ${recorded.zones.join(', ')}`,
        `use one of those zones; if the account has gained zones since, refresh the record with \`cdk context --reset ${recorded.key}\``);
    }
  });
  if (props.maxAzs !== undefined && !Token.isUnresolved(props.maxAzs) && props.maxAzs !== zones.length) {
    p.add('maxAzs', props.maxAzs, `nothing, or the number of availabilityZones (${zones.length})`, 'remove `maxAzs`: the zones you name decide how many there are');
  }
}

/**
 * The zones the stack's account has in its region, as the app's context records them under the
 * key of aws-cdk-lib's availability-zone lookup, or undefined when nothing is recorded (or the
 * stack has no account and region). Read without asking for the lookup: an app that gives its
 * zones and records none still synthesizes offline.
 */
function recordedZones(scope: IConstruct): { key: string; zones: string[] } | undefined {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) return undefined;
  const { key } = ContextProvider.getKey(scope, { provider: cxschema.ContextProvider.AVAILABILITY_ZONE_PROVIDER });
  const zones: unknown = scope.node.tryGetContext(key);
  return Array.isArray(zones) && zones.length > 0 && zones.every((z) => typeof z === 'string') ? { key, zones } : undefined;
}

/**
 * Load balancer access logs go to a bucket in the load balancer's region, encrypted with
 * S3-managed keys: "The only server-side encryption option that's supported is Amazon
 * S3-managed keys (SSE-S3)".
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
function validateAccessLogsBucket(p: Problems, bucket: s3.IBucket, region: string): void {
  const cfn = bucket.node.defaultChild;
  const rules = cfn instanceof s3.CfnBucket && !Token.isUnresolved(cfn.bucketEncryption)
    ? (cfn.bucketEncryption as s3.CfnBucket.BucketEncryptionProperty | undefined)?.serverSideEncryptionConfiguration : undefined;
  const kms = bucket.encryptionKey !== undefined || (Array.isArray(rules) && rules.some((r) =>
    String(((r as s3.CfnBucket.ServerSideEncryptionRuleProperty).serverSideEncryptionByDefault as
      s3.CfnBucket.ServerSideEncryptionByDefaultProperty | undefined)
      ?.sseAlgorithm ?? '').startsWith('aws:kms')));
  p.require(!kms, 'accessLogsBucket', bucket.node.path, 'a bucket encrypted with S3-managed keys (SSE-S3), the only encryption load balancer access logs support',
    'create the bucket with encryption: s3.BucketEncryption.S3_MANAGED, or omit accessLogsBucket to let the platform create one');
  const bucketRegion = bucket.env.region;
  if (!Token.isUnresolved(bucketRegion) && !Token.isUnresolved(region)) {
    p.require(bucketRegion === region, 'accessLogsBucket', bucket.node.path, `a bucket in the platform's region, ${region}`,
      `use a bucket in ${region}, or omit accessLogsBucket`);
  }
}

function validateWebAcl(p: Problems, arn: string | undefined, region: string): void {
  if (arn === undefined || Token.isUnresolved(arn)) return;
  const match = WEB_ACL_ARN.exec(arn);
  if (!match) {
    p.add('webAclArn', arn, 'the ARN of a regional AWS WAF web ACL, arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>',
      "use the ARN of a web ACL with scope REGIONAL in the platform's region (a CLOUDFRONT web ACL cannot protect a load balancer)");
  } else if (!Token.isUnresolved(region)) {
    p.require(match[1] === region, 'webAclArn', arn, `a web ACL in the platform's region, ${region}`, `create the web ACL in ${region}`);
  }
}

/** The services' subnets, and where the load balancer goes: public subnets, or the services' when internal. */
export function subnetSelections(props: ContainerPlatformProps,
  defaultType: ec2.SubnetType): { services: ec2.SubnetSelection; loadBalancer: ec2.SubnetSelection } {
  const services = props.serviceSubnets ?? { subnetType: defaultType };
  const internetFacing = props.internetFacing ?? true;
  return { services, loadBalancer: { subnetType: internetFacing ? ec2.SubnetType.PUBLIC : services.subnetType } };
}

/**
 * The services need subnets of the selection, and the load balancer subnets in at least two
 * availability zones.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#availability-zones
 */
export function validateSubnets(p: Problems, vpc: ec2.IVpc, props: ContainerPlatformProps): void {
  const { services, loadBalancer } = subnetSelections(props, ec2.SubnetType.PRIVATE_WITH_EGRESS);
  const picked = select(vpc, services);
  if (!picked) {
    p.add('serviceSubnets', describe(services), 'a selection that matches subnets of the VPC (it matches none)',
      'pass a VPC with private subnets with egress, or set serviceSubnets to subnets it has');
  } else {
    // The tasks get no public address (assignPublicIp is off): in a public subnet, whose route to
    // the internet is an internet gateway, they could reach neither ECR nor anything outside.
    // @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
    const publicIds = new Set(vpc.publicSubnets.map((subnet) => subnet.subnetId));
    const inPublic = picked.subnets.filter((subnet) => publicIds.has(subnet.subnetId));
    p.require(inPublic.length === 0, 'serviceSubnets', describe(services),
      'private subnets (with egress through NAT, or isolated with the VPC endpoints the platform adds): the tasks have no public IP address, so in a public subnet they could not pull their image',
      'leave serviceSubnets out, or select the private or isolated subnets of the VPC');
  }
  const internetFacing = props.internetFacing ?? true;
  const lb = select(vpc, loadBalancer);
  let detail = lb ? undefined : 'it has none';
  const zones = [...new Set(lb?.availabilityZones ?? [])];
  if (lb && !zones.some((z) => Token.isUnresolved(z)) && zones.length < 2) detail = `they span ${zones.join(', ') || 'no zone'}`;
  // An internal load balancer uses the services' subnets: reported once, above.
  if (detail !== undefined && (internetFacing || picked)) {
    p.add('vpc', vpc.node.path,
      `a VPC whose ${internetFacing ? 'public' : 'service'} subnets span at least two availability zones, for the ${internetFacing ? 'internet-facing' : 'internal'} load balancer (${detail})`,
      internetFacing ? 'pass a VPC with public subnets in two availability zones, or set internetFacing: false' : 'pass a VPC whose service subnets span two availability zones');
  }
}

/** The selected subnets, or undefined when the VPC has none of the selection (aws-cdk-lib throws then). */
function select(vpc: ec2.IVpc, selection: ec2.SubnetSelection): ec2.SelectedSubnets | undefined {
  try {
    const selected = vpc.selectSubnets(selection);
    return selected.subnets.length > 0 ? selected : undefined;
  } catch {
    return undefined;
  }
}

/** A subnet selection as plain data (its subnets by ID). */
function describe(selection: ec2.SubnetSelection): Record<string, unknown> {
  return {
    subnetType: selection.subnetType,
    subnetGroupName: selection.subnetGroupName,
    subnets: selection.subnets?.map((s) => s.subnetId),
  };
}
