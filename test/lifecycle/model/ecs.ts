/**
 * Amazon ECS as far as the platform touches it: task definition families and revisions,
 * clusters with their capacity providers, services with the ECS controller (rolling
 * deployments with the circuit breaker and deployment alarms, or the native blue/green
 * strategy with lifecycle hooks) or the CODE_DEPLOY controller (task sets that CodeDeploy
 * creates), desired counts, deletion through DRAINING, and one-off tasks. Tasks are not
 * simulated one by one: a group of tasks runs its desired count when they can start (images
 * that exist, and an execution role that may pull them, read their secrets and write their
 * logs), and is healthy when the application of its image is.
 */
import { clusterArn } from './authorization';
import { arn, awsError, clone, REGION, same } from './aws';
import type { World } from './world';

export interface TaskDefinition {
  readonly taskDefinitionArn: string;
  readonly family: string;
  readonly revision: number;
  status: 'ACTIVE' | 'INACTIVE';
  readonly containerDefinitions: Array<Record<string, any>>;
  readonly [key: string]: unknown;
}

/** A deployment (ECS controller) or a task set (CODE_DEPLOY controller). */
export interface TaskGroup {
  readonly id: string;
  status: 'PRIMARY' | 'ACTIVE';
  readonly taskDefinition: string;
  running: number;
  targetGroupArn?: string;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason?: string;
  /** Its network configuration, capacity provider strategy, launch type and platform version. */
  config?: Record<string, any>;
  /** When it started (the model's clock). */
  readonly startedAt: number;
}

/**
 * What a deployment or task set has of its own: ECS reports them per deployment
 * (API_Deployment) and per task set (API_TaskSet); the parameters of the primary task set
 * transition to the service (UpdateServicePrimaryTaskSet, which CodeDeploy calls when it
 * shifts traffic).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskSet.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateServicePrimaryTaskSet.html
 */
export const TASK_SET_PARAMETERS = ['networkConfiguration', 'capacityProviderStrategy', 'launchType', 'platformVersion'];

export interface Service {
  readonly serviceArn: string;
  readonly serviceName: string;
  readonly clusterName: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  readonly controller: string;
  desiredCount: number;
  taskDefinition: string;
  config: Record<string, any>;
  groups: TaskGroup[];
  /** The task definition of the last deployment that completed (what a rollback returns to). */
  lastCompleted?: string;
  readonly events: string[];
  /**
   * The service's tags (CreateService's, then TagResource and UntagResource). With
   * propagateTags SERVICE, ECS copies them to each task it launches.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-using-tags.html
   */
  readonly tags: Map<string, string>;
}

/**
 * The parameters of UpdateService that start a new deployment when they change. A change of
 * the capacity provider strategy alone does not ("This parameter doesn't trigger a new service
 * deployment."): only forceNewDeployment (or another of these) rolls tasks onto it.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
 */
const DEPLOYMENT_PARAMETERS = ['taskDefinition', 'networkConfiguration', 'loadBalancers', 'platformVersion', 'serviceConnectConfiguration', 'serviceRegistries', 'volumeConfigurations'];

/**
 * What UpdateService accepts for a service on the CODE_DEPLOY controller: "For services using
 * the blue/green (CODE_DEPLOY) deployment controller, only the desired count, deployment
 * configuration, health check grace period, task placement constraints and strategies, enable
 * ECS managed tags option, and propagate tags can be updated using this API. If the network
 * configuration, platform version, task definition, or load balancer need to be updated,
 * create a new CodeDeploy deployment." Any other parameter is refused when present, changed or
 * not: aws-cdk#23564, cloudformation-coverage-roadmap#1529 (every property sent),
 * pulumi/pulumi#3607 (only the desired count changed), kayac/ecspresso#393 (nothing changed).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
 * @see https://github.com/aws/aws-cdk/issues/23564
 */
const CODE_DEPLOY_UPDATABLE = ['cluster', 'service', 'desiredCount', 'deploymentConfiguration', 'healthCheckGracePeriodSeconds', 'placementConstraints', 'placementStrategy', 'enableECSManagedTags', 'propagateTags'];

/**
 * ECS's messages for the parameters a CODE_DEPLOY service refuses; the last is the model's
 * wording, after ECS's (the documented restriction names no message for other parameters).
 * @see https://github.com/hashicorp/terraform-provider-aws/issues/8005 (network parameters)
 * @see https://github.com/kayac/ecspresso/issues/393 (load balancers)
 */
function codeDeployRefusal(param: string): string {
  const what: Record<string, string> = { taskDefinition: 'task definition', networkConfiguration: 'network parameters', loadBalancers: 'load balancers', platformVersion: 'platform version' };
  return `Unable to update ${what[param] ?? param} on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.`;
}

export class Ecs {
  public readonly taskDefinitions = new Map<string, TaskDefinition>();
  public readonly services = new Map<string, Service>();
  /** Clusters the model created, with the capacity providers associated with each. */
  public readonly clusters = new Map<string, { providers: Set<string> }>();
  private groupCount = 0;
  private readonly startFailures = new Set<string>();

  constructor(private readonly world: World) {}

  public nextRevision(family: string): number {
    return 1 + Math.max(0, ...[...this.taskDefinitions.values()].filter((t) => t.family === family).map((t) => t.revision));
  }

  /**
   * The first revision of a family is 1; each registration adds one.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
   */
  public registerTaskDefinition(input: Record<string, any>): TaskDefinition {
    this.world.efs.checkVolumes(input.volumes);
    const family = String(input.family);
    const revision = this.nextRevision(family);
    const td: TaskDefinition = { ...clone(input), family, revision, status: 'ACTIVE', taskDefinitionArn: arn('ecs', `task-definition/${family}:${revision}`), containerDefinitions: clone(input.containerDefinitions ?? []) };
    this.taskDefinitions.set(td.taskDefinitionArn, td);
    return td;
  }

  /**
   * A family name means its latest ACTIVE revision.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html
   */
  public describeTaskDefinition(ref: string): TaskDefinition {
    const direct = this.taskDefinitions.get(ref) ?? this.taskDefinitions.get(arn('ecs', `task-definition/${ref}`));
    if (direct) return direct;
    const family = ref.replace(/^arn:[^:]+:ecs:[^:]+:[^:]+:task-definition\//, '');
    const latest = [...this.taskDefinitions.values()].filter((t) => t.family === family && t.status === 'ACTIVE').sort((a, b) => b.revision - a.revision)[0];
    if (!latest) throw awsError('ClientException', 'Unable to describe task definition.');
    return latest;
  }

  public deregisterTaskDefinition(taskDefinitionArn: string): void {
    const td = this.taskDefinitions.get(taskDefinitionArn);
    if (td) td.status = 'INACTIVE';
  }

  public service(cluster: string, name: string): Service {
    const s = this.services.get(`${clusterName(cluster)}/${serviceName(name)}`);
    if (!s || s.status === 'INACTIVE') throw awsError('ServiceNotFoundException', 'Service not found.');
    if (s.status !== 'ACTIVE') throw awsError('ServiceNotActiveException', 'Service was not ACTIVE.');
    return s;
  }

  /** The ACTIVE service of that name (or a DRAINING one too, as DescribeServices reports it). */
  public findService(cluster: string, name: string, draining = false): Service | undefined {
    const s = this.services.get(`${clusterName(cluster)}/${serviceName(name)}`);
    return s?.status === 'ACTIVE' || (draining && s?.status === 'DRAINING') ? s : undefined;
  }

  /**
   * CreateService. A service of the same name that is ACTIVE (other than a retry with the same
   * client token) or DRAINING blocks it; a capacity provider of the strategy must be associated
   * with the cluster.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html ("If you attempt to create a new service with the same name as an existing service in either ACTIVE or DRAINING status, you receive an error.")
   * @see https://github.com/ewilde/faas-fargate/issues/13 (the error while DRAINING: "Unable to Start a service that is still Draining.")
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html ("A capacity provider must be associated with the cluster to be used in a capacity provider strategy.")
   */
  public async createService(input: Record<string, any>): Promise<Service> {
    const cluster = clusterName(input.cluster);
    const key = `${cluster}/${input.serviceName}`;
    const existing = this.services.get(key);
    if (existing?.status === 'ACTIVE' && input.clientToken !== undefined && existing.config.clientToken === input.clientToken) return existing;
    if (existing?.status === 'ACTIVE') throw awsError('InvalidParameterException', 'Creation of service was not idempotent.');
    if (existing?.status === 'DRAINING') throw awsError('InvalidParameterException', 'Unable to Start a service that is still Draining.');
    this.checkCapacityProviders(cluster, input.capacityProviderStrategy);
    const controller = input.deploymentController?.type ?? 'ECS';
    const td = this.describeTaskDefinition(input.taskDefinition).taskDefinitionArn;
    const { cluster: _c, serviceName: _n, taskDefinition: _t, desiredCount: _d, deploymentController: _dc, ...config } = clone(input);
    const service: Service = {
      serviceArn: arn('ecs', `service/${cluster}/${input.serviceName}`), serviceName: input.serviceName, clusterName: cluster, status: 'ACTIVE',
      controller, desiredCount: input.desiredCount ?? 1, taskDefinition: td, config, groups: [], events: [],
      tags: new Map(((input.tags ?? []) as Array<{ key: string; value: string }>).map((t) => [t.key, t.value])),
    };
    this.services.set(key, service);
    // The CODE_DEPLOY controller starts the service with a primary task set in the first target group.
    // @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/migrate-codedeploy-to-ecs-bluegreen.html
    this.addGroup(service, td, service.config.loadBalancers?.[0]?.targetGroupArn);
    await this.reconcile(service);
    return service;
  }

  private checkCapacityProviders(cluster: string, strategy: Array<{ capacityProvider: string }> | undefined): void {
    const known = this.clusters.get(cluster);
    if (!known) return;
    for (const item of strategy ?? []) {
      if (!known.providers.has(item.capacityProvider)) {
        throw awsError('InvalidParameterException', 'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.');
      }
    }
  }

  public async updateService(input: Record<string, any>): Promise<Service> {
    const service = this.service(input.cluster, input.service);
    if (service.controller === 'CODE_DEPLOY') {
      const documented = ['taskDefinition', 'networkConfiguration', 'loadBalancers', 'platformVersion'];
      const refused = Object.keys(input).filter((k) => input[k] !== undefined && !CODE_DEPLOY_UPDATABLE.includes(k))
        .sort((a, b) => (documented.includes(a) ? documented.indexOf(a) : 99) - (documented.includes(b) ? documented.indexOf(b) : 99));
      if (refused.length) throw awsError('InvalidParameterException', codeDeployRefusal(refused[0]));
    }
    if (input.capacityProviderStrategy !== undefined) this.checkCapacityProviders(service.clusterName, input.capacityProviderStrategy);
    // No desiredCount leaves the count as it is.
    if (input.desiredCount !== undefined) service.desiredCount = Number(input.desiredCount);
    const next = clone(service.config);
    for (const [k, v] of Object.entries(input)) {
      if (['cluster', 'service', 'desiredCount', 'taskDefinition', 'forceNewDeployment'].includes(k)) continue;
      next[k] = clone(v);
    }
    const td = input.taskDefinition !== undefined ? this.describeTaskDefinition(input.taskDefinition).taskDefinitionArn : service.taskDefinition;
    const changed = td !== service.taskDefinition || DEPLOYMENT_PARAMETERS.some((p) => p !== 'taskDefinition' && input[p] !== undefined && !same(input[p], service.config[p]));
    service.config = next;
    if (service.controller === 'ECS' && (changed || input.forceNewDeployment)) {
      service.taskDefinition = td;
      const previousLive = this.liveTargetGroup(service);
      for (const g of service.groups) g.status = 'ACTIVE';
      const targetGroup = this.isBlueGreen(service) ? this.otherTargetGroup(service, previousLive) : service.config.loadBalancers?.[0]?.targetGroupArn;
      const group = this.addGroup(service, td, targetGroup);
      // The clock moves on to the end of a blue/green deployment's stages, where ECS completes it.
      const seconds = this.isBlueGreen(service) ? this.blueGreenSeconds(service) : 0;
      if (seconds > 0) this.world.org.schedule(this.world, seconds, `the ECS deployment ${group.id} of ${service.serviceName} ends its stages`, () => undefined);
    }
    await this.reconcile(service);
    return service;
  }

  /**
   * DeleteService (force): the service is DRAINING while its tasks stop (a task behind a load
   * balancer drains for the target group's deregistration delay first; others get ECS's stop
   * timeout, 30 s), then INACTIVE.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html ("the service status moves from ACTIVE to DRAINING ... After all tasks have transitioned to either STOPPING or STOPPED status, the service status moves from DRAINING to INACTIVE")
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#deregistration-delay
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html (stopTimeout: 30 seconds by default on Fargate)
   */
  public deleteService(cluster: string, name: string): Service {
    const service = this.service(cluster, name);
    service.status = 'DRAINING';
    service.desiredCount = 0;
    const running = service.groups.some((g) => g.running > 0);
    const tgs = (service.config.loadBalancers ?? []).map((lb: Record<string, any>) => lb.targetGroupArn).concat(service.groups.map((g) => g.targetGroupArn));
    const drain = running ? Math.max(30, ...tgs.map((t: string | undefined) => (t && this.world.elbv2.targetGroups.get(t)?.deregistrationDelay) || 0)) : 0;
    this.world.schedule(drain, `${service.serviceName} INACTIVE`, () => {
      service.status = 'INACTIVE';
      service.groups = [];
    });
    for (const g of service.groups) g.running = 0;
    return service;
  }

  /**
   * TagResource and UntagResource of a service (by its ARN; other resources' tags are not modelled).
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TagResource.html
   */
  public tag(resourceArn: string, add: Array<{ key: string; value: string }>, remove: string[] = []): void {
    const service = [...this.services.values()].find((s) => s.serviceArn === resourceArn && s.status !== 'INACTIVE');
    if (!service) return;
    for (const t of add) service.tags.set(t.key, t.value);
    for (const k of remove) service.tags.delete(k);
  }

  /** Application Auto Scaling sets the desired count. */
  public async setDesiredCount(service: Service, count: number): Promise<void> {
    service.desiredCount = count;
    await this.reconcile(service);
  }

  public addGroup(service: Service, taskDefinition: string, targetGroupArn: string | undefined, status: 'PRIMARY' | 'ACTIVE' = 'PRIMARY', config?: Record<string, any>): TaskGroup {
    this.groupCount += 1;
    const prefix = service.controller === 'CODE_DEPLOY' ? 'ts' : 'ecs-svc';
    const group: TaskGroup = {
      id: `${prefix}/${this.groupCount}`, status, taskDefinition, running: 0, targetGroupArn, rolloutState: 'IN_PROGRESS', startedAt: this.world.now,
      config: config ?? Object.fromEntries(TASK_SET_PARAMETERS.filter((k) => service.config[k] !== undefined).map((k) => [k, clone(service.config[k])])),
    };
    service.groups.push(group);
    return group;
  }

  /** Starts what can start and stops what exceeds the desired count. */
  public async reconcile(service: Service): Promise<void> {
    for (const g of service.groups) {
      const target = this.desiredOf(service, g);
      if (g.running > target) g.running = target;
      else if (g.running < target) {
        const why = await this.startProblem(g.taskDefinition);
        if (!why) g.running = target;
        else if (!this.startFailures.has(`${g.id}|${why}`)) {
          this.startFailures.add(`${g.id}|${why}`);
          service.events.push(`(service ${service.serviceName}) tasks of ${g.taskDefinition} failed to start: ${why}`);
        }
      }
    }
  }

  private desiredOf(service: Service, g: TaskGroup): number {
    // A task set runs the service's desired count (scale 100 %); an old deployment keeps its
    // tasks until the new one completes; a rolling deployment that cannot start a task starts none.
    if (service.controller === 'CODE_DEPLOY') return service.desiredCount;
    if (g.status !== 'PRIMARY') return g.running;
    return this.stalled(service, g) ? 0 : service.desiredCount;
  }

  /**
   * Whether a rolling deployment can neither start a new task nor stop an old one: ECS rounds
   * the minimum healthy percent of the desired count up and the maximum percent down, so at one
   * task 50 % / 100 % is 1 / 1.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html ("This value is rounded up. ... if the minimum healthy percent is 75% and the desired task count is two, then the scheduler can't stop any tasks"; the maximum percent "is rounded down")
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html
   */
  public stalled(service: Service, g: TaskGroup): boolean {
    if (this.isBlueGreen(service) || g.rolloutState !== 'IN_PROGRESS' || g.running > 0) return false;
    const old = service.groups.filter((x) => x !== g).reduce((n, x) => n + x.running, 0);
    if (old === 0) return false;
    const desired = service.desiredCount;
    const dc = service.config.deploymentConfiguration ?? {};
    const minHealthy = Math.ceil(desired * Number(dc.minimumHealthyPercent ?? 100) / 100);
    const max = Math.floor(desired * Number(dc.maximumPercent ?? 200) / 100);
    return max <= old && old <= minHealthy;
  }

  /** Whether every image of a task definition exists (an ECR image that was pushed, or another registry's). */
  public imagesExist(taskDefinition: string): boolean {
    return this.describeTaskDefinition(taskDefinition).containerDefinitions.every((c) => this.world.ecr.pullable(String(c.image)));
  }

  /**
   * Why the tasks of a task definition cannot start, if they cannot: an image that does not
   * exist, or an execution role that ECS cannot assume or that may not pull the images from
   * ECR, read the secrets or write the logs (awslogs); a task role that ECS cannot assume; an EFS
   * volume the task cannot mount (efs.ts).
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-pull.html (ecr:GetAuthorizationToken on *, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the repository)
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
   * @see https://repost.aws/knowledge-center/ecs-unable-to-assume-role (ECS's message)
   */
  public async startProblem(taskDefinition: string): Promise<string | undefined> {
    const td = this.describeTaskDefinition(taskDefinition);
    const missing = td.containerDefinitions.find((c) => !this.world.ecr.pullable(String(c.image)));
    if (missing) return `CannotPullContainerError: ${missing.image}: not found`;
    const { world } = this;
    const taskId = `task-${world.ids.suffix()}`;
    for (const role of [td.taskRoleArn, td.executionRoleArn].filter((r): r is string => typeof r === 'string')) {
      if (!await world.assume('ecs-tasks.amazonaws.com', role, taskId)) {
        return `ECS was unable to assume the role '${role}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`;
      }
    }
    const during = `starting a task of ${td.family}:${td.revision}`;
    const mount = await world.efs.mountProblem((td as Record<string, unknown>).volumes, td.containerDefinitions,
      typeof td.taskRoleArn === 'string' ? td.taskRoleArn : undefined, taskId, during);
    if (mount) return mount;
    if (typeof td.executionRoleArn !== 'string') return undefined;
    const exec = { kind: 'role' as const, roleArn: td.executionRoleArn, session: taskId };
    for (const c of td.containerDefinitions) {
      const image = String(c.image);
      const [, registry, repo] = /^(\d+)\.dkr\.ecr\.[^.]+\.amazonaws\.com\/([^:@]+)/.exec(image) ?? [];
      if (repo) {
        // The repository of the image's registry (another account's for an image shared across accounts).
        // @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
        const repositoryArn = `arn:aws:ecr:${REGION}:${registry}:repository/${repo}`;
        for (const [action, resource] of [['ecr:GetAuthorizationToken', '*'], ['ecr:BatchGetImage', repositoryArn], ['ecr:GetDownloadUrlForLayer', repositoryArn]]) {
          if (!await world.iam.allowed(exec, { action, resource }, during)) return `ResourceInitializationError: unable to pull secrets or registry auth: ${world.iam.denials.at(-1)!.message}`;
        }
      }
      for (const secret of (c.secrets ?? []) as Array<{ valueFrom: string }>) {
        const from = String(secret.valueFrom);
        const [action, resource] = from.includes(':secretsmanager:') ? ['secretsmanager:GetSecretValue', from.split(':').slice(0, 7).join(':')] : ['ssm:GetParameters', from.startsWith('arn:') ? from : arn('ssm', `parameter/${from.replace(/^\//, '')}`)];
        if (!await world.iam.allowed(exec, { action, resource }, during)) return `ResourceInitializationError: unable to pull secrets or registry auth: ${world.iam.denials.at(-1)!.message}`;
      }
      const log = c.logConfiguration as { logDriver?: string; options?: Record<string, string> } | undefined;
      if (log?.logDriver === 'awslogs' && log.options?.['awslogs-group']) {
        const stream = `${log.options['awslogs-stream-prefix'] ?? 'ecs'}/${c.name}/${taskId}`;
        if (!await world.writeLogs(exec, log.options['awslogs-group'], stream, during)) {
          return `ResourceInitializationError: failed to validate logger args: ${world.iam.denials.at(-1)!.message}`;
        }
      }
    }
    return undefined;
  }

  /** Whether the tasks of a task definition, once running, pass their health checks. */
  public healthy(taskDefinition: string): boolean {
    return this.imagesExist(taskDefinition) && this.world.behaviourOf(taskDefinition).healthy && this.world.respond(taskDefinition, '/health') < 500;
  }

  /** Whether a group runs its desired count, healthy. */
  public steady(service: Service, g: TaskGroup): boolean {
    const desired = this.desiredOf(service, g);
    return desired === 0 ? !this.stalled(service, g) : (g.running === desired && this.healthy(g.taskDefinition));
  }

  public primary(service: Service): TaskGroup | undefined {
    return service.groups.find((g) => g.status === 'PRIMARY');
  }

  public isBlueGreen(service: Service): boolean {
    return ['BLUE_GREEN', 'CANARY', 'LINEAR'].includes(service.config.deploymentConfiguration?.strategy);
  }

  /**
   * How long an ECS-native blue/green, canary or linear deployment that replaces running tasks
   * takes until ECS reports it complete (the model's own reading of AWS's pages, not the
   * library's estimate): the bake time, plus the canary's bake time, or a linear shift's step
   * bake time for each step but the last (100 / percent - 1 steps when the percent divides 100,
   * else its floor); on a Network Load Balancer 10 minutes more for each traffic-shift stage
   * (TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT). The deployment that creates the service
   * replaces nothing: it is not held back. The hooks, the scale-up and the health checks take no
   * time in the model.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-linearconfiguration.html
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-canaryconfiguration.html
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/nlb-resources-for-blue-green.html
   */
  private blueGreenSeconds(service: Service): number {
    if (!service.lastCompleted) return 0;
    const dc = service.config.deploymentConfiguration ?? {};
    let minutes = Number(dc.bakeTimeInMinutes ?? 0);
    if (dc.strategy === 'CANARY') minutes += Number(dc.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10);
    if (dc.strategy === 'LINEAR') {
      const ratio = 100 / Number(dc.linearConfiguration?.stepPercent ?? 10);
      minutes += (Number.isInteger(ratio) ? ratio - 1 : Math.floor(ratio)) * Number(dc.linearConfiguration?.stepBakeTimeInMinutes ?? 6);
    }
    const production = String(service.config.loadBalancers?.[0]?.advancedConfiguration?.productionListenerRule ?? '');
    if (production.includes(':listener/')) minutes += 2 * 10;
    return minutes * 60;
  }

  /** The target group production traffic reaches now (ECS-native blue/green). */
  public liveTargetGroup(service: Service): string | undefined {
    const lb = service.config.loadBalancers?.[0];
    const rule = lb?.advancedConfiguration?.productionListenerRule;
    if (!rule) return lb?.targetGroupArn;
    const forward = this.world.elbv2.trafficPoint(rule)?.actions.at(-1)?.forward ?? [];
    return forward.find((f) => f.weight > 0)?.targetGroupArn ?? lb.targetGroupArn;
  }

  private otherTargetGroup(service: Service, live: string | undefined): string | undefined {
    const lb = service.config.loadBalancers?.[0];
    const pair = [lb?.targetGroupArn, lb?.advancedConfiguration?.alternateTargetGroupArn];
    return pair.find((t) => t !== live) ?? live;
  }

  /**
   * Runs the deployments of an ECS-controller service as far as they go: a rolling deployment
   * completes when its tasks run healthy; otherwise the circuit breaker (or a deployment
   * alarm) fails it and, with rollback, ECS deploys the last completed task definition again.
   * Without the circuit breaker a deployment that cannot finish stays in progress, as does one
   * that cannot start or stop a task. A native blue/green deployment runs its lifecycle hooks,
   * the one that creates the service included. Answers why the deployment failed, if it did.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html
   */
  public async settle(service: Service): Promise<string | undefined> {
    await this.reconcile(service);
    if (service.controller !== 'ECS' || service.status !== 'ACTIVE') return undefined;
    const primary = this.primary(service);
    if (!primary || primary.rolloutState !== 'IN_PROGRESS') return undefined;
    if (this.stalled(service, primary)) return undefined;
    if (this.isBlueGreen(service) && this.world.now < primary.startedAt + this.blueGreenSeconds(service)) return undefined;
    let failure: string | undefined;
    if (this.isBlueGreen(service)) {
      failure = await this.world.ecsBlueGreen.run(service, primary);
    } else if (!this.steady(service, primary)) {
      failure = 'tasks failed to start or to pass health checks';
    } else if (await this.alarmsFail(service)) {
      failure = 'a deployment alarm is in ALARM';
    }
    if (!failure) {
      primary.rolloutState = 'COMPLETED';
      service.groups = [primary];
      service.lastCompleted = primary.taskDefinition;
      return undefined;
    }
    const breaker = service.config.deploymentConfiguration?.deploymentCircuitBreaker;
    const alarms = service.config.deploymentConfiguration?.alarms;
    const stops = this.isBlueGreen(service) || breaker?.enable || (alarms?.enable && failure.includes('alarm'));
    if (!stops) return undefined; // in progress until CloudFormation gives up
    primary.rolloutState = 'FAILED';
    primary.rolloutStateReason = failure;
    service.events.push(`deployment ${primary.id} failed: ${failure}`);
    await this.world.notifications.put({
      source: 'aws.ecs', 'detail-type': 'ECS Deployment State Change', resources: [service.serviceArn],
      detail: { eventType: 'ERROR', eventName: 'SERVICE_DEPLOYMENT_FAILED', deploymentId: primary.id, reason: failure },
    });
    const rollback = this.isBlueGreen(service) || breaker?.rollback || alarms?.rollback;
    service.groups = service.groups.filter((g) => g !== primary);
    if (rollback && service.lastCompleted) {
      service.taskDefinition = service.lastCompleted;
      for (const g of service.groups) g.status = 'ACTIVE';
      const back = this.addGroup(service, service.lastCompleted, this.isBlueGreen(service) ? this.liveTargetGroup(service) : primary.targetGroupArn);
      await this.reconcile(service);
      back.rolloutState = 'COMPLETED';
      service.groups = [back];
    }
    return failure;
  }

  /**
   * What CloudFormation waits for after creating or updating a service: the primary
   * deployment completed (ECS controller), or the primary task set at its desired count.
   */
  public stable(service: Service): boolean {
    const primary = this.primary(service);
    if (!primary) return false;
    return service.controller === 'ECS' ? primary.rolloutState === 'COMPLETED' : this.steady(service, primary);
  }

  private async alarmsFail(service: Service): Promise<boolean> {
    const alarms = service.config.deploymentConfiguration?.alarms;
    if (!alarms?.enable) return false;
    await this.world.notifications.evaluateAlarms();
    return (alarms.alarmNames as string[] ?? []).some((name) => this.world.alarmFiring(name));
  }

  /**
   * RunTask with a family name runs its latest ACTIVE revision.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
   */
  public runTask(taskDefinition: string): TaskDefinition {
    return this.describeTaskDefinition(taskDefinition);
  }

  /** DescribeServices in the API's shape. */
  public describe(service: Service): Record<string, unknown> {
    const groups = service.groups.map((g) => ({
      id: g.id, status: g.status, taskDefinition: g.taskDefinition, desiredCount: this.desiredOf(service, g), runningCount: g.running,
      rolloutState: g.rolloutState, rolloutStateReason: g.rolloutStateReason, stabilityStatus: this.steady(service, g) ? 'STEADY_STATE' : 'STABILIZING', ...clone(g.config ?? {}),
    }));
    return {
      ...clone(service.config),
      serviceArn: service.serviceArn, serviceName: service.serviceName, clusterArn: clusterArn(service.clusterName), status: service.status,
      desiredCount: service.desiredCount, runningCount: service.groups.reduce((n, g) => n + g.running, 0), taskDefinition: service.taskDefinition,
      deploymentController: { type: service.controller },
      deployments: service.controller === 'ECS' ? groups : [],
      taskSets: service.controller === 'CODE_DEPLOY' ? groups : [],
      events: [...service.events].reverse().map((message) => ({ message })),
    };
  }
}

export function clusterName(cluster: string): string {
  return String(cluster).replace(/^arn:.*:cluster\//, '');
}

function serviceName(service: string): string {
  return String(service).replace(/^arn:.*:service\/[^/]+\//, '');
}
