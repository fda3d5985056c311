import { Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Capacity } from '../core/capacity';
import { ContainerOptions } from '../core/options';
import { joinPlatform } from '../core/platform-membership';
import { addStorage } from '../core/storage';
import { buildWorkloadCore } from '../core/workload-core';
import { routeClaims } from '../deployment/claims/claims';
import { renderAppSpec } from '../deployment/codedeploy/appspec';
import { BlueGreenDeployment } from '../deployment/codedeploy/blue-green-deployment';
import { Deployment } from '../deployment/policy/deployment';
import { BlueGreenService } from '../deployment/provider/blue-green-service';
import { SmokeTest } from '../deployment/smoke-test/smoke-test';
import { strategyFor } from '../deployment/strategies';
import type { BlueGreenRoute } from '../foundation/blue-green-route';
import { PlatformNetworkLoadBalancer } from '../foundation/network-load-balancer';
import { PlatformContext } from '../foundation/platform-context';
import { IContainerPlatform, ISharedLoadBalancer, requirePlatform } from '../foundation/platform-contract';
import { Routing } from '../foundation/routing';
import { SharedLoadBalancer } from '../foundation/shared-load-balancer';
import { ServiceAlarms } from '../observability/service-alarms';
import { ServiceDashboard } from '../observability/service-dashboard';
import { ServicePipeline } from '../pipeline/service-pipeline';
import { acknowledge, acknowledgeAll, acknowledgeVpcCidrIngress, admitsAnyAddress } from '../private/compliance';
import { CONTAINER_NAME } from '../private/constants';
import { DEFAULTS } from '../private/defaults';
import { Problems } from '../private/errors';
import { checkKnownKeys } from '../private/known-keys';
import { NAME_LIMITS } from '../private/name-limits';
import { platformScopedName } from '../private/naming';
import { fit } from '../private/text';
import { HealthOptions, MicroserviceProps, ScalingOptions } from './options';
import { blueGreenTaskCount, configureScaling } from './scaling';
import { claimServicePlaces, validateService } from './validate-service';




/**
 * A production-grade Fargate service on a {@link ContainerPlatform}: ECR repository, task
 * definition, service in private subnets, routing on the shared load balancer (with a
 * test-listener rule and a second target group for blue/green), auto scaling, alarms on
 * every target group, a dashboard, and optionally its delivery pipeline.
 */
export class Microservice extends Construct {
  /**
   * The name the service's resources carry (its ECS service's, its alarms' as a prefix, and, when
   * it has them, its CodeDeploy deployment group's, its smoke test's settings parameter's and its
   * pipeline's, such as the CodeCommit repository a CodeCommit source creates), from the
   * platform's stack name and the ID (at most 255 characters): unique in the account and region.
   */
  public readonly workloadName: string;
  /**
   * The ECR repository of the service's image: yours, or one the service created. None with a fixed
   * `container.image`: nothing pushes to a repository then.
   */
  public readonly repository?: ecr.IRepository;
  /** The task definition of the service's tasks. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The service's container. */
  public readonly container: ecs.ContainerDefinition;
  /** Where the container logs go, encrypted with the platform's key. */
  public readonly logGroup: logs.ILogGroup;
  /**
   * The ECS service. For `Deployment.blueGreen()` it is the service that `blueGreenService`
   * owns, referenced by name; otherwise `ecsService`.
   */
  public readonly service: ecs.IBaseService;
  /**
   * The Fargate service of a rolling or ECS-native blue/green service. Its resource is a
   * `Custom::EcsService` of the platform's service provider (same properties and attributes as
   * an `AWS::ECS::Service`), so that `cdk deploy` and its rollbacks never revert what the
   * pipeline deployed nor the count auto scaling set.
   */
  public readonly ecsService?: ecs.FargateService;
  /** The `Custom::BlueGreenService` that owns the ECS service of a CodeDeploy blue/green service. */
  public readonly blueGreenService?: BlueGreenService;
  /** The EFS file system of the service's `storage`: the platform's, or yours. */
  public readonly fileSystem?: efs.IFileSystem;
  /** The service's own access point on `fileSystem`, through which its tasks mount `storage`. */
  public readonly accessPoint?: efs.AccessPoint;
  /** The security group of the service's tasks: the load balancer reaches them on the container port. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The target group on the Application Load Balancer that receives production traffic first (blue); none for a TCP service. */
  public readonly targetGroup?: elbv2.ApplicationTargetGroup;
  /** The second target group of a blue/green service (green). */
  public readonly greenTargetGroup?: elbv2.ApplicationTargetGroup;
  /** Every target group of the service on the Application Load Balancer: blue, then green (none for a TCP service). */
  public readonly targetGroups: elbv2.ApplicationTargetGroup[];
  /** The rule on the production listener that routes to the service; none for a TCP service. */
  public readonly productionRule?: elbv2.ApplicationListenerRule;
  /** The rule on the test listener (blue/green only). */
  public readonly testRule?: elbv2.ApplicationListenerRule;
  /** The listener-rule priority of the service; none for a TCP service. */
  public readonly rulePriority?: number;
  /** The target group of a TCP service (`Routing.tcp`) on the platform's Network Load Balancer (blue, for a blue/green one). */
  public readonly networkTargetGroup?: elbv2.NetworkTargetGroup;
  /** The second target group of a blue/green TCP service (green), which its test listener forwards to. */
  public readonly greenNetworkTargetGroup?: elbv2.NetworkTargetGroup;
  /** The listener of a TCP service (`Routing.tcp`): TCP, or TLS with `tls`. */
  public readonly networkListener?: elbv2.NetworkListener;
  /** The test listener of a blue/green TCP service, on `Routing.tcp`'s `testPort`: the smoke test reaches green there. */
  public readonly networkTestListener?: elbv2.NetworkListener;
  /** The platform's Network Load Balancer, for a TCP service (`Routing.tcp`). */
  public readonly networkLoadBalancer?: elbv2.NetworkLoadBalancer;
  /** The service's auto scaling (target tracking on CPU, and what `scaling` adds). */
  public readonly scaling: ecs.ScalableTaskCount;
  /** The service's alarms: 5xx, unhealthy hosts and latency on every target group, CPU and memory. */
  public readonly alarms: ServiceAlarms;
  /** The service's dashboard of its golden signals and alarms. */
  public readonly dashboard: ServiceDashboard;
  /** The deployment policy of the service. */
  public readonly deployment: Deployment;
  /** The CodeDeploy side of a BLUE_GREEN service. */
  public readonly blueGreen?: BlueGreenDeployment;
  /** The delivery pipeline, when the service has a `source`. */
  public readonly pipeline?: ServicePipeline;
  /** The smoke test of a blue/green service, unless disabled. */
  public readonly smokeTest?: SmokeTest;
  /** The port the container listens on and the target groups send traffic to. */
  public readonly containerPort: number;
  /** The fewest tasks auto scaling keeps. */
  public readonly minTasks: number;
  /** The platform the service runs on. */
  public readonly platform: IContainerPlatform;
  /** The Application Load Balancer the service is routed through (its `loadBalancer` prop, or the platform's default); none for a TCP service. */
  public readonly loadBalancer?: ISharedLoadBalancer;
  /** How the load balancer routes requests to the service. */
  public readonly routing: Routing;
  /** The path the load balancer checks with HTTP; none for a TCP service checked with TCP. */
  public readonly healthCheckPath?: string;
  /** Where the tasks run: on-demand Fargate and/or Fargate Spot. */
  public readonly capacityStrategies: ecs.CapacityProviderStrategy[];

  constructor(scope: Construct, id: string, props: MicroserviceProps) {
    super(scope, id);
    requirePlatform(this, props?.platform);
    const p = new Problems(this);
    checkKnownKeys(p, props, 'MicroserviceProps');
    const { platform } = props;
    this.platform = platform;
    const tcp = props.routing?.tcpPort !== undefined;
    const lb = props.loadBalancer ?? platform.defaultLoadBalancer;
    this.loadBalancer = tcp ? undefined : lb;
    this.routing = props.routing;
    const container = props.container ?? {};
    this.healthCheckPath = tcp ? props.routing.tcpOptions?.httpHealthCheckPath : container.healthCheckPath ?? DEFAULTS.healthCheckPath;
    this.capacityStrategies = (props.capacity ?? Capacity.onDemand()).strategies;
    this.deployment = props.deployment ?? Deployment.rolling();
    this.containerPort = container.port ?? DEFAULTS.containerPort;
    const minTasks = props.scaling?.minTasks ?? DEFAULTS.minTasks;
    this.minTasks = minTasks;
    const maxTasks = props.scaling?.maxTasks ?? DEFAULTS.maxTasks;

    const strategy = strategyFor(this.deployment);
    validateService(p, id, props, strategy, this.containerPort, minTasks, maxTasks);
    const rulePriority = claimServicePlaces(p, this, id, props,
      { strategy, deployment: this.deployment, loadBalancer: lb, maxTasks: mostTasks(props.scaling, maxTasks) });
    p.throwIfAny();
    const context = PlatformContext.of(platform);
    context.addWorkload(this);
    if (!tcp && lb instanceof SharedLoadBalancer) context.dns?._addRecords(this, lb.loadBalancer, props.routing);

    this.workloadName = platformScopedName(platform.platformName, id, NAME_LIMITS.serviceName.max);
    // Who owns the image: with `container.image` the stack does; otherwise whatever the
    // pipeline (or your CI) deployed, which `cdk deploy` reads back and never reverts.
    const core = buildWorkloadCore(this, {
      platform,
      container,
      repository: props.promotion ? { repository: props.promotion._repository(this) } : props.repository,
      port: this.containerPort,
      service: { serviceName: this.workloadName, desiredCount: props.desiredCount ?? minTasks },
      enableExec: props.enableExec,
      sidecars: props.sidecars,
      tracing: props.tracing,
      logging: props.logging,
    });
    this.repository = core.repository;
    this.taskDefinition = core.taskDefinition;
    this.container = core.container;
    this.logGroup = core.logGroup;
    const state = core.deployedState;
    const initialDesiredCount = core.initialDesiredCount;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: platform.vpc,
      description: fit(`Tasks of ${this.node.path}`, 255),
      allowAllOutbound: true,
    });
    const nlb = tcp ? PlatformNetworkLoadBalancer.of(platform, props.routing.tcpOptions?.internetFacing === true) : undefined;
    this.securityGroup.addIngressRule(nlb?.securityGroup ?? lb.securityGroup, ec2.Port.tcp(this.containerPort), 'from the load balancer');
    if (props.storage) {
      const storage = addStorage(this, platform, props.storage, this.workloadName, this.taskDefinition, this.container, this.securityGroup);
      this.fileSystem = storage.fileSystem;
      this.accessPoint = storage.accessPoint;
    }

    const gracePeriod = props.health?.gracePeriod ?? DEFAULTS.healthCheckGracePeriod;

    // Routing: blue on the production listener; green (blue/green only) on the test listener.
    // A TCP service: listeners of its own on the Network Load Balancer (production, and test for blue/green).
    let route: BlueGreenRoute | undefined;
    if (nlb) {
      this.networkLoadBalancer = nlb.loadBalancer;
      this.networkTargetGroup = this.newNetworkTargetGroup('NetworkTargetGroup', props.routing, props.health);
      this.networkListener = addNetworkListener(this, nlb, props.routing, this.networkTargetGroup);
      nlb.serviceNames.push(id);
      this.targetGroups = [];
      const testPort = props.routing.tcpOptions?.testPort;
      if (strategy.twoTargetGroups && testPort !== undefined) {
        // Green: the same target group settings, on a test listener of its own that only the
        // smoke test may reach (its security-group rules come with the smoke test's settings).
        this.greenNetworkTargetGroup = this.newNetworkTargetGroup('GreenNetworkTargetGroup', props.routing, props.health);
        this.networkTestListener = newNetworkListener(this, 'TestListener', nlb, props.routing, testPort, this.greenNetworkTargetGroup);
        // CodeDeploy and ECS point the listeners' default actions at blue or green on every
        // deployment; the listeners follow what is live, so a template change never reverts that.
        const live = state.followListeners({
          loadBalancer: nlb.loadBalancer,
          productionListener: this.networkListener,
          productionPort: props.routing.tcpPort!,
          testListener: this.networkTestListener,
          blueTargetGroup: this.networkTargetGroup,
          greenTargetGroup: this.greenNetworkTargetGroup,
        });
        defaultForwardByArn(this.networkListener, live.productionTargetGroupArn);
        defaultForwardByArn(this.networkTestListener, live.testTargetGroupArn);
        route = { kind: 'network', blue: this.networkTargetGroup, green: this.greenNetworkTargetGroup,
          productionListener: this.networkListener, testListener: this.networkTestListener };
      }
    } else {
      this.rulePriority = rulePriority;
      this.targetGroup = this.newTargetGroup('TargetGroup', container, props.health);
      this.greenTargetGroup = strategy.twoTargetGroups ? this.newTargetGroup('GreenTargetGroup', container, props.health) : undefined;
      this.targetGroups = this.greenTargetGroup ? [this.targetGroup, this.greenTargetGroup] : [this.targetGroup];
      const conditions = routingConditions(props.routing);
      this.productionRule = new elbv2.ApplicationListenerRule(this, 'ProductionRule', {
        listener: lb.productionListener,
        priority: rulePriority,
        conditions,
        action: elbv2.ListenerAction.forward([this.targetGroup]),
      });
      if (this.greenTargetGroup) {
        this.testRule = new elbv2.ApplicationListenerRule(this, 'TestRule', {
          listener: lb.testListener,
          priority: rulePriority,
          conditions,
          action: elbv2.ListenerAction.forward([this.greenTargetGroup]),
        });
        // CodeDeploy and ECS move the production rule to the other target group on every
        // deployment; the rules follow what is live, so a template change never reverts that.
        const live = state.followRules({ productionRule: this.productionRule, testRule: this.testRule, blueTargetGroup: this.targetGroup,
          greenTargetGroup: this.greenTargetGroup });
        forwardByArn(this.productionRule, live.productionTargetGroupArn);
        forwardByArn(this.testRule, live.testTargetGroupArn);
        route = { kind: 'application', blue: this.targetGroup, green: this.greenTargetGroup, productionListener: lb.productionListener,
          testListener: lb.testListener, productionRule: this.productionRule, testRule: this.testRule };
      }
    }

    const created = strategy.createService({
      scope: this,
      platform,
      serviceName: this.workloadName,
      taskDefinition: this.taskDefinition,
      containerName: CONTAINER_NAME,
      containerPort: this.containerPort,
      securityGroup: this.securityGroup,
      capacityStrategies: this.capacityStrategies,
      targetGroup: this.networkTargetGroup ?? this.targetGroup!,
      productionRule: this.productionRule,
      route,
      gracePeriod,
      deregistrationDelay: props.health?.deregistrationDelay,
      serviceConnect: props.serviceConnect ?? false,
      state,
      initialDesiredCount,
      minTasks: fewestTasks(props.scaling, minTasks),
      pipelineOwnsImage: !container.image,
      enableExec: props.enableExec ?? false,
    });
    this.service = created.service;
    this.ecsService = created.ecsService;
    this.blueGreenService = created.blueGreenService;

    const taskCount = this.ecsService?.autoScaleTaskCount({ minCapacity: minTasks, maxCapacity: maxTasks })
      ?? blueGreenTaskCount(this.service, minTasks, maxTasks);
    this.scaling = configureScaling({
      targetGroups: this.targetGroups,
      loadBalancerFullName: () => lb.loadBalancerFullName,
      clusterName: platform.cluster.clusterName,
      metricServiceName: this._metricServiceName,
    }, taskCount, props.scaling);
    this.alarms = new ServiceAlarms(this, 'Alarms', {
      cpuUtilization: this.metricCpuUtilization({ period: DEFAULTS.alarmPeriod }),
      memoryUtilization: this.metricMemoryUtilization({ period: DEFAULTS.alarmPeriod }),
      targetGroups: this.targetGroups,
      loadBalancerFullName: tcp ? undefined : lb.loadBalancerFullName,
      networkTargetGroups: this.networkTargetGroups,
      options: props.alarms,
      topic: platform.alarmTopic,
      // Literal names (the platform's stack name and the service's ID, unique in the Region):
      // the ECS service's deployment alarms then name them without a reference.
      alarmNamePrefix: this.workloadName,
    });
    this.dashboard = ServiceDashboard._create(this, 'Dashboard', {
      targetGroups: this.targetGroups,
      loadBalancerFullName: tcp ? undefined : lb.loadBalancerFullName,
      networkTargetGroups: this.networkTargetGroups ?? [],
      cpuUtilization: (o) => this.metricCpuUtilization(o),
      memoryUtilization: (o) => this.metricMemoryUtilization(o),
      alarms: this.alarms.all,
    });

    const bound = strategy.bind({
      scope: this,
      platform,
      serviceName: this.workloadName,
      sharedLoadBalancer: this.loadBalancer,
      routing: this.routing,
      healthCheckPath: this.healthCheckPath,
      networkLoadBalancer: nlb,
      route,
      alarms: this.alarms,
      deploymentAlarms: this.alarms.deploymentAlarms,
      taskRole: this.taskRole,
      executionRole: this.executionRole,
    });
    this.blueGreen = bound.blueGreen;
    this.smokeTest = bound.smokeTest;
    if (props.source) {
      this.pipeline = ServicePipeline._create(this, 'Pipeline', props.source, props.pipeline ?? {}, {
        platform,
        id,
        serviceName: this.workloadName,
        repository: this.repository!, // a source means no fixed image, so there is a repository
        taskDefinition: this.taskDefinition,
        containerName: this.container.containerName,
        containerPort: this.containerPort,
        capacityStrategies: this.capacityStrategies,
        minTasks,
        deploy: bound.pipelineDeploy,
      });
    }
    if (props.promotion) {
      const deploy = bound.pipelineDeploy;
      props.promotion._bind({
        scope: this,
        platform,
        workloadName: this.workloadName,
        clusterName: platform.platformName,
        taskDefinition: this.taskDefinition,
        containerName: this.container.containerName,
        minTasks,
        codeDeploy: deploy.writesDeployFiles,
        appSpec: deploy.writesDeployFiles ? renderAppSpec({
          taskDefinition: '<TASK_DEFINITION>',
          containerName: this.container.containerName,
          containerPort: this.containerPort,
          capacity: this.capacityStrategies.map((s) => ({ capacityProvider: s.capacityProvider, base: s.base ?? 0, weight: s.weight ?? 0 })),
          hooks: deploy.hooks.map((h) => ({ event: h.lifecycleEvent, functionArn: h.functionArn })),
        }) : undefined,
      });
    }
    // A TCP service claims its name only: its listener port is on the platform's Network Load
    // Balancer, which only the platform's own app uses (checked at synth there).
    const claims = this.productionRule && this.rulePriority !== undefined ? routeClaims(platform, lb, this.routing, this.rulePriority) : [];
    const dependents = [this.productionRule, this.testRule, this.blueGreenService ?? this.ecsService].filter((c) => c !== undefined);
    joinPlatform(this, platform, this.workloadName, claims, dependents, props.promotion !== undefined);
  }

  /** Lets the task read or write your resources: pass it to `grant*` methods (e.g. `bucket.grantRead(service.taskRole)`). */
  public get taskRole(): iam.IRole {
    return this.taskDefinition.taskRole;
  }

  /** The execution role that pulls the image and reads the secrets. */
  public get executionRole(): iam.IRole {
    return this.taskDefinition.obtainExecutionRole();
  }

  /** The average CPU utilization of the service's tasks (AWS/ECS, by cluster and service name). */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricEcs('CPUUtilization', props);
  }

  /** The average memory utilization of the service's tasks (AWS/ECS, by cluster and service name). */
  public metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricEcs('MemoryUtilization', props);
  }

  /** The service's target groups on the Network Load Balancer: blue, then green (none for a service on the Application Load Balancer). */
  private get networkTargetGroups(): elbv2.NetworkTargetGroup[] | undefined {
    if (!this.networkTargetGroup) return undefined;
    return this.greenNetworkTargetGroup ? [this.networkTargetGroup, this.greenNetworkTargetGroup] : [this.networkTargetGroup];
  }

  /** @internal the ServiceName dimension of the service's metrics: the name itself, unless the stack creates the service. */
  public get _metricServiceName(): string {
    return this.ecsService?.serviceName ?? this.workloadName;
  }

  private metricEcs(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ECS',
      metricName,
      dimensionsMap: { ClusterName: this.platform.cluster.clusterName, ServiceName: this._metricServiceName },
      statistic: cloudwatch.Stats.AVERAGE,
      ...props,
    });
  }

  /**
   * The target group of a TCP service: TCP to the container port, checked with TCP (a task is
   * healthy when it accepts a connection) or with HTTP on `httpHealthCheckPath`.
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html
   */
  private newNetworkTargetGroup(id: string, routing: Routing, health: HealthOptions | undefined): elbv2.NetworkTargetGroup {
    const path = routing.tcpOptions?.httpHealthCheckPath;
    const tg = new elbv2.NetworkTargetGroup(this, id, {
      vpc: this.platform.vpc,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.Protocol.TCP,
      port: this.containerPort,
      deregistrationDelay: health?.deregistrationDelay ?? DEFAULTS.deregistrationDelay,
      healthCheck: {
        protocol: path ? elbv2.Protocol.HTTP : elbv2.Protocol.TCP,
        path,
        healthyHttpCodes: path ? '200-399' : undefined,
        interval: health?.interval?.isUnresolved() ? DEFAULTS.healthCheckInterval : health?.interval ?? DEFAULTS.healthCheckInterval,
        timeout: health?.timeout?.isUnresolved() ? DEFAULTS.healthCheckTimeout : health?.timeout ?? DEFAULTS.healthCheckTimeout,
        healthyThresholdCount: health?.healthyThresholdCount ?? DEFAULTS.healthyThresholdCount,
        unhealthyThresholdCount: health?.unhealthyThresholdCount ?? DEFAULTS.unhealthyThresholdCount,
      },
    });
    const cfn = tg.node.defaultChild as elbv2.CfnTargetGroup;
    if (health?.interval?.isUnresolved()) cfn.healthCheckIntervalSeconds = health.interval.toSeconds();
    if (health?.timeout?.isUnresolved()) cfn.healthCheckTimeoutSeconds = health.timeout.toSeconds();
    return tg;
  }

  private newTargetGroup(id: string, container: ContainerOptions, health: HealthOptions | undefined): elbv2.ApplicationTargetGroup {
    const tg = new elbv2.ApplicationTargetGroup(this, id, {
      vpc: this.platform.vpc,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: this.containerPort,
      deregistrationDelay: health?.deregistrationDelay ?? DEFAULTS.deregistrationDelay,
      healthCheck: {
        path: container.healthCheckPath ?? DEFAULTS.healthCheckPath,
        // aws-cdk-lib compares interval and timeout in milliseconds, which a token in seconds
        // cannot give: it gets the defaults, and the template the tokens (below).
        interval: health?.interval?.isUnresolved() ? DEFAULTS.healthCheckInterval : health?.interval ?? DEFAULTS.healthCheckInterval,
        timeout: health?.timeout?.isUnresolved() ? DEFAULTS.healthCheckTimeout : health?.timeout ?? DEFAULTS.healthCheckTimeout,
        healthyThresholdCount: health?.healthyThresholdCount ?? DEFAULTS.healthyThresholdCount,
        unhealthyThresholdCount: health?.unhealthyThresholdCount ?? DEFAULTS.unhealthyThresholdCount,
        healthyHttpCodes: '200-399',
      },
    });
    const cfn = tg.node.defaultChild as elbv2.CfnTargetGroup;
    if (health?.interval?.isUnresolved()) cfn.healthCheckIntervalSeconds = health.interval.toSeconds();
    if (health?.timeout?.isUnresolved()) cfn.healthCheckTimeoutSeconds = health.timeout.toSeconds();
    return tg;
  }
}

/**
 * The listener of a TCP service on the platform's Network Load Balancer, a child of the service:
 * TCP, or TLS with the service's certificate (the load balancer ends TLS and sends TCP to the
 * tasks); open to the allowed CIDR blocks on its port only: by default the VPC's on the internal
 * load balancer, any IPv4 address on the internet-facing one (which has IPv4 addresses only).
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/create-tls-listener.html
 */
function addNetworkListener(service: Microservice, nlb: PlatformNetworkLoadBalancer, routing: Routing,
  targetGroup: elbv2.NetworkTargetGroup): elbv2.NetworkListener {
  const port = routing.tcpPort!;
  const listener = newNetworkListener(service, 'Listener', nlb, routing, port, targetGroup);
  const cidrs = routing.tcpOptions?.allowedCidrs ?? (nlb.internetFacing ? ['0.0.0.0/0'] : [service.platform.vpc.vpcCidrBlock]);
  if (routing.tcpOptions?.allowedCidrs === undefined && !nlb.internetFacing) {
    acknowledgeVpcCidrIngress(nlb.securityGroup, 'The internal Network Load Balancer');
  }
  if (nlb.internetFacing && admitsAnyAddress(cidrs)) {
    acknowledgeAll(nlb.securityGroup, ['AwsSolutions-EC23', 'vpc_sg_open_only_to_authorized_ports_check'],
      'A listener of the internet-facing Network Load Balancer is open to any address by design (Routing.tcp with internetFacing); restrict it with Routing.tcp(port, { allowedCidrs }).');
  }
  for (const cidr of cidrs) {
    const peer = cidr.includes(':') ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr);
    nlb.admit(service, peer, port, `${service.node.id} (TCP ${port}) from ${cidr}`);
  }
  return listener;
}

/** A listener of a TCP service on `port`: TCP, or TLS with the service's certificate and policy. */
function newNetworkListener(service: Microservice, id: string, nlb: PlatformNetworkLoadBalancer, routing: Routing, port: number,
  targetGroup: elbv2.NetworkTargetGroup): elbv2.NetworkListener {
  const tls = routing.tcpOptions?.tls;
  const listener = new elbv2.NetworkListener(service, id, {
    loadBalancer: nlb.loadBalancer,
    port,
    protocol: tls ? elbv2.Protocol.TLS : elbv2.Protocol.TCP,
    certificates: tls ? [elbv2.ListenerCertificate.fromCertificateManager(tls.certificate)] : undefined,
    sslPolicy: tls ? (tls.sslPolicy ?? elbv2.SslPolicy.TLS13_12_RES_PQ) : undefined,
    defaultAction: elbv2.NetworkListenerAction.forward([targetGroup]),
  });
  if (!tls) {
    acknowledge(listener, 'NIST.800.53.R5-ELBv2ACMCertificateRequired',
      'A TCP listener passes the bytes through unchanged: the protocol is the service\'s own (TLS end to end, if any). Pass Routing.tcp(port, { tls: { certificate } }) to end TLS at the load balancer.');
  }
  return listener;
}

/** The listener forwards by default to one target group, given by ARN (a token of the deployed state). */
function defaultForwardByArn(listener: elbv2.NetworkListener, targetGroupArn: string): void {
  (listener.node.defaultChild as elbv2.CfnListener).defaultActions = [{ type: 'forward', targetGroupArn }];
}

/** The rule forwards to one target group, given by ARN (a token of the deployed state). */
function forwardByArn(rule: elbv2.ApplicationListenerRule, targetGroupArn: string): void {
  (rule.node.defaultChild as elbv2.CfnListenerRule).actions = [{ type: 'forward', targetGroupArn }];
}

function routingConditions(routing: Routing): elbv2.ListenerCondition[] {
  const conditions: elbv2.ListenerCondition[] = [];
  if (routing.hosts.length > 0) conditions.push(elbv2.ListenerCondition.hostHeaders(routing.hosts));
  if (routing.paths.length > 0) conditions.push(elbv2.ListenerCondition.pathPatterns(routing.paths));
  return conditions;
}

/** The task counts the scaling schedules set (their minimum and maximum), known at synth. */
function scheduledCounts(scaling: ScalingOptions | undefined): number[] {
  return (scaling?.schedules ?? []).flatMap((s) => [s.minTasks, s.maxTasks])
    .filter((n): n is number => typeof n === 'number' && !Token.isUnresolved(n));
}

/**
 * The fewest tasks the service may run: `scaling.minTasks`, or fewer when a schedule allows
 * fewer (its minimum, or a maximum below it): the rolling update must progress at that count too.
 */
function fewestTasks(scaling: ScalingOptions | undefined, minTasks: number): number {
  return Math.min(minTasks, ...scheduledCounts(scaling));
}

/**
 * The most tasks the service may run: `scaling.maxTasks`, or more when a schedule allows more:
 * the load balancer must hold that many targets (at the deployment's maximum percent).
 */
function mostTasks(scaling: ScalingOptions | undefined, maxTasks: number): number {
  return Token.isUnresolved(maxTasks) ? maxTasks : Math.max(maxTasks, ...scheduledCounts(scaling));
}
