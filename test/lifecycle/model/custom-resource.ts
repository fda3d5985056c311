/**
 * Custom resources: CloudFormation sends the function behind the ServiceToken a Create,
 * Update (with OldResourceProperties) or Delete event with a presigned ResponseURL, and waits
 * for the function to PUT its answer there. Every scalar property arrives as a string.
 * CloudFormation invokes the function asynchronously, so Lambda retries an invocation that
 * fails (a timeout, for instance) with the same event.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 * @see https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1037 (properties become strings)
 * @see https://aws.amazon.com/blogs/compute/adding-resiliency-to-aws-cloudformation-custom-resource-deployments/ (asynchronous invocation)
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html ("Lambda retries function errors twice")
 *
 * CloudFormation waits at most the resource's ServiceTimeout for the answer ("an integer from 1
 * to 3600. The default value is 3600 seconds (1 hour)"): an answer that comes later is ignored
 * and the resource has failed.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html#cfn-cloudformation-customresource-servicetimeout
 */
import { Applied, CreateFailed, Provider, ProviderContext, ResourceState, StackHang } from './cloudformation';

export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

interface Response {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId?: string;
  readonly Data?: Record<string, unknown>;
}

export class CustomResourceProvider implements Provider {
  public readonly inPlaceOnly = true;

  public async create(ctx: ProviderContext, props: Record<string, unknown>): Promise<Applied> {
    return this.send(ctx, { RequestType: 'Create', props });
  }

  public async update(ctx: ProviderContext, current: ResourceState, props: Record<string, unknown>, old: Record<string, unknown>): Promise<Applied> {
    return this.send(ctx, { RequestType: 'Update', props, old, physicalId: current.physicalId });
  }

  public async delete(ctx: ProviderContext, current: ResourceState): Promise<void> {
    await this.send(ctx, { RequestType: 'Delete', props: current.properties, physicalId: current.physicalId });
  }

  private async send(ctx: ProviderContext, r: { RequestType: CustomResourceEvent['RequestType']; props: Record<string, unknown>; old?: Record<string, unknown>; physicalId?: string }): Promise<Applied> {
    const { world } = ctx;
    const requestId = `request-${world.ids.next()}`;
    const event: CustomResourceEvent = {
      RequestType: r.RequestType,
      ServiceToken: String(r.props.ServiceToken),
      ResponseURL: `https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/${encodeURIComponent(ctx.stack.id)}%7C${ctx.logicalId}%7C${requestId}`,
      StackId: ctx.stack.id,
      RequestId: requestId,
      LogicalResourceId: ctx.logicalId,
      ResourceType: ctx.type,
      ...(r.physicalId !== undefined ? { PhysicalResourceId: r.physicalId } : {}),
      ResourceProperties: stringify(r.props) as Record<string, unknown>,
      ...(r.old ? { OldResourceProperties: stringify(r.old) as Record<string, unknown> } : {}),
    };
    world.customResourceEvents.push(event);
    const sent = world.now;
    const timeout = Math.min(3600, Number(r.props.ServiceTimeout ?? 3600));
    if (!world.knowsFunction(event.ServiceToken)) {
      // aws-cdk-lib's own providers (VPC default security group, auto-delete objects, ...):
      // a no-op success keeps the model about the platform.
      return { physicalId: r.physicalId ?? `${ctx.logicalId}-${world.ids.suffix()}`, attributes: {} };
    }
    let response = await world.invokeCustomResource(event);
    if (world.lostResponses.has(ctx.type)) {
      // The first invocation acted but never answered (it timed out): Lambda retries the event.
      world.lostResponses.delete(ctx.type);
      response = await world.invokeCustomResource(event);
    }
    if (world.now - sent > timeout) {
      throw new Error(`CloudFormation did not receive a response from your Custom Resource within its ServiceTimeout of ${timeout} seconds (RequestId: ${requestId})`);
    }
    if (!response) {
      // @see https://repost.aws/knowledge-center/best-practices-custom-cf-lambda
      throw new StackHang(`CloudFormation did not receive a response from your Custom Resource (RequestId: ${requestId}); it waits an hour before failing`);
    }
    const answer = response as Response;
    if (answer.Status !== 'SUCCESS') {
      const message = `Received response status [FAILED] from custom resource. Message returned: ${answer.Reason ?? ''} (RequestId: ${requestId})`;
      // A failed Create with a physical id is deleted by the rollback (with that id).
      if (r.RequestType === 'Create' && answer.PhysicalResourceId) throw new CreateFailed(message, String(answer.PhysicalResourceId));
      throw new Error(message);
    }
    return { physicalId: String(answer.PhysicalResourceId ?? r.physicalId), attributes: answer.Data ?? {} };
  }
}

function stringify(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringify);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringify(v)]));
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}
