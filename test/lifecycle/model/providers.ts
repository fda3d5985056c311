/**
 * CloudFormation's resource handlers for the types the platform uses, acting on the service
 * models; every other type is a generic resource with a generated physical id. A `Ref` to a
 * resource answers its physical id, which each handler sets to what the type's `Ref` returns
 * (an ARN for ECS services, task definitions and load balancing resources, a name otherwise).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ACCOUNT, arn, awsError, REGION } from './aws';
import { Applied, Provider, ProviderContext, ResourceState, StackHang } from './cloudformation';
import { Elbv2 } from './elbv2';
import { resolve, resolveDynamicReferences } from './intrinsics';
import { PROVIDER_FRAMEWORK } from './provider-framework';
import type { World } from './world';

type Props = Record<string, any>;

/** A generated physical name: `<stack>-<logical id>-<suffix>`, cut to the type's limit. */
export function generatedName(ctx: ProviderContext, max = 64, lower = false): string {
  const base = `${ctx.stack.name}-${ctx.logicalId}`.slice(0, max - 9);
  const name = `${base}-${ctx.world.ids.suffix()}`;
  return lower ? name.toLowerCase() : name;
}

/** CloudFormation property names to the API's (lower camel case); map-valued properties kept as written. */
export function toApi(value: unknown): any {
  if (Array.isArray(value)) return value.map(toApi);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Props).map(([k, v]) => [
    k.charAt(0).toLowerCase() + k.slice(1),
    ['Options', 'DockerLabels'].includes(k) ? v : toApi(v),
  ]));
}

class Generic implements Provider {
  public async create(ctx: ProviderContext, props: Props): Promise<Applied> {
    const service = ctx.type.split('::')[1].toLowerCase();
    const physicalId = generatedName(ctx);
    ctx.world.generic.set(physicalId, { type: ctx.type, exists: true });
    return { physicalId, attributes: genericAttributes(`arn:aws:${service}:${REGION}:${ACCOUNT}:${ctx.type.split('::')[2].toLowerCase()}/${physicalId}`, physicalId, props) };
  }

  public async update(_ctx: ProviderContext, current: ResourceState, props: Props): Promise<Applied> {
    return { physicalId: current.physicalId, attributes: genericAttributes(String(current.attributes.Arn), current.physicalId, props) };
  }

  public async delete(ctx: ProviderContext, current: ResourceState): Promise<void> {
    const g = ctx.world.generic.get(current.physicalId);
    if (g) g.exists = false;
  }
}

function genericAttributes(resourceArn: string, id: string, props: Props): Record<string, unknown> {
  const known: Record<string, unknown> = { Arn: resourceArn, GroupId: `sg-${id}`, Id: id, RoleId: `role-${id}`, TopicArn: resourceArn, QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${id}`, QueueName: id, ...props };
  return new Proxy(known, { has: () => true, get: (t, k: string) => (k in t ? t[k] : `${id}.${k}`) });
}

/** A provider from three functions (update defaults to keeping the physical id). */
function provider(p: {
  create(ctx: ProviderContext, props: Props): Promise<Applied> | Applied;
  update?(ctx: ProviderContext, current: ResourceState, props: Props, old: Props): Promise<Applied | void> | Applied | void;
  delete?(ctx: ProviderContext, current: ResourceState): Promise<void> | void;
}): Provider {
  return {
    create: async (ctx, props) => p.create(ctx, props),
    update: async (ctx, current, props, old) => (await p.update?.(ctx, current, props, old)) ?? { physicalId: current.physicalId,
      attributes: current.attributes },
    delete: async (ctx, current) => { await p.delete?.(ctx, current); },
  };
}

/**
 * CloudFormation waits for an ECS service to be stable after creating or updating it. A
 * deployment the circuit breaker stops fails the resource; one that never completes (no
 * circuit breaker, tasks that cannot start) makes the stack wait until it times out.
 * @see https://repost.aws/articles/ARQJJetqfbSGq8hUxlBV9O8Q/ecs-deployment-circuit-breaker-was-triggered
 * @see https://repost.aws/knowledge-center/cloudformation-stack-stuck-progress
 */
async function waitForService(world: World, cluster: string, name: string): Promise<void> {
  const service = world.ecs.service(cluster, name);
  const failure = await world.ecs.settle(service);
  if (failure && service.config.deploymentConfiguration?.strategy) {
    // A blue/green deployment that rolled back (the model's wording).
    throw new Error(`Resource handler returned message: "Error occurred during operation 'ECS deployment rolled back: ${failure}'."`);
  }
  if (failure) throw new Error(`Resource handler returned message: "Error occurred during operation 'ECS Deployment Circuit Breaker was triggered'." (${failure})`);
  if (!world.ecs.stable(service)) throw new StackHang(`${name} did not stabilize: its tasks cannot start (${service.desiredCount} desired)`);
}

/**
 * The ECS service handler: CreateService (a template without DesiredCount creates the service
 * with 1 task), and UpdateService with every property of the template, changed or not, and
 * DesiredCount only when the template has one.
 * @see https://github.com/aws/aws-cdk/issues/23564
 * @see https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1529
 * @see https://github.com/aws/aws-cdk/pull/13130 (the ECS team on the DesiredCount defaults)
 */
const ecsService = provider({
  async create(ctx, props) {
    const { Cluster, ServiceName, TaskDefinition, DesiredCount, ...rest } = props;
    const name = ServiceName ?? generatedName(ctx, 255);
    const s = ctx.world.ecs.createService({ ...toApi(rest), cluster: Cluster ?? 'default', serviceName: name, taskDefinition: TaskDefinition, desiredCount: DesiredCount === undefined ? 1 : Number(DesiredCount) });
    await waitForService(ctx.world, s.clusterName, name);
    return { physicalId: s.serviceArn, attributes: { Name: name, ServiceArn: s.serviceArn } };
  },
  async update(ctx, current, props) {
    const { Cluster, ServiceName: _n, DeploymentController: _d, LaunchType: _l, SchedulingStrategy: _s, Role: _r, Tags: _t, DesiredCount, ...rest } = props;
    const name = String(current.attributes.Name);
    try {
      ctx.world.ecs.updateService({ ...toApi(rest), cluster: Cluster ?? 'default', service: name, ...(DesiredCount === undefined ? {} : { desiredCount: Number(DesiredCount) }) });
    } catch (e) {
      throw new Error(`Resource handler returned message: "Invalid request provided: UpdateService error: ${(e as Error).message} (Service: AmazonECS; Status Code: 400; Error Code: ${(e as Error).name})" (HandlerErrorCode: InvalidRequest)`, { cause: e });
    }
    await waitForService(ctx.world, Cluster ?? 'default', name);
  },
  delete(ctx, current) {
    const s = ctx.world.ecs.findService(String(current.properties.Cluster ?? 'default'), String(current.attributes.Name));
    if (s) ctx.world.ecs.deleteService(s.clusterName, s.serviceName);
  },
});

const taskDefinition = provider({
  create(ctx, props) {
    const input = resolveDynamicReferences(toApi(props), (name) => ctx.world.ssm.get(name)) as Props;
    delete input.tags;
    const td = ctx.world.ecs.registerTaskDefinition({ ...input, family: input.family ?? `${ctx.stack.name}${ctx.logicalId}` });
    return { physicalId: td.taskDefinitionArn, attributes: { TaskDefinitionArn: td.taskDefinitionArn } };
  },
  delete(ctx, current) { ctx.world.ecs.deregisterTaskDefinition(current.physicalId); },
});

const cluster = provider({
  create(ctx, props) {
    const name = props.ClusterName ?? generatedName(ctx, 255);
    return { physicalId: name, attributes: { Arn: arn('ecs', `cluster/${name}`) } };
  },
});

const loadBalancer = provider({
  create(ctx, props) {
    const name = props.Name ?? generatedName(ctx, 32);
    const lb = ctx.world.elbv2.createLoadBalancer(name, ctx.world.ids.suffix());
    return { physicalId: lb.arn, attributes: { LoadBalancerFullName: lb.fullName, LoadBalancerName: name, DNSName: `${name}.${REGION}.elb.amazonaws.com`, CanonicalHostedZoneID: 'Z32O12XQLNTSW2', LoadBalancerArn: lb.arn, SecurityGroups: props.SecurityGroups ?? [] } };
  },
});

const listener = provider({
  create(ctx, props) {
    const lb = String(props.LoadBalancerArn).split(':loadbalancer/')[1];
    const l = { arn: arn('elasticloadbalancing', `listener/${lb}/${ctx.world.ids.suffix()}`), loadBalancerArn: String(props.LoadBalancerArn), port: Number(props.Port), defaultActions: Elbv2.actionsOf(props.DefaultActions) };
    ctx.world.elbv2.listeners.set(l.arn, l);
    return { physicalId: l.arn, attributes: { ListenerArn: l.arn } };
  },
  update(ctx, current, props) {
    const l = ctx.world.elbv2.listeners.get(current.physicalId)!;
    l.port = Number(props.Port);
    l.defaultActions = Elbv2.actionsOf(props.DefaultActions);
  },
  delete(ctx, current) { ctx.world.elbv2.listeners.delete(current.physicalId); },
});

/** A rule update sends the template's actions and conditions: it undoes a swap CodeDeploy or ECS made. */
const listenerRule = provider({
  create(ctx, props) {
    const r = { arn: arn('elasticloadbalancing', `listener-rule/${String(props.ListenerArn).split(':listener/')[1]}/${ctx.world.ids.suffix()}`), listenerArn: String(props.ListenerArn), priority: Number(props.Priority), conditions: Elbv2.conditionsOf(props.Conditions), actions: Elbv2.actionsOf(props.Actions) };
    if ([...ctx.world.elbv2.rules.values()].some((x) => x.listenerArn === r.listenerArn && x.priority === r.priority)) throw awsError('PriorityInUse', `Priority '${r.priority}' is currently in use`);
    ctx.world.elbv2.rules.set(r.arn, r);
    return { physicalId: r.arn, attributes: { RuleArn: r.arn } };
  },
  update(ctx, current, props) {
    const r = ctx.world.elbv2.rules.get(current.physicalId)!;
    r.priority = Number(props.Priority);
    r.conditions = Elbv2.conditionsOf(props.Conditions);
    r.actions = Elbv2.actionsOf(props.Actions);
  },
  delete(ctx, current) { ctx.world.elbv2.rules.delete(current.physicalId); },
});

const targetGroup = provider({
  create(ctx, props) {
    const name = props.Name ?? generatedName(ctx, 32);
    const tg = ctx.world.elbv2.createTargetGroup(name, ctx.world.ids.suffix(), Number(props.Port), String(props.HealthCheckPath ?? '/'));
    return { physicalId: tg.arn, attributes: { TargetGroupName: name, TargetGroupFullName: tg.fullName, TargetGroupArn: tg.arn, LoadBalancerArns: [] } };
  },
  update(ctx, current, props) {
    ctx.world.elbv2.targetGroups.get(current.physicalId)!.healthCheckPath = String(props.HealthCheckPath ?? '/');
  },
  delete(ctx, current) { ctx.world.elbv2.targetGroups.delete(current.physicalId); },
});

const ecrRepository = provider({
  create(ctx, props) {
    const name = props.RepositoryName ?? generatedName(ctx, 256, true);
    const repo = ctx.world.ecr.create(name, props.ImageTagMutability === 'IMMUTABLE', props.LifecyclePolicy?.LifecyclePolicyText);
    return { physicalId: name, attributes: { Arn: arn('ecr', `repository/${name}`), RepositoryUri: repo.uri } };
  },
  delete(ctx, current) { ctx.world.ecr.delete(current.physicalId); },
});

const ssmParameter = provider({
  create(ctx, props) {
    const name = props.Name ?? generatedName(ctx, 1011);
    ctx.world.ssm.put(name, String(props.Value), false);
    return { physicalId: name, attributes: { Type: props.Type, Value: props.Value } };
  },
  update(ctx, current, props) {
    ctx.world.ssm.put(current.physicalId, String(props.Value), true);
    return { physicalId: current.physicalId, attributes: { Type: props.Type, Value: props.Value } };
  },
  delete(ctx, current) { ctx.world.ssm.delete(current.physicalId); },
});

/** Registering a scalable target moves an active service's desired count into the range. */
function registerTarget(world: World, props: Props): string {
  const resourceId = String(props.ResourceId);
  const min = Number(props.MinCapacity);
  const max = Number(props.MaxCapacity);
  world.autoscaling.targets.set(resourceId, { min, max });
  const [, clusterName, serviceName] = resourceId.split('/');
  const service = world.ecs.findService(clusterName, serviceName);
  if (service) world.ecs.setDesiredCount(service, Math.min(max, Math.max(min, service.desiredCount)));
  return `${resourceId}|${props.ScalableDimension}|${props.ServiceNamespace}`;
}

const scalableTarget = provider({
  create(ctx, props) { return { physicalId: registerTarget(ctx.world, props), attributes: { Id: props.ResourceId } }; },
  update(ctx, current, props) { registerTarget(ctx.world, props); return { physicalId: current.physicalId, attributes: current.attributes }; },
  delete(ctx, current) { ctx.world.autoscaling.targets.delete(String(current.properties.ResourceId)); },
});

const codeDeployApplication = provider({
  create(ctx, props) { return { physicalId: props.ApplicationName ?? generatedName(ctx, 100), attributes: {} }; },
});

function deploymentGroup(ctx: ProviderContext, props: Props, name: string): void {
  const pair = props.LoadBalancerInfo?.TargetGroupPairInfoList?.[0] ?? {};
  const service = props.ECSServices?.[0] ?? {};
  ctx.world.codedeploy.groups.set(`${props.ApplicationName}/${name}`, {
    application: String(props.ApplicationName), name, cluster: String(service.ClusterName), service: String(service.ServiceName),
    targetGroupNames: (pair.TargetGroups ?? []).map((t: Props) => String(t.Name)),
    prodListeners: pair.ProdTrafficRoute?.ListenerArns ?? [], testListeners: pair.TestTrafficRoute?.ListenerArns ?? [],
    alarms: (props.AlarmConfiguration?.Alarms ?? []).map((a: Props) => String(a.Name)), alarmsEnabled: props.AlarmConfiguration?.Enabled === true,
    rollbackEvents: props.AutoRollbackConfiguration?.Enabled ? props.AutoRollbackConfiguration.Events ?? [] : [],
    terminationWaitMinutes: Number(props.BlueGreenDeploymentConfiguration?.TerminateBlueInstancesOnDeploymentSuccess?.TerminationWaitTimeInMinutes ?? 0),
  });
}

const codeDeployGroup = provider({
  create(ctx, props) {
    const name = props.DeploymentGroupName ?? generatedName(ctx, 100);
    deploymentGroup(ctx, props, name);
    return { physicalId: name, attributes: {} };
  },
  update(ctx, current, props) { deploymentGroup(ctx, props, current.physicalId); },
  delete(ctx, current) { ctx.world.codedeploy.groups.delete(`${current.properties.ApplicationName}/${current.physicalId}`); },
});

const codeCommit = provider({
  create(ctx, props) {
    const name = String(props.RepositoryName);
    ctx.world.codecommit.create(name, arn('codecommit', name));
    return { physicalId: name, attributes: { Arn: arn('codecommit', name), Name: name, CloneUrlHttp: `https://git-codecommit.${REGION}.amazonaws.com/v1/repos/${name}`, CloneUrlSsh: `ssh://git-codecommit.${REGION}.amazonaws.com/v1/repos/${name}` } };
  },
  delete(ctx, current) { ctx.world.codecommit.delete(current.physicalId); },
});

/** The platform handlers the model runs in process, recognized by their bundled code. */
const HANDLER_ASSETS = ['deployed-state', 'smoke-test', 'provider'];

function lambdaFunction(ctx: ProviderContext, props: Props, name: string): Applied {
  const functionArn = arn('lambda', `function:${name}`);
  let handler: string | undefined;
  const key = props.Code?.S3Key;
  const [file, entry] = String(props.Handler ?? 'index.handler').split('.');
  if (key) {
    const dir = ctx.stack.assembly.assetPath(String(key));
    if (file === 'framework' && fs.existsSync(path.join(dir, 'framework.js'))) {
      // aws-cdk-lib's custom-resource provider framework (custom-resources.Provider).
      handler = PROVIDER_FRAMEWORK;
    } else if (fs.existsSync(path.join(dir, 'index.js'))) {
      const code = fs.readFileSync(path.join(dir, 'index.js'), 'utf8').toString();
      handler = HANDLER_ASSETS.find((h) => {
        const bundled = path.join(__dirname, '..', '..', '..', 'assets', h, 'index.js');
        return fs.existsSync(bundled) && fs.readFileSync(bundled, 'utf8') === code;
      });
    }
  }
  ctx.world.lambdas.functions.set(functionArn, { name, arn: functionArn, handler, entry, environment: props.Environment?.Variables ?? {} });
  return { physicalId: name, attributes: { Arn: functionArn } };
}

const lambda = provider({
  create(ctx, props) { return lambdaFunction(ctx, props, props.FunctionName ?? generatedName(ctx, 64)); },
  update(ctx, current, props) { return lambdaFunction(ctx, props, current.physicalId); },
  delete(ctx, current) { ctx.world.lambdas.functions.delete(String(current.attributes.Arn)); },
});

function alarmTarget(props: Props): string | undefined {
  const dims: Props[] = [...(props.Dimensions ?? []), ...(props.Metrics ?? []).flatMap((m: Props) => m.MetricStat?.Metric?.Dimensions ?? [])];
  return dims.find((d) => d.Name === 'TargetGroup')?.Value;
}

const alarm = provider({
  create(ctx, props) {
    const name = props.AlarmName ?? generatedName(ctx, 255);
    ctx.world.alarms.alarms.set(name, { targetGroupFullName: alarmTarget(props) });
    return { physicalId: name, attributes: { Arn: arn('cloudwatch', `alarm:${name}`) } };
  },
  update(ctx, current, props) { ctx.world.alarms.alarms.set(current.physicalId, { targetGroupFullName: alarmTarget(props) }); },
  delete(ctx, current) { ctx.world.alarms.alarms.delete(current.physicalId); },
});

const schedule = provider({
  create(ctx, props) {
    const name = props.Name ?? generatedName(ctx, 64);
    ctx.world.scheduler.schedules.set(name, { taskDefinitionArn: String(props.Target?.EcsParameters?.TaskDefinitionArn), cluster: String(props.Target?.Arn) });
    return { physicalId: name, attributes: { Arn: arn('scheduler', `schedule/default/${name}`) } };
  },
  update(ctx, current, props) {
    ctx.world.scheduler.schedules.set(current.physicalId, { taskDefinitionArn: String(props.Target?.EcsParameters?.TaskDefinitionArn),
      cluster: String(props.Target?.Arn) });
  },
  delete(ctx, current) { ctx.world.scheduler.schedules.delete(current.physicalId); },
});

const codeBuildProject = provider({
  create(ctx, props) {
    const name = props.Name ?? generatedName(ctx, 150);
    ctx.world.pipelines.projects.set(name, props);
    return { physicalId: name, attributes: { Arn: arn('codebuild', `project/${name}`) } };
  },
  update(ctx, current, props) { ctx.world.pipelines.projects.set(current.physicalId, props); },
  delete(ctx, current) { ctx.world.pipelines.projects.delete(current.physicalId); },
});

const codePipeline = provider({
  create(ctx, props) {
    const name = props.Name ?? generatedName(ctx, 100);
    ctx.world.pipelines.definitions.set(name, props);
    return { physicalId: name, attributes: { Version: '1' } };
  },
  update(ctx, current, props) { ctx.world.pipelines.definitions.set(current.physicalId, props); },
  delete(ctx, current) { ctx.world.pipelines.definitions.delete(current.physicalId); },
});

/** A nested stack: a stack of its own, named `<parent>-<logical id>-<suffix>`, with the parameters the parent passes. */
const nestedStack: Provider = {
  rolledBackByItsResources: true,
  async create(ctx, props) {
    const name = `${ctx.stack.name}-${ctx.logicalId}-${ctx.world.ids.suffix().toUpperCase()}`;
    const child = ctx.world.cfn.newStack(name, ctx.stack.assembly, {});
    ctx.world.cfn.stacks.set(name, child);
    await ctx.world.cfn.applyTemplate(child, ctx.stack.assembly, ctx.stack.assembly.templateAt(String(props.TemplateURL)),
      (props.Parameters ?? {}) as Record<string, unknown>, ctx.run);
    return { physicalId: child.id, attributes: outputs(ctx, name) };
  },
  async update(ctx, current, props) {
    const name = current.physicalId.split('/')[1];
    const child = ctx.world.cfn.stacks.get(name)!;
    await ctx.world.cfn.applyTemplate(child, ctx.stack.assembly, ctx.stack.assembly.templateAt(String(props.TemplateURL)),
      (props.Parameters ?? {}) as Record<string, unknown>, ctx.run);
    return { physicalId: current.physicalId, attributes: outputs(ctx, name) };
  },
  async delete(ctx, current) {
    const name = current.physicalId.split('/')[1];
    const child = ctx.world.cfn.stacks.get(name);
    if (child) await ctx.world.cfn.deleteStackResources(child, ctx.run);
    ctx.world.cfn.stacks.delete(name);
  },
};

function outputs(ctx: ProviderContext, name: string): Record<string, unknown> {
  const child = ctx.world.cfn.stacks.get(name)!;
  const resolveCtx = ctx.world.cfn.context(child, child.template);
  const out: Record<string, unknown> = {};
  for (const [k, o] of Object.entries(child.template.Outputs ?? {})) {
    out[`Outputs.${k}`] = resolve(o.Value, resolveCtx);
  }
  return out;
}

export const PROVIDERS: Record<string, Provider> = {
  'AWS::ECS::Service': ecsService,
  'AWS::ECS::TaskDefinition': taskDefinition,
  'AWS::ECS::Cluster': cluster,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': loadBalancer,
  'AWS::ElasticLoadBalancingV2::Listener': listener,
  'AWS::ElasticLoadBalancingV2::ListenerRule': listenerRule,
  'AWS::ElasticLoadBalancingV2::TargetGroup': targetGroup,
  'AWS::ECR::Repository': ecrRepository,
  'AWS::SSM::Parameter': ssmParameter,
  'AWS::ApplicationAutoScaling::ScalableTarget': scalableTarget,
  'AWS::CodeDeploy::Application': codeDeployApplication,
  'AWS::CodeDeploy::DeploymentGroup': codeDeployGroup,
  'AWS::CodeCommit::Repository': codeCommit,
  'AWS::Lambda::Function': lambda,
  'AWS::CloudWatch::Alarm': alarm,
  'AWS::Scheduler::Schedule': schedule,
  'AWS::CodeBuild::Project': codeBuildProject,
  'AWS::CodePipeline::Pipeline': codePipeline,
  'AWS::CloudFormation::Stack': nestedStack,
};

export const GENERIC: Provider = new Generic();
