import { ArnFormat, Aspects, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { isCidr, isIpv4Cidr } from './cidr';
import { RouteRegistry } from './route-registry';
import { DEFAULTS } from '../private/defaults';
import { acknowledge, acknowledgeAll, ExplicitActions } from '../private/compliance';
import { Problems } from '../private/errors';
import { Microservice, ServiceOptions } from '../service/microservice';

/** Properties of a {@link ContainerPlatform}. */
export interface ContainerPlatformProps {
  /**
   * The VPC to run in. Services run in its private subnets with egress
   * (`serviceSubnets` to choose others) and the load balancer in its public subnets
   * (private subnets when `internetFacing` is false).
   * @default - a new VPC with public and private subnets in `maxAzs` availability zones and VPC flow logs
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Availability zones of the VPC the platform creates (ignored with `vpc`).
   * An Application Load Balancer needs at least two.
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * NAT gateways of the VPC the platform creates (ignored with `vpc`). One is cheapest;
   * one per AZ survives an AZ outage. With 0, the private subnets are isolated and the
   * platform adds the VPC endpoints that Fargate needs (ECR, CloudWatch Logs, Secrets
   * Manager, SSM, S3) instead.
   * @default 1
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html
   */
  readonly natGateways?: number;

  /**
   * The IPv4 CIDR block of the VPC the platform creates (ignored with `vpc`).
   * @default '10.0.0.0/16'
   */
  readonly vpcCidr?: string;

  /**
   * Subnets the services' tasks run in.
   * @default - the private subnets of the VPC
   */
  readonly serviceSubnets?: ec2.SubnetSelection;

  /**
   * Whether the load balancer is reachable from the internet.
   * @default true
   */
  readonly internetFacing?: boolean;

  /**
   * Protocol of the production listener. HTTPS needs `certificate`; with HTTPS the
   * platform also listens on port 80 and redirects to 443.
   * @default - HTTPS when `certificate` is set, HTTP otherwise
   */
  readonly protocol?: elbv2.ApplicationProtocol;

  /**
   * The certificate of the HTTPS listeners (production and test).
   * @default - no certificate: the listeners speak HTTP
   */
  readonly certificate?: acm.ICertificate;

  /**
   * The TLS policy of the HTTPS listeners.
   * @default elbv2.SslPolicy.TLS13_12_RES_PQ - TLS 1.3 and 1.2 with forward secrecy and post-quantum key exchange
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
   */
  readonly sslPolicy?: elbv2.SslPolicy;

  /**
   * CIDR blocks allowed to reach the production listener.
   * @default - ['0.0.0.0/0', '::/0'] when internet-facing, the VPC CIDR when internal
   */
  readonly allowedCidrs?: string[];

  /**
   * The port of the test listener that blue/green deployments send test traffic to.
   * @default 9000
   */
  readonly testListenerPort?: number;

  /**
   * CIDR blocks allowed to reach the test listener, e.g. your office or VPN. The
   * platform's own smoke tests reach it from inside the VPC whatever this says.
   * @default - none
   */
  readonly testListenerAllowedCidrs?: string[];

  /**
   * Bucket for the load balancer's access logs.
   * @default - a new encrypted, SSL-only, versioned bucket that expires logs after 365 days and is retained on delete
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * The ARN of an AWS WAF web ACL to protect the load balancer with.
   * @default - no web ACL
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-chapter.html
   */
  readonly webAclArn?: string;

  /**
   * Protect the load balancer from deletion. It holds no data, and protection makes
   * `cdk destroy` fail until it is turned off again.
   * @default false
   */
  readonly deletionProtection?: boolean;

  /**
   * The KMS key that encrypts the platform's log groups and notification topics.
   * @default - a new key with rotation, retained on delete
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the platform's stateful resources (access-log bucket, flow-log
   * group) when they are removed from the stack or the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The shared foundation of a container platform: a VPC, an ECS cluster with Fargate and
 * Fargate Spot capacity providers and Container Insights, and one Application Load Balancer
 * with a production listener and a blue/green test listener that services attach to.
 *
 * Add services with {@link ContainerPlatform.addService}.
 */
export class ContainerPlatform extends Construct {
  public readonly vpc: ec2.IVpc;
  public readonly cluster: ecs.Cluster;
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The security group of the load balancer. */
  public readonly loadBalancerSecurityGroup: ec2.SecurityGroup;
  /** The production listener (HTTP 80, or HTTPS 443 with a certificate). */
  public readonly productionListener: elbv2.ApplicationListener;
  /** The listener that blue/green deployments route test traffic through. */
  public readonly testListener: elbv2.ApplicationListener;
  public readonly testListenerPort: number;
  /** The listener protocol of both the production and the test listener. */
  public readonly protocol: elbv2.ApplicationProtocol;
  /** Where the services' tasks run. */
  public readonly serviceSubnets: ec2.SubnetSelection;
  /** The access-log bucket of the load balancer. */
  public readonly accessLogsBucket: s3.IBucket;
  /** The log group of the VPC flow logs (undefined when the VPC was passed in). */
  public readonly flowLogGroup?: logs.ILogGroup;
  public readonly removalPolicy: RemovalPolicy;
  /** The key of the platform's log groups and topics. */
  public readonly encryptionKey: kms.IKey;
  /** Every alarm of the platform's services notifies this topic: subscribe to it. */
  public readonly alarmTopic: sns.Topic;

  /** @internal */
  public readonly _routes: RouteRegistry;
  private readonly pipelineRepositories = new Map<string, Construct>();
  private readonly services: Microservice[] = [];

  constructor(scope: Construct, id: string, props: ContainerPlatformProps = {}) {
    super(scope, id);
    const protocol = props.protocol ?? (props.certificate ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP);
    const productionPort = protocol === elbv2.ApplicationProtocol.HTTPS ? DEFAULTS.httpsPort : DEFAULTS.httpPort;
    const testListenerPort = props.testListenerPort ?? DEFAULTS.testListenerPort;
    this.validate(props, protocol, productionPort, testListenerPort);

    this.protocol = protocol;
    this.testListenerPort = testListenerPort;
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this._routes = new RouteRegistry(this);
    this.encryptionKey = props.encryptionKey ?? platformKey(this);
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Alarms of ${this.node.path}`,
      enforceSSL: true,
      masterKey: this.encryptionKey,
    });
    Aspects.of(this).add(new ExplicitActions());

    const natGateways = props.natGateways ?? DEFAULTS.natGateways;
    if (props.vpc) {
      this.vpc = props.vpc;
      this.serviceSubnets = props.serviceSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    } else {
      const isolated = natGateways === 0;
      const privateType = isolated ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS;
      const vpc = new ec2.Vpc(this, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr(props.vpcCidr ?? DEFAULTS.vpcCidr),
        maxAzs: props.maxAzs ?? DEFAULTS.maxAzs,
        natGateways,
        subnetConfiguration: [
          { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
          { name: 'Private', subnetType: privateType, cidrMask: 20 },
        ],
      });
      this.flowLogGroup = this._newLogGroup(this, 'FlowLogs');
      vpc.addFlowLog('FlowLog', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
        trafficType: ec2.FlowLogTrafficType.ALL,
      });
      if (isolated) addFargateEndpoints(vpc);
      acknowledgeVpc(vpc);
      this.vpc = vpc;
      this.serviceSubnets = props.serviceSubnets ?? { subnetType: privateType };
    }

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
    });

    const internetFacing = props.internetFacing ?? true;
    this.loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: this.vpc,
      description: `Load balancer of ${this.node.path}`,
      allowAllOutbound: false,
    });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      internetFacing,
      securityGroup: this.loadBalancerSecurityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? false,
      idleTimeout: Duration.seconds(DEFAULTS.idleTimeoutSeconds),
      vpcSubnets: { subnetType: internetFacing ? ec2.SubnetType.PUBLIC : this.serviceSubnets.subnetType },
    });
    this.accessLogsBucket = props.accessLogsBucket ?? this.createAccessLogsBucket();
    this.loadBalancer.logAccessLogs(this.accessLogsBucket, 'alb');
    if (props.webAclArn) {
      new wafv2.CfnWebACLAssociation(this, 'WebAcl', { resourceArn: this.loadBalancer.loadBalancerArn, webAclArn: props.webAclArn });
    } else {
      acknowledge(this.loadBalancer, 'NIST.800.53.R5-ALBWAFEnabled', 'No web ACL was given (webAclArn); WAF rules are specific to each application and billed per rule.');
    }
    if (!(props.deletionProtection ?? false)) {
      acknowledgeAll(this.loadBalancer, ['NIST.800.53.R5-ELBDeletionProtectionEnabled', 'elbv2_deletion_protection_enabled_check'],
        'The load balancer holds no data and is recreated by the stack; protection would block cdk destroy. Opt in with deletionProtection: true.');
    }

    const notFound = elbv2.ListenerAction.fixedResponse(404, {
      contentType: 'text/plain',
      messageBody: 'No service on this platform matches the request.',
    });
    const certificates = props.certificate ? [elbv2.ListenerCertificate.fromCertificateManager(props.certificate)] : undefined;
    const sslPolicy = protocol === elbv2.ApplicationProtocol.HTTPS ? (props.sslPolicy ?? elbv2.SslPolicy.TLS13_12_RES_PQ) : undefined;
    this.productionListener = this.loadBalancer.addListener('ProductionListener', {
      protocol,
      port: productionPort,
      certificates,
      sslPolicy,
      open: false,
      defaultAction: notFound,
    });
    this.testListener = this.loadBalancer.addListener('TestListener', {
      protocol,
      port: testListenerPort,
      certificates,
      sslPolicy,
      open: false,
      defaultAction: notFound,
    });

    const allowed = props.allowedCidrs ?? (internetFacing ? ['0.0.0.0/0', '::/0'] : [this.vpc.vpcCidrBlock]);
    for (const cidr of allowed) this.allowIngress(cidr, productionPort, 'production listener');
    if (protocol === elbv2.ApplicationProtocol.HTTPS) {
      this.loadBalancer.addListener('HttpRedirectListener', {
        protocol: elbv2.ApplicationProtocol.HTTP,
        port: DEFAULTS.httpPort,
        open: false,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: String(DEFAULTS.httpsPort), permanent: true }),
      });
      for (const cidr of allowed) this.allowIngress(cidr, DEFAULTS.httpPort, 'redirect to HTTPS');
    }
    for (const cidr of props.testListenerAllowedCidrs ?? []) this.allowIngress(cidr, testListenerPort, 'test listener');
    if (allowed.some((c) => c === '0.0.0.0/0' || c === '::/0')) {
      acknowledge(this.loadBalancerSecurityGroup, 'AwsSolutions-EC23',
        'The production listener of an internet-facing load balancer is public by design; restrict it with allowedCidrs.');
    }
    if (protocol === elbv2.ApplicationProtocol.HTTP) {
      for (const listener of [this.productionListener, this.testListener]) {
        acknowledgeAll(listener, ['NIST.800.53.R5-ALBHttpToHttpsRedirection', 'NIST.800.53.R5-ELBv2ACMCertificateRequired', 'alb_http_to_https_redirection_check'],
          'No certificate was given, so the platform serves HTTP; pass `certificate` for HTTPS with a redirect from port 80.');
      }
    }
  }

  /**
   * @internal a log group encrypted with the platform's key, with the platform's retention and removal policy.
   */
  public _newLogGroup(scope: Construct, id: string, retention?: logs.RetentionDays): logs.LogGroup {
    return new logs.LogGroup(scope, id, {
      retention: retention ?? (DEFAULTS.logRetentionDays as logs.RetentionDays),
      encryptionKey: this.encryptionKey,
      removalPolicy: this.removalPolicy,
    });
  }

  /**
   * Adds a microservice to the platform: its ECR repository, task definition, Fargate
   * service, routing on the shared load balancer, scaling, alarms, dashboard and, with
   * a `source`, its delivery pipeline.
   *
   * @param id the service's name, also its construct ID (a public contract: changing it replaces the service)
   */
  public addService(id: string, options: ServiceOptions): Microservice {
    const service = new Microservice(this, id, { ...options, platform: this });
    this.services.push(service);
    return service;
  }

  /**
   * @internal the cluster's Service Connect namespace, created for the first service that joins.
   */
  public _serviceConnectNamespace(): void {
    if (this.cluster.defaultCloudMapNamespace) return;
    this.cluster.addDefaultCloudMapNamespace({
      name: `${this.node.id}.${Stack.of(this).stackName}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-'),
      type: servicediscovery.NamespaceType.HTTP,
      useForServiceConnect: true,
    });
  }

  /**
   * @internal records that `owner`'s pipeline pushes to `repository`; returns the earlier owner, if any.
   */
  public _claimRepository(repository: ecr.IRepository, owner: Construct): Construct | undefined {
    const key = Token.isUnresolved(repository.repositoryName) ? repository.node.path : repository.repositoryName;
    const earlier = this.pipelineRepositories.get(key);
    if (!earlier) this.pipelineRepositories.set(key, owner);
    return earlier;
  }

  /** The services added with {@link addService}, in the order they were added. */
  public get serviceList(): Microservice[] {
    return [...this.services];
  }

  /** The port of the production listener. */
  public get productionPort(): number {
    return this.protocol === elbv2.ApplicationProtocol.HTTPS ? DEFAULTS.httpsPort : DEFAULTS.httpPort;
  }

  private allowIngress(cidr: string, port: number, what: string): void {
    const peer = cidr.includes(':') ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr);
    this.loadBalancerSecurityGroup.addIngressRule(peer, ec2.Port.tcp(port), `${what} from ${cidr}`);
  }

  private createAccessLogsBucket(): s3.Bucket {
    const bucket = new s3.Bucket(this, 'AccessLogs', {
      // ALB access logs support only S3-managed encryption (SSE-S3).
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{
        expiration: Duration.days(DEFAULTS.accessLogsExpirationDays),
        noncurrentVersionExpiration: Duration.days(1),
      }],
      removalPolicy: this.removalPolicy,
    });
    acknowledgeAll(bucket, ['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled', 's3_bucket_logging_enabled_check'],
      'This bucket is where the platform\'s access logs go; logging its own access would log into itself.');
    acknowledgeAll(bucket, ['NIST.800.53.R5-S3DefaultEncryptionKMS', 's3_bucket_default_encryption_kms_check'],
      'Load balancer access logs can only be delivered to buckets encrypted with S3-managed keys (SSE-S3).');
    acknowledgeLogBucket(bucket);
    return bucket;
  }

  private validate(props: ContainerPlatformProps, protocol: elbv2.ApplicationProtocol, productionPort: number, testPort: number): void {
    const p = new Problems(this);
    const https = protocol === elbv2.ApplicationProtocol.HTTPS;
    p.require(!(https && !props.certificate), 'certificate', undefined,
      'a certificate whenever protocol is HTTPS', 'pass `certificate` (an ACM certificate for your domain) or set protocol to HTTP');
    p.require(!(!https && props.certificate), 'protocol', protocol,
      'HTTPS when a certificate is set', 'remove `protocol` (HTTPS is then chosen) or remove `certificate`');
    p.intRange('testListenerPort', props.testListenerPort, 1, 65535);
    const region = Stack.of(this).region;
    p.require(!Token.isUnresolved(region), 'stack env.region', region,
      'a stack with an explicit region (the load balancer\'s access-log bucket policy names the region\'s log-delivery principal)',
      `create the stack with env: { account, region }; offline synthesis also needs the region's availability zones in cdk.json context`);
    const reserved: number[] = https ? [DEFAULTS.httpsPort, DEFAULTS.httpPort] : [DEFAULTS.httpPort];
    if (!Token.isUnresolved(testPort) && reserved.includes(testPort)) {
      p.add('testListenerPort', testPort, `a port other than the production port ${productionPort}${https ? ' and the redirect port 80' : ''}`,
        `choose a free port such as ${DEFAULTS.testListenerPort}`);
    }
    if (props.vpc) {
      for (const prop of ['maxAzs', 'natGateways', 'vpcCidr'] as const) {
        p.require(props[prop] === undefined, prop, props[prop], 'nothing when `vpc` is passed (the VPC is yours)',
          `remove \`${prop}\`, or remove \`vpc\` to let the platform create one`);
      }
    }
    p.intRange('maxAzs', props.maxAzs, 2, 6, 'an Application Load Balancer needs 2 AZs; regions have at most 6');
    const azs = props.maxAzs ?? DEFAULTS.maxAzs;
    p.intRange('natGateways', props.natGateways, 0, azs, `use 0 (VPC endpoints instead), 1 (cheapest) or up to one per AZ (${azs})`);
    if (props.vpcCidr !== undefined && !Token.isUnresolved(props.vpcCidr)) {
      const prefix = Number(props.vpcCidr.split('/')[1]);
      p.require(isIpv4Cidr(props.vpcCidr) && prefix >= 16 && prefix <= 24, 'vpcCidr', props.vpcCidr,
        'an IPv4 CIDR block with a prefix from /16 to /24', "use a private range such as '10.0.0.0/16'");
    }
    for (const [prop, list] of [['allowedCidrs', props.allowedCidrs], ['testListenerAllowedCidrs', props.testListenerAllowedCidrs]] as const) {
      (list ?? []).forEach((cidr, i) => p.require(isCidr(cidr), `${prop}[${i}]`, cidr,
        "an IPv4 or IPv6 CIDR block such as '203.0.113.0/24' or '2001:db8::/32'", 'write the address with its prefix length'));
    }
    p.throwIfAny();
  }
}

/** The findings every log or artifact bucket of the platform shares, and why they do not apply. */
export function acknowledgeLogBucket(bucket: s3.Bucket): void {
  acknowledge(bucket, 'NIST.800.53.R5-S3BucketReplicationEnabled', 'Logs and build artifacts are not replicated to a second region: they are regenerated or expire.');
  acknowledge(bucket, 's3_event_notifications_enabled_check', 'Nothing consumes events of objects written by AWS services here.');
  acknowledge(bucket, 's3_bucket_object_lock_enabled_check', 'Object lock would keep objects past their lifecycle expiry; versioning protects against overwrites.');
}

/** The VPC's public subnets route to the internet gateway by design (load balancer, NAT). */
function acknowledgeVpc(vpc: ec2.Vpc): void {
  for (const subnet of vpc.publicSubnets) {
    acknowledge(subnet, 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', 'A public subnet: it holds the internet-facing load balancer and the NAT gateway.');
  }
  const provider = Stack.of(vpc).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
  if (provider) {
    acknowledge(provider, 'lambda_inside_vpc_check', 'aws-cdk-lib\'s provider that removes the rules of the default security group; it only calls the EC2 API.');
  }
}

/** The platform's KMS key: rotated, retained, usable by CloudWatch Logs and by the services that publish to its topics. */
function platformKey(platform: Construct): kms.Key {
  const stack = Stack.of(platform);
  const key = new kms.Key(platform, 'Key', {
    description: `Encrypts the log groups and topics of ${platform.node.path}`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
    resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) } },
  }));
  for (const service of ['codestar-notifications.amazonaws.com', 'events.amazonaws.com', 'cloudwatch.amazonaws.com']) {
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(service)],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
    }));
  }
  // Grants only for AWS services acting on AWS resources (Control Tower CT.KMS.PR.3).
  key.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}

function addFargateEndpoints(vpc: ec2.Vpc): void {
  const subnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [subnets] });
  const endpoints: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
    EcrApiEndpoint: ec2.InterfaceVpcEndpointAwsService.ECR,
    EcrDockerEndpoint: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
    LogsEndpoint: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    SecretsManagerEndpoint: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    SsmEndpoint: ec2.InterfaceVpcEndpointAwsService.SSM,
  };
  for (const [id, service] of Object.entries(endpoints)) {
    vpc.addInterfaceEndpoint(id, { service, subnets, privateDnsEnabled: true });
  }
}
