import { IAspect, IPostProcessor, IResolvable, IResolveContext, Stack, Token, Tokenization, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct, MetadataOptions } from 'constructs';

/**
 * Records why a finding of a policy-validation plugin (cdk-nag's AwsSolutions or NIST 800-53
 * R5 pack, or the Control Tower rules of cdk-validator-cfnguard) does not apply to one
 * construct. The acknowledgement shows in the validation report with its reason.
 *
 * @param ruleId the rule as its plugin names it: 'AwsSolutions-S1', 'NIST.800.53.R5-…', or a cfn-guard rule such as 's3_bucket_logging_enabled_check'
 */
export function acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
  const plugin = ruleId.startsWith('AwsSolutions-') ? 'AwsSolutions'
    : ruleId.startsWith('NIST.800.53.R5-') ? 'NIST.800.53.R5'
      : 'cdk-validator-cfnguard';
  recordAcknowledgement(scope, `${plugin}::${ruleId}`, reason);
}

/**
 * Records why a finding of aws-cdk-lib's built-in CloudFormation validator (cfn-lint's rules,
 * 'W3010') does not apply to one construct, as {@link acknowledge} does for the policy packs.
 */
export function acknowledgeTemplateRule(scope: IConstruct, rule: string, reason: string): void {
  recordAcknowledgement(scope, `CloudFormation-Validate::${rule}`, reason);
}

/**
 * Acknowledges `id` (plugin-qualified) on `scope` through aws-cdk-lib, without a stack trace,
 * unless CDK's debug mode is on (`cdk --debug`: CDK_DEBUG is 1, on or true).
 *
 * aws-cdk-lib renders a stack trace for every acknowledgement and hands it to
 * `node.addMetadata` as `stackTraceOverride`: constructs 10.5 drops it, 10.6 and later write it
 * into the stack's metadata. The library acknowledges about 40 findings per service, each from
 * its own code, where a trace tells a user nothing that the construct path and the reason do not;
 * rendering them took about 3 % of a synth from the command line, and a seventh of one under
 * jest, which maps every frame through source maps. So V8 captures no frame meanwhile (there is
 * nothing to render), and the rendering (with no frame, only a note that no user code was found)
 * is not handed on. The acknowledgements, their reasons and what they suppress are unchanged.
 */
function recordAcknowledgement(scope: IConstruct, id: string, reason: string): void {
  const record = () => Validations.of(scope).acknowledge({ id, reason });
  if (['1', 'on', 'true'].includes((process.env.CDK_DEBUG ?? '').toLowerCase())) return record();
  const node = scope.node;
  const own = Object.getOwnPropertyDescriptor(node, 'addMetadata');
  const addMetadata = node.addMetadata;
  node.addMetadata = (type: string, data: any, options?: MetadataOptions) =>
    addMetadata.call(node, type, data, options && ({ ...options, stackTraceOverride: undefined } as MetadataOptions));
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    record();
  } finally {
    Error.stackTraceLimit = limit;
    if (own) Object.defineProperty(node, 'addMetadata', own);
    else delete (node as { addMetadata?: unknown }).addMetadata;
  }
}

/** The same reason for several rules on one construct. */
export function acknowledgeAll(scope: IConstruct, ruleIds: string[], reason: string): void {
  for (const id of ruleIds) acknowledge(scope, id, reason);
}

/**
 * A security group that admits its VPC's own CIDR block, a reference (`Fn::GetAtt` of the VPC)
 * that cdk-nag cannot read and so takes for an open rule (AwsSolutions-EC23, and the NIST pack's
 * restricted-ports rules on every port it cannot rule out).
 */
export function acknowledgeVpcCidrIngress(securityGroup: IConstruct, what: string): void {
  acknowledgeAll(securityGroup, ['AwsSolutions-EC23', 'NIST.800.53.R5-EC2RestrictedCommonPorts', 'NIST.800.53.R5-EC2RestrictedSSH'],
    `${what} admits the VPC's own CIDR block (a reference cdk-nag cannot read), on its listening ports only.`);
}

/** Whether one of `cidrs` admits every address (`0.0.0.0/0` or `::/0`): a public listener, which cdk-nag flags. */
export function admitsAnyAddress(cidrs: readonly string[]): boolean {
  return cidrs.some((c) => c === '0.0.0.0/0' || c === '::/0');
}

/**
 * The actions that the wildcard actions of aws-cdk-lib's grants stand for, in the uses this
 * library makes of them (pipeline artifacts, KMS data keys). Roles get the explicit actions.
 */
const EXPANSIONS: Record<string, string[]> = {
  's3:GetObject*': ['s3:GetObject', 's3:GetObjectVersion'],
  's3:GetBucket*': ['s3:GetBucketAcl', 's3:GetBucketLocation', 's3:GetBucketVersioning'],
  's3:List*': ['s3:ListBucket'],
  's3:DeleteObject*': ['s3:DeleteObject'],
  's3:Abort*': ['s3:AbortMultipartUpload'],
  'kms:GenerateDataKey*': ['kms:GenerateDataKey'],
  'kms:ReEncrypt*': ['kms:ReEncryptFrom', 'kms:ReEncryptTo'],
};

function expandStatement(statement: any): any {
  if (statement.Effect !== 'Allow' || statement.Action === undefined) return statement;
  const actions: string[] = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
  const expanded = [...new Set(actions.flatMap((a) => EXPANSIONS[a] ?? [a]))].sort();
  return { ...statement, Action: expanded.length === 1 ? expanded[0] : expanded };
}

/**
 * `text` (an ARN with tokens in it, such as `arn:${stack.partition}:s3:::*\/*`) as cdk-nag prints
 * it in a finding ID: each token as the reference it renders to (`<AWS::Partition>`), a literal
 * as it is. The text is resolved only to name the finding; nothing is emitted from it.
 */
export function nagText(scope: IConstruct, text: string): string {
  return Token.isUnresolved(text) ? flattenReference(Stack.of(scope).resolve(text)) : text;
}

/** A resource as cdk-nag prints it in a finding ID: references become `<LogicalId>` or `<LogicalId.Attribute>`. */
export function flattenReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const o = node as Record<string, any>;
  if (o['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(flattenReference).join(o['Fn::Join'][0]);
  if (o['Fn::Sub']) return flattenReference(o['Fn::Sub']);
  if (o['Fn::GetAtt']) return `<${flattenReference(o['Fn::GetAtt'][0])}.${flattenReference(o['Fn::GetAtt'][1])}>`;
  if (o['Fn::ImportValue']) return flattenReference(o['Fn::ImportValue']);
  if (o.Ref) return `<${flattenReference(o.Ref)}>`;
  return JSON.stringify(node);
}

/**
 * Acknowledges, one by one, the resource wildcards of an Allow statement, each with the reason
 * it is as narrow as the action allows.
 */
function acknowledgeResourceWildcards(policy: IConstruct, statement: any, done: Set<string>): void {
  if (statement.Effect !== 'Allow') return;
  const actions: string[] = [statement.Action ?? []].flat();
  for (const resource of [statement.Resource ?? []].flat()) {
    const flat = flattenReference(resource);
    if (!flat.includes('*') || done.has(flat)) continue;
    done.add(flat);
    const reason = flat === '*'
      ? `${actions.join(', ')} support${actions.length === 1 ? 's' : ''} no resource-level permissions.`
      : `Limited to what belongs to this platform or service under a fixed prefix (${flat}); the individual names (objects, log streams, reports, deployment groups) are only known once they exist.`;
    acknowledge(policy, `AwsSolutions-IAM5[Resource::${flat}]`, reason);
  }
}

/**
 * A policy document rewritten statement by statement, without resolving anything.
 *
 * The rule for every compliance rewrite in this library: transform the document as CDK
 * renders it (its statements still hold tokens) and hand the result back to the resolver.
 * Never call `Stack.resolve` to build what a construct emits: CDK finds cross-stack
 * references by walking tokens during `prepare`, and a document resolved early carries the
 * parent stack's logical IDs into a nested template instead of the parameters CDK would
 * have created (issue 10: "Unresolved resource dependencies" on the first deploy).
 */
class RewrittenDocument implements IResolvable {
  public readonly creationStack: string[] = [];

  /**
   * @param onRendered called with the document as the template holds it (every token resolved,
   *   cross-stack references replaced), each time it is rendered outside CDK's prepare pass
   */
  constructor(private readonly original: unknown, private readonly rewrite: (statement: any) => any,
    private readonly onRendered?: (document: any) => void) {}

  public resolve(context: IResolveContext): any {
    // The original's own resolve() returns its rendering with the tokens left in it; the
    // resolver then resolves those in the consuming stack, as it would have without us. The
    // post-processor the original registers (aws-cdk-lib's policy document sorts, merges and
    // numbers statements) is kept, and the result handed to onRendered after it.
    let originalPostProcessor: IPostProcessor | undefined;
    const inner: IResolveContext = { ...context, registerPostProcessor: (pp) => { originalPostProcessor = pp; } };
    const doc = Tokenization.isResolvable(this.original) ? this.original.resolve(inner) : this.original;
    context.registerPostProcessor({
      postProcess: (resolved: any, ctx: IResolveContext) => {
        const out = originalPostProcessor ? originalPostProcessor.postProcess(resolved, ctx) : resolved;
        if (this.onRendered && !context.preparing) this.onRendered(out);
        return out;
      },
    });
    if (!doc || !Array.isArray(doc.Statement)) return doc;
    return { ...doc, Statement: doc.Statement.flatMap((statement: unknown) => [this.rewrite(statement)].flat()) };
  }
}

/** Rewrites each statement of an identity policy (into one or more), keeping its tokens as tokens. */
function rewritePolicy(policy: iam.CfnPolicy, rewrite: (statement: any) => any, onRendered?: (document: any) => void): void {
  policy.policyDocument = new RewrittenDocument(policy.policyDocument, rewrite, onRendered);
}

/** Replaces the wildcard actions of identity policies by explicit ones, at synthesis. */
export class ExplicitActions implements IAspect {
  public visit(node: IConstruct): void {
    if (!(node instanceof iam.CfnPolicy) || (node as any).__explicitActions) return;
    (node as any).__explicitActions = true;
    acknowledge(node, 'NIST.800.53.R5-IAMNoInlinePolicy',
      'The policy belongs to exactly one role, created and deleted with it; a managed policy would add a second resource with the same content.');
    // The acknowledgements name each resource as the finished template writes it (a reference
    // to the platform's stack is a nested-stack parameter by then): they are taken from the
    // document as it is rendered into the template, which happens before the stack's metadata
    // (the acknowledgements) is written and the validation plugins run; rendering it once more
    // only for them cost a full resolution of every policy. Each is acknowledged once.
    const acknowledged = new Set<string>();
    rewritePolicy(node, expandStatement, (document) => {
      for (const statement of document?.Statement ?? []) acknowledgeResourceWildcards(node, statement, acknowledged);
    });
  }
}

/**
 * Narrows the `iam:PassRole` statements that aws-cdk-lib's ECS deploy actions grant on every
 * role ('*', conditioned on ecs-tasks.amazonaws.com) to the roles the task really uses, in
 * every policy below `scope` (a pipeline: its deploy action's role is its only one with such a
 * statement).
 */
export function narrowPassRole(scope: IConstruct, roleArns: string[]): void {
  for (const policy of scope.node.findAll().filter((c): c is iam.CfnPolicy => c instanceof iam.CfnPolicy)) {
    rewritePolicy(policy, (st: any) =>
      [st.Action].flat().includes('iam:PassRole') && st.Resource === '*' ? { ...st, Resource: roleArns } : st);
  }
}

/**
 * Narrows what aws-cdk-lib's deploy actions (the ECS deploy action, CodeDeploy's ECS action)
 * grant on '*' in every policy below `scope` (a pipeline) to the one service and task family
 * they deploy: ecs:RegisterTaskDefinition to the family (task-definition/<family>:<revision>),
 * ecs:UpdateService and ecs:DescribeServices to the service, ecs:TagResource to both. What the
 * Service Authorization Reference lists without a resource type (DescribeTaskDefinition) or
 * that reads tasks stays on '*'.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
 */
export function narrowEcsDeploy(scope: IConstruct, target: { readonly family: string; readonly service?: string }): void {
  const byAction: Record<string, string[]> = { 'ecs:RegisterTaskDefinition': [target.family], 'ecs:TagResource': [target.family, ...target.service ? [target.service] : []] };
  if (target.service) byAction['ecs:UpdateService'] = byAction['ecs:DescribeServices'] = [target.service];
  for (const policy of scope.node.findAll().filter((c): c is iam.CfnPolicy => c instanceof iam.CfnPolicy)) {
    rewritePolicy(policy, (st: any) => {
      const actions: string[] = [st.Action].flat();
      if (st.Resource !== '*' || st.Effect !== 'Allow' || !actions.includes('ecs:RegisterTaskDefinition')) return st;
      const rest = actions.filter((a) => !byAction[a]);
      const narrowed = actions.filter((a) => byAction[a]).map((a) => ({ ...st, Action: a, Resource: byAction[a].length === 1 ? byAction[a][0] : byAction[a] }));
      return [...rest.length > 0 ? [{ ...st, Action: rest.length === 1 ? rest[0] : rest }] : [], ...narrowed];
    });
  }
}
