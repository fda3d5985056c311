import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Problems } from '../../private/errors';
import { BlueGreenOptions } from '../policy/deployment';
import type { SmokeTest } from '../smoke-test/smoke-test';
import { validateSmokeTest } from '../smoke-test/validate-smoke-test';
import { addEcsHooks, ecsBlueGreenServiceProps } from './ecs-controller';
import { RollingStrategy } from './rolling';
import { BindTarget, httpBindTarget, httpServiceTarget, nothingToShift, StrategyRefusal, ServiceCheck, ServiceTarget, StrategyWorker } from './strategy';
import { BLUE_GREEN_RULES, validateBlueGreenOptions } from './validate-blue-green';

/**
 * ECS-native blue/green, canary or linear: the rolling strategy's service with the ECS
 * controller's strategy, an alternate target (green, on the test rule) and the smoke test and
 * hooks as ECS lifecycle hooks.
 */
export class EcsBlueGreenStrategy extends RollingStrategy {
  public readonly twoTargetGroups: boolean = true;

  private get options(): BlueGreenOptions {
    return this.deployment.blueGreenOptions ?? {};
  }

  public validate(p: Problems, service: ServiceCheck): void {
    validateBlueGreenOptions(p, this.options, BLUE_GREEN_RULES.ecs);
    validateSmokeTest(p, this.options.smokeTest, service.routing);
  }

  /** A service without traffic has nothing to shift. */
  public get workerRefusal(): StrategyRefusal {
    return nothingToShift(this.deployment.kind);
  }

  /** Never called: a worker is refused first (workerRefusal). */
  public createWorker(): StrategyWorker {
    throw new Error(`cdk-container-platform: ${this.deployment.kind} cannot deploy a worker`);
  }

  protected controllerProps(): Partial<ecs.FargateServiceProps> {
    return ecsBlueGreenServiceProps(this.options);
  }

  protected attach(t: ServiceTarget, service: ecs.FargateService): void {
    if (!t.greenTargetGroup || !t.testRule) return super.attach(t, service);
    const { targetGroup, productionRule } = httpServiceTarget(t);
    targetGroup.addTarget(service.loadBalancerTarget({
      containerName: t.containerName,
      containerPort: t.containerPort,
      alternateTarget: new ecs.AlternateTarget('AlternateTarget', {
        alternateTargetGroup: t.greenTargetGroup,
        productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(productionRule),
        testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(t.testRule),
      }),
    }));
  }

  protected addHooks(t: BindTarget, service: ecs.FargateService): SmokeTest | undefined {
    return addEcsHooks(httpBindTarget(t), service, this.options);
  }
}
