/**
 * What the handlers of the platform's service resources (Custom::BlueGreenService and
 * Custom::EcsService, one provider) share: the provider framework's event shapes, deleting a
 * service and waiting for it to go, and registering the template's settings with the image
 * production runs. Bundled with the handler (assets/provider).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DeleteServiceCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand, RegisterTaskDefinitionCommandInput,
    Service,
  TagResourceCommand, UntagResourceCommand,
} from '@aws-sdk/client-ecs';
import { imageOf, sameSettings, serviceTags, tagChanges, TagProperty, withImage } from './blue-green-spec';

/** The event the provider framework passes to onEvent, and (with onEvent's answer merged in) to isComplete. */
export interface ProviderEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly RequestId: string;
  /** The stack of the resource (a nested stack's ARN for a workload in one). */
  readonly StackId: string;
  readonly ResourceType?: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, any>;
  readonly OldResourceProperties?: Record<string, any>;
  /** When onEvent answered (epoch milliseconds): isComplete knows how long it has waited. */
  readonly StartedAt?: number;
  /** The ECS deployment that onEvent's UpdateService started (Custom::EcsService). */
  readonly DeploymentId?: string;
}

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
  readonly StartedAt?: number;
  readonly DeploymentId?: string;
}

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
}

/**
 * How the handler's clients retry: the SDK's adaptive mode (exponential back-off with jitter, and
 * a client-side rate limit once AWS throttles), up to 6 attempts a call.
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 */
export const RETRY = { maxAttempts: 6, retryMode: 'adaptive' } as const;

export const ecs = new ECSClient(RETRY);

/**
 * The error codes of a call that AWS refused for now: throttling (ECS and CodeDeploy
 * `ThrottlingException`, Elastic Load Balancing `Throttling` on its query protocol), and an
 * unavailable or failing service (5xx). Another call later may succeed.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/CommonErrors.html
 * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/CommonErrors.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html
 */
const TRANSIENT = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'RequestThrottled',
  'ServiceUnavailable', 'ServiceUnavailableException', 'InternalFailure', 'InternalServerError', 'ServerException', 'TimeoutError',
  'RequestTimeout', 'RequestTimeoutException', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/** Whether an error of an AWS call is one that a later call may not meet (throttling, a 5xx, a dropped connection). */
export function isTransient(e: unknown): boolean {
  const err = e as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = err?.$metadata?.httpStatusCode ?? 0;
  return TRANSIENT.has(err?.name ?? '') || TRANSIENT.has(err?.code ?? '') || err?.$retryable !== undefined || status === 429 || status >= 500;
}

/**
 * isComplete, where an AWS call refused for now means "not complete yet": aws-cdk-lib's provider
 * framework fails the resource at once when isComplete throws (only its own "not complete"
 * answer is retried), so a throttled read would otherwise fail the stack. The waiter asks again
 * after its interval, and the SDK has backed off within the call first.
 * @see https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/custom-resources/lib/provider-framework/runtime/framework.ts (isComplete: any error but Retry fails the resource)
 */
export async function completeUnlessTransient(check: () => Promise<IsCompleteResponse>): Promise<IsCompleteResponse> {
  try {
    return await check();
  } catch (e) {
    if (!isTransient(e)) throw e;
    console.warn(`not complete yet: an AWS call was refused for now (${(e as Error).name}: ${(e as Error).message}); asking again after the waiter's interval`);
    return { IsComplete: false };
  }
}

/**
 * Deletes the service even with running tasks (force). Nothing to delete when the physical ID
 * is not a service ARN: then the Create failed before ECS created anything.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html
 */
export async function deleteService(cluster: string, physicalId: string): Promise<OnEventResponse> {
  if (!physicalId.startsWith('arn:')) return { PhysicalResourceId: physicalId };
  try {
    await ecs.send(new DeleteServiceCommand({ cluster, service: physicalId, force: true }));
  } catch (e) {
    if (!['ServiceNotFoundException', 'ServiceNotActiveException', 'ClusterNotFoundException'].includes((e as Error).name)) throw e;
  }
  return { PhysicalResourceId: physicalId };
}

/**
 * A deleted service is DRAINING until its tasks have stopped, then INACTIVE. Waiting for that
 * lets CloudFormation delete the security group and target group afterwards, and lets a new
 * service of the same name be created (ECS refuses while one is ACTIVE or DRAINING).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html
 */
export async function isDeleted(cluster: string, physicalId: string): Promise<boolean> {
  if (!physicalId.startsWith('arn:')) return true;
  try {
    const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [physicalId] }));
    const service = out.services?.[0];
    return !service || service.status === 'INACTIVE';
  } catch (e) {
    if ((e as Error).name === 'ClusterNotFoundException') return true;
    throw e;
  }
}

/** The ACTIVE service of that name, or an error that says what to do. */
export async function activeService(cluster: string, name: string): Promise<Service> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
  const service = out.services?.find((s) => s.status === 'ACTIVE');
  if (!service) {
    throw new Error(`The ECS service ${name} does not exist in cluster ${cluster} (deleted outside CloudFormation?). `
      + 'Remove the service from the app and deploy, then add it again to have it created anew.');
  }
  return service;
}

async function describe(taskDefinition: string): Promise<Record<string, unknown> | undefined> {
  return (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }))).taskDefinition as Record<string, unknown> | undefined;
}

/** Whether two task definitions have the same settings, apart from the image of the pipeline's container. */
export async function sameSettingsOf(a: string, b: string, containerName: string): Promise<boolean> {
  const [x, y] = await Promise.all([describe(a), describe(b)]);
  return !!x && !!y && sameSettings(x, y, containerName);
}

/**
 * The revision to deploy for the template's task definition when the pipeline owns the image:
 * the template's, or a revision of its settings with the image production runs, registered
 * now. The template's image is what Custom::DeployedState read when the `cdk deploy` began;
 * production may run a newer one since (a pipeline deployment that this deploy waited for),
 * and CloudFormation's rollback replays the image of an older deploy.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
 */
export async function withProductionImage(template: string, running: string | undefined, containerName: string): Promise<string> {
  if (!running || running === template) return template;
  const [t, r] = await Promise.all([describe(template), describe(running)]);
  const input = t && r && withImage(t, imageOf(r, containerName), containerName);
  if (!input) return template;
  const out = await ecs.send(new RegisterTaskDefinitionCommand(input as unknown as RegisterTaskDefinitionCommandInput));
  const arn = out.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new Error(`RegisterTaskDefinition returned no task definition for the family of ${template}`);
  return arn;
}

const cloudformation = new CloudFormationClient(RETRY);

/**
 * The stack-level tags of the resource's stack, read now: a custom resource gets none from
 * CloudFormation, which applies them only to the resources it creates and tags itself, whether
 * they come from the app (a stack's `tags`) or from `cdk deploy --tags`, which exist only at
 * deploy time. A nested stack's are its root's (CloudFormation propagates them to nested
 * stacks) and its own.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html (RootId, Tags)
 */
export async function stackTags(stackId: string): Promise<TagProperty[]> {
  const describe = async (name: string) => (await cloudformation.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  const stack = await describe(stackId);
  const root = stack?.RootId && stack.RootId !== stack.StackId ? await describe(stack.RootId) : undefined;
  return serviceTags([...(root?.Tags ?? []), ...(stack?.Tags ?? [])].map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })), []);
}

/**
 * Tags change through TagResource and UntagResource, not UpdateService. `old` and `next` are
 * the tags the service should have carried before and should carry now (the stack's and its own).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TagResource.html
 */
export async function updateTags(serviceArn: string | undefined, old: { readonly Tags?: TagProperty[] },
  next: { readonly Tags?: TagProperty[] }): Promise<void> {
  const tags = tagChanges(old, next);
  if (tags.remove.length > 0) await ecs.send(new UntagResourceCommand({ resourceArn: serviceArn, tagKeys: tags.remove }));
  if (tags.add.length > 0) await ecs.send(new TagResourceCommand({ resourceArn: serviceArn, tags: tags.add }));
}
