/**
 * CloudFormation's handlers for what decides who may do what: IAM roles and their policies,
 * and the resources whose policies the model evaluates (KMS keys, SNS topics and topic
 * policies, S3 buckets and bucket policies, SQS queues and queue policies, Lambda permissions)
 * and log groups. A policy exists from the moment CloudFormation has created it until it has
 * deleted it: the order CloudFormation runs them in is the order permissions appear and go.
 * Each handler answers the `Ref` and attributes its type documents.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-policy.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topicpolicy.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html ("Arn: arn:aws:logs:us-west-1:123456789012:log-group:/mystack-testgroup-12ABC1AB12A1:*")
 */
import { ACCOUNT, arn, awsError, REGION } from './aws';
import type { Provider, ProviderContext } from './cloudformation';
import type { PolicyDocument } from './iam';
import { generatedName, provider, withAttributes } from './provider-kit';

type Props = Record<string, any>;

/** Role names in a policy's `Roles` (a name, or an ARN when a template passes one). */
function roleNames(roles: unknown): string[] {
  return ((roles ?? []) as string[]).map((r) => String(r).split('/').at(-1)!);
}

function setRole(ctx: ProviderContext, name: string, props: Props): { arn: string } {
  const path = String(props.Path ?? '/');
  const roleArn = `arn:aws:iam::${ACCOUNT}:role${path}${name}`;
  ctx.world.iam.roles.set(roleArn, {
    arn: roleArn,
    name,
    trust: props.AssumeRolePolicyDocument as PolicyDocument,
    inline: ((props.Policies ?? []) as Props[]).map((p) => ({ name: String(p.PolicyName), document: p.PolicyDocument as PolicyDocument })),
    managed: ((props.ManagedPolicyArns ?? []) as string[]).map(String),
  });
  return { arn: roleArn };
}

const role = provider({
  create(ctx, props) {
    const name = props.RoleName ?? generatedName(ctx, 64);
    const { arn: roleArn } = setRole(ctx, name, props);
    return { physicalId: name, attributes: withAttributes({ Arn: roleArn, RoleId: `AROA${ctx.world.ids.suffix().toUpperCase()}` }, name) };
  },
  update(ctx, current, props) {
    const old = ctx.world.iam.role(current.physicalId);
    if (old) ctx.world.iam.roles.delete(old.arn);
    setRole(ctx, current.physicalId, props);
  },
  delete(ctx, current) {
    const r = ctx.world.iam.role(current.physicalId);
    if (r) ctx.world.iam.roles.delete(r.arn);
  },
});

/** An inline policy of the roles it names (AWS::IAM::Policy), or a managed policy attached to them. */
function policy(managed: boolean): Provider {
  return provider({
    create(ctx, props) {
      const name = props.PolicyName ?? props.ManagedPolicyName ?? generatedName(ctx, 128);
      const id = managed ? `arn:aws:iam::${ACCOUNT}:policy${props.Path ?? '/'}${name}` : `${name}-${ctx.world.ids.suffix()}`;
      const document = props.PolicyDocument as PolicyDocument;
      ctx.world.iam.policies.set(id, { name, document, roles: roleNames(props.Roles), ...(managed ? { arn: id } : {}) });
      return { physicalId: id, attributes: withAttributes(managed ? { PolicyArn: id } : { Id: id }, id) };
    },
    update(ctx, current, props) {
      const p = ctx.world.iam.policies.get(current.physicalId)!;
      ctx.world.iam.policies.set(current.physicalId, { ...p, document: props.PolicyDocument as PolicyDocument, roles: roleNames(props.Roles) });
    },
    delete(ctx, current) { ctx.world.iam.policies.delete(current.physicalId); },
  });
}

const kmsKey = provider({
  create(ctx, props) {
    const id = `${ctx.world.ids.suffix()}-0000-4000-8000-000000000000`;
    const keyArn = arn('kms', `key/${id}`);
    ctx.world.iam.resourcePolicies.set(keyArn, props.KeyPolicy as PolicyDocument);
    return { physicalId: id, attributes: withAttributes({ Arn: keyArn, KeyId: id }, id) };
  },
  update(ctx, current, props) { ctx.world.iam.resourcePolicies.set(String(current.attributes.Arn), props.KeyPolicy as PolicyDocument); },
  delete(ctx, current) { ctx.world.iam.resourcePolicies.delete(String(current.attributes.Arn)); },
});

const topic = provider({
  create(ctx, props) {
    const name = props.TopicName ?? generatedName(ctx, 256);
    const topicArn = arn('sns', name);
    ctx.world.iam.topics.set(topicArn, { kmsKey: props.KmsMasterKeyId });
    return { physicalId: topicArn, attributes: withAttributes({ TopicArn: topicArn, TopicName: name }, name) };
  },
  update(ctx, current, props) { ctx.world.iam.topics.set(current.physicalId, { kmsKey: props.KmsMasterKeyId }); },
  delete(ctx, current) { ctx.world.iam.topics.delete(current.physicalId); },
});

/**
 * A policy resource that sets one document as the resource policy of each resource its list
 * property names (`Topics`, `Queues`), keyed by the resource's ARN; an update moves it, a delete
 * takes it away.
 */
function resourcePolicyOfEach(list: string, arnOf: (id: string) => string) {
  const set = (ctx: { world: { iam: { resourcePolicies: Map<string, PolicyDocument> } } }, props: Record<string, any>, document?: PolicyDocument) => {
    for (const id of props[list] as string[]) {
      if (document) ctx.world.iam.resourcePolicies.set(arnOf(id), document);
      else ctx.world.iam.resourcePolicies.delete(arnOf(id));
    }
  };
  return provider({
    create(ctx, props) {
      set(ctx, props, props.PolicyDocument as PolicyDocument);
      return { physicalId: generatedName(ctx, 256), attributes: {} };
    },
    update(ctx, current, props) {
      set(ctx, current.properties);
      set(ctx, props, props.PolicyDocument as PolicyDocument);
    },
    delete(ctx, current) {
      set(ctx, current.properties);
    },
  });
}

/**
 * A topic policy sets each topic's Policy attribute whole (SNS's default policy is gone while it
 * exists); deleting it gives the topics SNS's default policy again.
 * @see https://github.com/aws-cloudformation/aws-cloudformation-resource-providers-sns/issues/64
 */
const topicPolicy = resourcePolicyOfEach('Topics', String);

/**
 * A bucket, and the KMS key that encrypts its objects by default (SSE-KMS): reading an object
 * needs kms:Decrypt on it, writing one kms:GenerateDataKey, through S3.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#aws-managed-customer-managed-keys
 */
const bucket = provider({
  create(ctx, props) {
    const name = props.BucketName ?? generatedName(ctx, 63, true);
    ctx.world.iam.buckets.add(name);
    const kmsKey = props.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.KMSMasterKeyID;
    if (kmsKey) ctx.world.iam.bucketKeys.set(name, String(kmsKey));
    return {
      physicalId: name,
      attributes: withAttributes({ Arn: `arn:aws:s3:::${name}`, DomainName: `${name}.s3.amazonaws.com`, RegionalDomainName: `${name}.s3.${REGION}.amazonaws.com` }, name),
    };
  },
  delete(ctx, current) {
    ctx.world.iam.buckets.delete(current.physicalId);
    ctx.world.iam.bucketKeys.delete(current.physicalId);
  },
});

const bucketPolicy = provider({
  create(ctx, props) {
    ctx.world.iam.resourcePolicies.set(`arn:aws:s3:::${props.Bucket}`, props.PolicyDocument as PolicyDocument);
    return { physicalId: String(props.Bucket), attributes: {} };
  },
  update(ctx, _current, props) { ctx.world.iam.resourcePolicies.set(`arn:aws:s3:::${props.Bucket}`, props.PolicyDocument as PolicyDocument); },
  delete(ctx, current) { ctx.world.iam.resourcePolicies.delete(`arn:aws:s3:::${current.properties.Bucket}`); },
});

const queue = provider({
  create(ctx, props) {
    const name = props.QueueName ?? generatedName(ctx, 80);
    const url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
    return { physicalId: url, attributes: withAttributes({ Arn: arn('sqs', name), QueueName: name, QueueUrl: url }, name) };
  },
});

/** A queue's URL to its ARN: `https://sqs.<region>.amazonaws.com/<account>/<name>`. */
function queueArn(url: string): string {
  return arn('sqs', String(url).split('/').at(-1)!);
}

const queuePolicy = resourcePolicyOfEach('Queues', queueArn);

/**
 * A statement of a function's resource policy (AddPermission): the principal, the action, and
 * the SourceArn / SourceAccount conditions it carries.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html
 */
const lambdaPermission = provider({
  create(ctx, props) {
    const fn = String(props.FunctionName);
    const functionArn = fn.startsWith('arn:') ? fn.split(':').slice(0, 7).join(':') : arn('lambda', `function:${fn}`);
    const sid = generatedName(ctx, 100);
    const principal = String(props.Principal);
    const conditions: Props = {};
    if (props.SourceArn) conditions.ArnLike = { 'AWS:SourceArn': props.SourceArn };
    if (props.SourceAccount) conditions.StringEquals = { 'AWS:SourceAccount': props.SourceAccount };
    const statement = {
      Sid: sid, Effect: 'Allow', Action: props.Action, Resource: functionArn,
      Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
      ...(Object.keys(conditions).length ? { Condition: conditions } : {}),
    };
    const existing = ctx.world.iam.resourcePolicies.get(functionArn);
    const statements = existing ? [...(existing.Statement as unknown[])] : [];
    ctx.world.iam.resourcePolicies.set(functionArn, { Version: '2012-10-17', Statement: [...statements, statement] });
    return { physicalId: sid, attributes: { Id: sid } };
  },
  delete(ctx, current) {
    const fn = String(current.properties.FunctionName);
    const functionArn = fn.startsWith('arn:') ? fn.split(':').slice(0, 7).join(':') : arn('lambda', `function:${fn}`);
    const existing = ctx.world.iam.resourcePolicies.get(functionArn);
    if (!existing) return;
    const rest = (existing.Statement as Array<{ Sid: string }>).filter((s) => s.Sid !== current.physicalId);
    if (rest.length) ctx.world.iam.resourcePolicies.set(functionArn, { ...existing, Statement: rest });
    else ctx.world.iam.resourcePolicies.delete(functionArn);
  },
});

/**
 * A log group, encrypted with the key its KmsKeyId names: CloudWatch Logs must be allowed to use
 * the key for that log group (the key policy, for the service principal logs.<region>.amazonaws.com,
 * with the log group's ARN as encryption context), or the log group cannot be created.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
const logGroup = provider({
  async create(ctx, props) {
    const name = props.LogGroupName ?? generatedName(ctx, 512);
    const groupArn = arn('logs', `log-group:${name}`);
    if (props.KmsKeyId) await ctx.world.logs.checkKey(String(props.KmsKeyId), groupArn);
    ctx.world.logs.groups.set(name, { kmsKey: props.KmsKeyId });
    return { physicalId: name, attributes: withAttributes({ Arn: `${groupArn}:*` }, name) };
  },
  async update(ctx, current, props) {
    if (props.KmsKeyId && props.KmsKeyId !== current.properties.KmsKeyId) await ctx.world.logs.checkKey(String(props.KmsKeyId), arn('logs', `log-group:${current.physicalId}`));
    ctx.world.logs.groups.set(current.physicalId, { kmsKey: props.KmsKeyId });
  },
  delete(ctx, current) { ctx.world.logs.groups.delete(current.physicalId); },
});

/** The log groups of the account and what writes to them. */
export class Logs {
  public readonly groups = new Map<string, { kmsKey?: string }>();

  constructor(private readonly world: { iam: import('./iam').Iam }) {}

  /** CloudWatch Logs uses the key for the log group, or refuses it. */
  public async checkKey(keyArn: string, groupArn: string): Promise<void> {
    const logs = { kind: 'service' as const, service: `logs.${REGION}.amazonaws.com` };
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      const ok = await this.world.iam.allowed(logs, { action, resource: keyArn, context: { 'kms:EncryptionContext:aws:logs:arn': groupArn } }, `the log group ${groupArn}`);
      if (!ok) throw awsError('AccessDeniedException', `The specified KMS key does not exist or is not allowed to be used with Arn '${groupArn}'`);
    }
  }
}

export const IAM_PROVIDERS: Record<string, Provider> = {
  'AWS::IAM::Role': role,
  'AWS::IAM::Policy': policy(false),
  'AWS::IAM::ManagedPolicy': policy(true),
  'AWS::KMS::Key': kmsKey,
  'AWS::SNS::Topic': topic,
  'AWS::SNS::TopicPolicy': topicPolicy,
  'AWS::S3::Bucket': bucket,
  'AWS::S3::BucketPolicy': bucketPolicy,
  'AWS::SQS::Queue': queue,
  'AWS::SQS::QueuePolicy': queuePolicy,
  'AWS::Lambda::Permission': lambdaPermission,
  'AWS::Logs::LogGroup': logGroup,
};
