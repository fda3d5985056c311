/**
 * aws-cdk-lib's custom-resource provider framework, as far as the platform uses it
 * (`custom-resources.Provider` with onEvent and isComplete): CloudFormation invokes the
 * framework's onEvent function, which invokes the user's onEvent and answers with its result
 * (an error answers FAILED; a failed Create answers a marker physical id, and the Delete that
 * follows is answered SUCCESS without a call); with an isComplete handler, a waiter state
 * machine invokes the user's isComplete every `queryInterval` until it answers
 * `IsComplete: true` (SUCCESS, its Data merged into onEvent's), throws (FAILED with the error)
 * or `totalTimeout` passes ("Operation timed out"). The input of isComplete is the request
 * with every field onEvent answered.
 *
 * The model has no clock: between two calls of isComplete, every active CodeDeploy deployment
 * runs one lifecycle event (as time passes).
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources-readme.html#provider-framework
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources-readme.html#asynchronous-providers-iscomplete
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources-readme.html#when-there-are-errors
 */
import type { CustomResourceEvent } from './custom-resource';
import type { LambdaFunction } from './registry';
import type { World } from './world';

/** The handler name the model gives the framework's functions (their code is aws-cdk-lib's framework.js). */
export const PROVIDER_FRAMEWORK = 'provider-framework';

/** The physical id the framework answers for a failed Create, so that it can ignore the Delete that follows. */
const CREATE_FAILED_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

/**
 * The most isComplete calls of a waiter: the platform's provider polls every 15 s for 55
 * minutes (220 calls); the model's deployments need far fewer.
 */
const MAX_POLLS = 220;

/** The framework's answer to CloudFormation for one event. */
export async function runProviderFramework(world: World, framework: LambdaFunction, event: CustomResourceEvent): Promise<Record<string, unknown>> {
  const answer = (status: 'SUCCESS' | 'FAILED', physicalId: string | undefined, extra: Record<string, unknown> = {}) =>
    ({ Status: status, PhysicalResourceId: physicalId, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
      ...extra });
  if (event.RequestType === 'Delete' && event.PhysicalResourceId === CREATE_FAILED_MARKER) return answer('SUCCESS', CREATE_FAILED_MARKER);
  const onEventArn = framework.environment.USER_ON_EVENT_FUNCTION_ARN;
  const isCompleteArn = framework.environment.USER_IS_COMPLETE_FUNCTION_ARN;
  const failedId = event.PhysicalResourceId ?? (event.RequestType === 'Create' ? CREATE_FAILED_MARKER : undefined);
  let resourceEvent: Record<string, any>;
  try {
    const result = (await world.invoke(onEventArn, { ...event })) as Record<string, unknown> | undefined ?? {};
    const physicalId = String(result.PhysicalResourceId ?? (event.RequestType === 'Create' ? event.RequestId : event.PhysicalResourceId));
    resourceEvent = { ...event, ...result, PhysicalResourceId: physicalId };
  } catch (e) {
    return answer('FAILED', failedId, { Reason: (e as Error).message });
  }
  if (!isCompleteArn) return answer('SUCCESS', resourceEvent.PhysicalResourceId, { Data: resourceEvent.Data });
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    try {
      const result = (await world.invoke(isCompleteArn, resourceEvent)) as { IsComplete: boolean; Data?: Record<string, unknown> };
      if (result.IsComplete) return answer('SUCCESS', resourceEvent.PhysicalResourceId, { Data: { ...resourceEvent.Data, ...result.Data } });
    } catch (e) {
      return answer('FAILED', resourceEvent.PhysicalResourceId, { Reason: (e as Error).message });
    }
    await world.step();
  }
  return answer('FAILED', resourceEvent.PhysicalResourceId, { Reason: 'Operation timed out' });
}
