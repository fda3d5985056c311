import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DEFAULTS } from '../../private/defaults';
import { BlueGreenOptions, HookEvent } from '../policy/deployment';
import { TrafficShiftKind } from '../policy/traffic-shift';
import { SmokeTest, SmokeTestTarget } from '../smoke-test/smoke-test';

/**
 * The ECS lifecycle stage that matches each CodeDeploy hook event. CodeDeploy's
 * BeforeAllowTraffic runs after the test traffic and before production traffic moves; in ECS
 * that is POST_TEST_TRAFFIC_SHIFT ("the test traffic shift is complete"), not
 * PRODUCTION_TRAFFIC_SHIFT, which runs while production traffic moves to green. So
 * AfterAllowTestTraffic and BeforeAllowTraffic share a stage (the smoke test's), whose hooks
 * ECS runs in no documented order.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentLifecycleHook.html
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#appspec-hooks-ecs
 */
export const ECS_STAGE: Record<HookEvent, ecs.DeploymentLifecycleStage> = {
  [HookEvent.BEFORE_INSTALL]: ecs.DeploymentLifecycleStage.PRE_SCALE_UP,
  [HookEvent.AFTER_INSTALL]: ecs.DeploymentLifecycleStage.POST_SCALE_UP,
  [HookEvent.AFTER_ALLOW_TEST_TRAFFIC]: ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT,
  [HookEvent.BEFORE_ALLOW_TRAFFIC]: ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT,
  [HookEvent.AFTER_ALLOW_TRAFFIC]: ecs.DeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT,
};

/**
 * The deployment circuit breaker, with rollback, for the strategies AWS documents it for: the
 * rolling update (no strategy) and blue/green. Canary and linear deployments fail and roll back
 * on the service's deployment alarms (their pages name only those), so they get none.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-failure-detection.html ("Both methods only support rolling update deployment and blue/green deployment types")
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/canary-deployment-implementation.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/linear-deployment-implementation.html
 */
export function circuitBreakerFor(strategy: ecs.DeploymentStrategy | undefined): ecs.DeploymentCircuitBreaker | undefined {
  const documented = strategy === undefined || strategy === ecs.DeploymentStrategy.ROLLING || strategy === ecs.DeploymentStrategy.BLUE_GREEN;
  return documented ? { enable: true, rollback: true } : undefined;
}

/** The ECS service properties of an ECS-native blue/green, canary or linear deployment. */
export function ecsBlueGreenServiceProps(options: BlueGreenOptions): Partial<ecs.FargateServiceProps> {
  const traffic = options.traffic;
  const shift = traffic && traffic.kind !== TrafficShiftKind.ALL_AT_ONCE
    ? { stepPercent: traffic.percent, stepBakeTime: traffic.interval }
    : undefined;
  const strategy = traffic?.kind === TrafficShiftKind.CANARY ? ecs.DeploymentStrategy.CANARY
    : traffic?.kind === TrafficShiftKind.LINEAR ? ecs.DeploymentStrategy.LINEAR
      : ecs.DeploymentStrategy.BLUE_GREEN;
  return {
    deploymentStrategy: strategy,
    bakeTime: options.terminationWait ?? DEFAULTS.terminationWait,
    canaryConfiguration: strategy === ecs.DeploymentStrategy.CANARY ? shift : undefined,
    linearConfiguration: strategy === ecs.DeploymentStrategy.LINEAR ? shift : undefined,
    circuitBreaker: circuitBreakerFor(strategy),
  };
}

/** The smoke test and the user's hooks as ECS lifecycle hooks. */
export function addEcsHooks(svc: SmokeTestTarget, service: ecs.FargateService, options: BlueGreenOptions): SmokeTest | undefined {
  let smokeTest: SmokeTest | undefined;
  const hooks = [...(options.hooks ?? [])];
  if (options.smokeTest?.enabled ?? true) {
    smokeTest = SmokeTest.of(svc.platform);
    smokeTest._settingsFor(svc, options.smokeTest ?? {});
    hooks.unshift({ lifecycleEvent: HookEvent.AFTER_ALLOW_TEST_TRAFFIC, function: smokeTest.function });
  }
  hooks.forEach((hook, i) => {
    // The role ECS assumes to invoke the hook, made here (as aws-cdk-lib would when the service
    // renders) so that it exists when the platform's provider is allowed to pass the service's roles.
    // @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-permissions.html
    const role = new iam.Role(service, `Hook${i}Role`, { assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com') });
    hook.function.grantInvoke(role);
    service.addLifecycleHook(new ecs.DeploymentLifecycleLambdaTarget(hook.function, `Hook${i}`, {
      lifecycleStages: [ECS_STAGE[hook.lifecycleEvent]],
      role,
    }));
  });
  return smokeTest;
}
