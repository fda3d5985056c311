import { Aspects, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PlatformContext } from '../foundation/platform-context';
import { IContainerPlatform, ISharedLoadBalancer } from '../foundation/platform-contract';
import { PlatformDns } from '../foundation/platform-dns';
import {
  acknowledgeLogBucket, acknowledgeVpc, addFargateEndpoints, allowAlarmsToPublish, encryptedTopic, platformKey, platformLogGroup, secureBucket,
  SERVER_ACCESS_LOGS_PREFIX,
} from '../foundation/platform-resources';
import { SharedLoadBalancer, SharedLoadBalancerProps } from '../foundation/shared-load-balancer';
import { acknowledgeAll, ExplicitActions } from '../private/compliance';
import { DEFAULTS } from '../private/defaults';
import { Problems } from '../private/errors';
import { checkKnownKeys } from '../private/known-keys';
import { Microservice } from '../service/microservice';
import { ServiceOptions } from '../service/options';
import { EventTask } from '../workloads/event-task';
import { EventTaskOptions } from '../workloads/event-task-options';
import { QueueWorker } from '../workloads/queue-worker';
import { QueueWorkerOptions } from '../workloads/queue-worker-options';
import { ScheduledJob } from '../workloads/scheduled-job';
import { ScheduledJobOptions } from '../workloads/scheduled-job-options';
import { checkChildId } from './child-ids';
import { ImportedPlatform } from './imported-platform';
import type { ContainerPlatformImportOptions, ContainerPlatformProps } from './options';
import { PlatformPublication } from './publication';
import { SUBNET_MASKS, validatePlatform, validateSubnets } from './validate-platform';
import { WorkloadStack } from './workload-stack';

/**
 * The shared foundation of a container platform: a VPC, an ECS cluster with Fargate and
 * Fargate Spot capacity providers and Container Insights, and one Application Load Balancer
 * with a production listener and a blue/green test listener that services attach to.
 *
 * Add services with {@link ContainerPlatform.addService}.
 */
export class ContainerPlatform extends Construct implements IContainerPlatform {
  /** The name the platform's workloads are named after (`<platformName>-<id>`): `platformName`, or the stack's name. */
  public readonly platformName: string;
  public readonly vpc: ec2.IVpc;
  public readonly cluster: ecs.ICluster;
  /** The load balancer services use unless they name another (a {@link SharedLoadBalancer}). */
  public readonly defaultLoadBalancer: ISharedLoadBalancer;
  /** The port of the test listeners, which blue/green deployments send test traffic to. */
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
  /** Whether `addService` puts each service in a nested stack of its own. */
  public readonly nestedServiceStacks: boolean;
  /** The key of the platform's log groups and topics. */
  public readonly encryptionKey: kms.IKey;
  /** Every alarm of the platform's services notifies this topic: subscribe to it. */
  public readonly alarmTopic: sns.ITopic;
  /** The certificate of the HTTPS listeners: yours, or the one made for `domain`. */
  public readonly certificate?: acm.ICertificate;
  /** The domain name the platform serves, in lower case (with `domain`). */
  public readonly domainName?: string;
  private readonly loadBalancerSettings: SharedLoadBalancerProps;
  private readonly sharedLoadBalancers: SharedLoadBalancer[] = [];

  constructor(scope: Construct, id: string, props: ContainerPlatformProps = {}) {
    super(scope, id);
    const p = new Problems(this);
    checkKnownKeys(p, props, 'ContainerPlatformProps');
    const protocol = props.protocol ?? (props.certificate || props.domain ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP);
    const productionPort = protocol === elbv2.ApplicationProtocol.HTTPS ? DEFAULTS.httpsPort : DEFAULTS.httpPort;
    const testListenerPort = props.testListenerPort ?? DEFAULTS.testListenerPort;
    validatePlatform(p, this, props, { protocol, productionPort, testListenerPort });
    p.throwIfAny();
    this.platformName = props.platformName ?? Stack.of(this).stackName;
    const dns = props.domain ? new PlatformDns(this, 'Dns', props.domain) : undefined;
    this.domainName = dns?.domainName;
    this.certificate = props.certificate ?? dns?.certificate;

    this.protocol = protocol;
    this.testListenerPort = testListenerPort;
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.nestedServiceStacks = props.nestedServiceStacks ?? true;
    this.encryptionKey = props.encryptionKey ?? platformKey(this, this.removalPolicy);
    this.alarmTopic = encryptedTopic(this, 'AlarmTopic', `Alarms of ${this.node.path}`, this.encryptionKey);
    allowAlarmsToPublish(this.alarmTopic);
    Aspects.of(this).add(new ExplicitActions());

    const natGateways = props.natGateways ?? DEFAULTS.natGateways;
    let isolated = false;
    if (props.vpc) {
      this.vpc = props.vpc;
      this.serviceSubnets = props.serviceSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    } else {
      isolated = natGateways === 0;
      const privateType = isolated ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS;
      // What the VPC adds to the stack itself (aws-cdk-lib's provider that closes the default
      // security group), found by difference rather than by aws-cdk-lib's internal construct ID.
      const stackChildren = new Set(Stack.of(this).node.children);
      const vpc = withZones(Stack.of(this), props.availabilityZones, () => new ec2.Vpc(this, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr(props.vpcCidr ?? DEFAULTS.vpcCidr),
        ...(props.availabilityZones ? { availabilityZones: [...props.availabilityZones] } : { maxAzs: props.maxAzs ?? DEFAULTS.maxAzs }),
        natGateways,
        // Closed whatever the app's feature flags (@aws-cdk/aws-ec2:restrictDefaultSecurityGroup
        // only sets this default): nothing of the platform uses the default group.
        restrictDefaultSecurityGroup: true,
        subnetConfiguration: [
          { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: SUBNET_MASKS.public, mapPublicIpOnLaunch: false },
          { name: 'Private', subnetType: privateType, cidrMask: SUBNET_MASKS.private },
        ],
      }));
      this.flowLogGroup = platformLogGroup(this, this, 'FlowLogs', DEFAULTS.flowLogRetentionDays as logs.RetentionDays);
      vpc.addFlowLog('FlowLog', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
        trafficType: ec2.FlowLogTrafficType.ALL,
      });
      if (isolated) addFargateEndpoints(vpc);
      acknowledgeVpc(vpc, Stack.of(this).node.children.filter((c) => !stackChildren.has(c)));
      this.vpc = vpc;
      this.serviceSubnets = props.serviceSubnets ?? { subnetType: privateType };
      if (props.serviceSubnets) {
        const subnets = new Problems(this);
        validateSubnets(subnets, vpc, { ...props, serviceSubnets: this.serviceSubnets });
        subnets.throwIfAny();
      }
    }

    const publish = props.publish ?? false;
    PlatformContext.register(this, { isolated, dns, published: publish, deletionProtection: props.deletionProtection ?? false });

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      // A published platform's cluster is named after it: a pipeline in another account addresses it by name.
      clusterName: publish ? this.platformName : undefined,
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
    });

    const internetFacing = props.internetFacing ?? true;
    this.accessLogsBucket = props.accessLogsBucket ?? this.createAccessLogsBucket();
    this.loadBalancerSettings = {
      vpc: this.vpc,
      internetFacing,
      subnets: { subnetType: internetFacing ? ec2.SubnetType.PUBLIC : this.serviceSubnets.subnetType },
      protocol,
      certificate: this.certificate,
      sslPolicy: props.sslPolicy,
      allowedCidrs: props.allowedCidrs ?? (internetFacing ? ['0.0.0.0/0'] : [this.vpc.vpcCidrBlock]),
      testListenerPort,
      testListenerAllowedCidrs: props.testListenerAllowedCidrs ?? [],
      accessLogsBucket: this.accessLogsBucket,
      webAclArn: props.webAclArn,
      deletionProtection: props.deletionProtection ?? false,
    };
    this.defaultLoadBalancer = this.addLoadBalancer('LoadBalancer');
    if (publish) new PlatformPublication(this, 'Publication', this);
  }

  /**
   * The platform published under `platformName` (`publish: true`), in the account and Region
   * of `scope`'s stack, for the workloads of this stack: an `IContainerPlatform` whose values
   * are CloudFormation parameters of type `AWS::SSM::Parameter::Value<...>` that CloudFormation
   * resolves when it deploys the stack (nothing is looked up at synth). A name that was never
   * published fails the deploy with CloudFormation's message, which names the parameter. The
   * workloads' roles get the platform's IAM path (`/cdk-container-platform/<platformName>/<region>/`),
   * under which the platform's provider may pass them, and every workload claims its name, rule
   * priority and route on the platform at deploy (`Custom::PlatformClaims`). In the app that
   * builds the platform, import it this way in every other stack too: the stack deploys after
   * the platform's, and no export locks the platform's values.
   * @param scope where the import's parameters go (a construct of the workloads' stack)
   * @param id the import's construct ID
   * @param platformName the name the platform is published under
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html
   */
  public static fromName(scope: Construct, id: string, platformName: string, options: ContainerPlatformImportOptions = {}): IContainerPlatform {
    return ImportedPlatform._create(scope, id, platformName, options);
  }

  /** Every load balancer of the platform, the first one first (each a {@link SharedLoadBalancer}). */
  public get loadBalancers(): ISharedLoadBalancer[] {
    return [...this.sharedLoadBalancers];
  }

  /**
   * Adds another shared load balancer with the platform's settings, for services that do not
   * fit on the others (an ALB has at most 100 target groups, 100 rules over all its listeners
   * and 1,000 targets, so about 50 blue/green services). Pass it as a service's `loadBalancer`.
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
   * @param id a construct ID such as 'LoadBalancer2' (a public contract)
   */
  public addLoadBalancer(id: string): SharedLoadBalancer {
    let free = this.sharedLoadBalancers.length + 1;
    while (this.node.tryFindChild(`LoadBalancer${free}`)) free++;
    checkChildId(this, id, id, { kind: 'load balancer', others: 'load balancer', fix: `use another ID, such as 'LoadBalancer${free}'` });
    const lb = SharedLoadBalancer._create(this, id, this.loadBalancerSettings);
    this.sharedLoadBalancers.push(lb);
    PlatformContext.of(this).loadBalancerAdded(lb);
    return lb;
  }

  /**
   * Adds a microservice to the platform: its ECR repository, task definition, Fargate
   * service, routing on the shared load balancer, scaling, alarms, dashboard and, with
   * a `source`, its delivery pipeline.
   *
   * @param id the service's name, also its construct ID (a public contract: changing it replaces the service).
   *   With `nestedServiceStacks` the service lives in the nested stack `<id>Stack`.
   */
  public addService(id: string, options: ServiceOptions): Microservice {
    return new Microservice(this.workloadScope(id, 'service'), id, { ...options, platform: this });
  }

  /**
   * Adds a queue worker: a service without a load balancer that consumes an SQS queue and
   * scales on its backlog. Like services, it lives in its own nested stack `<id>Stack`.
   */
  public addWorker(id: string, options: QueueWorkerOptions = {}): QueueWorker {
    return new QueueWorker(this.workloadScope(id, 'worker'), id, { ...options, platform: this });
  }

  /** Adds a task that runs on a schedule, in its own nested stack `<id>Stack`. */
  public addScheduledJob(id: string, options: ScheduledJobOptions): ScheduledJob {
    return new ScheduledJob(this.workloadScope(id, 'scheduled job'), id, { ...options, platform: this });
  }

  /** Adds a task that an event starts (such as an upload to a bucket), in its own nested stack `<id>Stack`. */
  public addEventTask(id: string, options: EventTaskOptions): EventTask {
    return new EventTask(this.workloadScope(id, 'event task'), id, { ...options, platform: this });
  }

  /** The queue workers of the platform (added with {@link addWorker} or built on it), in the order they were built. */
  public get workers(): QueueWorker[] {
    return PlatformContext.of(this).workloads.filter((w): w is QueueWorker => w instanceof QueueWorker);
  }

  private workloadScope(id: string, kind: string): Construct {
    checkChildId(this, id, this.nestedServiceStacks ? `${id}Stack` : id,
      { kind, others: 'workload', fix: 'give each service, worker, job and event task its own ID' });
    return this.nestedServiceStacks
      ? new WorkloadStack(this, `${id}Stack`, { description: `cdk-container-platform ${kind} ${id} of ${this.node.path}` })
      : this;
  }

  /** The services of the platform (added with {@link addService} or built on it), in the order they were built. */
  public get services(): Microservice[] {
    return PlatformContext.of(this).workloads.filter((w): w is Microservice => w instanceof Microservice);
  }

  /** The port of the production listeners. */
  public get productionPort(): number {
    return this.defaultLoadBalancer.productionPort;
  }

  private createAccessLogsBucket(): s3.Bucket {
    // ALB access logs support only S3-managed encryption (SSE-S3), what every bucket of the platform has.
    const bucket = secureBucket(this, 'AccessLogs', {
      expiration: Duration.days(DEFAULTS.accessLogsExpirationDays),
      removalPolicy: this.removalPolicy,
    });
    // One statement lets S3 deliver the server access logs of every bucket of this account
    // under s3/, however many services the platform has (one statement per bucket would
    // outgrow the 20 KB bucket-policy limit).
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`${SERVER_ACCESS_LOGS_PREFIX}*`)],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
    }));
    acknowledgeAll(bucket, ['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled', 's3_bucket_logging_enabled_check'],
      'This bucket is where the platform\'s access logs go; logging its own access would log into itself.');
    acknowledgeAll(bucket, ['NIST.800.53.R5-S3DefaultEncryptionKMS', 's3_bucket_default_encryption_kms_check'],
      'Load balancer access logs can only be delivered to buckets encrypted with S3-managed keys (SSE-S3).');
    acknowledgeLogBucket(bucket);
    return bucket;
  }
}

/**
 * Builds the VPC with the zones given, without asking AWS for the region's. aws-cdk-lib's Vpc
 * reads `stack.availabilityZones` even when it is given zones (to check them against the
 * region's), and for a stack with an account and region that read is a context lookup: without
 * the zones in cdk.json, `cdk synth` then needs credentials. While the VPC is built, the stack
 * answers the given zones (which the platform has checked), and nothing else changes.
 */
function withZones<T>(stack: Stack, zones: string[] | undefined, build: () => T): T {
  if (!zones) return build();
  Object.defineProperty(stack, 'availabilityZones', { value: [...zones], configurable: true });
  try {
    return build();
  } finally {
    delete (stack as { availabilityZones?: string[] }).availabilityZones;
  }
}
