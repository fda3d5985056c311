import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { PlatformDomain } from '../foundation/domain';

/** Properties of a {@link ContainerPlatform}. */
export interface ContainerPlatformProps {
  /**
   * The name the platform's workloads are named after: the physical names of each workload (its
   * ECS service, alarms, CodeDeploy deployment group, smoke-test settings and the CodeCommit
   * repository its pipeline creates) are `<platformName>-<id>`, unique in the account and
   * region. Two platforms of one stack share the default: give one of them its own name when
   * both have a workload of the same ID. Letters, digits and hyphens, starting with a letter, at
   * most 128 characters. Changing it renames, and so replaces, every workload's named resources.
   * @default - the name of the platform's stack
   */
  readonly platformName?: string;

  /**
   * Publish the platform under `platformName`, so that stacks of this app and other apps import
   * it with `ContainerPlatform.fromName(scope, id, platformName)`: SSM parameters (under
   * `/cdk-container-platform/platform/<platformName>/`) of what their workloads need, and, made
   * now, the parts they use (service provider, deployed-state and smoke-test functions, a
   * CodeDeploy application, a claims function with which every workload claims its name, rule
   * priority and route at deploy). The platform's cluster and CodeDeploy application are named
   * after `platformName` (at most 100 characters), so that a pipeline in another account
   * addresses them by name: decide before the first deployment, since renaming replaces them.
   * One platform per name in an account and Region.
   * @default false
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html
   */
  readonly publish?: boolean;

  /**
   * The VPC to run in. Services run in its private subnets with egress
   * (`serviceSubnets` to choose others) and the load balancer in its public subnets
   * (private subnets when `internetFacing` is false).
   * @default - a new VPC with public and private subnets in `maxAzs` availability zones and VPC flow logs
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Availability zones of the VPC the platform creates (not with `vpc`).
   * An Application Load Balancer needs at least two.
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * The availability zones of the VPC the platform creates, by name, such as
   * `['eu-west-1a', 'eu-west-1b']` (not with `vpc`): at least two (an Application Load Balancer
   * needs two), each once, all of the stack's region. With them, synthesis never asks AWS which
   * zones the account has, so an app synthesizes offline without credentials and without the
   * zones in cdk.json's context. `maxAzs`, if set too, must be their number. When the context
   * does record the account's zones in the region (cdk.context.json after a lookup, or cdk.json),
   * each zone must be one of them.
   * @default - the first `maxAzs` zones of the stack's region, which synthesis looks up (or reads from the
   *   `availability-zones:account=<account>:region=<region>` key of cdk.json's context)
   * @see https://docs.aws.amazon.com/cdk/v2/guide/context.html
   */
  readonly availabilityZones?: string[];

  /**
   * NAT gateways of the VPC the platform creates (not with `vpc`). One is cheapest;
   * one per AZ survives an AZ outage. With 0, the private subnets are isolated and the
   * platform adds the VPC endpoints that Fargate and its smoke tests need (ECR, CloudWatch
   * Logs, Secrets Manager, SSM, S3, CodeDeploy, EC2) instead, and SQS with the first queue
   * worker; tasks then reach nothing else: an image must be in Amazon ECR (synthesis refuses
   * others; an ECR pull through cache copies public ones), and other AWS APIs your code
   * calls need their own endpoints (`platform.vpc.addInterfaceEndpoint`).
   * @default 1
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html
   */
  readonly natGateways?: number;

  /**
   * The IPv4 CIDR block of the VPC the platform creates (not with `vpc`): /16 up to the
   * smallest block that holds a /24 public and a /20 private subnet in each availability zone
   * (/18 for two or three zones).
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
   * Protocol of the production listener. HTTPS needs `certificate` or `domain`; with HTTPS the
   * platform also listens on port 80 and redirects to 443.
   * @default - HTTPS when `certificate` or `domain` is set, HTTP otherwise (for trials only)
   */
  readonly protocol?: elbv2.ApplicationProtocol;

  /**
   * The certificate of the HTTPS listeners (production and test). Leave it out with `domain`,
   * which makes the certificate.
   * @default - the certificate of `domain`; without `domain` the listeners speak HTTP
   */
  readonly certificate?: acm.ICertificate;

  /**
   * The domain to serve, in a Route 53 hosted zone: the platform requests a DNS-validated ACM
   * certificate for the name and its wildcard, serves HTTPS on 443 (port 80 redirects), and
   * creates an alias record to the service's load balancer for every host a service routes
   * (the domain's own name for services routed by path).
   * @default - no DNS records; HTTPS only with `certificate`
   * @see https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
   * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-to-elb-load-balancer.html
   */
  readonly domain?: PlatformDomain;

  /**
   * The TLS policy of the HTTPS listeners (HTTPS only).
   * @default elbv2.SslPolicy.TLS13_12_RES_PQ - TLS 1.3 and 1.2 with forward secrecy and post-quantum key exchange
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
   */
  readonly sslPolicy?: elbv2.SslPolicy;

  /**
   * IPv4 CIDR blocks allowed to reach the production listener (the load balancers have IPv4
   * addresses only).
   * @default - ['0.0.0.0/0'] when internet-facing, the VPC CIDR when internal
   */
  readonly allowedCidrs?: string[];

  /**
   * The port of the test listener that blue/green deployments send test traffic to.
   * @default 9000
   */
  readonly testListenerPort?: number;

  /**
   * IPv4 CIDR blocks allowed to reach the test listener, e.g. your office or VPN. The
   * platform's own smoke tests reach it from inside the VPC whatever this says.
   * @default - none
   */
  readonly testListenerAllowedCidrs?: string[];

  /**
   * Bucket for the load balancer's access logs: in the platform's region, encrypted with
   * S3-managed keys (the only encryption access logs support).
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
   * @default - a new encrypted, SSL-only, versioned bucket that expires logs after 365 days and is retained on delete
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * The ARN of a regional AWS WAF web ACL of the platform's region to protect the load balancer with.
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
   * Put each service and workload added with `addService`, `addWorker`, `addScheduledJob` or
   * `addEventTask` in a nested stack of its own. A service with a
   * pipeline is about 65 resources; a CloudFormation stack holds 500, so without nested stacks
   * a platform stops at a handful of services. Nested stacks take their references to the
   * platform as parameters (no exports that would block later updates). Decide before the
   * first deployment: changing it later replaces every service.
   * @default true
   */
  readonly nestedServiceStacks?: boolean;

  /**
   * What happens to the platform's stateful resources (access-log bucket, flow-log
   * group, log groups and the KMS key it creates) when they are removed from the stack or
   * the stack is deleted. A deleted key waits out KMS's pending window (30 days).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** What `ContainerPlatform.fromName` needs to know at synth of the platform it imports. */
export interface ContainerPlatformImportOptions {
  /**
   * How many of the platform's load balancers to import, the first ones first
   * (`platform.loadBalancers`): a service uses the first unless it names another. The platform
   * must have published at least as many; one it has not fails the deploy with the name of the
   * missing parameter.
   * @default 1
   */
  readonly loadBalancers?: number;
}
