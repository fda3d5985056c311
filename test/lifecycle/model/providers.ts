/**
 * CloudFormation's resource handlers for the types the platform uses, acting on the service
 * models; every other type is a generic resource with a generated physical id. A `Ref` to a
 * resource answers its physical id, which each handler sets to what the type's `Ref` returns
 * (an ARN for ECS services, task definitions and load balancing resources, a name otherwise).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ACCOUNT, arn, awsError, REGION } from './aws';
import { Applied, CreateFailed, Provider, ProviderContext, ResourceState, StackHang } from './cloudformation';
import { EFS_PROVIDERS } from './efs';
import { Elbv2 } from './elbv2';
import { IAM_PROVIDERS } from './iam-providers';
import { resolve, resolveDynamicReferences } from './intrinsics';
import { PROVIDER_FRAMEWORK } from './provider-framework';
import { generatedName, provider, withAttributes } from './provider-kit';
import type { World } from './world';

type Props = Record<string, any>;

/** CloudFormation property names to the API's (lower camel case); map-valued properties kept as written. */
export function toApi(value: unknown): any {
  if (Array.isArray(value)) return value.map(toApi);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Props).map(([k, v]) => [
    API_NAMES[k] ?? k.charAt(0).toLowerCase() + k.slice(1),
    ['Options', 'DockerLabels'].includes(k) ? v : toApi(v),
  ]));
}

/**
 * CloudFormation names whose API name is not the name with its first letter in lower case.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-taskdefinition-efsvolumeconfiguration.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSVolumeConfiguration.html
 */
const API_NAMES: Record<string, string> = { EFSVolumeConfiguration: 'efsVolumeConfiguration', FilesystemId: 'fileSystemId', IAM: 'iam' };

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
  return withAttributes({ Arn: resourceArn, GroupId: `sg-${id}`, Id: id, ...props }, id);
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
    const s = await ctx.world.ecs.createService({ ...toApi(rest), cluster: Cluster ?? 'default', serviceName: name, taskDefinition: TaskDefinition, desiredCount: DesiredCount === undefined ? 1 : Number(DesiredCount) });
    try {
      await waitForService(ctx.world, s.clusterName, name);
    } catch (e) {
      throw new CreateFailed((e as Error).message, s.serviceArn, e instanceof StackHang);
    }
    return { physicalId: s.serviceArn, attributes: { Name: name, ServiceArn: s.serviceArn } };
  },
  async update(ctx, current, props) {
    const { Cluster, ServiceName: _n, DeploymentController: _d, LaunchType: _l, SchedulingStrategy: _s, Role: _r, Tags: _t, DesiredCount, ...rest } = props;
    const name = String(current.attributes.Name);
    try {
      await ctx.world.ecs.updateService({ ...toApi(rest), cluster: Cluster ?? 'default', service: name, ...(DesiredCount === undefined ? {} : { desiredCount: Number(DesiredCount) }) });
    } catch (e) {
      throw new Error(`Resource handler returned message: "Invalid request provided: UpdateService error: ${(e as Error).message} (Service: AmazonECS; Status Code: 400; Error Code: ${(e as Error).name})" (HandlerErrorCode: InvalidRequest)`, { cause: e });
    }
    await waitForService(ctx.world, Cluster ?? 'default', name);
  },
  /** DeleteService, then CloudFormation waits until the service is INACTIVE. */
  async delete(ctx, current) {
    const s = ctx.world.ecs.findService(String(current.properties.Cluster ?? 'default'), current.physicalId);
    if (!s) return;
    ctx.world.ecs.deleteService(s.clusterName, s.serviceName);
    while (s.status === 'DRAINING') await ctx.world.advance(15);
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

/**
 * A cluster; DeleteCluster fails while services are ACTIVE or DRAINING in it.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html
 */
const cluster = provider({
  create(ctx, props) {
    const name = props.ClusterName ?? generatedName(ctx, 255);
    ctx.world.ecs.clusters.set(name, { providers: new Set(((props.CapacityProviders ?? []) as string[]).map(String)) });
    return { physicalId: name, attributes: { Arn: arn('ecs', `cluster/${name}`) } };
  },
  delete(ctx, current) {
    const busy = [...ctx.world.ecs.services.values()].filter((s) => s.clusterName === current.physicalId && s.status !== 'INACTIVE');
    if (busy.length) throw awsError('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.');
    ctx.world.ecs.clusters.delete(current.physicalId);
  },
});

/**
 * The capacity providers of a cluster. Removing one that a service (ACTIVE or DRAINING) uses
 * fails: "The specified capacity provider is in use and cannot be removed." (ECS's
 * ResourceInUseException, reported by CloudFormation's handler).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutClusterCapacityProviders.html
 * @see https://github.com/aws/aws-cdk/issues/15366 (the association deleted before the services on cdk destroy)
 * @see https://github.com/pahud/cdk-fargate-patterns/issues/71
 */
const capacityProviderAssociations = provider({
  create(ctx, props) {
    const name = String(props.Cluster);
    const known = ctx.world.ecs.clusters.get(name);
    for (const p of (props.CapacityProviders ?? []) as string[]) known?.providers.add(String(p));
    return { physicalId: name, attributes: {} };
  },
  update(ctx, current, props) {
    const keep = new Set(((props.CapacityProviders ?? []) as string[]).map(String));
    removeProviders(ctx.world, current.physicalId, ((current.properties.CapacityProviders ?? []) as string[]).filter((p) => !keep.has(String(p))));
    for (const p of keep) ctx.world.ecs.clusters.get(current.physicalId)?.providers.add(p);
  },
  delete(ctx, current) {
    removeProviders(ctx.world, current.physicalId, (current.properties.CapacityProviders ?? []) as string[]);
  },
});

function removeProviders(world: World, clusterName: string, providers: string[]): void {
  const inUse = [...world.ecs.services.values()].filter((s) => s.clusterName === clusterName && s.status !== 'INACTIVE').some((s) => {
    const strategies = [s.config.capacityProviderStrategy, ...s.groups.map((g) => g.config?.capacityProviderStrategy)];
    return strategies.some((st) => ((st ?? []) as Array<{ capacityProvider: string }>).some((i) => providers.includes(i.capacityProvider)));
  });
  if (inUse) {
    throw new Error('Resource handler returned message: "The specified capacity provider is in use and cannot be removed. (Service: Ecs, Status Code: 400, Error Code: ResourceInUseException)" (HandlerErrorCode: ResourceConflict)');
  }
  for (const p of providers) world.ecs.clusters.get(clusterName)?.providers.delete(String(p));
}

const loadBalancer = provider({
  create(ctx, props) {
    const name = props.Name ?? generatedName(ctx, 32);
    const lb = ctx.world.elbv2.createLoadBalancer(name, ctx.world.ids.suffix(), props.Type === 'network' ? 'network' : 'application');
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

/**
 * A target group; its deregistration delay (300 s unless an attribute says otherwise) is how
 * long a deregistered target drains.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#deregistration-delay
 */
function deregistrationDelay(props: Props): number {
  const a = ((props.TargetGroupAttributes ?? []) as Props[]).find((x) => x.Key === 'deregistration_delay.timeout_seconds');
  return a ? Number(a.Value) : 300;
}

const targetGroup = provider({
  create(ctx, props) {
    const name = props.Name ?? generatedName(ctx, 32);
    const tg = ctx.world.elbv2.createTargetGroup(name, ctx.world.ids.suffix(), Number(props.Port), String(props.HealthCheckPath ?? '/'));
    tg.deregistrationDelay = deregistrationDelay(props);
    return { physicalId: tg.arn, attributes: { TargetGroupName: name, TargetGroupFullName: tg.fullName, TargetGroupArn: tg.arn, LoadBalancerArns: [] } };
  },
  update(ctx, current, props) {
    const tg = ctx.world.elbv2.targetGroups.get(current.physicalId)!;
    tg.healthCheckPath = String(props.HealthCheckPath ?? '/');
    tg.deregistrationDelay = deregistrationDelay(props);
  },
  delete(ctx, current) { ctx.world.elbv2.targetGroups.delete(current.physicalId); },
});

const ecrRepository = provider({
  create(ctx, props) {
    const name = props.RepositoryName ?? generatedName(ctx, 256, true);
    const repo = ctx.world.ecr.create(name, props.ImageTagMutability === 'IMMUTABLE', props.LifecyclePolicy?.LifecyclePolicyText);
    if (props.RepositoryPolicyText) ctx.world.iam.resourcePolicies.set(arn('ecr', `repository/${name}`), props.RepositoryPolicyText);
    return { physicalId: name, attributes: { Arn: arn('ecr', `repository/${name}`), RepositoryUri: repo.uri } };
  },
  update(ctx, current, props) {
    if (props.RepositoryPolicyText) ctx.world.iam.resourcePolicies.set(arn('ecr', `repository/${current.physicalId}`), props.RepositoryPolicyText);
    else ctx.world.iam.resourcePolicies.delete(arn('ecr', `repository/${current.physicalId}`));
  },
  delete(ctx, current) {
    // "If true, deleting the repository force deletes the contents of the repository. If false,
    // the repository must be empty before attempting to delete it."
    // @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecr-repository.html#cfn-ecr-repository-emptyondelete
    if (String(current.properties.EmptyOnDelete) === 'true') ctx.world.ecr.repo(current.physicalId).images.length = 0;
    ctx.world.ecr.delete(current.physicalId);
    ctx.world.iam.resourcePolicies.delete(arn('ecr', `repository/${current.physicalId}`));
  },
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

/**
 * Registering a scalable target moves an active service's desired count into the range.
 * Application Auto Scaling acts through its service-linked role, which AWS manages (and whose
 * permissions it keeps as the service needs): the model treats its calls as allowed.
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-service-linked-roles.html
 */
async function registerTarget(world: World, props: Props): Promise<string> {
  const resourceId = String(props.ResourceId);
  const min = Number(props.MinCapacity);
  const max = Number(props.MaxCapacity);
  world.autoscaling.targets.set(resourceId, { min, max });
  const [, clusterName, serviceName] = resourceId.split('/');
  const service = world.ecs.findService(clusterName, serviceName);
  if (service) await world.ecs.setDesiredCount(service, Math.min(max, Math.max(min, service.desiredCount)));
  return `${resourceId}|${props.ScalableDimension}|${props.ServiceNamespace}`;
}

const scalableTarget = provider({
  async create(ctx, props) { return { physicalId: await registerTarget(ctx.world, props), attributes: { Id: props.ResourceId } }; },
  async update(ctx, current, props) { await registerTarget(ctx.world, props); return { physicalId: current.physicalId, attributes: current.attributes }; },
  delete(ctx, current) { ctx.world.autoscaling.targets.delete(String(current.properties.ResourceId)); },
});

const codeDeployApplication = provider({
  create(ctx, props) { return { physicalId: props.ApplicationName ?? generatedName(ctx, 100), attributes: {} }; },
});

function deploymentGroup(ctx: ProviderContext, props: Props, name: string): void {
  const pair = props.LoadBalancerInfo?.TargetGroupPairInfoList?.[0] ?? {};
  const service = props.ECSServices?.[0] ?? {};
  ctx.world.codedeploy.checkConfigOnListeners(String(props.DeploymentConfigName ?? 'CodeDeployDefault.ECSAllAtOnce'),
    [...pair.ProdTrafficRoute?.ListenerArns ?? [], ...pair.TestTrafficRoute?.ListenerArns ?? []]);
  ctx.world.codedeploy.groups.set(`${props.ApplicationName}/${name}`, {
    application: String(props.ApplicationName), name, cluster: String(service.ClusterName), service: String(service.ServiceName),
    targetGroupNames: (pair.TargetGroups ?? []).map((t: Props) => String(t.Name)),
    prodListeners: pair.ProdTrafficRoute?.ListenerArns ?? [], testListeners: pair.TestTrafficRoute?.ListenerArns ?? [],
    alarms: (props.AlarmConfiguration?.Alarms ?? []).map((a: Props) => String(a.Name)), alarmsEnabled: props.AlarmConfiguration?.Enabled === true,
    rollbackEvents: props.AutoRollbackConfiguration?.Enabled ? props.AutoRollbackConfiguration.Events ?? [] : [],
    terminationWaitMinutes: Number(props.BlueGreenDeploymentConfiguration?.TerminateBlueInstancesOnDeploymentSuccess?.TerminationWaitTimeInMinutes ?? 0),
    serviceRoleArn: props.ServiceRoleArn,
    deploymentConfigName: String(props.DeploymentConfigName ?? 'CodeDeployDefault.ECSAllAtOnce'),
  });
}

/**
 * A deployment group: CodeDeploy checks that it can assume the service role when the group is
 * created or changed.
 * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeploymentGroup.html (InvalidRoleException)
 * @see https://github.com/go-to-k/cdkd/pull/948 ("AWS CodeDeploy does not have the permissions required to assume the role")
 */
async function checkServiceRole(ctx: ProviderContext, props: Props): Promise<void> {
  if (props.ServiceRoleArn && !await ctx.world.assume('codedeploy.amazonaws.com', String(props.ServiceRoleArn), 'CodeDeploy-validation')) {
    throw awsError('InvalidRoleException', `AWS CodeDeploy does not have the permissions required to assume the role ${props.ServiceRoleArn}.`);
  }
}

const codeDeployGroup = provider({
  async create(ctx, props) {
    await checkServiceRole(ctx, props);
    const name = props.DeploymentGroupName ?? generatedName(ctx, 100);
    deploymentGroup(ctx, props, name);
    return { physicalId: name, attributes: {} };
  },
  async update(ctx, current, props) {
    await checkServiceRole(ctx, props);
    deploymentGroup(ctx, props, current.physicalId);
  },
  delete(ctx, current) { ctx.world.codedeploy.groups.delete(`${current.properties.ApplicationName}/${current.physicalId}`); },
});

/**
 * A custom deployment configuration: its traffic routing (minutes between steps).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-codedeploy-deploymentconfig-trafficroutingconfig.html
 */
const codeDeployConfig = provider({
  create(ctx, props) {
    const name = props.DeploymentConfigName ?? generatedName(ctx, 100);
    const t = props.TrafficRoutingConfig ?? { Type: 'AllAtOnce' };
    const step = t.TimeBasedCanary ? { percent: Number(t.TimeBasedCanary.CanaryPercentage), intervalMinutes: Number(t.TimeBasedCanary.CanaryInterval) }
      : t.TimeBasedLinear ? { percent: Number(t.TimeBasedLinear.LinearPercentage), intervalMinutes: Number(t.TimeBasedLinear.LinearInterval) }
        : { percent: 100, intervalMinutes: 0 };
    ctx.world.codedeploy.configs.set(name, { type: t.Type, ...step });
    return { physicalId: name, attributes: {} };
  },
  delete(ctx, current) { ctx.world.codedeploy.configs.delete(current.physicalId); },
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
const HANDLER_ASSETS = ['deployed-state', 'smoke-test', 'provider', 'claims'];

/**
 * A function. Lambda checks its role when the function is created or changed: the role must
 * trust lambda.amazonaws.com, and a function in a VPC needs the EC2 permissions that create its
 * network interfaces.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (InvalidParameterValueException)
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html ("ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces ... ec2:DeleteNetworkInterface")
 * @see https://repost.aws/knowledge-center/lambda-execution-role-ec2 (the error: "The provided execution role does not have permissions to call CreateNetworkInterface on EC2")
 */
async function checkFunctionRole(ctx: ProviderContext, props: Props, name: string): Promise<void> {
  if (!props.Role) return;
  const role = String(props.Role);
  if (!await ctx.world.assume('lambda.amazonaws.com', role, name)) {
    throw awsError('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.');
  }
  if (props.VpcConfig?.SubnetIds?.length) {
    const self = { kind: 'role' as const, roleArn: role, session: name };
    for (const action of ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface']) {
      const resource = action === 'ec2:DescribeNetworkInterfaces' ? '*' : arn('ec2', 'network-interface/*');
      if (!await ctx.world.iam.allowed(self, { action, resource }, `creating the function ${name}`)) {
        throw awsError('InvalidParameterValueException', `The provided execution role does not have permissions to call ${action.split(':')[1]} on EC2`);
      }
    }
  }
}

async function lambdaFunction(ctx: ProviderContext, props: Props, name: string): Promise<Applied> {
  await checkFunctionRole(ctx, props, name);
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
  ctx.world.lambdas.functions.set(functionArn, {
    name, arn: functionArn, handler, entry, environment: props.Environment?.Variables ?? {},
    role: props.Role ? String(props.Role) : undefined, logGroup: props.LoggingConfig?.LogGroup ? String(props.LoggingConfig.LogGroup) : undefined,
  });
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

/**
 * An alarm: what it watches (the target group of its metric, if any), its actions, and its
 * state (INSUFFICIENT_DATA until first evaluated).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html
 */
function setAlarm(world: World, name: string, props: Props): void {
  const previous = world.notifications.alarms.get(name);
  world.notifications.alarms.set(name, {
    name, arn: arn('cloudwatch', `alarm:${name}`), targetGroupFullName: alarmTarget(props),
    alarmActions: ((props.AlarmActions ?? []) as string[]).map(String), okActions: ((props.OKActions ?? []) as string[]).map(String),
    actionsEnabled: props.ActionsEnabled === undefined ? true : String(props.ActionsEnabled) === 'true',
    state: previous?.state ?? 'INSUFFICIENT_DATA',
  });
}

const alarm = provider({
  create(ctx, props) {
    const name = props.AlarmName ?? generatedName(ctx, 255);
    setAlarm(ctx.world, name, props);
    return { physicalId: name, attributes: { Arn: arn('cloudwatch', `alarm:${name}`) } };
  },
  update(ctx, current, props) { setAlarm(ctx.world, current.physicalId, props); },
  delete(ctx, current) { ctx.world.notifications.alarms.delete(current.physicalId); },
});

function setSchedule(world: World, name: string, props: Props): void {
  world.scheduler.schedules.set(name, {
    arn: arn('scheduler', `schedule/${props.GroupName ?? 'default'}/${name}`), taskDefinitionArn: String(props.Target?.EcsParameters?.TaskDefinitionArn),
    cluster: String(props.Target?.Arn), roleArn: String(props.Target?.RoleArn), ecs: props.Target?.EcsParameters ?? {},
  });
}

const schedule = provider({
  create(ctx, props) {
    const name = props.Name ?? generatedName(ctx, 64);
    setSchedule(ctx.world, name, props);
    return { physicalId: name, attributes: { Arn: arn('scheduler', `schedule/${props.GroupName ?? 'default'}/${name}`) } };
  },
  update(ctx, current, props) { setSchedule(ctx.world, current.physicalId, props); },
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

/**
 * A pipeline. "When a pipeline is created, a pipeline execution starts automatically": the
 * model starts it at once, before CloudFormation creates anything else (the earliest AWS may).
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-about-starting.html
 * @see https://github.com/aws/aws-cdk/issues/38861 (the first run fails when the action roles' policies come later)
 */
const codePipeline = provider({
  async create(ctx, props) {
    const name = props.Name ?? generatedName(ctx, 100);
    ctx.world.pipelines.definitions.set(name, props);
    await ctx.world.pipelines.started(name);
    return { physicalId: name, attributes: { Version: '1' } };
  },
  update(ctx, current, props) { ctx.world.pipelines.definitions.set(current.physicalId, props); },
  delete(ctx, current) { ctx.world.pipelines.definitions.delete(current.physicalId); },
});

/**
 * An EventBridge rule on the default bus: its pattern and targets (with the role each uses).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html
 */
function setRule(world: World, name: string, props: Props): void {
  world.notifications.rules.set(name, {
    name, arn: arn('events', `rule/${name}`), pattern: props.EventPattern ?? {}, enabled: (props.State ?? 'ENABLED') === 'ENABLED',
    targets: ((props.Targets ?? []) as Props[]).map((t) => ({ arn: String(t.Arn), roleArn: t.RoleArn ? String(t.RoleArn) : undefined, ecs: t.EcsParameters })),
  });
}

const eventRule = provider({
  create(ctx, props) {
    const name = props.Name ?? generatedName(ctx, 64);
    setRule(ctx.world, name, props);
    return { physicalId: name, attributes: { Arn: arn('events', `rule/${name}`) } };
  },
  update(ctx, current, props) { setRule(ctx.world, current.physicalId, props); },
  delete(ctx, current) { ctx.world.notifications.rules.delete(current.physicalId); },
});

/**
 * A CodeStar Notifications rule: the events of a resource it sends to its SNS targets.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-codestarnotifications-notificationrule.html
 */
const notificationRule = provider({
  create(ctx, props) {
    const ruleArn = arn('codestar-notifications', `notificationrule/${ctx.world.ids.suffix()}`);
    ctx.world.notifications.notificationRules.set(ruleArn, {
      arn: ruleArn, resource: String(props.Resource), eventTypeIds: (props.EventTypeIds ?? []).map(String),
      targets: ((props.Targets ?? []) as Props[]).filter((t) => t.TargetType === 'SNS').map((t) => String(t.TargetAddress)),
    });
    return { physicalId: ruleArn, attributes: { Arn: ruleArn } };
  },
  update(ctx, current, props) {
    ctx.world.notifications.notificationRules.set(current.physicalId, {
      arn: current.physicalId, resource: String(props.Resource), eventTypeIds: (props.EventTypeIds ?? []).map(String),
      targets: ((props.Targets ?? []) as Props[]).filter((t) => t.TargetType === 'SNS').map((t) => String(t.TargetAddress)),
    });
  },
  delete(ctx, current) { ctx.world.notifications.notificationRules.delete(current.physicalId); },
});

/** A state machine (the provider framework's waiter): its role and definition. */
const stateMachine = provider({
  create(ctx, props) {
    const name = props.StateMachineName ?? generatedName(ctx, 80);
    const machineArn = arn('states', `stateMachine:${name}`);
    ctx.world.stateMachines.machines.set(machineArn, { arn: machineArn, roleArn: String(props.RoleArn), definition: JSON.parse(String(props.DefinitionString ?? '{}')) });
    return { physicalId: machineArn, attributes: { Arn: machineArn, Name: name } };
  },
  update(ctx, current, props) {
    ctx.world.stateMachines.machines.set(current.physicalId, { arn: current.physicalId, roleArn: String(props.RoleArn), definition: JSON.parse(String(props.DefinitionString ?? '{}')) });
  },
  delete(ctx, current) { ctx.world.stateMachines.machines.delete(current.physicalId); },
});

/** A nested stack: a stack of its own, named `<parent>-<logical id>-<suffix>`, with the parameters the parent passes. */
const nestedStack: Provider = {
  rolledBackByItsResources: true,
  async create(ctx, props) {
    const name = `${ctx.stack.name}-${ctx.logicalId}-${ctx.world.ids.suffix().toUpperCase()}`;
    const child = ctx.world.cfn.newStack(name, ctx.stack.assembly, {}, ctx.stack);
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
  ...IAM_PROVIDERS,
  ...EFS_PROVIDERS,
  'AWS::ECS::ClusterCapacityProviderAssociations': capacityProviderAssociations,
  'AWS::CodeDeploy::DeploymentConfig': codeDeployConfig,
  'AWS::Events::Rule': eventRule,
  'AWS::CodeStarNotifications::NotificationRule': notificationRule,
  'AWS::StepFunctions::StateMachine': stateMachine,
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
