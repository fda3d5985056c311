/**
 * What the library's plain custom-resource handlers (Custom::DeployedState, Custom::LiveTargetGroups,
 * Custom::PlatformClaims) share: the request CloudFormation sends them and the response they owe it.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/crpg-ref-requests.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/crpg-ref-responses.html
 */

/** A custom resource's request, with its properties of type `P`. */
export interface CustomResourceRequest<P> {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: P;
  readonly OldResourceProperties?: P;
}

/** What a request's work gives back: the resource's physical ID and its attributes. */
export interface Answer {
  readonly physicalId: string;
  readonly data: Record<string, string | number>;
}

/**
 * Does a request's work and answers CloudFormation: SUCCESS with what the work gave back, or
 * FAILED with the error's message (logged too) and `failedPhysicalId`. The answer is a PUT of
 * JSON to the request's pre-signed URL, with an empty content type.
 */
export async function answer(request: CustomResourceRequest<unknown>, failedPhysicalId: string, work: () => Promise<Answer>): Promise<void> {
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = '';
  let result: Answer = { physicalId: failedPhysicalId, data: {} };
  try {
    result = await work();
  } catch (e) {
    status = 'FAILED';
    reason = e instanceof Error ? e.message : String(e);
    console.error(reason);
  }
  const body = JSON.stringify({
    Status: status,
    Reason: reason || 'see the CloudWatch logs of the function',
    PhysicalResourceId: result.physicalId,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
    Data: result.data,
  });
  await fetch(request.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) } });
}
