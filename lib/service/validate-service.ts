import { Duration, Stack, Token } from 'aws-cdk-lib';
import { AlarmOptions, HealthOptions } from './options';
import { validateServiceScaling } from './validate-scaling';
import { validateCodeDeployTiming } from '../deployment/blue-green-timing';
import { BlueGreenOptions, Deployment, DeploymentKind, HookEvent } from '../deployment/deployment';
import { validateSmokeTest } from '../deployment/smoke-test-settings';
import { validateCapacity } from '../core/validate-capacity';
import { validateContainer } from '../core/validate-container';
import { validateRepositoryOptions, validateSourceImage, validateWorkloadId } from '../core/validate-workload';
import type { MicroserviceProps } from './microservice';
import { validatePipeline } from '../pipeline/validate-pipeline';
import { DEFAULTS } from '../private/defaults';
import { Problems } from '../private/errors';

/** CodeDeploy deployment groups and CodeCommit repositories take the service's name: at most 100 characters. */
const MAX_DELIVERY_NAME_LENGTH = 100;
/** CloudFormation's limit on the bake times of an ECS canary or linear deployment: 33 hours. */
const MAX_ECS_DEPLOYMENT_MINUTES = 33 * 60;

/** Checks every prop of a service that can be judged at synth; records the problems in `p`. */
export function validateService(p: Problems, id: string, props: MicroserviceProps, port: number, minTasks: number, maxTasks: number): void {
  const serviceName = `${Stack.of(props.platform).stackName}-${id}`;
  if ((props.source || props.deployment?.kind === DeploymentKind.BLUE_GREEN) && !Token.isUnresolved(serviceName)) {
    p.require(serviceName.length <= MAX_DELIVERY_NAME_LENGTH, 'id', id,
      `a stack name and service id that together ('${serviceName}') stay within ${MAX_DELIVERY_NAME_LENGTH} characters, the limit of the CodeDeploy deployment group and CodeCommit repository named after the service`,
      'shorten the service id or the stack name');
  }
  p.require(props.routing !== undefined, 'routing', props.routing,
    'a Routing: a service sits behind the shared load balancer, which blue/green deployments need for their traffic shift',
    "add routing: Routing.path('/orders/*'); for a service without a load balancer use a QueueWorker");
  if (props.serviceConnect && props.deployment?.kind === DeploymentKind.BLUE_GREEN) {
    p.add('deployment', 'Deployment.blueGreen()', 'the ECS deployment controller for a service using Service Connect (CodeDeploy cannot deploy it)',
      'use Deployment.ecsBlueGreen() with the same options, or turn serviceConnect off');
  }
  validateWorkloadId(p, id, 'it names the service, and target groups allow 32 characters', 'Orders');
  validateContainer(p, props.container ?? {});
  p.intRange('container.port', port, 1, 65535);
  const lb = props.loadBalancer ?? props.platform.defaultLoadBalancer;
  p.require(props.platform.loadBalancers.includes(lb), 'loadBalancer', lb.node.path,
    `a load balancer of ${props.platform.node.path} (platform.loadBalancers)`, 'pass platform.defaultLoadBalancer or one made with platform.addLoadBalancer(id)');
  if (!Token.isUnresolved(port) && !Token.isUnresolved(lb.testListenerPort)) {
    p.require(port !== lb.testListenerPort, 'container.port', port,
      `a port other than the platform's test listener port ${lb.testListenerPort}`,
      'change the container port, or the platform\'s `testListenerPort`');
  }
  validateServiceScaling(p, props.scaling ?? {}, minTasks, maxTasks, props.desiredCount);
  if (props.desiredCount !== undefined && !props.container?.image) {
    p.warn('cdk-container-platform:desired-count-ignored', 'desiredCount applies only with container.image: a service that runs the image of its '
      + 'repository starts with 0 tasks and scales to scaling.minTasks when its first image is deployed. Remove desiredCount, or set container.image.');
  }
  validateCapacity(p, props.capacity, props.container?.cpuArchitecture);
  validateAlarms(p, props.alarms ?? {});
  validateHealth(p, props.health ?? {});
  validatePipeline(p, props.source, props.pipeline);
  validateSourceImage(p, props, 'service');
  validateRepositoryOptions(p, props.repository);
  if (props.deployment?.isBlueGreen) {
    validateBlueGreen(p, props.deployment);
    validateSmokeTest(p, props.deployment.blueGreenOptions?.smokeTest, props.routing);
    if (props.deployment.kind === DeploymentKind.BLUE_GREEN) validateCodeDeployTiming(p, props);
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

/**
 * The traffic shift, the termination wait and the hooks of a blue/green policy. CodeDeploy runs
 * one function per lifecycle event of an ECS deployment.
 * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_TimeBasedCanary.html (percentage, interval in minutes)
 * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_BlueInstanceTerminationOption.html (at most 2880 minutes)
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinearConfiguration.html (3 to 100 percent, 0 to 1440 minutes)
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CanaryConfiguration.html
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html
 */
function validateBlueGreen(p: Problems, deployment: Deployment): void {
  const options: BlueGreenOptions = deployment.blueGreenOptions ?? {};
  // CodeDeploy allows 48 hours of termination wait; the ECS controller 24 hours of bake time and steps.
  const ecsNative = deployment.kind === DeploymentKind.ECS_BLUE_GREEN;
  const maxWait = ecsNative ? 1440 : DEFAULTS.maxTerminationWait.toMinutes();
  const waitLimit = ecsNative ? 'the ECS bake-time maximum, 24 hours' : "CodeDeploy's maximum, 48 hours";
  const traffic = options.traffic;
  if (traffic && traffic.kind !== 'ALL_AT_ONCE') {
    p.intRange('deployment.traffic.percent', traffic.percent, 1, 99, 'shift between 1 and 99 percent per step');
    if (ecsNative && traffic.kind === 'LINEAR' && !Token.isUnresolved(traffic.percent) && traffic.percent >= 1 && traffic.percent < 3) {
      p.add('deployment.traffic.percent', traffic.percent, 'at least 3 percent per step for the ECS LINEAR strategy', 'shift 3 percent or more per step');
    }
    if (!traffic.interval.isUnresolved()) {
      const minutes = traffic.interval.toSeconds({ integral: false }) / 60;
      p.require(Number.isInteger(minutes) && minutes >= 1 && (!ecsNative || minutes <= 1440), 'deployment.traffic.interval', `${traffic.interval.toSeconds({ integral: false })} seconds`,
        ecsNative ? 'a whole number of minutes from 1 to 1440' : 'a whole number of minutes, at least 1',
        ecsNative ? 'use Duration.minutes(n) with 1 <= n <= 1440' : 'use Duration.minutes(n) with n >= 1');
    }
  }
  const wait = options.terminationWait;
  if (wait && !wait.isUnresolved()) {
    const minutes = wait.toSeconds({ integral: false }) / 60;
    p.require(Number.isInteger(minutes) && minutes >= 0 && minutes <= maxWait, 'deployment.terminationWait', `${wait.toSeconds({ integral: false })} seconds`,
      `whole minutes from 0 to ${maxWait} (${waitLimit})`, 'use Duration.minutes(n) within that range');
  }
  if (ecsNative && traffic && traffic.kind !== 'ALL_AT_ONCE') validateEcsDuration(p, traffic.kind, traffic.percent, traffic.interval, wait);
  const validEvents: string[] = Object.values(HookEvent);
  const smokeTest = options.smokeTest?.enabled ?? true;
  const onePerEvent = 'CodeDeploy runs one function per lifecycle event of an ECS deployment';
  const used = new Set<string>();
  (options.hooks ?? []).forEach((hook, i) => {
    const prop = `deployment.hooks[${i}].lifecycleEvent`;
    if (!validEvents.includes(hook.lifecycleEvent)) {
      p.add(prop, hook.lifecycleEvent, validEvents.join(', '), 'use a HookEvent value');
    } else if (!ecsNative && smokeTest && hook.lifecycleEvent === HookEvent.AFTER_ALLOW_TEST_TRAFFIC) {
      p.warn('cdk-container-platform:hook-beside-smoke-test', `${prop} is AfterAllowTestTraffic, where the built-in smoke test also runs; `
        + `${onePerEvent}. Move the hook to another event, or turn the smoke test off with smokeTest: { enabled: false }.`);
    } else if (!ecsNative && used.has(hook.lifecycleEvent)) {
      p.add(prop, hook.lifecycleEvent, `an event no other hook uses (${onePerEvent})`, 'call both from one function, or move one to another event');
    }
    used.add(hook.lifecycleEvent);
  });
}

/**
 * CloudFormation refuses an ECS canary or linear deployment whose bake times add up to more than
 * 33 hours: bake time + canary bake time, or bake time + step bake time x steps (100 / percent - 1
 * when the percent divides 100, else its floor).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-linearconfiguration.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-canaryconfiguration.html
 */
function validateEcsDuration(p: Problems, kind: string, percent: number, interval: Duration, wait: Duration | undefined): void {
  const bake = wait ?? DEFAULTS.terminationWait;
  if (Token.isUnresolved(percent) || interval.isUnresolved() || bake.isUnresolved() || percent < 1 || percent > 99) return;
  const steps = kind === 'CANARY' ? 1 : 100 % percent === 0 ? 100 / percent - 1 : Math.floor(100 / percent);
  const total = bake.toSeconds({ integral: false }) / 60 + (interval.toSeconds({ integral: false }) / 60) * steps;
  p.require(total <= MAX_ECS_DEPLOYMENT_MINUTES, 'deployment', `${total} minutes of bake time`,
    `an ECS-native shift whose bake times add up to at most 33 hours (${MAX_ECS_DEPLOYMENT_MINUTES} minutes): terminationWait + traffic.interval`
    + (kind === 'CANARY' ? '' : ` x ${steps} steps`), 'shorten terminationWait or traffic.interval, or shift more percent per step');
}
