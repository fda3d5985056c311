import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { validateCapacity } from '../core/validate-capacity';
import { validateContainer, validateExec } from '../core/validate-container';
import { validateTaskContents } from '../core/validate-task';
import { validateOwnRepository, validatePromotion, validateRepositoryOptions, validateSourceImage, validateWorkloadId } from '../core/validate-workload';
import { Deployment, DeploymentKind } from '../deployment/policy/deployment';
import { TrafficShiftKind } from '../deployment/policy/traffic-shift';
import type { ServiceStrategy } from '../deployment/strategies/strategy';
import { validateTcpRouting } from '../foundation/network-room';
import { PlatformContext } from '../foundation/platform-context';
import type { ISharedLoadBalancer } from '../foundation/platform-contract';
import { validateRouting } from '../foundation/route-registry';
import { SharedLoadBalancer } from '../foundation/shared-load-balancer';
import { AlarmOptions } from '../observability/service-alarms';
import { validatePipeline } from '../pipeline/validate-pipeline';
import { Problems } from '../private/errors';
import { NAME_LIMITS } from '../private/name-limits';
import type { MicroserviceProps } from './options';
import { HealthOptions } from './options';
import { validateServiceScaling } from './validate-scaling';

/** Checks every prop of a service that can be judged at synth; records the problems in `p`. */
export function validateService(p: Problems, id: string, props: MicroserviceProps, strategy: ServiceStrategy, port: number, minTasks: number,
  maxTasks: number): void {
  const serviceName = `${props.platform.platformName}-${id}`;
  if ((props.source || strategy.namesDeploymentGroup) && !Token.isUnresolved(serviceName)) {
    p.require(serviceName.length <= NAME_LIMITS.deliveryName.max, 'id', id,
      `a platform name and service id that together ('${serviceName}') stay within ${NAME_LIMITS.deliveryName.max} characters, the limit of the CodeDeploy deployment group and CodeCommit repository named after the service`,
      'shorten the service id, or the platform name (the stack name unless `platformName` is set)');
  }
  const refusal = strategy.serviceConnectRefusal;
  if (props.serviceConnect && refusal) p.add('deployment', refusal.value, refusal.allowed, refusal.fix);
  validateWorkloadId(p, id, 'it names the service, and target groups allow 32 characters', 'Orders');
  validateContainer(p, props.container ?? {});
  validateExec(p, props);
  validateTaskContents(p, props, { appPort: port, enableExec: props.enableExec ?? false });
  p.intRange('container.port', port, 1, 65535);
  const lb = props.loadBalancer ?? props.platform.defaultLoadBalancer;
  const tcp = props.routing?.tcpPort !== undefined;
  if (tcp) validateTcpService(p, props, strategy);
  else {
    p.require(props.platform.loadBalancers.includes(lb), 'loadBalancer', lb.node.path,
      `a load balancer of ${props.platform.node.path} (platform.loadBalancers)`, 'pass platform.defaultLoadBalancer or one made with platform.addLoadBalancer(id)');
  }
  validateServiceScaling(p, props.scaling ?? {}, minTasks, maxTasks, props.desiredCount);
  if (props.desiredCount !== undefined && !props.container?.image) {
    p.warn('desired-count-ignored', 'desiredCount applies only with container.image: a service that runs the image of its '
      + 'repository starts with 0 tasks and scales to scaling.minTasks when its first image is deployed. Remove desiredCount, or set container.image.');
  }
  validateCapacity(p, props.capacity, props.container?.cpuArchitecture);
  validateAlarms(p, props.alarms ?? {});
  validateHealth(p, props.health ?? {});
  validatePipeline(p, props.source, props.pipeline);
  validateSourceImage(p, props, 'service');
  validateRepositoryOptions(p, props.repository, props.container?.image);
  strategy.validate(p, { routing: props.routing, gracePeriod: props.health?.gracePeriod, deregistrationDelay: props.health?.deregistrationDelay });
}

/** What a service takes of its platform and load balancer besides its props. */
export interface ServicePlaces {
  readonly strategy: ServiceStrategy;
  readonly deployment: Deployment;
  readonly loadBalancer: ISharedLoadBalancer;
  readonly maxTasks: number;
}

/**
 * Claims what a service takes of its platform and load balancer, recording every claim that
 * fails with the call's other problems: its name, its route and rule priority (returned), its
 * DNS names, its room on the load balancer (target groups, rules, targets), its Service Connect
 * name and the repository its pipeline pushes to.
 */
export function claimServicePlaces(p: Problems, owner: Construct, id: string, props: MicroserviceProps, places: ServicePlaces): number {
  const lb = places.loadBalancer;
  const context = PlatformContext.of(props.platform);
  const tcp = props.routing?.tcpPort !== undefined;
  let rulePriority = 0;
  if (tcp && context.imported) {
    p.add('routing', `tcp ${props.routing.tcpPort}`, 'an HTTP route with a platform imported by name (the platform\'s Network Load Balancer is not published)',
      'add the TCP service in the platform\'s own app, or route it by path or host');
    context.claimWorkload(p, owner, id);
  } else if (tcp) {
    // A TCP service takes a listener port of the platform's Network Load Balancer, and a target
    // for every task it can run at once (scaling.maxTasks at the deployment's maximum percent).
    validateTcpRouting(p, 'routing', props.routing, props.platform);
    context.claimWorkload(p, owner, id);
    const maxTargets = Token.isUnresolved(places.maxTasks) ? places.maxTasks : Math.ceil(places.maxTasks * places.deployment.maxHealthyPercent / 100);
    context.roomOfNetworkLoadBalancer(props.routing.tcpOptions?.internetFacing === true).reserve(p, owner, 'routing', props.routing, maxTargets);
  } else {
    if (props.routing) validateRouting(p, 'routing', props.routing);
    context.claimWorkload(p, owner, id);
    if (props.routing && lb instanceof SharedLoadBalancer) context.dns?._validate(p, 'routing', props.routing, lb.loadBalancer);
    const room = context.roomOf(lb);
    rulePriority = props.routing ? room.routes.register(p, owner, 'routing', props.routing) : 0;
    room.reserve(p, owner, { twoTargetGroups: places.strategy.twoTargetGroups, maxHealthyPercent: places.deployment.maxHealthyPercent }, places.maxTasks);
  }
  if (props.serviceConnect) {
    // Service Connect names are lower case and unique in the namespace.
    // @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html
    const other = context.claimDiscoveryName(id.toLowerCase(), owner);
    p.require(other === undefined, 'id', id,
      `an ID whose lower case (${id.toLowerCase()}) no other Service Connect service of the platform has (Service Connect names are lower case; ${other?.node.path} has it)`,
      'rename one of the services');
  }
  validateOwnRepository(p, owner, props, 'service');
  validatePromotion(p, owner, props, props.promotion);
  return rulePriority;
}

/**
 * What a TCP service (`Routing.tcp`) cannot have: the props of the Application Load Balancer's
 * path (its `loadBalancer`, an HTTP health-check path given as for HTTP services, 5xx and latency
 * alarms, request-count scaling), and what its blue/green deployment cannot have (see validateTcpBlueGreen).
 */
function validateTcpService(p: Problems, props: MicroserviceProps, strategy: ServiceStrategy): void {
  const port = props.routing.tcpPort;
  if (props.loadBalancer !== undefined) {
    p.add('loadBalancer', props.loadBalancer.node?.path ?? props.loadBalancer, 'no loadBalancer with Routing.tcp (a TCP service listens on the platform\'s Network Load Balancer; `loadBalancer` names an Application Load Balancer)',
      'remove loadBalancer, or route the service by path or host for the Application Load Balancer');
  }
  if (props.container?.healthCheckPath !== undefined) {
    p.add('container.healthCheckPath', props.container.healthCheckPath,
      'no container.healthCheckPath with Routing.tcp: the Network Load Balancer checks a TCP service by opening a connection to the container port',
      `remove container.healthCheckPath; for an HTTP check on the Network Load Balancer use Routing.tcp(${port}, { httpHealthCheckPath: '${props.container.healthCheckPath}' })`);
  }
  validateTcpBlueGreen(p, props, strategy);
  const a = props.alarms ?? {};
  for (const key of ['http5xxPerMinute', 'p99Latency'] as const) {
    if (a[key] === undefined) continue;
    p.add(`alarms.${key}`, key === 'p99Latency' ? a.p99Latency?.toHumanString() : a.http5xxPerMinute,
      `no alarms.${key} with Routing.tcp (a Network Load Balancer reports no HTTP codes nor response times of a TCP target group)`,
      `remove alarms.${key}: a TCP service alarms on unhealthy targets, CPU and memory`);
  }
  if (props.scaling?.requestsPerTarget !== undefined) {
    p.add('scaling.requestsPerTarget', props.scaling.requestsPerTarget,
      'no scaling.requestsPerTarget with Routing.tcp (request-count scaling is for Application Load Balancer target groups)',
      'remove scaling.requestsPerTarget and scale on cpuPercent, memoryPercent or steps');
  }
}

/**
 * A blue/green deployment of a TCP service: its test listener's port (`Routing.tcp(port, { testPort })`,
 * required with blue/green, refused without), the traffic shifts AWS supports on a Network Load
 * Balancer, and a smoke test that can only connect when the service has no HTTP health-check path.
 */
function validateTcpBlueGreen(p: Problems, props: MicroserviceProps, strategy: ServiceStrategy): void {
  const port = props.routing.tcpPort!;
  const o = props.routing.tcpOptions ?? {};
  const kind = props.deployment?.kind;
  const suggested = Token.isUnresolved(port) || port + 10000 > 65535 ? 15432 : port + 10000;
  if (strategy.twoTargetGroups && o.testPort === undefined) {
    p.add('routing.testPort', undefined,
      `a test listener port with ${kind === DeploymentKind.BLUE_GREEN ? 'Deployment.blueGreen()' : 'Deployment.ecsBlueGreen()'}: the new tasks (green) are `
        + 'reached there, by the smoke test, before production traffic moves to them',
      `pass Routing.tcp(${Token.isUnresolved(port) ? 'port' : port}, { testPort: ${suggested} }) with a port no other listener of the platform's Network Load Balancer uses`);
  }
  if (!strategy.twoTargetGroups && o.testPort !== undefined) {
    p.add('routing.testPort', o.testPort, 'no testPort with a rolling deployment (only a blue/green deployment has a test listener)',
      'remove testPort, or deploy with Deployment.blueGreen() or Deployment.ecsBlueGreen()');
  }
  const options = props.deployment?.blueGreenOptions ?? {};
  const traffic = options.traffic;
  if (kind === DeploymentKind.BLUE_GREEN && traffic && traffic.kind !== TrafficShiftKind.ALL_AT_ONCE) {
    // "If you're using a Network Load Balancer, only the predefined CodeDeployDefault.ECSAllAtOnce
    // deployment configuration is supported."
    // @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html
    p.add('deployment.traffic', `TrafficShift.${traffic.kind === TrafficShiftKind.CANARY ? 'canary' : 'linear'}(${traffic.percent}, ${traffic.interval.toHumanString()})`,
      'TrafficShift.allAtOnce() with Routing.tcp: CodeDeploy shifts the traffic of a Network Load Balancer all at once only (CodeDeployDefault.ECSAllAtOnce)',
      'remove traffic (all at once is the default), or use Deployment.ecsBlueGreen() with the same traffic, which shifts a Network Load Balancer\'s traffic by weight');
  }
  const smoke = options.smokeTest;
  if (strategy.twoTargetGroups && smoke && smoke.enabled !== false && o.httpHealthCheckPath === undefined) {
    for (const key of ['path', 'expectedStatusCodes'] as const) {
      if (smoke[key] === undefined) continue;
      p.add(`deployment.smokeTest.${key}`, smoke[key],
        `no smokeTest.${key} for a TCP service without httpHealthCheckPath: its smoke test opens a connection to the test listener (a TLS handshake with tls), it sends no HTTP request`,
        `remove smokeTest.${key}, or give the service an HTTP health check with Routing.tcp(${Token.isUnresolved(port) ? 'port' : port}, { httpHealthCheckPath: '/health' }) for an HTTP GET`);
    }
  }
}

/**
 * Alarm thresholds. A one-minute alarm evaluates at most a day of periods.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
function validateAlarms(p: Problems, a: AlarmOptions): void {
  if (a.http5xxPerMinute !== undefined && !Token.isUnresolved(a.http5xxPerMinute)) {
    p.require(a.http5xxPerMinute >= 1, 'alarms.http5xxPerMinute', a.http5xxPerMinute,
      'a number of at least 1 (the alarm fires at this many 5xx responses a minute, so 0 or less fires always)', 'raise the threshold');
  }
  if (a.p99Latency && !a.p99Latency.isUnresolved()) {
    const ms = a.p99Latency.toMilliseconds({ integral: false });
    p.require(ms > 0, 'alarms.p99Latency', `${ms} ms`, 'more than 0 ms', 'use a duration such as Duration.seconds(2)');
  }
  for (const key of ['cpuPercent', 'memoryPercent'] as const) p.intRange(`alarms.${key}`, a[key], 1, 100);
  p.intRange('alarms.evaluationPeriods', a.evaluationPeriods, 1, 1440,
    'use at most 1440 one-minute periods (CloudWatch evaluates at most one day of them)');
}

/**
 * Target-group health checks, draining and the ECS grace period.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html (healthCheckGracePeriodSeconds)
 */
function validateHealth(p: Problems, h: HealthOptions): void {
  p.intRange('health.healthyThresholdCount', h.healthyThresholdCount, 2, 10);
  p.intRange('health.unhealthyThresholdCount', h.unhealthyThresholdCount, 2, 10);
  p.seconds('health.interval', h.interval, 5, 300);
  p.seconds('health.timeout', h.timeout, 2, 120);
  p.seconds('health.deregistrationDelay', h.deregistrationDelay, 0, 3600);
  p.seconds('health.gracePeriod', h.gracePeriod, 0, 2147483647);
  if (h.interval && h.timeout && !h.interval.isUnresolved() && !h.timeout.isUnresolved()) {
    const interval = h.interval.toSeconds({ integral: false });
    const timeout = h.timeout.toSeconds({ integral: false });
    p.require(timeout < interval, 'health.timeout', `${timeout} seconds`, `less than health.interval (${interval} seconds)`, 'shorten the timeout or lengthen the interval');
  }
}
