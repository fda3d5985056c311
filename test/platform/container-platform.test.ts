import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ContainerPlatformProps, Microservice, QueueWorker, Routing, Source } from '../../lib';
import { DEFAULTS } from '../../lib/private/defaults';
import { newPlatform, newStack, templateOf } from '../util';

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';
const NOT_FOUND = [{
  Type: 'fixed-response',
  FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'No service on this platform matches the request.' },
}];

function platformTemplate(props: ContainerPlatformProps = {}): Template {
  return templateOf(newPlatform(props).stack);
}

function httpsTemplate(props: ContainerPlatformProps = {}): Template {
  const stack = newStack();
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
  return templateOf(newPlatform({ certificate, ...props }, stack).stack);
}

function subnetsOfType(template: Template, type: 'Public' | 'Private' | 'Isolated'): any[] {
  return Object.values(template.findResources('AWS::EC2::Subnet', {
    Properties: { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: type }]) },
  }));
}

function loadBalancerAttributes(template: Template): Record<string, unknown> {
  const lb = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0] as any;
  return Object.fromEntries(lb.Properties.LoadBalancerAttributes.map((a: any) => [a.Key, a.Value]));
}

/** The logical ID of the load balancer's security group (read from the load balancer, wherever it lives). */
function loadBalancerSecurityGroupId(template: Template): string {
  const lbs = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')) as any[];
  expect(lbs).toHaveLength(1);
  return lbs[0].Properties.SecurityGroups[0]['Fn::GetAtt'][0];
}

function loadBalancerSecurityGroup(template: Template): any {
  return template.toJSON().Resources[loadBalancerSecurityGroupId(template)].Properties;
}

function loadBalancerIngress(template: Template): any[] {
  return loadBalancerSecurityGroup(template).SecurityGroupIngress ?? [];
}

describe('ContainerPlatform defaults', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN a stack / WHEN a platform is created with no props
    template = platformTemplate();
  });

  test('creates one VPC with the default CIDR', () => {
    // THEN
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: DEFAULTS.vpcCidr });
  });

  test('spreads one public and one private subnet over each of 2 AZs', () => {
    // THEN
    expect(DEFAULTS.maxAzs).toBe(2);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    const publicAzs = subnetsOfType(template, 'Public').map((s) => s.Properties.AvailabilityZone);
    const privateAzs = subnetsOfType(template, 'Private').map((s) => s.Properties.AvailabilityZone);
    expect(publicAzs).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(privateAzs).toEqual(['eu-west-1a', 'eu-west-1b']);
  });

  test('public subnets do not give instances public IPs', () => {
    // THEN
    for (const subnet of subnetsOfType(template, 'Public')) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
  });

  test('creates one NAT gateway and no VPC endpoints', () => {
    // THEN
    template.resourceCountIs('AWS::EC2::NatGateway', DEFAULTS.natGateways);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('logs all VPC traffic to a CloudWatch log group', () => {
    // THEN
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: { Ref: Match.stringLikeRegexp('^PlatformFlowLogs') },
    });
  });

  test('encrypts the flow-log group with the platform key, keeps it 365 days and retains it', () => {
    // THEN
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PlatformKey'), 'Arn'] },
        RetentionInDays: DEFAULTS.flowLogRetentionDays,
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(DEFAULTS.flowLogRetentionDays).toBe(365);
  });

  test('creates a KMS key with rotation that is retained', () => {
    // THEN
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });

  test('lets CloudWatch Logs of the stack region use the key for the account\'s log groups', () => {
    // THEN
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Allow',
          Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:111111111111:log-group:*' } },
        })]),
      },
    });
  });

  test('creates an alarm topic encrypted with the platform key that accepts only SSL', () => {
    // THEN
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PlatformKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('creates a cluster with Container Insights', () => {
    // THEN
    template.resourceCountIs('AWS::ECS::Cluster', 1);
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  });

  test('associates the FARGATE and FARGATE_SPOT capacity providers with the cluster', () => {
    // THEN
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      CapacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    });
  });

  test('creates one internet-facing load balancer in the public subnets', () => {
    // THEN
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Subnets: [{ Ref: Match.stringLikeRegexp('^PlatformVpcPublicSubnet1') }, { Ref: Match.stringLikeRegexp('^PlatformVpcPublicSubnet2') }],
    });
  });

  test('drops invalid header fields, is not deletion-protected and uses the default idle timeout', () => {
    // THEN
    expect(loadBalancerAttributes(template)).toMatchObject({
      'routing.http.drop_invalid_header_fields.enabled': 'true',
      'deletion_protection.enabled': 'false',
      'idle_timeout.timeout_seconds': String(DEFAULTS.idleTimeoutSeconds),
    });
  });

  test('writes access logs under alb/ to the platform\'s access-log bucket', () => {
    // THEN
    expect(loadBalancerAttributes(template)).toEqual(expect.objectContaining({
      'access_logs.s3.enabled': 'true',
      'access_logs.s3.bucket': { Ref: expect.stringMatching(/^Platform\w*AccessLogs/) },
      // 'alb', or 'alb/<load balancer id>' once the platform has several load balancers
      'access_logs.s3.prefix': expect.stringMatching(/^alb(\/LoadBalancer)?$/),
    }));
  });

  test('encrypts the access-log bucket, blocks public access, versions and expires logs after 365 days, and retains it', () => {
    // THEN
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: DEFAULTS.accessLogsExpirationDays, Status: 'Enabled' })] },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('the access-log bucket denies requests without SSL and below TLS 1.2', () => {
    // THEN
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  test('has a production listener on HTTP 80 that answers 404', () => {
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: DEFAULTS.httpPort, Protocol: 'HTTP', DefaultActions: NOT_FOUND });
  });

  test('has a test listener on HTTP 9000 that answers 404', () => {
    // THEN
    expect(DEFAULTS.testListenerPort).toBe(9000);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: DEFAULTS.testListenerPort, Protocol: 'HTTP', DefaultActions: NOT_FOUND });
  });

  test('has exactly these two listeners (no redirect listener without HTTPS)', () => {
    // THEN
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
  });

  test('opens the production listener to 0.0.0.0/0 (the load balancer has IPv4 addresses only) and the test listener to nobody', () => {
    // THEN
    expect(loadBalancerIngress(template)).toEqual([
      { CidrIp: '0.0.0.0/0', Description: 'production listener from 0.0.0.0/0', FromPort: 80, IpProtocol: 'tcp', ToPort: 80 },
    ]);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { IpAddressType: Match.absent() });
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('the load balancer security group allows outbound traffic, so that services need no rule of their own in it', () => {
    // THEN
    expect(loadBalancerSecurityGroup(template).SecurityGroupEgress).toEqual([{ CidrIp: '0.0.0.0/0', Description: 'Allow all outbound traffic by default', IpProtocol: '-1' }]);
  });

  test('associates no web ACL', () => {
    // THEN
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });
});

describe('ContainerPlatform accessors', () => {
  test('exposes the listeners, ports, protocol and subnets services attach to', () => {
    // GIVEN / WHEN
    const { platform } = newPlatform();
    // THEN
    expect(platform.productionPort).toBe(80);
    expect(platform.testListenerPort).toBe(9000);
    expect(platform.protocol).toBe(elbv2.ApplicationProtocol.HTTP);
    expect(platform.serviceSubnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    const lb = platform.defaultLoadBalancer;
    expect(lb.loadBalancer.listeners).toEqual([lb.productionListener, lb.testListener]);
    expect(platform.flowLogGroup).toBeDefined();
    expect(platform.removalPolicy).toBe(RemovalPolicy.RETAIN);
  });
});

describe('ContainerPlatform options', () => {
  test('vpc: runs in the given VPC and creates neither a VPC nor flow logs', () => {
    // GIVEN
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'UserVpc', { maxAzs: 2, natGateways: 1 });
    // WHEN
    const { platform } = newPlatform({ vpc }, stack);
    const template = templateOf(stack);
    // THEN
    expect(platform.vpc).toBe(vpc);
    expect(platform.flowLogGroup).toBeUndefined();
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::FlowLog', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Subnets: [{ Ref: Match.stringLikeRegexp('^UserVpcPublicSubnet1') }, { Ref: Match.stringLikeRegexp('^UserVpcPublicSubnet2') }],
    });
    expect(loadBalancerSecurityGroup(template).VpcId).toEqual({ Ref: expect.stringMatching(/^UserVpc/) });
  });

  test('maxAzs: spreads the subnets over that many AZs', () => {
    // GIVEN / WHEN
    const template = platformTemplate({ maxAzs: 3 });
    // THEN
    template.resourceCountIs('AWS::EC2::Subnet', 6);
    expect(subnetsOfType(template, 'Private').map((s) => s.Properties.AvailabilityZone)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });

  test('natGateways: creates that many NAT gateways', () => {
    // GIVEN / WHEN
    const template = platformTemplate({ natGateways: 2 });
    // THEN
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
  });

  test('natGateways 0: isolated private subnets, no NAT, and the VPC endpoints Fargate and the smoke tests need', () => {
    // GIVEN / WHEN
    const { stack, platform } = newPlatform({ natGateways: 0 });
    const template = templateOf(stack);
    // THEN
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    expect(subnetsOfType(template, 'Isolated')).toHaveLength(2);
    expect(subnetsOfType(template, 'Private')).toHaveLength(0);
    expect(platform.serviceSubnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 8);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
    });
    const interfaces = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface', PrivateDnsEnabled: true } }));
    expect(interfaces.map((e: any) => e.Properties.ServiceName).sort()).toEqual(
      ['codedeploy', 'ec2', 'ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'ssm'].map((name) => `com.amazonaws.eu-west-1.${name}`));
  });

  test('vpcCidr: the VPC gets that CIDR block', () => {
    // GIVEN / WHEN
    const template = platformTemplate({ vpcCidr: '10.20.0.0/16' });
    // THEN
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.20.0.0/16' });
  });

  test('internetFacing false: an internal load balancer in the private subnets, open to the VPC CIDR only', () => {
    // GIVEN / WHEN
    const template = platformTemplate({ internetFacing: false });
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      Subnets: [{ Ref: Match.stringLikeRegexp('^PlatformVpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^PlatformVpcPrivateSubnet2') }],
    });
    expect(loadBalancerIngress(template)).toEqual([{
      CidrIp: { 'Fn::GetAtt': [expect.stringMatching(/^PlatformVpc/), 'CidrBlock'] },
      Description: { 'Fn::Join': ['', ['production listener from ', { 'Fn::GetAtt': [expect.stringMatching(/^PlatformVpc/), 'CidrBlock'] }]] },
      FromPort: 80, IpProtocol: 'tcp', ToPort: 80,
    }]);
  });

  describe('with a certificate', () => {
    let template: Template;
    beforeAll(() => {
      // GIVEN an ACM certificate / WHEN the platform gets it
      template = httpsTemplate();
    });

    test('the production listener speaks HTTPS on 443 with the certificate and the TLS13_12_RES_PQ policy', () => {
      // THEN
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: DEFAULTS.httpsPort,
        Protocol: 'HTTPS',
        Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
        SslPolicy: elbv2.SslPolicy.TLS13_12_RES_PQ,
        DefaultActions: NOT_FOUND,
      });
    });

    test('the test listener speaks HTTPS too, with the same certificate and policy', () => {
      // THEN
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: DEFAULTS.testListenerPort,
        Protocol: 'HTTPS',
        Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
        SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
        DefaultActions: NOT_FOUND,
      });
    });

    test('port 80 permanently redirects to HTTPS 443', () => {
      // THEN
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 3);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
      });
    });

    test('opens 443 and the redirect port 80 to the world, and nothing else', () => {
      // THEN
      const ingress = loadBalancerIngress(template).map((r) => `${r.CidrIp ?? r.CidrIpv6}:${r.FromPort}`);
      expect(ingress.sort()).toEqual(['0.0.0.0/0:443', '0.0.0.0/0:80']);
    });
  });

  test('protocol HTTPS is chosen from the certificate', () => {
    // GIVEN
    const stack = newStack();
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
    // WHEN
    const { platform } = newPlatform({ certificate }, stack);
    // THEN
    expect(platform.protocol).toBe(elbv2.ApplicationProtocol.HTTPS);
    expect(platform.productionPort).toBe(443);
  });

  test('sslPolicy: both HTTPS listeners use the given policy', () => {
    // GIVEN / WHEN
    const template = httpsTemplate({ sslPolicy: elbv2.SslPolicy.TLS13_13 });
    // THEN
    const https = template.findResources('AWS::ElasticLoadBalancingV2::Listener', { Properties: { Protocol: 'HTTPS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06' } });
    expect(Object.keys(https)).toHaveLength(2);
  });

  test('allowedCidrs: the production listener admits exactly those blocks', () => {
    // GIVEN / WHEN
    const template = platformTemplate({ allowedCidrs: ['203.0.113.0/24', '198.51.100.0/24'] });
    // THEN
    expect(loadBalancerIngress(template)).toEqual([
      { CidrIp: '203.0.113.0/24', Description: 'production listener from 203.0.113.0/24', FromPort: 80, IpProtocol: 'tcp', ToPort: 80 },
      { CidrIp: '198.51.100.0/24', Description: 'production listener from 198.51.100.0/24', FromPort: 80, IpProtocol: 'tcp', ToPort: 80 },
    ]);
  });

  test('testListenerPort: the test listener uses the given port', () => {
    // GIVEN / WHEN
    const { stack, platform } = newPlatform({ testListenerPort: 9443 });
    const template = templateOf(stack);
    // THEN
    expect(platform.testListenerPort).toBe(9443);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 9443, Protocol: 'HTTP', DefaultActions: NOT_FOUND });
    expect(template.findResources('AWS::ElasticLoadBalancingV2::Listener', { Properties: { Port: 9000 } })).toEqual({});
  });

  test('testListenerAllowedCidrs: the test listener admits exactly those blocks on its port', () => {
    // GIVEN / WHEN
    const template = platformTemplate({ testListenerAllowedCidrs: ['198.51.100.0/24', '192.0.2.0/28'] });
    // THEN
    const onTestPort = loadBalancerIngress(template).filter((r) => r.FromPort === 9000);
    expect(onTestPort).toEqual([
      { CidrIp: '198.51.100.0/24', Description: 'test listener from 198.51.100.0/24', FromPort: 9000, IpProtocol: 'tcp', ToPort: 9000 },
      { CidrIp: '192.0.2.0/28', Description: 'test listener from 192.0.2.0/28', FromPort: 9000, IpProtocol: 'tcp', ToPort: 9000 },
    ]);
  });

  test('accessLogsBucket: access logs go to the given bucket and no bucket is created', () => {
    // GIVEN
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'UserLogs', { encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true });
    // WHEN
    const { platform } = newPlatform({ accessLogsBucket: bucket }, stack);
    const template = templateOf(stack);
    // THEN
    expect(platform.accessLogsBucket).toBe(bucket);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    expect((loadBalancerAttributes(template)['access_logs.s3.bucket'] as any).Ref).toMatch(/^UserLogs/);
  });

  test('webAclArn: associates the web ACL with the load balancer', () => {
    // GIVEN
    const webAclArn = 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/platform/abcd';
    // WHEN
    const template = platformTemplate({ webAclArn });
    // THEN
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: webAclArn,
      ResourceArn: { Ref: Match.stringLikeRegexp('^PlatformLoadBalancer') },
    });
  });

  test('deletionProtection: turns on the load balancer\'s deletion protection', () => {
    // GIVEN / WHEN
    const template = platformTemplate({ deletionProtection: true });
    // THEN
    expect(loadBalancerAttributes(template)['deletion_protection.enabled']).toBe('true');
  });

  test('encryptionKey: encrypts the flow logs and the alarm topic with the given key and creates none', () => {
    // GIVEN
    const stack = newStack();
    const key = new kms.Key(stack, 'UserKey', { enableKeyRotation: true });
    // WHEN
    const { platform } = newPlatform({ encryptionKey: key }, stack);
    const template = templateOf(stack);
    // THEN
    expect(platform.encryptionKey).toBe(key);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UserKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UserKey'), 'Arn'] } });
  });

  test('removalPolicy DESTROY: the flow-log group and the access-log bucket are deleted with the stack, the bucket emptied first', () => {
    // GIVEN / WHEN
    const template = platformTemplate({ removalPolicy: RemovalPolicy.DESTROY });
    // THEN
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    // S3 refuses to delete a bucket that holds objects: aws-cdk-lib's autoDeleteObjects empties it on delete.
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html
    // https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_s3.BucketProps.html#autodeleteobjects
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
  });

  test('removalPolicy DESTROY: each pipeline\'s artifact bucket is emptied before it is deleted', () => {
    // GIVEN
    const { stack, platform } = newPlatform({ removalPolicy: RemovalPolicy.DESTROY });
    // WHEN
    platform.addService('Orders', { routing: Routing.path('/orders/*'), source: Source.codeCommit() });
    // THEN the access-log bucket and the artifact bucket
    templateOf(stack).resourceCountIs('Custom::S3AutoDeleteObjects', 2);
  });

  test('with the default RETAIN nothing is emptied', () => {
    const { stack, platform } = newPlatform();
    platform.addService('Orders', { routing: Routing.path('/orders/*'), source: Source.codeCommit() });
    templateOf(stack).resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });
});

describe('the platform lists its services and workers, however they were built', () => {
  test('addService and a Microservice built directly are each listed once, in order; so are workers', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    // WHEN
    const orders = platform.addService('Orders', { routing: Routing.path('/orders/*') });
    const direct = new Microservice(stack, 'Direct', { platform, routing: Routing.path('/direct/*') });
    const resizer = platform.addWorker('Resizer', { container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37') } });
    const direct2 = new QueueWorker(stack, 'DirectWorker', { platform, container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37') } });
    // THEN
    expect(platform.services).toEqual([orders, direct]);
    expect(platform.workers).toEqual([resizer, direct2]);
  });

  test('a service whose props are invalid is not listed', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    // WHEN
    expect(() => new Microservice(stack, 'Bad', { platform, routing: Routing.path('bad') })).toThrow(/routing/);
    // THEN
    expect(platform.services).toEqual([]);
  });
});
