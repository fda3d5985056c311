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
 * Between two calls of isComplete the model's clock advances by the waiter's interval.
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources-readme.html#provider-framework
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources-readme.html#asynchronous-providers-iscomplete
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources-readme.html#when-there-are-errors
 */
import type { CustomResourceEvent } from './custom-resource';
import { session } from './iam';
import type { LambdaFunction } from './registry';
import type { World } from './world';

/** The handler name the model gives the framework's functions (their code is aws-cdk-lib's framework.js). */
export const PROVIDER_FRAMEWORK = 'provider-framework';

/** The physical id the framework answers for a failed Create, so that it can ignore the Delete that follows. */
const CREATE_FAILED_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

/**
 * The waiter's schedule as the framework writes it into the state machine's definition: the
 * isComplete task is retried every IntervalSeconds (BackoffRate 1), MaxAttempts times, then
 * onTimeout answers. The platform's provider: every 15 s, 220 times (55 minutes).
 * @see https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/custom-resources/lib/provider-framework/waiter-state-machine.ts
 */
function waiterSchedule(world: World, framework: LambdaFunction): { intervalSeconds: number; maxAttempts: number; roleArn?: string; arn?: string } {
  const machine = world.stateMachines.machines.get(framework.environment.WAITER_STATE_MACHINE_ARN ?? '');
  type State = { Retry?: Array<{ IntervalSeconds: number; MaxAttempts: number }> };
  const task = Object.values((machine?.definition.States ?? {}) as Record<string, State>).find((st) => st.Retry)?.Retry?.[0];
  return { intervalSeconds: task?.IntervalSeconds ?? 5, maxAttempts: task?.MaxAttempts ?? 360, roleArn: machine?.roleArn, arn: machine?.arn };
}

/**
 * The framework's answer to CloudFormation for one event. Each function is invoked as the
 * principal that invokes it in AWS: the framework's onEvent function (its role) invokes the
 * user's onEvent and starts the waiter (states:StartExecution); the waiter's role invokes the
 * framework's isComplete, whose role invokes the user's isComplete. Between two isComplete
 * calls the model's clock advances by the waiter's interval.
 */
export async function runProviderFramework(world: World, framework: LambdaFunction, event: CustomResourceEvent): Promise<Record<string, unknown>> {
  const answer = (status: 'SUCCESS' | 'FAILED', physicalId: string | undefined, extra: Record<string, unknown> = {}) =>
    ({ Status: status, PhysicalResourceId: physicalId, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
      ...extra });
  if (event.RequestType === 'Delete' && event.PhysicalResourceId === CREATE_FAILED_MARKER) return answer('SUCCESS', CREATE_FAILED_MARKER);
  const onEventArn = framework.environment.USER_ON_EVENT_FUNCTION_ARN;
  const isCompleteArn = framework.environment.USER_IS_COMPLETE_FUNCTION_ARN;
  const failedId = event.PhysicalResourceId ?? (event.RequestType === 'Create' ? CREATE_FAILED_MARKER : undefined);
  const frameworkRole = framework.role ? session(framework.role, framework.name) : undefined;
  let resourceEvent: Record<string, any>;
  try {
    const result = (await world.invoke(onEventArn, { ...event }, frameworkRole)) as Record<string, unknown> | undefined ?? {};
    const physicalId = String(result.PhysicalResourceId ?? (event.RequestType === 'Create' ? event.RequestId : event.PhysicalResourceId));
    resourceEvent = { ...event, ...result, PhysicalResourceId: physicalId };
  } catch (e) {
    return answer('FAILED', failedId, { Reason: (e as Error).message });
  }
  if (!isCompleteArn) return answer('SUCCESS', resourceEvent.PhysicalResourceId, { Data: resourceEvent.Data });
  const waiter = waiterSchedule(world, framework);
  try {
    if (frameworkRole && waiter.arn) await world.iam.authorize(frameworkRole, { action: 'states:StartExecution', resource: waiter.arn }, 'the provider framework starting its waiter');
  } catch (e) {
    return answer('FAILED', resourceEvent.PhysicalResourceId, { Reason: (e as Error).message });
  }
  const waiterRole = waiter.roleArn ? await world.assume('states.amazonaws.com', waiter.roleArn, `waiter-${event.RequestId}`, waiter.arn) : undefined;
  const frameworkIsComplete = [...world.lambdas.functions.values()].find((f) => f.handler === PROVIDER_FRAMEWORK && f.entry === 'isComplete' && f.environment.USER_IS_COMPLETE_FUNCTION_ARN === isCompleteArn);
  const completeRole = frameworkIsComplete?.role ? session(frameworkIsComplete.role, frameworkIsComplete.name) : frameworkRole;
  for (let attempt = 0; attempt <= waiter.maxAttempts; attempt++) {
    if (attempt > 0) await world.advance(waiter.intervalSeconds);
    try {
      if (waiterRole && frameworkIsComplete) await world.iam.authorize(waiterRole, { action: 'lambda:InvokeFunction', resource: frameworkIsComplete.arn }, 'the provider framework\'s waiter');
      const result = (await world.invoke(isCompleteArn, resourceEvent, completeRole)) as { IsComplete: boolean; Data?: Record<string, unknown> };
      if (result.IsComplete) return answer('SUCCESS', resourceEvent.PhysicalResourceId, { Data: { ...resourceEvent.Data, ...result.Data } });
    } catch (e) {
      return answer('FAILED', resourceEvent.PhysicalResourceId, { Reason: (e as Error).message });
    }
  }
  return answer('FAILED', resourceEvent.PhysicalResourceId, { Reason: 'Operation timed out' });
}
