import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ContainerPlatform, Routing } from '../../lib';
import { errorOf, newPlatform, newStack } from '../util';
import { messageOf, platformError } from './helpers';

/** Bad platform input, and names that clash between the platform's constructs, fail with the library's message. */

const WEB_ACL = 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/shop/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
const WEB_ACL_ALLOWED = 'the ARN of a regional AWS WAF web ACL, arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>. '
  + "Fix: use the ARN of a web ACL with scope REGIONAL in the platform's region (a CLOUDFRONT web ACL cannot protect a load balancer).";
const AZS = ['eu-west-1a', 'eu-west-1b'];

describe('platform props', () => {
  test.each([
    ['not-an-arn'],
    [WEB_ACL.replace('regional/', 'global/')],
    [WEB_ACL.replace(':wafv2:', ':waf-regional:')],
  ])('the web ACL ARN %s fails', (webAclArn) => {
    // GIVEN / WHEN
    const message = platformError({ webAclArn });
    // THEN
    expect(message).toBe(messageOf('Test/Platform', [`webAclArn: received ${JSON.stringify(webAclArn)}; allowed: ${WEB_ACL_ALLOWED}`]));
  });

  test('a web ACL of another region fails', () => {
    // GIVEN / WHEN
    const webAclArn = WEB_ACL.replace('eu-west-1', 'us-east-1');
    const message = platformError({ webAclArn });
    // THEN
    expect(message).toBe(messageOf('Test/Platform', [`webAclArn: received "${webAclArn}"; allowed: a web ACL in the platform's region, eu-west-1. Fix: create the web ACL in eu-west-1.`]));
  });

  test('a regional web ACL of the platform\'s region passes', () => {
    // GIVEN / WHEN / THEN
    expect(() => newPlatform({ webAclArn: WEB_ACL })).not.toThrow();
  });

  test('a VPC block too small for the subnets fails instead of a raw aws-cdk-lib error', () => {
    // GIVEN / WHEN
    const message = platformError({ vpcCidr: '10.0.0.0/19' });
    // THEN
    expect(message).toBe(messageOf('Test/Platform', [
      'vpcCidr: received "10.0.0.0/19"; allowed: an IPv4 CIDR block with a prefix from /16 to /18 (room for a /24 public and a /20 private subnet '
      + "in each of the 2 availability zones). Fix: use a private range such as '10.0.0.0/16'.",
    ]));
  });

  test.each([2, 3])('a /18 block holds the subnets of %d availability zones', (maxAzs) => {
    // GIVEN / WHEN / THEN
    expect(() => newPlatform({ vpcCidr: '10.0.0.0/18', maxAzs })).not.toThrow();
  });

  test.each([
    ['a KMS key of its own', (stack: Stack) => new s3.Bucket(stack, 'Logs', { encryptionKey: new kms.Key(stack, 'Key') })],
    ['the AWS managed KMS key', (stack: Stack) => new s3.Bucket(stack, 'Logs', { encryption: s3.BucketEncryption.KMS_MANAGED })],
  ])('an access-log bucket encrypted with %s fails', (_name, bucket) => {
    // GIVEN / WHEN
    const message = platformError((stack) => ({ accessLogsBucket: bucket(stack) }));
    // THEN
    expect(message).toBe(messageOf('Test/Platform', [
      'accessLogsBucket: received "Test/Logs"; allowed: a bucket encrypted with S3-managed keys (SSE-S3), the only encryption load balancer access logs support. '
      + 'Fix: create the bucket with encryption: s3.BucketEncryption.S3_MANAGED, or omit accessLogsBucket to let the platform create one.',
    ]));
  });

  test('an access-log bucket of another region fails', () => {
    // GIVEN / WHEN
    const message = platformError((stack) => ({ accessLogsBucket: s3.Bucket.fromBucketAttributes(stack, 'Logs', { bucketName: 'logs', region: 'us-east-1' }) }));
    // THEN
    expect(message).toBe(messageOf('Test/Platform', [
      "accessLogsBucket: received \"Test/Logs\"; allowed: a bucket in the platform's region, eu-west-1. Fix: use a bucket in eu-west-1, or omit accessLogsBucket.",
    ]));
  });

  test('a TLS policy without HTTPS fails instead of being ignored', () => {
    // GIVEN / WHEN
    const message = platformError({ sslPolicy: elbv2.SslPolicy.TLS13_13 });
    // THEN
    expect(message).toBe(messageOf('Test/Platform', [
      `sslPolicy: received "${elbv2.SslPolicy.TLS13_13}"; allowed: nothing without HTTPS (the HTTP listeners have no TLS policy). Fix: remove sslPolicy, or pass a certificate for HTTPS.`,
    ]));
  });
});

describe('an imported VPC', () => {
  test('without private subnets fails on the services\' subnets', () => {
    // GIVEN / WHEN
    const message = platformError((stack) => ({
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: AZS, publicSubnetIds: ['subnet-1', 'subnet-2'] }),
    }));
    // THEN
    expect(message).toBe(messageOf('Test/Platform', [
      'serviceSubnets: received {"subnetType":"Private"}; allowed: a selection that matches subnets of the VPC (it matches none). '
      + 'Fix: pass a VPC with private subnets with egress, or set serviceSubnets to subnets it has.',
    ]));
  });

  test('without public subnets fails for an internet-facing load balancer', () => {
    // GIVEN / WHEN
    const message = platformError((stack) => ({
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: AZS, privateSubnetIds: ['subnet-1', 'subnet-2'] }),
    }));
    // THEN
    expect(message).toBe(messageOf('Test/Platform', [
      "vpc: received \"Test/Vpc\"; allowed: a VPC whose public subnets span at least two availability zones, for the internet-facing load balancer (it has none). "
      + 'Fix: pass a VPC with public subnets in two availability zones, or set internetFacing: false.',
    ]));
  });

  test('with public subnets in one availability zone fails', () => {
    // GIVEN / WHEN
    const message = platformError((stack) => ({
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'], publicSubnetIds: ['subnet-1'], privateSubnetIds: ['subnet-2'] }),
    }));
    // THEN
    expect(message).toBe(messageOf('Test/Platform', [
      'vpc: received "Test/Vpc"; allowed: a VPC whose public subnets span at least two availability zones, for the internet-facing load balancer (they span eu-west-1a). '
      + 'Fix: pass a VPC with public subnets in two availability zones, or set internetFacing: false.',
    ]));
  });

  test('with public and private subnets in two zones passes', () => {
    // GIVEN
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: AZS, publicSubnetIds: ['subnet-1', 'subnet-2'], privateSubnetIds: ['subnet-3', 'subnet-4'] });
    // WHEN / THEN
    expect(() => new ContainerPlatform(stack, 'Platform', { vpc }).addService('Orders', { routing: Routing.path('/orders/*') })).not.toThrow();
  });
});

describe('names that clash', () => {
  test('a second service with the same id', () => {
    // GIVEN
    const { platform } = newPlatform();
    platform.addService('Orders', { routing: Routing.path('/orders/*') });
    // WHEN
    const message = errorOf(() => platform.addService('Orders', { routing: Routing.path('/other/*') }));
    // THEN
    expect(message).toBe(messageOf('Test/Platform', [
      'id: received "Orders"; allowed: an ID no other workload or part of the platform uses (Test/Platform/OrdersStack/Orders has it). Fix: give each service, worker, job and event task its own ID.',
    ]));
  });

  test('a worker named like a service', () => {
    // GIVEN
    const { platform } = newPlatform();
    platform.addService('Orders', { routing: Routing.path('/orders/*') });
    // WHEN
    const message = errorOf(() => platform.addWorker('Orders'));
    // THEN
    expect(message).toContain('id: received "Orders"; allowed: an ID no other workload or part of the platform uses (Test/Platform/OrdersStack/Orders has it).');
  });

  test('a service in the platform\'s stack named like a part of the platform', () => {
    // GIVEN
    const { platform } = newPlatform({ nestedServiceStacks: false });
    // WHEN
    const message = errorOf(() => platform.addService('Cluster', { routing: Routing.path('/orders/*') }));
    // THEN
    expect(message).toBe(messageOf('Test/Platform', [
      'id: received "Cluster"; allowed: an ID no other workload or part of the platform uses (Test/Platform/Cluster has it). Fix: give each service, worker, job and event task its own ID.',
    ]));
  });

  test.each([
    ['a service', 'service', (platform: ContainerPlatform) => platform.addService('', { routing: Routing.path('/orders/*') })],
    ['a worker', 'worker', (platform: ContainerPlatform) => platform.addWorker('')],
  ])('%s with an empty id', (_name, kind, add) => {
    // GIVEN
    const { platform } = newPlatform();
    // WHEN
    const message = errorOf(() => add(platform));
    // THEN
    expect(message).toBe(messageOf('Test/Platform', [`id: received ""; allowed: a non-empty ID (it names the ${kind}). Fix: give each service, worker, job and event task its own ID.`]));
  });

  test('a load balancer with an empty id', () => {
    // GIVEN
    const { platform } = newPlatform();
    // WHEN
    const message = errorOf(() => platform.addLoadBalancer(''));
    // THEN
    expect(message).toBe(messageOf('Test/Platform', ["id: received \"\"; allowed: a non-empty ID (it names the load balancer). Fix: use another ID, such as 'LoadBalancer2'."]));
  });

  test.each(['SmokeTest', 'DeploymentApplication', 'ServiceStateFunction'])('a service in the platform\'s stack named %s, which the platform creates later', (id) => {
    // GIVEN
    const { platform } = newPlatform({ nestedServiceStacks: false });
    // WHEN
    const message = errorOf(() => platform.addService(id, { routing: Routing.path('/orders/*') }));
    // THEN
    expect(message).toBe(messageOf('Test/Platform', [
      `id: received "${id}"; allowed: an ID other than ClaimsFunction, ClaimsFunctionLogs, ClaimsFunctionRole, DeploymentApplication, ExecSessionLogs, FileSystem, FileSystemSecurityGroup, NetworkLoadBalancer, PublicNetworkLoadBalancer, ServiceProvider, `
      + 'ServiceStateFunction, ServiceStateFunctionLogs, ServiceStateFunctionRole, SmokeTest '
      + '(the platform creates these when a service needs them). '
      + 'Fix: give each service, worker, job and event task its own ID.',
    ]));
  });

  test('a second load balancer named like the first', () => {
    // GIVEN
    const { platform } = newPlatform();
    // WHEN
    const message = errorOf(() => platform.addLoadBalancer('LoadBalancer'));
    // THEN
    expect(message).toBe(messageOf('Test/Platform', [
      "id: received \"LoadBalancer\"; allowed: an ID no other load balancer or part of the platform uses (Test/Platform/LoadBalancer has it). Fix: use another ID, such as 'LoadBalancer2'.",
    ]));
  });

  test('two Service Connect services whose names differ only in case', () => {
    // GIVEN
    const { platform } = newPlatform();
    platform.addService('Orders', { routing: Routing.path('/orders/*'), serviceConnect: true });
    // WHEN
    const message = errorOf(() => platform.addService('ORDERS', { routing: Routing.path('/legacy/*'), serviceConnect: true }));
    // THEN
    expect(message).toBe(messageOf('Test/Platform/ORDERSStack/ORDERS', [
      'id: received "ORDERS"; allowed: an ID whose lower case (orders) no other Service Connect service of the platform has (Service Connect names are lower case; '
      + 'Test/Platform/OrdersStack/Orders has it). Fix: rename one of the services.',
    ]));
  });
});
