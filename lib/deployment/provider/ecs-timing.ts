// The time an ECS-native deployment takes, for the synth check (strategies/ecs-blue-green.ts) and
// the deploy preview. Not in limits.ts: the handler's bundle includes that file, and this is not
// the handler's.
import { BLUE_GREEN_LIMITS } from './limits';

/**
 * What ECS adds to a blue/green, canary or linear deployment on a Network Load Balancer: 10
 * minutes to each of its traffic-shift stages, TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT
 * (an earlier version of the page listed PRE_SCALE_UP too, which the estimate keeps: it errs
 * long rather than short).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/nlb-resources-for-blue-green.html
 */
export const ECS_NLB_DELAY_MINUTES = 30;

/** An ECS-native deployment's configuration, as the template holds it. */
export interface EcsDeploymentShape {
  /** BLUE_GREEN, CANARY or LINEAR. */
  readonly strategy: string;
  /** BakeTimeInMinutes: how long blue is kept after production traffic has moved. */
  readonly bakeMinutes: number;
  /** CanaryBakeTimeInMinutes. */
  readonly canaryBakeMinutes?: number;
  /** LinearConfiguration's StepPercent. */
  readonly stepPercent?: number;
  /** LinearConfiguration's StepBakeTimeInMinutes. */
  readonly stepBakeMinutes?: number;
  /** Whether it shifts the listeners of a Network Load Balancer. */
  readonly networkLoadBalancer: boolean;
}

/**
 * How long an ECS-native blue/green, canary or linear deployment runs until ECS reports it
 * complete, which is what `cdk deploy` waits for. AWS's own formula for it (CloudFormation
 * checks it against its 36-hour limit): BakeTimeInMinutes, plus CanaryBakeTimeInMinutes for a
 * canary, plus StepBakeTimeInMinutes times the steps for a linear shift (100 / StepPercent - 1
 * steps when StepPercent divides 100, else its floor: no bake after the last step). Added here:
 * the allowance for starting green and running the hooks, and what ECS adds on a Network Load
 * Balancer.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-canaryconfiguration.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-linearconfiguration.html
 */
export function ecsDeploymentMinutes(d: EcsDeploymentShape): number {
  let shift = 0;
  if (d.strategy === 'CANARY') shift = d.canaryBakeMinutes ?? 0;
  if (d.strategy === 'LINEAR' && d.stepPercent) {
    const ratio = 100 / d.stepPercent;
    const steps = Number.isInteger(ratio) ? ratio - 1 : Math.floor(ratio);
    shift = steps * (d.stepBakeMinutes ?? 0);
  }
  return Math.ceil(shift + d.bakeMinutes + BLUE_GREEN_LIMITS.allowanceMinutes + (d.networkLoadBalancer ? ECS_NLB_DELAY_MINUTES : 0));
}
