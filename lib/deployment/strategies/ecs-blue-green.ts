import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Problems } from '../../private/errors';
import { BlueGreenOptions } from '../deployment';
import { addEcsHooks, ecsBlueGreenServiceProps } from '../ecs-blue-green';
import type { SmokeTest } from '../smoke-test';
import { validateSmokeTest } from '../smoke-test-settings';
import { RollingStrategy } from './rolling';
import { BindTarget, nothingToShift, ServiceCheck, ServiceTarget, TrafficlessRollout } from './strategy';
import { BLUE_GREEN_RULES, validateBlueGreenOptions } from './validate-blue-green';

/**
 * ECS-native blue/green, canary or linear: the rolling strategy's service with the ECS
 * controller's strategy, an alternate target (green, on the test rule) and the smoke test and
 * hooks as ECS lifecycle hooks.
 */
export class EcsBlueGreenStrategy extends RollingStrategy {
  public readonly blueGreen: boolean = true;

  private get options(): BlueGreenOptions {
    return this.deployment.blueGreenOptions ?? {};
  }

  public validate(p: Problems, service: ServiceCheck): void {
    validateBlueGreenOptions(p, this.options, BLUE_GREEN_RULES.ecs);
    validateSmokeTest(p, this.options.smokeTest, service.routing);
  }

  /** A service without traffic has nothing to shift. */
  public withoutTraffic(_minTasks: number): TrafficlessRollout {
    return nothingToShift(this.deployment.kind);
  }

  protected controllerProps(): Partial<ecs.FargateServiceProps> {
    return ecsBlueGreenServiceProps(this.options);
  }

  protected attach(t: ServiceTarget, service: ecs.FargateService): void {
    if (!t.greenTargetGroup || !t.testRule) return super.attach(t, service);
    t.targetGroup.addTarget(service.loadBalancerTarget({
      containerName: t.containerName,
      containerPort: t.containerPort,
      alternateTarget: new ecs.AlternateTarget('AlternateTarget', {
        alternateTargetGroup: t.greenTargetGroup,
        productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(t.productionRule),
        testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(t.testRule),
      }),
    }));
  }

  protected addHooks(t: BindTarget, service: ecs.FargateService): SmokeTest | undefined {
    return addEcsHooks(t, service, this.options);
  }
}
