/**
 * Amazon ECS as far as the platform touches it: task definition families and revisions,
 * services with the ECS controller (rolling deployments with the circuit breaker and
 * deployment alarms, or the native blue/green strategy with lifecycle hooks) or the
 * CODE_DEPLOY controller (task sets that CodeDeploy creates), desired counts, and one-off
 * tasks. Tasks are not simulated one by one: a group of tasks runs its desired count when
 * its images can be pulled, and is healthy when the application of its image is.
 */
import { arn, awsError, clone, same } from './aws';
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
  /** A task set's network configuration, capacity provider strategy, launch type and platform version. */
  config?: Record<string, any>;
}

/**
 * What a task set has of its own: the parameters of the primary task set transition to the
 * service (UpdateServicePrimaryTaskSet, which CodeDeploy calls when it shifts traffic).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskSet.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateServicePrimaryTaskSet.html
 */
export const TASK_SET_PARAMETERS = ['networkConfiguration', 'capacityProviderStrategy', 'launchType', 'platformVersion'];

export interface Service {
  readonly serviceArn: string;
  readonly serviceName: string;
  readonly clusterName: string;
  status: 'ACTIVE' | 'INACTIVE';
  readonly controller: string;
  desiredCount: number;
  taskDefinition: string;
  config: Record<string, any>;
  groups: TaskGroup[];
  /** The task definition of the last deployment that completed (what a rollback returns to). */
  lastCompleted?: string;
  readonly events: string[];
}

/**
 * The parameters of UpdateService that start a new deployment when they change.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
 */
const DEPLOYMENT_PARAMETERS = ['taskDefinition', 'networkConfiguration', 'loadBalancers', 'capacityProviderStrategy', 'platformVersion', 'serviceConnectConfiguration', 'serviceRegistries', 'volumeConfigurations'];

/**
 * What UpdateService refuses for a service on the CODE_DEPLOY controller, with ECS's messages:
 * "For services using the blue/green (CODE_DEPLOY) deployment controller, only the desired
 * count, deployment configuration, health check grace period, task placement constraints and
 * strategies, enable ECS managed tags option, and propagate tags can be updated using this
 * API. If the network configuration, platform version, task definition, or load balancer need
 * to be updated, create a new CodeDeploy deployment." ECS refuses these parameters when they
 * are present, changed or not: aws-cdk#23564, cloudformation-coverage-roadmap#1529 (every
 * property sent), pulumi/pulumi#3607 (only the desired count changed), kayac/ecspresso#393
 * (nothing changed).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
 * @see https://github.com/aws/aws-cdk/issues/23564
 * @see https://github.com/hashicorp/terraform-provider-aws/issues/8005 (network parameters)
 * @see https://github.com/kayac/ecspresso/issues/393 (load balancers)
 */
const CODE_DEPLOY_REFUSED: Array<[string, string]> = [
  ['taskDefinition', 'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.'],
  ['networkConfiguration', 'Unable to update network parameters on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.'],
  ['loadBalancers', 'Unable to update load balancers on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.'],
  // The documented restriction; the wording follows ECS's three messages above.
  ['platformVersion', 'Unable to update platform version on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.'],
  // Not in the documented list of what UpdateService may change for a CODE_DEPLOY service, and a
  // CodeDeploy deployment's task set (CreateTaskSet) has no such parameter: fixed at creation.
  // The wording follows ECS's messages above. (aws-facts.md, fact 9)
  // @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateTaskSet.html
  ['enableExecuteCommand', 'Unable to update enableExecuteCommand on services with a CODE_DEPLOY deployment controller.'],
];

export class Ecs {
  public readonly taskDefinitions = new Map<string, TaskDefinition>();
  public readonly services = new Map<string, Service>();
  private groupCount = 0;

  constructor(private readonly world: World) {}

  /**
   * The first revision of a family is 1; each registration adds one.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
   */
  public registerTaskDefinition(input: Record<string, any>): TaskDefinition {
    const family = String(input.family);
    const revision = 1 + Math.max(0, ...[...this.taskDefinitions.values()].filter((t) => t.family === family).map((t) => t.revision));
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
    if (!s || s.status !== 'ACTIVE') throw awsError('ServiceNotFoundException', 'Service not found.');
    return s;
  }

  public findService(cluster: string, name: string): Service | undefined {
    const s = this.services.get(`${clusterName(cluster)}/${serviceName(name)}`);
    return s?.status === 'ACTIVE' ? s : undefined;
  }

  public createService(input: Record<string, any>): Service {
    const cluster = clusterName(input.cluster);
    const key = `${cluster}/${input.serviceName}`;
    const existing = this.services.get(key);
    // A retried request with the same client token answers the service it created.
    // @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html
    if (existing?.status === 'ACTIVE' && input.clientToken !== undefined && existing.config.clientToken === input.clientToken) return existing;
    if (existing?.status === 'ACTIVE') throw awsError('InvalidParameterException', 'Creation of service was not idempotent.');
    const controller = input.deploymentController?.type ?? 'ECS';
    const td = this.describeTaskDefinition(input.taskDefinition).taskDefinitionArn;
    const { cluster: _c, serviceName: _n, taskDefinition: _t, desiredCount: _d, deploymentController: _dc, ...config } = clone(input);
    const service: Service = {
      serviceArn: arn('ecs', `service/${cluster}/${input.serviceName}`), serviceName: input.serviceName, clusterName: cluster, status: 'ACTIVE',
      controller, desiredCount: input.desiredCount ?? 1, taskDefinition: td, config, groups: [], events: [],
    };
    this.services.set(key, service);
    // The CODE_DEPLOY controller starts the service with a primary task set in the first target group.
    // @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/migrate-codedeploy-to-ecs-bluegreen.html
    const first = this.addGroup(service, td, service.config.loadBalancers?.[0]?.targetGroupArn);
    if (controller === 'CODE_DEPLOY') first.config = Object.fromEntries(TASK_SET_PARAMETERS.filter((k) => config[k] !== undefined).map((k) => [k, clone(config[k])]));
    this.reconcile(service);
    return service;
  }

  public updateService(input: Record<string, any>): Service {
    const service = this.service(input.cluster, input.service);
    if (service.controller === 'CODE_DEPLOY') {
      for (const [param, message] of CODE_DEPLOY_REFUSED) {
        if (input[param] !== undefined) throw awsError('InvalidParameterException', message);
      }
    }
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
      this.addGroup(service, td, this.isBlueGreen(service) ? this.otherTargetGroup(service, previousLive) : service.config.loadBalancers?.[0]?.targetGroupArn);
    }
    this.reconcile(service);
    return service;
  }

  public deleteService(cluster: string, name: string): void {
    const service = this.service(cluster, name);
    service.status = 'INACTIVE';
    service.groups = [];
  }

  /** Application Auto Scaling sets the desired count. */
  public setDesiredCount(service: Service, count: number): void {
    service.desiredCount = count;
    this.reconcile(service);
  }

  public addGroup(service: Service, taskDefinition: string, targetGroupArn: string | undefined, status: 'PRIMARY' | 'ACTIVE' = 'PRIMARY'): TaskGroup {
    this.groupCount += 1;
    const prefix = service.controller === 'CODE_DEPLOY' ? 'ts' : 'ecs-svc';
    const group: TaskGroup = { id: `${prefix}/${this.groupCount}`, status, taskDefinition, running: 0, targetGroupArn, rolloutState: 'IN_PROGRESS' };
    service.groups.push(group);
    return group;
  }

  /** Starts what can start and stops what exceeds the desired count. */
  public reconcile(service: Service): void {
    for (const g of service.groups) {
      const target = this.desiredOf(service, g);
      if (g.running > target) g.running = target;
      else if (g.running < target && this.pullable(g.taskDefinition)) g.running = target;
    }
  }

  private desiredOf(service: Service, g: TaskGroup): number {
    // A task set runs the service's desired count (scale 100 %); an old deployment keeps its
    // tasks until the new one completes.
    if (service.controller === 'CODE_DEPLOY' || g.status === 'PRIMARY') return service.desiredCount;
    return g.running;
  }

  public pullable(taskDefinition: string): boolean {
    return this.describeTaskDefinition(taskDefinition).containerDefinitions.every((c) => this.world.ecr.pullable(String(c.image)));
  }

  /** Whether the tasks of a task definition, once running, pass their health checks. */
  public healthy(taskDefinition: string): boolean {
    return this.pullable(taskDefinition) && this.world.behaviourOf(taskDefinition).healthy && this.world.answer(taskDefinition, '/health') < 500;
  }

  /** Whether a group runs its desired count, healthy. */
  public steady(service: Service, g: TaskGroup): boolean {
    const desired = this.desiredOf(service, g);
    return desired === 0 || (g.running === desired && this.healthy(g.taskDefinition));
  }

  public primary(service: Service): TaskGroup | undefined {
    return service.groups.find((g) => g.status === 'PRIMARY');
  }

  private isBlueGreen(service: Service): boolean {
    return ['BLUE_GREEN', 'CANARY', 'LINEAR'].includes(service.config.deploymentConfiguration?.strategy);
  }

  /** The target group production traffic reaches now (ECS-native blue/green). */
  public liveTargetGroup(service: Service): string | undefined {
    const lb = service.config.loadBalancers?.[0];
    const rule = lb?.advancedConfiguration?.productionListenerRule;
    if (!rule) return lb?.targetGroupArn;
    const forward = this.world.elbv2.rules.get(rule)?.actions.at(-1)?.forward ?? [];
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
   * Without the circuit breaker a deployment that cannot finish stays in progress. Answers
   * why the deployment failed, if it did.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html
   */
  public async settle(service: Service): Promise<string | undefined> {
    this.reconcile(service);
    if (service.controller !== 'ECS') return undefined;
    const primary = this.primary(service);
    if (!primary || primary.rolloutState !== 'IN_PROGRESS') return undefined;
    const first = service.groups.length === 1;
    let failure: string | undefined;
    if (this.isBlueGreen(service) && !first) {
      failure = await this.world.ecsBlueGreen.run(service, primary);
    } else if (!this.steady(service, primary)) {
      failure = 'tasks failed to start or to pass health checks';
    } else if (this.alarmsFail(service)) {
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
    const rollback = this.isBlueGreen(service) || breaker?.rollback || alarms?.rollback;
    service.groups = service.groups.filter((g) => g !== primary);
    if (rollback && service.lastCompleted) {
      service.taskDefinition = service.lastCompleted;
      for (const g of service.groups) g.status = 'ACTIVE';
      const back = this.addGroup(service, service.lastCompleted, this.isBlueGreen(service) ? this.liveTargetGroup(service) : primary.targetGroupArn);
      this.reconcile(service);
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

  private alarmsFail(service: Service): boolean {
    const alarms = service.config.deploymentConfiguration?.alarms;
    if (!alarms?.enable) return false;
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
      rolloutState: g.rolloutState, stabilityStatus: this.steady(service, g) ? 'STEADY_STATE' : 'STABILIZING', ...clone(g.config ?? {}),
    }));
    return {
      serviceArn: service.serviceArn, serviceName: service.serviceName, clusterArn: arn('ecs', `cluster/${service.clusterName}`), status: service.status,
      desiredCount: service.desiredCount, runningCount: service.groups.reduce((n, g) => n + g.running, 0), taskDefinition: service.taskDefinition,
      deploymentController: { type: service.controller },
      deployments: service.controller === 'ECS' ? groups : [],
      taskSets: service.controller === 'CODE_DEPLOY' ? groups : [],
      ...clone(service.config),
    };
  }
}

export function clusterName(cluster: string): string {
  return String(cluster).replace(/^arn:.*:cluster\//, '');
}

function serviceName(service: string): string {
  return String(service).replace(/^arn:.*:service\/[^/]+\//, '');
}
