import { ECS_NLB_DELAY_MINUTES, ecsDeploymentMinutes } from '../deployment/provider/ecs-timing';
import { BLUE_GREEN_LIMITS, CONFIRM_TRAFFIC_SHIFTED } from '../deployment/provider/limits';
import { allTemplates, AssemblyStack, readAssembly, TemplateFile, TemplateJson } from './cloud-assembly';
import { REPLACEMENT_DATA_SOURCE, REPLACING_PROPERTIES } from './replacement-data';


/** One resource that a deploy adds, removes, updates or replaces. */
export interface ResourceChange {
  /** The resource's logical ID in its template. */
  readonly logicalId: string;
  /** The construct path of the resource within its workload (`Orders/Repository`), or its logical ID. */
  readonly name: string;
  /** The CloudFormation resource type. */
  readonly resourceType: string;
  /** `add`, `remove`, `update`, `replace`, or `may-replace` (a property whose change may replace it changed). */
  readonly action: string;
  /** The top-level properties that differ (for an update or a replacement). */
  readonly properties: string[];
}

/** What a deploy does to one workload: a service, a worker, a job or an event task (a nested stack), or the platform's own stack. */
export interface WorkloadPreview {
  /** The workload's name: the construct ID of its nested stack without `Stack` (`Orders`), or the stack's name for its own resources. */
  readonly name: string;
  /** The construct path of its template (`ExamplePlatform/Platform/OrdersStack`). */
  readonly path: string;
  /** `new`, `removed` or `changed`. */
  readonly status: string;
  /** How the new settings reach the tasks: the rollout a deploy starts, or what creating the workload does. Empty when no task changes. */
  readonly rollout: string[];
  /**
   * How long `cdk deploy` waits for the workload's rollout, in minutes: the provider's own estimate for a CodeDeploy
   * blue/green service.
   * @default - not estimated
   */
  readonly estimatedMinutes?: number;
  /** Changes of auto scaling (limits, targets, schedules). */
  readonly scaling: string[];
  /** Changes of alarms. */
  readonly alarms: string[];
  /** Listener rules added, removed, or with new conditions or priorities. */
  readonly routes: string[];
  /** Resources replaced (a new physical resource, the old one deleted or retained). */
  readonly replaced: string[];
  /** Stateful resources (repositories, buckets, log groups, keys, queues, tables) removed or replaced, and whether their data stays. */
  readonly statefulAtRisk: string[];
  /** IAM permissions added or removed. */
  readonly iam: string[];
  /** What will make the deploy fail, with why. */
  readonly failures: string[];
  /** Every resource change of the workload's template. */
  readonly changes: ResourceChange[];
}

/** What a deploy does to one stack of the app. */
export interface StackPreview {
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** `new`, `removed`, `changed` or `unchanged`. */
  readonly status: string;
  /** Each workload (and the stack's own resources) that the deploy changes. */
  readonly workloads: WorkloadPreview[];
}

/** The resource types whose resources hold data that a deletion or replacement can lose. */
const STATEFUL: Readonly<Record<string, string>> = {
  'AWS::ECR::Repository': 'ECR repository (its images)',
  'AWS::S3::Bucket': 'S3 bucket (its objects)',
  'AWS::Logs::LogGroup': 'log group (its logs)',
  'AWS::KMS::Key': 'KMS key (what it encrypted)',
  'AWS::CodeCommit::Repository': 'CodeCommit repository (its commits)',
  'AWS::SQS::Queue': 'SQS queue (its messages)',
  'AWS::SecretsManager::Secret': 'secret (its value)',
  'AWS::DynamoDB::Table': 'DynamoDB table (its items)',
  'AWS::DynamoDB::GlobalTable': 'DynamoDB table (its items)',
  'AWS::RDS::DBInstance': 'database instance (its data)',
  'AWS::RDS::DBCluster': 'database cluster (its data)',
  'AWS::EFS::FileSystem': 'file system (its files)',
  'AWS::ElastiCache::ReplicationGroup': 'cache (its data)',
  'AWS::OpenSearchService::Domain': 'search domain (its indexes)',
  'AWS::Kinesis::Stream': 'stream (its records)',
  'AWS::Cognito::UserPool': 'user pool (its users)',
  'AWS::Backup::BackupVault': 'backup vault (its backups)',
  'AWS::Events::Archive': 'event archive (its events)',
};

/** Service resources of the platform (and aws-cdk-lib's), and the parameters whose change starts a new ECS deployment. */
const SERVICE_TYPES = ['Custom::BlueGreenService', 'Custom::EcsService', 'AWS::ECS::Service'];
const ECS_DEPLOYMENT_PROPERTIES = ['NetworkConfiguration', 'LoadBalancers', 'CapacityProviderStrategy', 'PlatformVersion', 'ServiceConnectConfiguration',
  'VolumeConfigurations', 'EnableExecuteCommand'];
/** What ECS fixes when it creates a service (the provider refuses a change with what to do). */
const ECS_CREATE_ONLY = ['Cluster', 'ServiceName', 'Role', 'SchedulingStrategy', 'LaunchType', 'DeploymentController'];
const BLUE_GREEN_FIXED = ['TargetGroupArn', 'ContainerName', 'ContainerPort'];

const canonical = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x)
  ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));
const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);
/** A value as a template writes it, references shortened: `{ Ref: X }` is `X`, `{ Fn::GetAtt: [X, Arn] }` is `X.Arn`. */
function text(v: any): string {
  if (typeof v === 'string') return v;
  if (v?.Ref !== undefined) return String(v.Ref);
  if (Array.isArray(v?.['Fn::GetAtt'])) return v['Fn::GetAtt'].join('.');
  if (Array.isArray(v?.['Fn::Join'])) return (v['Fn::Join'][1] as unknown[]).map((x) => (typeof x === 'string' ? x : `\${${text(x)}}`)).join(v['Fn::Join'][0]);
  if (Array.isArray(v)) return v.map(text).join(', ');
  return canonical(v);
}

/** A construct path without aws-cdk-lib's `Resource` and `Default` children: `Orders/Repository`. */
const shortName = (p: string): string => p.replace(/(\/(Resource|Default))+$/, '');

/** `a` or `an` before a word. */
const article = (word: string): string => (/^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`);

/** The top-level keys of two objects whose values differ. */
function differingKeys(a: Record<string, any> | undefined, b: Record<string, any> | undefined): string[] {
  const keys = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])].sort();
  return keys.filter((k) => !same(a?.[k], b?.[k]));
}

/** The logical ID a `Ref` or `Fn::GetAtt` points at. */
function referenced(v: any): string | undefined {
  if (v?.Ref) return v.Ref;
  if (Array.isArray(v?.['Fn::GetAtt'])) return v['Fn::GetAtt'][0];
  return undefined;
}

/** The minutes of a traffic shift, in words: canary, linear or all at once. */
function describeShift(config: any, template: TemplateJson): string {
  const name = typeof config === 'string' ? config : undefined;
  const predefined = name && /^CodeDeployDefault\.ECS(Canary|Linear)(\d+)Percent(?:Every)?(\d+)Minutes?$/.exec(name);
  if (name === 'CodeDeployDefault.ECSAllAtOnce' || config === undefined) return 'all traffic at once';
  if (predefined) {
    return predefined[1] === 'Canary' ? `canary: ${predefined[2]} % of traffic, the rest ${predefined[3]} minutes later`
      : `linear: ${predefined[2]} % of traffic every ${predefined[3]} minutes`;
  }
  const routing = template.Resources?.[referenced(config) ?? '']?.Properties?.TrafficRoutingConfig;
  if (routing?.Type === 'TimeBasedCanary') {
    return `canary: ${routing.TimeBasedCanary.CanaryPercentage} % of traffic, the rest ${routing.TimeBasedCanary.CanaryInterval} minutes later`;
  }
  if (routing?.Type === 'TimeBasedLinear') return `linear: ${routing.TimeBasedLinear.LinearPercentage} % of traffic every ${routing.TimeBasedLinear.LinearInterval} minutes`;
  return 'all traffic at once';
}

/** Environment variables, image and secrets of each container that differ between two task definitions. */
function containerChanges(before: any, after: any): string[] {
  const byName = (td: any) => new Map<string, any>((td?.Properties?.ContainerDefinitions ?? []).map((c: any) => [c.Name, c]));
  const [a, b] = [byName(before), byName(after)];
  const out: string[] = [];
  for (const name of [...new Set([...a.keys(), ...b.keys()])]) {
    const [x, y] = [a.get(name), b.get(name)];
    if (!x || !y) {
      out.push(`container ${name} ${x ? 'removed' : 'added'}`);
      continue;
    }
    const env = (c: any) => new Map<string, string>((c.Environment ?? []).map((e: any) => [e.Name, text(e.Value)]));
    const [ex, ey] = [env(x), env(y)];
    const vars = [...new Set([...ex.keys(), ...ey.keys()])].sort().flatMap((k) => {
      if (!ex.has(k)) return [`+${k}=${ey.get(k)}`];
      if (!ey.has(k)) return [`-${k}`];
      return ex.get(k) === ey.get(k) ? [] : [`${k}: ${ex.get(k)} -> ${ey.get(k)}`];
    });
    if (vars.length > 0) out.push(`${name} environment ${vars.join(', ')}`);
    if (!same(x.Image, y.Image)) out.push(`${name} image ${text(x.Image)} -> ${text(y.Image)}`);
    const secrets = (c: any) => (c.Secrets ?? []).map((s: any) => s.Name).sort().join(',');
    if (secrets(x) !== secrets(y)) out.push(`${name} secrets ${secrets(x) || 'none'} -> ${secrets(y) || 'none'}`);
    const rest = differingKeys(x, y).filter((k) => !['Environment', 'Image', 'Secrets'].includes(k));
    if (rest.length > 0) out.push(`${name} ${rest.join(', ')}`);
  }
  const task = differingKeys(before?.Properties, after?.Properties).filter((k) => k !== 'ContainerDefinitions');
  if (task.length > 0) out.push(`task ${task.join(', ')}`);
  return out;
}

/** The statements of an IAM policy document as `Effect action on resource` lines. */
function permissionLines(doc: any): Set<string> {
  const lines = new Set<string>();
  for (const st of doc?.Statement ?? []) {
    const resources = [st.Resource ?? st.NotResource ?? []].flat().map(text).join(', ');
    const principals = st.Principal ? ` by ${[st.Principal.Service ?? st.Principal.AWS ?? st.Principal.Federated ?? st.Principal].flat().map(text).join(', ')}` : '';
    for (const action of [st.Action ?? st.NotAction ?? []].flat()) {
      lines.add(`${st.Effect === 'Deny' ? 'deny ' : ''}${action}${resources ? ` on ${resources}` : ''}${principals}`);
    }
  }
  return lines;
}

/** The permissions of a template's IAM resources, by logical ID. */
function permissions(template: TemplateJson): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') out.set(id, permissionLines(r.Properties?.PolicyDocument));
    if (r.Type === 'AWS::IAM::Role') {
      const lines = new Set<string>();
      for (const p of r.Properties?.Policies ?? []) permissionLines(p.PolicyDocument).forEach((l) => lines.add(l));
      for (const arn of r.Properties?.ManagedPolicyArns ?? []) lines.add(`managed policy ${text(arn)}`);
      for (const l of permissionLines(r.Properties?.AssumeRolePolicyDocument)) lines.add(`trust: ${l}`);
      out.set(id, lines);
    }
  }
  return out;
}

/** Compares two versions of one template (either may be missing: a new or removed workload). */
class TemplateComparison {
  public readonly changes: ResourceChange[] = [];
  private readonly before: Record<string, any>;
  private readonly after: Record<string, any>;

  constructor(private readonly old: TemplateFile | undefined, private readonly next: TemplateFile | undefined) {
    this.before = old?.template.Resources ?? {};
    this.after = next?.template.Resources ?? {};
    const names = { ...old?.resourcePaths, ...next?.resourcePaths };
    for (const id of [...new Set([...Object.keys(this.before), ...Object.keys(this.after)])].sort()) {
      const [a, b] = [this.before[id], this.after[id]];
      const name = shortName(names[id] ?? id);
      if (!a) this.changes.push({ logicalId: id, name, resourceType: b.Type, action: 'add', properties: [] });
      else if (!b) this.changes.push({ logicalId: id, name, resourceType: a.Type, action: 'remove', properties: [] });
      else if (a.Type !== b.Type) this.changes.push({ logicalId: id, name, resourceType: b.Type, action: 'replace', properties: ['Type'] });
      else if (!same(a, b)) {
        const properties = differingKeys(a.Properties, b.Properties);
        const replacing = REPLACING_PROPERTIES[b.Type] ?? {};
        const action = b.Type.startsWith('Custom::') || b.Type === 'AWS::CloudFormation::Stack' ? 'update'
          : properties.some((p) => replacing[p] === 'yes') ? 'replace' : properties.some((p) => replacing[p] === 'maybe') ? 'may-replace' : 'update';
        this.changes.push({ logicalId: id, name, resourceType: b.Type, action, properties });
      }
    }
  }

  /** The changes beside the nested stacks themselves (each is compared as its own workload). */
  public get meaningful(): ResourceChange[] {
    return this.changes.filter((c) => c.resourceType !== 'AWS::CloudFormation::Stack');
  }

  public preview(name: string, path: string): WorkloadPreview | undefined {
    const changes = this.meaningful;
    if (changes.length === 0) return undefined;
    const status = !this.old ? 'new' : !this.next ? 'removed' : 'changed';
    const failures: string[] = [];
    const { rollout, estimatedMinutes } = this.rollout(status, failures);
    // A new workload's alarms, scaling and permissions are all new: counted in its resources, not listed.
    const created = status === 'new';
    return {
      name, path, status, rollout, estimatedMinutes, failures,
      scaling: created ? [] : this.scaling(), alarms: created ? [] : this.alarms(), routes: this.routes(),
      // A task definition is replaced on every change: a new revision, which the rollout describes.
      replaced: changes.filter((c) => (c.action === 'replace' || c.action === 'may-replace') && c.resourceType !== 'AWS::ECS::TaskDefinition')
        .map((c) => `${c.name} (${c.resourceType})${c.action === 'may-replace' ? ' may be' : ' is'} replaced: ${c.properties.join(', ')} changed`),
      statefulAtRisk: this.statefulAtRisk(), iam: created ? [] : this.iam(), changes: changes,
    };
  }

  private changed(type: string): ResourceChange[] {
    return this.changes.filter((c) => c.resourceType === type);
  }

  private rollout(status: string, failures: string[]): { rollout: string[]; estimatedMinutes?: number } {
    const rollout: string[] = [];
    let estimatedMinutes: number | undefined;
    const services = [...new Set([...Object.keys(this.before), ...Object.keys(this.after)])]
      .filter((id) => SERVICE_TYPES.includes((this.after[id] ?? this.before[id]).Type));
    for (const id of services) {
      const c = this.changes.find((x) => x.logicalId === id)
        ?? { logicalId: id, name: shortName(this.next?.resourcePaths[id] ?? id), resourceType: this.after[id].Type, action: 'none', properties: [] };
      if (c.action === 'remove') {
        rollout.push(`${c.name}: the ECS service is deleted (its tasks stop)`);
        continue;
      }
      const b = this.after[c.logicalId];
      const p = b.Properties ?? {};
      if (c.action === 'add') {
        const empty = p.ImageOwner === 'pipeline';
        rollout.push(`${c.name}: a new ECS service${empty ? ', created with 0 tasks until an image is pushed to its repository (by its pipeline or your CI)' : ''}; `
          + 'cdk deploy waits until it is created');
        continue;
      }
      const a = this.before[c.logicalId];
      const td = referenced(p.TaskDefinition);
      const tdChange = this.changes.find((x) => x.resourceType === 'AWS::ECS::TaskDefinition' && (x.logicalId === td || x.logicalId === referenced(a.Properties?.TaskDefinition)));
      const what = tdChange ? containerChanges(this.before[referenced(a.Properties?.TaskDefinition) ?? ''], this.after[td ?? '']) : [];
      if (b.Type === 'Custom::BlueGreenService') {
        const fixed = BLUE_GREEN_FIXED.filter((k) => !same(a.Properties?.[k], p[k]));
        if (fixed.length > 0) failures.push(`${c.name}: ${fixed.join(', ')} cannot change on a service deployed by CodeDeploy; the deploy fails (give the service a new id)`);
        const exec = (x: any) => String(x?.EnableExecuteCommand ?? 'false') === 'true';
        if (exec(a.Properties) !== exec(p)) {
          failures.push(`${c.name}: ECS Exec (enableExec) cannot be turned ${exec(p) ? 'on' : 'off'} on a service deployed by CodeDeploy (ECS fixes it at creation); the deploy fails`);
        }
        const placement = ['Subnets', 'SecurityGroups', 'AssignPublicIp', 'CapacityProviderStrategy', 'PlatformVersion'].filter((k) => !same(a.Properties?.[k], p[k]));
        if (!tdChange && placement.length === 0) continue;
        const group = Object.values<any>(this.after).find((r) => r.Type === 'AWS::CodeDeploy::DeploymentGroup');
        const shift = describeShift(group?.Properties?.DeploymentConfigName, this.next!.template);
        const wait = group?.Properties?.BlueGreenDeploymentConfiguration?.TerminateBlueInstancesOnDeploymentSuccess?.TerminationWaitTimeInMinutes ?? 0;
        const minutes = Number(p.ExpectedMinutes ?? 0);
        estimatedMinutes = minutes > 0 ? minutes : undefined;
        const confirm = p.Confirm === CONFIRM_TRAFFIC_SHIFTED
          ? `cdk deploy returns once production traffic has moved (about ${minutes} minutes); blue stays ${wait} minutes after`
          : `cdk deploy waits for its end: about ${minutes} minutes, at most ${BLUE_GREEN_LIMITS.waitMinutes}`;
        rollout.push(`${c.name}: ${tdChange ? 'a new task definition' : `new ${placement.join(', ')}`}${what.length ? ` (${what.join('; ')})` : ''} `
          + `goes out as one CodeDeploy blue/green deployment (${shift}; blue kept ${wait} minutes after; hooks and smoke test on the test listener); ${confirm}`);
        continue;
      }
      const created = ECS_CREATE_ONLY.filter((k) => !same(a.Properties?.[k], p[k]));
      if (created.length > 0 && b.Type === 'Custom::EcsService') {
        failures.push(`${c.name}: ${created.join(', ')} cannot change on an existing ECS service; the deploy fails (give the service a new id)`);
      }
      const deploying = ECS_DEPLOYMENT_PROPERTIES.filter((k) => !same(a.Properties?.[k], p[k]));
      if (!tdChange && deploying.length === 0) {
        const settings = differingKeys(a.Properties, p).filter((k) => !['Tags', 'DesiredCount'].includes(k));
        if (settings.length > 0) rollout.push(`${c.name}: service settings change (${settings.join(', ')}); no task is replaced`);
        continue;
      }
      const dc = p.DeploymentConfiguration ?? {};
      const strategy = dc.Strategy ?? 'ROLLING';
      const why = tdChange ? `a new task definition${what.length ? ` (${what.join('; ')})` : ''}` : `new ${deploying.join(', ')}`;
      if (strategy === 'ROLLING') {
        rollout.push(`${c.name}: ${why} goes out as a rolling deployment (minimum healthy ${dc.MinimumHealthyPercent ?? 100} %, maximum ${dc.MaximumPercent ?? 200} %`
          + `${dc.DeploymentCircuitBreaker?.Rollback === true || dc.DeploymentCircuitBreaker?.Rollback === 'true' ? ', circuit breaker with rollback' : ''}); `
          + 'cdk deploy waits until ECS reports it complete');
      } else {
        const bake = Number(dc.BakeTimeInMinutes ?? 0);
        const shift = strategy === 'CANARY' ? `canary: ${dc.CanaryConfiguration?.CanaryPercent} %, the rest ${dc.CanaryConfiguration?.CanaryBakeTimeInMinutes} minutes later`
          : strategy === 'LINEAR' ? `linear: ${dc.LinearConfiguration?.StepPercent} % every ${dc.LinearConfiguration?.StepBakeTimeInMinutes} minutes` : 'all traffic at once';
        // On a Network Load Balancer the advanced configuration names a listener, not a rule.
        const production = this.after[referenced(p.LoadBalancers?.[0]?.AdvancedConfiguration?.ProductionListenerRule) ?? ''];
        const nlb = production?.Type === 'AWS::ElasticLoadBalancingV2::Listener';
        estimatedMinutes = ecsDeploymentMinutes({
          strategy,
          bakeMinutes: bake,
          canaryBakeMinutes: Number(dc.CanaryConfiguration?.CanaryBakeTimeInMinutes ?? 0),
          stepPercent: Number(dc.LinearConfiguration?.StepPercent ?? 0),
          stepBakeMinutes: Number(dc.LinearConfiguration?.StepBakeTimeInMinutes ?? 0),
          networkLoadBalancer: nlb,
        });
        rollout.push(`${c.name}: ${why} goes out as an ECS ${strategy.toLowerCase().replace('_', '/')} deployment (${shift}; blue kept ${bake} minutes after`
          + `${nlb ? `; ECS adds ${ECS_NLB_DELAY_MINUTES} minutes on a Network Load Balancer` : ''}); cdk deploy waits until ECS reports it complete: about ${estimatedMinutes} minutes`);
      }
    }
    // Tasks run by a schedule or a rule: the next run uses the new revision.
    if (rollout.length === 0 && status === 'changed') {
      const td = this.changed('AWS::ECS::TaskDefinition').find((c) => c.action !== 'add' && c.action !== 'remove');
      if (td) {
        const what = containerChanges(this.before[td.logicalId], this.after[td.logicalId]);
        rollout.push(`${td.name}: a new task definition revision${what.length ? ` (${what.join('; ')})` : ''}; the next run uses it (no running task is replaced)`);
      }
    }
    return { rollout, estimatedMinutes };
  }

  private scaling(): string[] {
    const out: string[] = [];
    for (const c of this.changed('AWS::ApplicationAutoScaling::ScalableTarget')) {
      const [a, b] = [this.before[c.logicalId]?.Properties, this.after[c.logicalId]?.Properties];
      if (c.action === 'add' || c.action === 'remove') continue;
      const limits = ['MinCapacity', 'MaxCapacity'].filter((k) => !same(a?.[k], b?.[k])).map((k) => `${k} ${text(a?.[k])} -> ${text(b?.[k])}`);
      const other = c.properties.filter((k) => !['MinCapacity', 'MaxCapacity'].includes(k));
      out.push(`${c.name}: ${[...limits, ...other.map((k) => `${k} changed`)].join(', ')}`);
    }
    for (const c of this.changed('AWS::ApplicationAutoScaling::ScalingPolicy')) {
      out.push(`${c.name}: policy ${c.action === 'add' ? 'added' : c.action === 'remove' ? 'removed' : `changed (${c.properties.join(', ')})`}`);
    }
    return out;
  }

  private alarms(): string[] {
    return this.changed('AWS::CloudWatch::Alarm').map((c) => {
      const [a, b] = [this.before[c.logicalId]?.Properties, this.after[c.logicalId]?.Properties];
      const name = text(b?.AlarmName ?? a?.AlarmName ?? c.name);
      if (c.action === 'add' || c.action === 'remove') return `${name}: ${c.action === 'add' ? 'added' : 'removed'}`;
      const threshold = same(a?.Threshold, b?.Threshold) ? '' : `threshold ${text(a?.Threshold)} -> ${text(b?.Threshold)}`;
      const rest = c.properties.filter((k) => k !== 'Threshold');
      return `${name}: ${[threshold, ...rest.map((k) => `${k} changed`)].filter(Boolean).join(', ')}`;
    });
  }

  private routes(): string[] {
    const conditions = (r: any) => (r?.Properties?.Conditions ?? []).map((x: any) => `${x.Field} ${text(x.PathPatternConfig?.Values ?? x.HostHeaderConfig?.Values ?? x.Values)}`)
      .join(' and ');
    return this.changed('AWS::ElasticLoadBalancingV2::ListenerRule').flatMap((c) => {
      const [a, b] = [this.before[c.logicalId], this.after[c.logicalId]];
      if (c.action === 'add') return [`${c.name}: new rule, priority ${text(b.Properties?.Priority)}, ${conditions(b)}`];
      if (c.action === 'remove') return [`${c.name}: rule removed (priority ${text(a.Properties?.Priority)}, ${conditions(a)})`];
      const out: string[] = [];
      if (!same(a.Properties?.Priority, b.Properties?.Priority)) out.push(`${c.name}: priority ${text(a.Properties?.Priority)} -> ${text(b.Properties?.Priority)}`);
      if (!same(a.Properties?.Conditions, b.Properties?.Conditions)) out.push(`${c.name}: ${conditions(a)} -> ${conditions(b)}`);
      return out;
    });
  }

  private statefulAtRisk(): string[] {
    return this.changes.filter((c) => STATEFUL[c.resourceType] && (c.action === 'remove' || c.action === 'replace' || c.action === 'may-replace')).map((c) => {
      const r = c.action === 'remove' ? this.before[c.logicalId] : this.after[c.logicalId];
      const policy = c.action === 'remove' ? r.DeletionPolicy : r.UpdateReplacePolicy;
      const kept = ['Retain', 'RetainExceptOnCreate', 'Snapshot'].includes(policy);
      const what = STATEFUL[c.resourceType];
      const verb = c.action === 'remove' ? 'removed from the template' : c.action === 'replace' ? `replaced (${c.properties.join(', ')} changed)`
        : `possibly replaced (${c.properties.join(', ')} changed)`;
      return `${c.name}, ${article(what)}: ${verb}; ${kept
        ? `the old one is retained (${c.action === 'remove' ? 'DeletionPolicy' : 'UpdateReplacePolicy'} ${policy}): it stays in the account, out of the stack${c.action === 'remove' ? '' : ', and the new one starts empty'}`
        : 'the old one is DELETED with its data'}`;
    });
  }

  private iam(): string[] {
    const [a, b] = [permissions(this.old?.template ?? {}), permissions(this.next?.template ?? {})];
    const out: string[] = [];
    const names = { ...this.old?.resourcePaths, ...this.next?.resourcePaths };
    for (const id of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      const [x, y] = [a.get(id) ?? new Set<string>(), b.get(id) ?? new Set<string>()];
      const added = [...y].filter((l) => !x.has(l));
      const removed = [...x].filter((l) => !y.has(l));
      const name = shortName(names[id] ?? id);
      if (added.length > 0) out.push(`${name}: + ${added.join('; + ')}`);
      if (removed.length > 0) out.push(`${name}: - ${removed.join('; - ')}`);
    }
    return out;
  }
}

/** A workload's name from its construct path: the nested stack's ID without the platform's `Stack` suffix. */
function workloadName(file: TemplateFile, stackName: string): string {
  if (!file.logicalId) return stackName;
  const last = (file.constructPath ?? file.logicalId).split('/').pop()!;
  return last.endsWith('Stack') && last.length > 'Stack'.length ? last.slice(0, -'Stack'.length) : last;
}

function compareStacks(old: AssemblyStack | undefined, next: AssemblyStack | undefined): StackPreview {
  const stackName = (next ?? old)!.stackName;
  const files = new Map<string, { old?: TemplateFile; next?: TemplateFile }>();
  for (const f of old ? allTemplates(old.root) : []) files.set(f.path, { old: f });
  for (const f of next ? allTemplates(next.root) : []) files.set(f.path, { ...files.get(f.path), next: f });
  const workloads: WorkloadPreview[] = [];
  for (const pair of files.values()) {
    const file = (pair.next ?? pair.old)!;
    const preview = new TemplateComparison(pair.old, pair.next).preview(workloadName(file, stackName), file.constructPath ?? file.path);
    if (preview) workloads.push(preview);
  }
  const status = !old ? 'new' : !next ? 'removed' : workloads.length > 0 ? 'changed' : 'unchanged';
  return { stackName, status, workloads };
}

/**
 * What a `cdk deploy` will do, read from two cloud assemblies: the one deployed last (a saved copy
 * of `cdk.out`) and the new one. Per stack and per workload (each service, worker, job and event
 * task is a nested stack; the platform's own resources are its stack's): a new task definition and
 * how it goes out (rolling, or CodeDeploy or ECS blue/green with its traffic shift and how long
 * `cdk deploy` waits, the provider's own estimate), or only scaling or alarm changes; routes and
 * priorities moved; resources replaced (by the CDK team's resource database, shipped in the
 * package); stateful resources at risk and whether they are retained; IAM permissions added and
 * removed; and what will make the deploy fail. Nested stacks are compared template by template,
 * which `cdk diff` does not show. Offline: files only.
 *
 * @example
 * // cp -r cdk.out deployed.out   (after a deploy)
 * // ... change the app, cdk synth ...
 * console.log(DeployPreview.compare('deployed.out', 'cdk.out').toText());
 */
export class DeployPreview {
  /**
   * Compares the cloud assembly deployed last with a new one.
   * @param deployedDirectory the `cdk.out` of the last deploy (a saved copy)
   * @param newDirectory the `cdk.out` to deploy
   */
  public static compare(deployedDirectory: string, newDirectory: string): DeployPreview {
    const [old, next] = [readAssembly(deployedDirectory), readAssembly(newDirectory)];
    const ids = [...new Set([...old.map((s) => s.id), ...next.map((s) => s.id)])];
    return new DeployPreview(ids.map((id) => compareStacks(old.find((s) => s.id === id), next.find((s) => s.id === id))));
  }

  /** Where the preview's replacement data comes from (`@aws-cdk/aws-service-spec` and its version). */
  public readonly replacementData: string = REPLACEMENT_DATA_SOURCE;

  private constructor(
    /** Each stack of either assembly. */
    public readonly stacks: StackPreview[],
  ) {}

  /** The preview as printed lines, one block per stack and workload. */
  public toText(): string {
    const lines: string[] = [];
    for (const stack of this.stacks) {
      lines.push(`${stack.stackName}: ${stack.status === 'unchanged' ? 'no change' : stack.status}`);
      for (const w of stack.workloads) {
        lines.push(`  ${w.name} (${w.path}): ${w.status}`);
        const section = (label: string, items: string[]) => items.forEach((item) => lines.push(`    ${label}: ${item}`));
        section('WILL FAIL', w.failures);
        section('deploy', w.rollout);
        section('routes', w.routes);
        section('scaling', w.scaling);
        section('alarms', w.alarms);
        section('replaced', w.replaced);
        section('AT RISK', w.statefulAtRisk);
        section('IAM', w.iam);
        const counted = new Map<string, number>();
        for (const c of w.changes) counted.set(`${c.action} ${c.resourceType}`, (counted.get(`${c.action} ${c.resourceType}`) ?? 0) + 1);
        if (counted.size > 0) lines.push(`    resources: ${[...counted].map(([k, n]) => `${n} ${k}`).join(', ')}`);
      }
    }
    lines.push(`(replacement data: ${this.replacementData}; read from the templates only: what runs now may differ where the pipeline deployed since)`);
    return lines.join('\n') + '\n';
  }
}
