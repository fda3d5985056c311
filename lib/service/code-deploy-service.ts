import { Annotations, Duration, Token } from 'aws-cdk-lib';
import { CONTAINER_NAME } from '../core/constants';
import type { Microservice, MicroserviceProps } from './microservice';
import { platformApplication } from '../deployment/blue-green-deployment';
import { BlueGreenService } from '../deployment/blue-green-service';
import { blueGreenTiming } from '../deployment/blue-green-timing';
import { TrafficShift } from '../deployment/traffic-shift';
import { BLUE_GREEN_LIMITS } from '../private/blue-green-limits';
import { DEFAULTS } from '../private/defaults';

/**
 * The ECS service of a CodeDeploy blue/green microservice, owned by a custom resource that
 * sends ECS only what it accepts for such a service (CloudFormation's AWS::ECS::Service would
 * send every property, and fail: aws-cdk#23564). Its routing must exist: the target groups
 * must belong to the load balancer before ECS registers tasks in blue and CodeDeploy uses green.
 *
 * A `cdk deploy` waits for the deployment it starts; when the termination wait makes the
 * deployment longer than a custom resource may wait, it confirms once production traffic has
 * moved, and says so at synth. (A traffic shift too long to confirm is a validation error.)
 */
export function codeDeployService(svc: Microservice, props: MicroserviceProps, desiredCount: number, gracePeriod: Duration,
  pipelineOwnsImage: boolean): BlueGreenService {
  const options = svc.deployment.blueGreenOptions ?? {};
  const traffic = options.traffic ?? TrafficShift.allAtOnce();
  const durations = [traffic.interval, options.terminationWait, gracePeriod, props.health?.deregistrationDelay];
  // Durations given as tokens are known at deploy time only: then a cdk deploy confirms once
  // production traffic has moved (never held by a termination wait it cannot see), and does not
  // give up early while another deployment runs (ExpectedMinutes 0: unknown).
  const known = !durations.some((d) => d?.isUnresolved()) && !Token.isUnresolved(traffic.percent);
  const timing = known ? blueGreenTiming(traffic, options.terminationWait ?? DEFAULTS.terminationWait,
    gracePeriod, props.health?.deregistrationDelay ?? DEFAULTS.deregistrationDelay) : undefined;
  if (timing && !timing.endFits) {
    Annotations.of(svc).addWarningV2('cdk-container-platform:blueGreenWait',
      `A CodeDeploy deployment of ${svc.node.id} takes about ${timing.untilEndMinutes} minutes with its termination wait; `
      + `cdk deploy waits at most ${BLUE_GREEN_LIMITS.waitMinutes} (CloudFormation allows a custom resource one hour). A cdk deploy that `
      + 'changes the task definition therefore reports success once production traffic has moved to green; an alarm during the rest of '
      + 'the termination wait still rolls the deployment back, after cdk deploy has finished. Shorten deployment.terminationWait for cdk deploy to wait for the end.');
  }
  const expectedMinutes = !timing ? 0 : timing.endFits ? timing.untilEndMinutes : timing.untilShiftedMinutes;
  const service = new BlueGreenService(svc, 'BlueGreenService', {
    platform: svc.platform,
    serviceName: svc.serviceName,
    taskDefinition: svc.taskDefinition,
    containerName: CONTAINER_NAME,
    containerPort: svc.containerPort,
    targetGroup: svc.targetGroup,
    securityGroups: [svc.securityGroup],
    capacityProviderStrategies: svc.capacityStrategies,
    healthCheckGracePeriod: gracePeriod,
    minHealthyPercent: svc.deployment.minHealthyPercent,
    maxHealthyPercent: svc.deployment.maxHealthyPercent,
    desiredCount,
    application: platformApplication(svc.platform),
    deploymentGroupName: svc.serviceName,
    pipelineOwnsImage,
    expectedDeploymentTime: Duration.minutes(expectedMinutes),
    confirmAtTrafficShift: !timing?.endFits,
  });
  service.node.addDependency(svc.productionRule);
  if (svc.testRule) service.node.addDependency(svc.testRule);
  return service;
}
