/**
 * How long `cdk deploy` waits for the CodeDeploy deployment of a `Custom::BlueGreenService`.
 * Shared by the construct (which sets the provider's timeouts and checks that a deployment
 * fits) and the handler (which gives up with a reason before the framework's timeout).
 * No imports: the handler bundle includes this file.
 */
export const BLUE_GREEN_LIMITS = {
  /**
   * CloudFormation waits at most 3600 seconds for a custom resource (ServiceTimeout 1..3600,
   * default 3600).
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html
   */
  serviceTimeoutSeconds: 3600,
  /**
   * The provider framework's waiter (`totalTimeout`, at most one hour) stops 5 minutes before
   * CloudFormation would, so that the stack fails with a reason instead of a timeout.
   * @see https://github.com/aws/aws-cdk/issues/24974
   */
  waitMinutes: 55,
  /** Between two isComplete calls (55 minutes are 220 of them). */
  queryIntervalSeconds: 15,
  /**
   * Besides the traffic shift, the termination wait, the health-check grace period and the
   * draining of blue: pulling the image, starting green and passing its health checks, the
   * hooks (the smoke test takes at most 5 attempts 5 s apart) and stopping blue.
   */
  allowanceMinutes: 5,
  /** The onEvent and isComplete functions make a few API calls each. */
  handlerTimeoutSeconds: 120,
} as const;

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

/** What a `cdk deploy` confirms for a deployment it starts. */
export const CONFIRM_END = 'DEPLOYMENT_END';
/** The deployment ends after the wait: confirm when production traffic has moved to green. */
export const CONFIRM_TRAFFIC_SHIFTED = 'TRAFFIC_SHIFTED';
