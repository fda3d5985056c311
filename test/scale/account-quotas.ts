/**
 * The AWS quotas a platform's templates meet as a whole once deployed: what one template file
 * cannot show (test/integrity checks each file on its own), because a policy of a nested stack
 * attaches to a role of its parent, a rule of one template joins a security group or a
 * listener of another, and every stack's roles count against the same account.
 *
 * The assembly is read as CloudFormation deploys it: every template file, nested stacks joined
 * to their parent through the parameters the parent passes. Values CloudFormation resolves at
 * deploy time (ARNs, generated names) are estimated from above: a generated name is as long as
 * CloudFormation's `<stack>-<logical id>-<suffix>` can be within the service's limit, a nested
 * stack's name `<parent>-<logical id>-<suffix>`; a reference the estimate does not know fails
 * loudly rather than counting nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { childTemplateFile } from '../integrity/nested-stacks';
import { TEMPLATE_QUOTAS } from '../integrity/template-integrity';
import type { Resource, Template } from '../integrity/types';

/**
 * The quotas checked, each with the AWS page that states it (default values; the adjustable
 * ones can be raised through Service Quotas).
 */
export const ACCOUNT_QUOTAS = {
  /**
   * "Role policy size cannot exceed 10,240 characters" (all inline policies of a role together;
   * "IAM does not count white space").
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
   */
  inlinePolicyCharactersPerRole: 10_240,
  /** "Managed policy size: 6,144 characters". @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html */
  managedPolicyCharacters: 6_144,
  /** "Managed policies attached to an IAM role: 10" (adjustable to 20). @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html */
  managedPoliciesPerRole: 10,
  /** "Roles in an AWS account: 1,000" (adjustable to 5,000). @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html */
  rolesPerAccount: 1_000,
  /** "Path: 512 characters". @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html */
  rolePathCharacters: 512,
  /** Key policy document size: 32 KB. @see https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html */
  keyPolicyBytes: 32_768,
  /** "Bucket policies are limited to 20 KB in size". @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html */
  bucketPolicyBytes: 20_480,
  /** Function resource-based policy: 20 KB. @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
  functionPolicyBytes: 20_480,
  /**
   * "Inbound or outbound rules per security group: 60", for each direction and IP version
   * separately. @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
   */
  rulesPerSecurityGroupDirection: 60,
  /** Application Load Balancer: target groups 100, rules 100 (default rules excluded), listeners 50. @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html */
  targetGroupsPerLoadBalancer: 100,
  rulesPerLoadBalancer: 100,
  listenersPerLoadBalancer: 50,
  /** "Rules: 300 per event bus" (100 in af-south-1 and eu-south-1). @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html */
  rulesPerEventBus: 300,
} as const;

/** One template file of the assembly, as CloudFormation deploys it. */
export interface StackNode {
  readonly file: string;
  readonly template: Template;
  /** The stack's name (a nested stack's as CloudFormation generates it, at its longest). */
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** The parent, and the AWS::CloudFormation::Stack resource that nests this one. */
  readonly parent?: { readonly node: StackNode; readonly resourceId: string };
}

/** A resource of the assembly: its template file and logical ID. */
export interface ResourceRef {
  readonly node: StackNode;
  readonly id: string;
}

/** Every template of a cloud assembly: the manifest's stacks and, through their resources, the nested ones. */
export function readAssembly(dir: string): StackNode[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const nodes: StackNode[] = [];
  const visit = (node: StackNode): void => {
    nodes.push(node);
    for (const [id, r] of Object.entries(node.template.Resources ?? {})) {
      if (r.Type !== 'AWS::CloudFormation::Stack') continue;
      const file = childTemplateFile(dir, node.file, r);
      if (!file) throw new Error(`${node.file} ${id}: the nested stack's template is not in the assembly`);
      // CloudFormation names a nested stack <parent>-<logical id>-<12 characters>, within 128.
      const name = `${node.name}-${id}`.slice(0, 128 - 13) + '-' + 'X'.repeat(12);
      visit({ file, template: readJson(dir, file), name, account: node.account, region: node.region, parent: { node, resourceId: id } });
    }
  };
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {}) as Array<[string, any]>) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const [, account, region] = /^aws:\/\/([^/]*)\/(.*)$/.exec(artifact.environment ?? '') ?? [];
    const file = artifact.properties.templateFile as string;
    visit({
      file,
      template: readJson(dir, file),
      name: artifact.properties.stackName ?? id,
      account: /^\d{12}$/.test(account ?? '') ? account : '123456789012',
      // Without an explicit Region, the longest Region code in use counts.
      region: region && region !== 'unknown-region' ? region : 'ap-southeast-5',
    });
  }
  return nodes;
}

function readJson(dir: string, file: string): Template {
  return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
}

function resourceOf(ref: ResourceRef): Resource {
  return ref.node.template.Resources![ref.id];
}

/**
 * The resource a value names: a Ref or GetAtt of a resource of the same template, followed
 * through nested-stack parameters and outputs to the template that holds it; undefined for a
 * literal (something outside the assembly).
 */
export function referencedResource(node: StackNode, value: unknown): ResourceRef | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, any>;
  if (typeof v.Ref === 'string') {
    if (node.template.Resources?.[v.Ref]) return { node, id: v.Ref };
    if (node.template.Parameters?.[v.Ref] && node.parent) return referencedResource(node.parent.node, parameterValue(node, v.Ref));
    return undefined;
  }
  if (Array.isArray(v['Fn::GetAtt'])) {
    const [id, attribute] = v['Fn::GetAtt'] as [string, string];
    const r = node.template.Resources?.[id];
    if (!r) return undefined;
    if (r.Type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
      const child = childOf(node, id);
      return referencedResource(child, child.template.Outputs?.[attribute.slice('Outputs.'.length)]?.Value);
    }
    return { node, id };
  }
  return undefined;
}

const children = new WeakMap<StackNode, StackNode[]>();
let allNodes: StackNode[] = [];

function childOf(node: StackNode, resourceId: string): StackNode {
  const child = (children.get(node) ?? allNodes.filter((n) => n.parent?.node === node)).find((n) => n.parent?.resourceId === resourceId);
  if (!child) throw new Error(`${node.file} ${resourceId}: no nested template`);
  return child;
}

function parameterValue(node: StackNode, parameter: string): unknown {
  const parent = node.parent!;
  const given = (parent.node.template.Resources![parent.resourceId].Properties?.Parameters as Record<string, unknown> | undefined)?.[parameter];
  return given ?? node.template.Parameters?.[parameter]?.Default;
}

/** A generated physical name at its longest: `<stack>-<logical id>-<13 characters>` within `max`. */
function generatedName(ref: ResourceRef, max: number): string {
  return `${ref.node.name}-${ref.id}`.slice(0, max - 14) + '-' + 'X'.repeat(13);
}

/** What each resource type answers to Ref and GetAtt, at the length CloudFormation can give it. */
interface TypeModel {
  /** The property that names the resource, and the longest name CloudFormation generates without it. */
  readonly name?: { readonly property?: string; readonly max: number; readonly lower?: boolean };
  /** What Ref returns. */
  readonly ref: (x: Resolved) => string;
  readonly attributes?: Record<string, (x: Resolved) => string>;
}

interface Resolved {
  readonly name: string;
  readonly arn: (service: string, resource: string, global?: boolean) => string;
  readonly props: Record<string, any>;
  readonly resolve: (v: unknown) => unknown;
}

const ID = (n: number) => 'x'.repeat(n);

/**
 * Ref and GetAtt by resource type, from each type's "Return values" in the CloudFormation
 * template reference.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html
 */
const TYPES: Record<string, TypeModel> = {
  'AWS::IAM::Role': {
    name: { property: 'RoleName', max: 64 },
    ref: (x) => x.name,
    attributes: { Arn: (x) => x.arn('iam', `role${String(x.resolve(x.props.Path ?? '/'))}${x.name}`, true), RoleId: () => ID(21) },
  },
  'AWS::IAM::ManagedPolicy': { name: { property: 'ManagedPolicyName', max: 128 }, ref: (x) => x.arn('iam', `policy${String(x.resolve(x.props.Path ?? '/'))}${x.name}`, true) },
  'AWS::Lambda::Function': {
    name: { property: 'FunctionName', max: 64 }, ref: (x) => x.name, attributes: { Arn: (x) => x.arn('lambda', `function:${x.name}`) },
  },
  'AWS::SNS::Topic': {
    name: { property: 'TopicName', max: 256 }, ref: (x) => x.arn('sns', x.name), attributes: { TopicArn: (x) => x.arn('sns', x.name), TopicName: (x) => x.name },
  },
  'AWS::SQS::Queue': {
    name: { property: 'QueueName', max: 80 },
    ref: (x) => `https://sqs.${x.arn('', '').split(':')[3]}.amazonaws.com/${ID(12)}/${x.name}`,
    attributes: { Arn: (x) => x.arn('sqs', x.name), QueueName: (x) => x.name, QueueUrl: (x) => `https://sqs.amazonaws.com/${ID(12)}/${x.name}` },
  },
  'AWS::KMS::Key': { ref: () => ID(36), attributes: { Arn: (x) => x.arn('kms', `key/${ID(36)}`), KeyId: () => ID(36) } },
  'AWS::Logs::LogGroup': {
    name: { property: 'LogGroupName', max: 512 }, ref: (x) => x.name, attributes: { Arn: (x) => x.arn('logs', `log-group:${x.name}:*`) },
  },
  'AWS::S3::Bucket': {
    name: { property: 'BucketName', max: 63, lower: true },
    ref: (x) => x.name,
    attributes: { Arn: (x) => `arn:aws:s3:::${x.name}`, DomainName: (x) => `${x.name}.s3.amazonaws.com`, RegionalDomainName: (x) => `${x.name}.s3.${x.arn('', '').split(':')[3]}.amazonaws.com` },
  },
  'AWS::ECR::Repository': {
    name: { property: 'RepositoryName', max: 256, lower: true },
    ref: (x) => x.name,
    attributes: { Arn: (x) => x.arn('ecr', `repository/${x.name}`), RepositoryUri: (x) => `${ID(12)}.dkr.ecr.${x.arn('', '').split(':')[3]}.amazonaws.com/${x.name}` },
  },
  'AWS::ECS::Cluster': { name: { property: 'ClusterName', max: 255 }, ref: (x) => x.name, attributes: { Arn: (x) => x.arn('ecs', `cluster/${x.name}`) } },
  'AWS::ECS::TaskDefinition': {
    name: { property: 'Family', max: 255 }, ref: (x) => x.arn('ecs', `task-definition/${x.name}:${ID(6)}`), attributes: { TaskDefinitionArn: (x) => x.arn('ecs', `task-definition/${x.name}:${ID(6)}`) },
  },
  'AWS::CodeDeploy::Application': { name: { property: 'ApplicationName', max: 100 }, ref: (x) => x.name },
  'AWS::CodeDeploy::DeploymentGroup': { name: { property: 'DeploymentGroupName', max: 100 }, ref: (x) => x.name },
  'AWS::CodeCommit::Repository': {
    name: { property: 'RepositoryName', max: 100 }, ref: () => ID(36), attributes: { Arn: (x) => x.arn('codecommit', x.name), Name: (x) => x.name, CloneUrlHttp: (x) => `https://git-codecommit.amazonaws.com/v1/repos/${x.name}` },
  },
  'AWS::CodeBuild::Project': { name: { property: 'Name', max: 255 }, ref: (x) => x.name, attributes: { Arn: (x) => x.arn('codebuild', `project/${x.name}`) } },
  'AWS::CodePipeline::Pipeline': { name: { property: 'Name', max: 100 }, ref: (x) => x.name },
  'AWS::StepFunctions::StateMachine': {
    name: { property: 'StateMachineName', max: 80 }, ref: (x) => x.arn('states', `stateMachine:${x.name}`), attributes: { Arn: (x) => x.arn('states', `stateMachine:${x.name}`), Name: (x) => x.name },
  },
  'AWS::Events::Rule': { name: { property: 'Name', max: 64 }, ref: (x) => x.name, attributes: { Arn: (x) => x.arn('events', `rule/${x.name}`) } },
  'AWS::Scheduler::Schedule': { name: { property: 'Name', max: 64 }, ref: (x) => x.name, attributes: { Arn: (x) => x.arn('scheduler', `schedule/default/${x.name}`) } },
  'AWS::SSM::Parameter': { name: { property: 'Name', max: 1011 }, ref: (x) => x.name },
  'AWS::CloudWatch::Alarm': { name: { property: 'AlarmName', max: 255 }, ref: (x) => x.name, attributes: { Arn: (x) => x.arn('cloudwatch', `alarm:${x.name}`) } },
  'AWS::EC2::SecurityGroup': { ref: () => `sg-${ID(17)}`, attributes: { GroupId: () => `sg-${ID(17)}`, VpcId: () => `vpc-${ID(17)}` } },
  'AWS::EC2::VPC': { ref: () => `vpc-${ID(17)}`, attributes: { CidrBlock: () => '255.255.255.255/32', DefaultSecurityGroup: () => `sg-${ID(17)}` } },
  'AWS::EC2::Subnet': { ref: () => `subnet-${ID(17)}` },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    name: { property: 'Name', max: 32 },
    ref: (x) => x.arn('elasticloadbalancing', `loadbalancer/app/${x.name}/${ID(16)}`),
    attributes: {
      LoadBalancerFullName: (x) => `app/${x.name}/${ID(16)}`,
      LoadBalancerArn: (x) => x.arn('elasticloadbalancing', `loadbalancer/app/${x.name}/${ID(16)}`),
      DNSName: (x) => `${x.name}-${ID(10)}.${x.arn('', '').split(':')[3]}.elb.amazonaws.com`,
    },
  },
  'AWS::ElasticLoadBalancingV2::Listener': { ref: (x) => x.arn('elasticloadbalancing', `listener/app/${ID(32)}/${ID(16)}/${ID(16)}`) },
  'AWS::ElasticLoadBalancingV2::ListenerRule': { ref: (x) => x.arn('elasticloadbalancing', `listener-rule/app/${ID(32)}/${ID(16)}/${ID(16)}/${ID(16)}`) },
  'AWS::ElasticLoadBalancingV2::TargetGroup': {
    name: { property: 'Name', max: 32 },
    ref: (x) => x.arn('elasticloadbalancing', `targetgroup/${x.name}/${ID(16)}`),
    attributes: { TargetGroupFullName: (x) => `targetgroup/${x.name}/${ID(16)}`, TargetGroupName: (x) => x.name },
  },
  // The platform's own custom resources: what their handlers answer.
  'Custom::BlueGreenService': {
    ref: (x) => String(x.resolve(x.props.ServiceName)),
    attributes: {
      ServiceName: (x) => String(x.resolve(x.props.ServiceName)),
      ServiceArn: (x) => x.arn('ecs', `service/${String(x.resolve(x.props.ClusterName))}/${String(x.resolve(x.props.ServiceName))}`),
    },
  },
  'Custom::EcsService': {
    ref: (x) => x.arn('ecs', `service/${String(x.resolve(x.props.Cluster))}/${String(x.resolve(x.props.ServiceName))}`),
    attributes: {
      Name: (x) => String(x.resolve(x.props.ServiceName)),
      ServiceArn: (x) => x.arn('ecs', `service/${String(x.resolve(x.props.Cluster))}/${String(x.resolve(x.props.ServiceName))}`),
    },
  },
};

/**
 * A value as CloudFormation resolves it, every part at its longest: strings, lists and objects
 * of strings. Conditions take the longer branch.
 */
export function resolveValue(node: StackNode, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveValue(node, v));
  if (value === null || typeof value !== 'object') return value;
  const v = value as Record<string, any>;
  const keys = Object.keys(v);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return intrinsic(node, keys[0], v[keys[0]]);
  return Object.fromEntries(keys.map((k) => [k, resolveValue(node, v[k])]));
}

function str(node: StackNode, value: unknown): string {
  const r = resolveValue(node, value);
  if (typeof r !== 'string' && typeof r !== 'number' && typeof r !== 'boolean') throw new Error(`${node.file}: expected a string, got ${JSON.stringify(value)}`);
  return String(r);
}

function intrinsic(node: StackNode, fn: string, args: any): unknown {
  switch (fn) {
    case 'Ref': return ref(node, String(args));
    case 'Fn::GetAtt': {
      const [id, attribute] = Array.isArray(args) ? args : String(args).split(/\.(.+)/);
      return getAtt(node, id, attribute);
    }
    case 'Fn::Join': return (resolveValue(node, args[1]) as unknown[]).map((p) => String(p)).join(args[0]);
    case 'Fn::Sub': {
      const [body, vars] = Array.isArray(args) ? args : [args, {}];
      return String(body).replace(/\$\{([^!}][^}]*)\}/g, (_m, name: string) => {
        if (vars?.[name] !== undefined) return str(node, vars[name]);
        const [id, attribute] = name.split(/\.(.+)/);
        return attribute ? String(getAtt(node, id, attribute)) : String(ref(node, id));
      });
    }
    case 'Fn::Select': return (resolveValue(node, args[1]) as unknown[])[Number(resolveValue(node, args[0]))];
    case 'Fn::Split': return str(node, args[1]).split(args[0]);
    case 'Fn::GetAZs': return ['a', 'b', 'c'].map((z) => `${node.region}${z}`);
    case 'Fn::If': {
      const [a, b] = [resolveValue(node, args[1]), resolveValue(node, args[2])];
      return JSON.stringify(a ?? '').length >= JSON.stringify(b ?? '').length ? a : b;
    }
    case 'Fn::Base64': return Buffer.from(str(node, args)).toString('base64');
    default: throw new Error(`${node.file}: the quota estimate does not know ${fn}`);
  }
}

function ref(node: StackNode, name: string): unknown {
  switch (name) {
    case 'AWS::AccountId': return node.account;
    case 'AWS::Region': return node.region;
    case 'AWS::Partition': return 'aws';
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::StackName': return node.name;
    case 'AWS::StackId': return `arn:aws:cloudformation:${node.region}:${node.account}:stack/${node.name}/${ID(36)}`;
    case 'AWS::NoValue': return undefined;
    default: break;
  }
  if (node.template.Parameters?.[name]) {
    if (!node.parent) return node.template.Parameters[name].Default ?? '';
    return resolveValue(node.parent.node, parameterValue(node, name));
  }
  return typeModel(node, name).ref(context(node, name));
}

function getAtt(node: StackNode, id: string, attribute: string): unknown {
  const r = node.template.Resources?.[id];
  if (r?.Type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
    const child = childOf(node, id);
    return resolveValue(child, child.template.Outputs?.[attribute.slice('Outputs.'.length)]?.Value);
  }
  const model = typeModel(node, id);
  const get = model.attributes?.[attribute];
  if (!get) throw new Error(`${node.file} ${id}: the quota estimate does not know ${r?.Type}.${attribute}`);
  return get(context(node, id));
}

function typeModel(node: StackNode, id: string): TypeModel {
  const r = node.template.Resources?.[id];
  if (!r) throw new Error(`${node.file}: Ref of ${id}, which is not in the template`);
  const model = TYPES[r.Type];
  if (!model) throw new Error(`${node.file} ${id}: the quota estimate does not know what a ${r.Type} resolves to`);
  return model;
}

function context(node: StackNode, id: string): Resolved {
  const r = node.template.Resources![id];
  const model = TYPES[r.Type];
  const props = (r.Properties ?? {}) as Record<string, any>;
  const named = model.name?.property ? props[model.name.property] : undefined;
  let name = named !== undefined ? str(node, named) : generatedName({ node, id }, model.name?.max ?? 64);
  if (named === undefined && model.name?.lower) name = name.toLowerCase();
  return {
    name,
    props,
    resolve: (v) => resolveValue(node, v),
    arn: (service, resource, global = false) => `arn:aws:${service}:${global ? '' : node.region}:${node.account}:${resource}`,
  };
}

/** The characters of a policy document as IAM counts them: the resolved JSON without white space outside its strings. */
export function policySize(node: StackNode, document: unknown): number {
  return JSON.stringify(resolveValue(node, document)).length;
}

/** One quota a platform meets, how close it comes, and where. */
export interface QuotaUse {
  readonly quota: keyof typeof ACCOUNT_QUOTAS | 'resources' | 'parameters' | 'outputs' | 'bodyBytes';
  readonly limit: number;
  /** The largest use found. */
  readonly used: number;
  /** Where the largest use is (template file and logical ID). */
  readonly where: string;
}

/** What the platform's templates use of each quota: the largest use, and every use over its limit. */
export interface QuotaReport {
  readonly uses: QuotaUse[];
  readonly overLimit: QuotaUse[];
  /** The roles of each template file. */
  readonly rolesPerTemplate: Record<string, number>;
  readonly roles: number;
  /** Rules on the default event bus (every AWS::Events::Rule without an EventBusName). */
  readonly defaultBusRules: number;
}

const key = (r: ResourceRef) => `${r.node.file} ${r.id}`;

function resourcesOf(nodes: StackNode[], ...types: string[]): ResourceRef[] {
  return nodes.flatMap((node) => Object.entries(node.template.Resources ?? {}).filter(([, r]) => types.includes(r.Type)).map(([id]) => ({ node, id })));
}

/**
 * Every quota of {@link ACCOUNT_QUOTAS} and CloudFormation's per-template quotas, as the
 * assembly in `dir` would use them once deployed into one account and Region.
 */
export function checkAccountQuotas(dir: string): QuotaReport {
  const nodes = readAssembly(dir);
  allNodes = nodes;
  const uses: QuotaUse[] = [];
  const largest = (quota: QuotaUse['quota'], limit: number, entries: Array<[string, number]>) => {
    for (const [where, used] of entries.length > 0 ? entries : [['nothing of this kind', 0] as [string, number]]) uses.push({ quota, limit, used, where });
  };

  // IAM: inline policies per role (the role's own Policies and every AWS::IAM::Policy or
  // RolePolicy that names it, in any template), managed policies per role and their size.
  const roles = resourcesOf(nodes, 'AWS::IAM::Role');
  const inline = new Map<string, number>(roles.map((r) => [key(r), 0]));
  const managed = new Map<string, number>(roles.map((r) => [key(r), ((resourceOf(r).Properties?.ManagedPolicyArns as unknown[]) ?? []).length]));
  for (const r of roles) {
    for (const p of (resourceOf(r).Properties?.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []) {
      inline.set(key(r), inline.get(key(r))! + policySize(r.node, p.PolicyDocument));
    }
  }
  const managedSizes: Array<[string, number]> = [];
  for (const p of resourcesOf(nodes, 'AWS::IAM::Policy', 'AWS::IAM::RolePolicy', 'AWS::IAM::ManagedPolicy')) {
    const props = resourceOf(p).Properties ?? {};
    const size = policySize(p.node, props.PolicyDocument);
    const attached = resourceOf(p).Type === 'AWS::IAM::RolePolicy' ? [props.RoleName] : ((props.Roles as unknown[]) ?? []);
    if (resourceOf(p).Type === 'AWS::IAM::ManagedPolicy') managedSizes.push([key(p), size]);
    for (const role of attached.map((a) => referencedResource(p.node, a)).filter((a): a is ResourceRef => a !== undefined)) {
      const map = resourceOf(p).Type === 'AWS::IAM::ManagedPolicy' ? managed : inline;
      map.set(key(role), (map.get(key(role)) ?? 0) + (map === managed ? 1 : size));
    }
  }
  largest('inlinePolicyCharactersPerRole', ACCOUNT_QUOTAS.inlinePolicyCharactersPerRole, [...inline]);
  largest('managedPolicyCharacters', ACCOUNT_QUOTAS.managedPolicyCharacters, managedSizes);
  largest('managedPoliciesPerRole', ACCOUNT_QUOTAS.managedPoliciesPerRole, [...managed]);
  largest('rolePathCharacters', ACCOUNT_QUOTAS.rolePathCharacters,
    roles.map((r) => [key(r), String(resolveValue(r.node, resourceOf(r).Properties?.Path ?? '/')).length]));
  largest('rolesPerAccount', ACCOUNT_QUOTAS.rolesPerAccount, [['all templates', roles.length]]);

  // Resource policies that services add to: key policies, bucket policies, function policies.
  largest('keyPolicyBytes', ACCOUNT_QUOTAS.keyPolicyBytes,
    resourcesOf(nodes, 'AWS::KMS::Key').map((k) => [key(k), policySize(k.node, resourceOf(k).Properties?.KeyPolicy)]));
  const bucketPolicies = new Map<string, number>();
  for (const p of resourcesOf(nodes, 'AWS::S3::BucketPolicy')) {
    const bucket = referencedResource(p.node, resourceOf(p).Properties?.Bucket);
    const k = bucket ? key(bucket) : key(p);
    bucketPolicies.set(k, (bucketPolicies.get(k) ?? 0) + policySize(p.node, resourceOf(p).Properties?.PolicyDocument));
  }
  largest('bucketPolicyBytes', ACCOUNT_QUOTAS.bucketPolicyBytes, [...bucketPolicies]);
  const functionPolicies = new Map<string, number>();
  for (const p of resourcesOf(nodes, 'AWS::Lambda::Permission')) {
    const props = resourceOf(p).Properties ?? {};
    const fn = referencedResource(p.node, props.FunctionName);
    const k = fn ? key(fn) : key(p);
    // The statement Lambda adds for a permission.
    const statement = {
      Sid: 'x'.repeat(100), Effect: 'Allow', Principal: { Service: props.Principal }, Action: props.Action, Resource: props.FunctionName,
      Condition: { ArnLike: { 'AWS:SourceArn': props.SourceArn }, StringEquals: { 'AWS:SourceAccount': props.SourceAccount } },
    };
    functionPolicies.set(k, (functionPolicies.get(k) ?? 0) + policySize(p.node, statement));
  }
  largest('functionPolicyBytes', ACCOUNT_QUOTAS.functionPolicyBytes, [...functionPolicies]);

  // Security group rules, inline and as resources of any template, per group and direction.
  const groups = resourcesOf(nodes, 'AWS::EC2::SecurityGroup');
  const rules = new Map<string, number>();
  for (const g of groups) {
    const props = resourceOf(g).Properties ?? {};
    rules.set(`${key(g)} inbound`, ((props.SecurityGroupIngress as unknown[]) ?? []).length);
    rules.set(`${key(g)} outbound`, ((props.SecurityGroupEgress as unknown[]) ?? []).length);
  }
  for (const [type, direction] of [['AWS::EC2::SecurityGroupIngress', 'inbound'], ['AWS::EC2::SecurityGroupEgress', 'outbound']]) {
    for (const r of resourcesOf(nodes, type)) {
      const group = referencedResource(r.node, resourceOf(r).Properties?.GroupId);
      if (!group) continue;
      const k = `${key(group)} ${direction}`;
      rules.set(k, (rules.get(k) ?? 0) + 1);
    }
  }
  largest('rulesPerSecurityGroupDirection', ACCOUNT_QUOTAS.rulesPerSecurityGroupDirection, [...rules]);

  // Load balancers: listeners, rules (default rules excluded) and target groups.
  const listenersOf = new Map<string, string>();
  const perBalancer = () => new Map<string, Set<string>>(resourcesOf(nodes, 'AWS::ElasticLoadBalancingV2::LoadBalancer').map((lb) => [key(lb), new Set<string>()]));
  const [listeners, lbRules, targetGroups] = [perBalancer(), perBalancer(), perBalancer()];
  for (const l of resourcesOf(nodes, 'AWS::ElasticLoadBalancingV2::Listener')) {
    const lb = referencedResource(l.node, resourceOf(l).Properties?.LoadBalancerArn);
    if (!lb) continue;
    listenersOf.set(key(l), key(lb));
    listeners.get(key(lb))?.add(key(l));
    for (const tg of forwardedTargetGroups(l.node, resourceOf(l).Properties?.DefaultActions)) targetGroups.get(key(lb))?.add(tg);
  }
  for (const r of resourcesOf(nodes, 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
    const listener = referencedResource(r.node, resourceOf(r).Properties?.ListenerArn);
    const lb = listener && listenersOf.get(key(listener));
    if (!lb) continue;
    lbRules.get(lb)?.add(key(r));
    for (const tg of forwardedTargetGroups(r.node, resourceOf(r).Properties?.Actions)) targetGroups.get(lb)?.add(tg);
  }
  largest('listenersPerLoadBalancer', ACCOUNT_QUOTAS.listenersPerLoadBalancer, [...listeners].map(([k, s]) => [k, s.size]));
  largest('rulesPerLoadBalancer', ACCOUNT_QUOTAS.rulesPerLoadBalancer, [...lbRules].map(([k, s]) => [k, s.size]));
  largest('targetGroupsPerLoadBalancer', ACCOUNT_QUOTAS.targetGroupsPerLoadBalancer, [...targetGroups].map(([k, s]) => [k, s.size]));

  // EventBridge rules on the default bus.
  const defaultBusRules = resourcesOf(nodes, 'AWS::Events::Rule').filter((r) => resourceOf(r).Properties?.EventBusName === undefined).length;
  largest('rulesPerEventBus', ACCOUNT_QUOTAS.rulesPerEventBus, [['the default event bus', defaultBusRules]]);

  // CloudFormation, per template file.
  for (const node of nodes) {
    const bytes = Buffer.byteLength(JSON.stringify(node.template, undefined, 1));
    largest('resources', TEMPLATE_QUOTAS.resources, [[node.file, Object.keys(node.template.Resources ?? {}).length]]);
    largest('parameters', TEMPLATE_QUOTAS.parameters, [[node.file, Object.keys(node.template.Parameters ?? {}).length]]);
    largest('outputs', TEMPLATE_QUOTAS.outputs, [[node.file, Object.keys(node.template.Outputs ?? {}).length]]);
    largest('bodyBytes', TEMPLATE_QUOTAS.bodyBytes, [[node.file, bytes]]);
  }

  const byQuota = new Map<string, QuotaUse>();
  for (const u of uses) if (!byQuota.has(u.quota) || byQuota.get(u.quota)!.used < u.used) byQuota.set(u.quota, u);
  const rolesPerTemplate = Object.fromEntries(nodes.map((n) => [n.file, Object.values(n.template.Resources ?? {}).filter((r) => r.Type === 'AWS::IAM::Role').length]));
  return { uses: [...byQuota.values()], overLimit: uses.filter((u) => u.used > u.limit), rolesPerTemplate, roles: roles.length, defaultBusRules };
}

/** The target groups a listener's or rule's actions forward to. */
function forwardedTargetGroups(node: StackNode, actions: unknown): string[] {
  const found: string[] = [];
  for (const a of (actions as Array<Record<string, any>> | undefined) ?? []) {
    const arns = [a.TargetGroupArn, ...((a.ForwardConfig?.TargetGroups as Array<Record<string, unknown>> | undefined) ?? []).map((t) => t.TargetGroupArn)];
    for (const arn of arns.filter((x) => x !== undefined)) {
      const tg = referencedResource(node, arn);
      if (!tg) continue;
      // A blue/green service's rules forward to the target group its Custom::LiveTargetGroups reads: blue or green.
      const r = resourceOf(tg);
      if (r.Type === 'Custom::LiveTargetGroups') {
        for (const g of [r.Properties?.BlueTargetGroupArn, r.Properties?.GreenTargetGroupArn]) {
          const live = referencedResource(tg.node, g);
          if (live) found.push(key(live));
        }
      } else found.push(key(tg));
    }
  }
  return found;
}
