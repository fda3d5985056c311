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

/** What a `cdk deploy` confirms for a deployment it starts. */
export const CONFIRM_END = 'DEPLOYMENT_END';
/** The deployment ends after the wait: confirm when production traffic has moved to green. */
export const CONFIRM_TRAFFIC_SHIFTED = 'TRAFFIC_SHIFTED';
