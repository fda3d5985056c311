import { Duration, Stack, Token } from 'aws-cdk-lib';
import { DeploymentKind } from '../deployment/deployment';
import { DEFAULTS } from '../private/defaults';
import { Problems } from '../private/errors';
import type { MicroserviceProps } from './microservice';
import { validateContainer } from './task';

const SERVICE_ID = /^[A-Za-z][A-Za-z0-9-]*$/;
const MAX_SERVICE_ID_LENGTH = 32;
/** CodeDeploy deployment groups and CodeCommit repositories take the service's name: at most 100 characters. */
const MAX_DELIVERY_NAME_LENGTH = 100;

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
  props.source?._validate(p, 'source');
  const approval = props.pipeline?.approval;
  if (approval) {
    p.require((approval.emails?.length ?? 0) > 0 || approval.topic !== undefined, 'pipeline.approval', approval,
      'emails or a topic that tells someone an approval is waiting', 'add approval.emails (addresses) or approval.topic (an SNS topic)');
  }
  p.require(SERVICE_ID.test(id) && id.length <= MAX_SERVICE_ID_LENGTH, 'id', id,
    `1 to ${MAX_SERVICE_ID_LENGTH} letters, digits and hyphens, starting with a letter (it names the service, and target groups allow 32 characters)`,
    "use a short name such as 'Orders'");
  validateContainer(p, props.container ?? {});
  p.intRange('container.port', port, 1, 65535);
  const testPort = (props.loadBalancer ?? props.platform.defaultLoadBalancer).testListenerPort;
  if (!Token.isUnresolved(port) && !Token.isUnresolved(testPort)) {
    p.require(port !== testPort, 'container.port', port,
      `a port other than the platform's test listener port ${testPort}`,
      'change the container port, or the platform\'s `testListenerPort`');
  }
  const s = props.scaling ?? {};
  p.intRange('scaling.minTasks', s.minTasks, 0, 5000);
  p.intRange('scaling.maxTasks', s.maxTasks, 1, 5000);
  if (!Token.isUnresolved(minTasks) && !Token.isUnresolved(maxTasks)) {
    p.require(minTasks <= maxTasks, 'scaling.minTasks', minTasks, `at most scaling.maxTasks (${maxTasks})`, 'lower minTasks or raise maxTasks');
    if (props.desiredCount !== undefined && !Token.isUnresolved(props.desiredCount)) {
      p.require(props.desiredCount >= minTasks && props.desiredCount <= maxTasks, 'desiredCount', props.desiredCount,
        `a count from scaling.minTasks (${minTasks}) to scaling.maxTasks (${maxTasks})`, 'move desiredCount inside the scaling range, or omit it');
    }
  }
  for (const key of ['cpuPercent', 'memoryPercent'] as const) p.intRange(`scaling.${key}`, s[key], 1, 100);
  p.intRange('scaling.requestsPerTarget', s.requestsPerTarget, 1, 1_000_000);
  const a = props.alarms ?? {};
  for (const key of ['cpuPercent', 'memoryPercent'] as const) p.intRange(`alarms.${key}`, a[key], 1, 100);
  p.intRange('alarms.evaluationPeriods', a.evaluationPeriods, 1, 60);
  const h = props.health ?? {};
  p.intRange('health.healthyThresholdCount', h.healthyThresholdCount, 2, 10);
  p.intRange('health.unhealthyThresholdCount', h.unhealthyThresholdCount, 2, 10);
  checkSeconds(p, 'health.interval', h.interval, 5, 300);
  checkSeconds(p, 'health.timeout', h.timeout, 2, 120);
  checkSeconds(p, 'health.deregistrationDelay', h.deregistrationDelay, 0, 3600);
  checkSeconds(p, 'health.gracePeriod', h.gracePeriod, 0, 2147483647);
  if (h.interval && h.timeout && !h.interval.isUnresolved() && !h.timeout.isUnresolved()) {
    p.require(h.timeout.toSeconds() < h.interval.toSeconds(), 'health.timeout', `${h.timeout.toSeconds()} seconds`,
      `less than health.interval (${h.interval.toSeconds()} seconds)`, 'shorten the timeout or lengthen the interval');
  }
  p.require(!(props.pipeline && !props.source), 'pipeline', 'set', 'pipeline options only together with `source`',
    'add `source` (for example Source.codeCommit()) or remove `pipeline`');
  p.require(!(props.source && props.container?.image), 'container.image', 'set', 'no fixed image when the service has a `source` (the pipeline builds the image)',
    'remove `container.image`, or remove `source` to run the fixed image');
  const deployment = props.deployment;
  if (deployment?.isBlueGreen) {
    // CodeDeploy allows 48 hours of termination wait; the ECS controller 24 hours of bake time and steps.
    const ecsNative = deployment.kind === DeploymentKind.ECS_BLUE_GREEN;
    const maxWait = ecsNative ? 1440 : DEFAULTS.maxTerminationWait.toMinutes();
    const waitLimit = ecsNative ? 'the ECS bake-time maximum, 24 hours' : "CodeDeploy's maximum, 48 hours";
    const traffic = deployment.blueGreenOptions?.traffic;
    if (traffic && traffic.kind !== 'ALL_AT_ONCE') {
      p.intRange('deployment.traffic.percent', traffic.percent, 1, 99, 'shift between 1 and 99 percent per step');
      if (ecsNative && traffic.kind === 'LINEAR' && !Token.isUnresolved(traffic.percent) && traffic.percent < 3) {
        p.add('deployment.traffic.percent', traffic.percent, 'at least 3 percent per step for the ECS LINEAR strategy', 'shift 3 percent or more per step');
      }
      if (!traffic.interval.isUnresolved()) {
        const minutes = traffic.interval.toSeconds() / 60;
        p.require(Number.isInteger(minutes) && minutes >= 1 && (!ecsNative || minutes <= 1440), 'deployment.traffic.interval', `${traffic.interval.toSeconds()} seconds`,
          ecsNative ? 'a whole number of minutes from 1 to 1440' : 'a whole number of minutes, at least 1',
          ecsNative ? 'use Duration.minutes(n) with 1 <= n <= 1440' : 'use Duration.minutes(n) with n >= 1');
      }
    }
    const wait = deployment.blueGreenOptions?.terminationWait;
    if (wait && !wait.isUnresolved()) {
      const minutes = wait.toSeconds() / 60;
      p.require(Number.isInteger(minutes) && minutes >= 0 && minutes <= maxWait, 'deployment.terminationWait', `${wait.toSeconds()} seconds`,
        `whole minutes from 0 to ${maxWait} (${waitLimit})`, 'use Duration.minutes(n) within that range');
    }
    const validEvents = ['BeforeInstall', 'AfterInstall', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AfterAllowTraffic'];
    (deployment.blueGreenOptions?.hooks ?? []).forEach((hook, i) => p.require(validEvents.includes(hook.lifecycleEvent),
      `deployment.hooks[${i}].lifecycleEvent`, hook.lifecycleEvent, validEvents.join(', '), 'use a HookEvent value'));
  }
}

function checkSeconds(p: Problems, prop: string, value: Duration | undefined, min: number, max: number): void {
  if (!value || value.isUnresolved()) return;
  const s = value.toSeconds();
  p.require(Number.isInteger(s) && s >= min && s <= max, prop, `${s} seconds`, `whole seconds from ${min} to ${max}`, `use Duration.seconds(n) within that range`);
}
