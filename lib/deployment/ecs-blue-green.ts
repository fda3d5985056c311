import * as ecs from 'aws-cdk-lib/aws-ecs';
import { BlueGreenOptions, HookEvent } from './deployment';
import { SmokeTest } from './smoke-test';
import { TrafficShiftKind } from './traffic-shift';
import type { Microservice } from '../service/microservice';
import { DEFAULTS } from '../private/defaults';

/** The ECS lifecycle stage that matches each CodeDeploy hook event. */
export const ECS_STAGE: Record<HookEvent, ecs.DeploymentLifecycleStage> = {
  [HookEvent.BEFORE_INSTALL]: ecs.DeploymentLifecycleStage.PRE_SCALE_UP,
  [HookEvent.AFTER_INSTALL]: ecs.DeploymentLifecycleStage.POST_SCALE_UP,
  [HookEvent.AFTER_ALLOW_TEST_TRAFFIC]: ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT,
  [HookEvent.BEFORE_ALLOW_TRAFFIC]: ecs.DeploymentLifecycleStage.PRODUCTION_TRAFFIC_SHIFT,
  [HookEvent.AFTER_ALLOW_TRAFFIC]: ecs.DeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT,
};

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
  };
}

/** The smoke test and the user's hooks as ECS lifecycle hooks. */
export function addEcsHooks(svc: Microservice, service: ecs.FargateService, options: BlueGreenOptions): SmokeTest | undefined {
  let smokeTest: SmokeTest | undefined;
  const hooks = [...(options.hooks ?? [])];
  if (options.smokeTest?.enabled ?? true) {
    smokeTest = SmokeTest.of(svc.platform);
    smokeTest._settingsFor(svc, options.smokeTest ?? {});
    hooks.unshift({ lifecycleEvent: HookEvent.AFTER_ALLOW_TEST_TRAFFIC, function: smokeTest.function });
  }
  hooks.forEach((hook, i) => {
    service.addLifecycleHook(new ecs.DeploymentLifecycleLambdaTarget(hook.function, `Hook${i}`, {
      lifecycleStages: [ECS_STAGE[hook.lifecycleEvent]],
    }));
  });
  return smokeTest;
}
