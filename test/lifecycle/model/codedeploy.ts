/**
 * CodeDeploy for ECS: deployment groups, one active deployment per group, and the blue/green
 * lifecycle: BeforeInstall, Install (the replacement task set in the target group production
 * does not reach), AfterInstall, AllowTestTraffic, AfterAllowTestTraffic, BeforeAllowTraffic,
 * AllowTraffic (the production listener's rules forward to the replacement target group, the
 * original one left at weight 0), AfterAllowTraffic, the termination wait, then the original
 * task set is deleted. A hook reports with PutLifecycleEventHookExecutionStatus; a failed hook,
 * a replacement that cannot start or an alarm rolls the deployment back (traffic back to the
 * original task set, replacement deleted) when automatic rollback is on.
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-steps-ecs.html
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#appspec-hooks-ecs
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/tutorial-ecs-deployment-with-hooks.html
 * @see https://github.com/traveloka/terraform-aws-alb-single-listener/pull/47 (the CodeDeploy team: original target group kept at weight 0)
 */
import { parse } from 'yaml';
import { awsError, clone } from './aws';
import { Service, TASK_SET_PARAMETERS, TaskGroup } from './ecs';
import type { Action, Rule } from './elbv2';
import type { World } from './world';

export interface DeploymentGroup {
  readonly application: string;
  readonly name: string;
  readonly cluster: string;
  readonly service: string;
  readonly targetGroupNames: string[];
  readonly prodListeners: string[];
  readonly testListeners: string[];
  readonly alarms: string[];
  readonly alarmsEnabled: boolean;
  readonly rollbackEvents: string[];
  readonly terminationWaitMinutes: number;
}

export type DeploymentStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Stopped';

export interface Deployment {
  readonly id: string;
  readonly group: DeploymentGroup;
  status: DeploymentStatus;
  readonly description: string;
  readonly createTime: Date;
  /** The appspec, as CreateDeployment received it. */
  readonly content: string;
  /** The target service's properties in the appspec. */
  readonly target: Record<string, any>;
  readonly taskDefinition: string;
  readonly hooks: Array<{ event: string; functionArn: string }>;
  readonly capacity?: unknown;
  readonly steps: string[];
  errorMessage?: string;
  rolledBack: boolean;
  original?: TaskGroup;
  replacement?: TaskGroup;
  saved: Array<[Rule, Action[]]>;
  readonly hookStatus: Map<string, string>;
}

const STEPS = ['BeforeInstall', 'Install', 'AfterInstall', 'AllowTestTraffic', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic', 'TerminationWait', 'Terminate'];

export class CodeDeploy {
  public readonly groups = new Map<string, DeploymentGroup>();
  public readonly deployments: Deployment[] = [];

  constructor(private readonly world: World) {}

  public group(application: string, name: string): DeploymentGroup {
    const g = this.groups.get(`${application}/${name}`);
    if (!g) throw awsError('DeploymentGroupDoesNotExistException', `No Deployment Group found for name: ${name}`);
    return g;
  }

  public active(group: DeploymentGroup): Deployment | undefined {
    return this.deployments.find((d) => d.group === group && d.status === 'InProgress');
  }

  /**
   * A deployment group has one active deployment at a time.
   * @see https://github.com/CircleCI-Public/aws-ecs-orb/issues/181 (the exception's message)
   * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeployment.html
   */
  public createDeployment(input: Record<string, any>): Deployment {
    const group = this.group(input.applicationName, input.deploymentGroupName);
    const active = this.active(group);
    if (active) throw awsError('DeploymentLimitExceededException', `The Deployment Group '${group.name}' already has an active Deployment '${active.id}'`);
    const content = input.revision?.appSpecContent?.content ?? input.revision?.string?.content;
    const appspec = parse(String(content));
    const target = appspec.Resources?.[0]?.TargetService?.Properties ?? {};
    const hooks = ((appspec.Hooks ?? []) as Array<Record<string, string>>).map((h) => {
      const [event, functionArn] = Object.entries(h)[0];
      return { event, functionArn };
    });
    const d: Deployment = {
      id: `d-${String(this.deployments.length + 1).padStart(9, '0')}`, group, status: 'InProgress', description: input.description ?? '',
      createTime: new Date(), content: String(content), target,
      taskDefinition: String(target.TaskDefinition), hooks, capacity: target.CapacityProviderStrategy, steps: [...STEPS], rolledBack: false,
      saved: [], hookStatus: new Map(),
    };
    this.deployments.push(d);
    return d;
  }

  public putHookStatus(input: Record<string, any>): void {
    const d = this.deployments.find((x) => x.id === input.deploymentId);
    if (!d) throw awsError('DeploymentDoesNotExistException', `Deployment ${input.deploymentId} does not exist`);
    d.hookStatus.set(input.lifecycleEventHookExecutionId, input.status);
  }

  public get(id: string): Deployment {
    const d = this.deployments.find((x) => x.id === id);
    if (!d) throw awsError('DeploymentDoesNotExistException', `Deployment ${id} does not exist`);
    return d;
  }

  /** Runs the next lifecycle event of an active deployment. Answers false when it has ended. */
  public async step(d: Deployment): Promise<boolean> {
    if (d.status !== 'InProgress') return false;
    const step = d.steps.shift()!;
    const failure = await this.runStep(d, step);
    if (failure) {
      this.rollBack(d, failure.message, failure.stop);
      return false;
    }
    if (d.steps.length === 0) d.status = 'Succeeded';
    return d.status === 'InProgress';
  }

  private async runStep(d: Deployment, step: string): Promise<{ message: string; stop: boolean } | undefined> {
    const { ecs, elbv2 } = this.world;
    const service = ecs.service(d.group.cluster, d.group.service);
    const hook = d.hooks.find((h) => h.event === step);
    if (hook) return this.runHook(d, hook);
    switch (step) {
      case 'Install': {
        d.original = ecs.primary(service);
        const tgs = d.group.targetGroupNames.map((n) => elbv2.targetGroupByName(n).arn);
        const replacementTg = tgs.find((t) => t !== d.original?.targetGroupArn) ?? tgs[0];
        d.replacement = ecs.addGroup(service, ecs.describeTaskDefinition(d.taskDefinition).taskDefinitionArn, replacementTg, 'ACTIVE');
        d.replacement.config = this.taskSetConfig(d, service);
        ecs.reconcile(service);
        if (!ecs.steady(service, d.replacement)) return { message: 'The ECS replacement task set failed to reach a steady state: its tasks failed to start or to pass health checks.', stop: false };
        return undefined;
      }
      case 'AllowTestTraffic': this.reroute(d, d.group.testListeners); return undefined;
      case 'AllowTraffic': {
        this.reroute(d, d.group.prodListeners);
        return this.alarmFailure(d);
      }
      case 'TerminationWait': return this.alarmFailure(d);
      case 'Terminate': {
        service.groups = service.groups.filter((g) => g !== d.original);
        d.replacement!.status = 'PRIMARY';
        d.replacement!.rolloutState = 'COMPLETED';
        service.taskDefinition = d.replacement!.taskDefinition;
        for (const [k, v] of Object.entries(d.replacement!.config ?? {})) service.config[k] = clone(v);
        ecs.reconcile(service);
        return undefined;
      }
      default: return undefined;
    }
  }

  private async runHook(d: Deployment, hook: { event: string; functionArn: string }): Promise<{ message: string; stop: boolean } | undefined> {
    const execution = `${d.id}-${hook.event}`;
    await this.world.invoke(hook.functionArn, { DeploymentId: d.id, LifecycleEventHookExecutionId: execution });
    const status = d.hookStatus.get(execution);
    if (status === 'Succeeded') return undefined;
    // A hook that never reports times out after an hour and fails the deployment.
    return { message: status ? `The lifecycle event ${hook.event} hook reported ${status}` : `The lifecycle event ${hook.event} hook timed out`, stop: false };
  }

  /** The rules of these listeners that forward to the original target group now forward to the replacement. */
  private reroute(d: Deployment, listeners: string[]): void {
    const from = d.original?.targetGroupArn;
    const to = d.replacement!.targetGroupArn!;
    for (const listener of listeners) {
      for (const rule of this.world.elbv2.rulesOf(listener)) {
        const forward = rule.actions.at(-1)?.forward ?? [];
        if (!forward.some((f) => f.targetGroupArn === from && f.weight > 0)) continue;
        d.saved.push([rule, clone(rule.actions)]);
        rule.actions = [{ type: 'forward', forward: [{ targetGroupArn: to, weight: 100 }, { targetGroupArn: from!, weight: 0 }] }];
      }
    }
  }

  private alarmFailure(d: Deployment): { message: string; stop: boolean } | undefined {
    if (!d.group.alarmsEnabled) return undefined;
    const firing = d.group.alarms.filter((a) => this.world.alarmFiring(a));
    return firing.length ? { message: `One or more alarms have been activated: ${firing.join(', ')}`, stop: true } : undefined;
  }

  /** Rolls back when the group's automatic rollback covers the event; marks the deployment failed (or stopped). */
  private rollBack(d: Deployment, message: string, stop: boolean): void {
    d.errorMessage = message;
    d.status = stop ? 'Stopped' : 'Failed';
    const event = stop ? 'DEPLOYMENT_STOP_ON_ALARM' : 'DEPLOYMENT_FAILURE';
    if (!d.group.rollbackEvents.includes(event)) return;
    for (const [rule, actions] of d.saved.reverse()) rule.actions = actions;
    const service = this.world.ecs.findService(d.group.cluster, d.group.service);
    if (service && d.replacement) service.groups = service.groups.filter((g) => g !== d.replacement);
    d.rolledBack = true;
  }

  /**
   * The replacement task set's own parameters: the appspec's network configuration, capacity
   * provider strategy and platform version, else the service's.
   * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html
   */
  private taskSetConfig(d: Deployment, service: Service): Record<string, any> {
    const config: Record<string, any> = Object.fromEntries(TASK_SET_PARAMETERS.filter((k) => service.config[k] !== undefined).map((k) => [k,
      clone(service.config[k])]));
    const vpc = d.target.NetworkConfiguration?.AwsvpcConfiguration;
    if (vpc) config.networkConfiguration = { awsvpcConfiguration: { subnets: vpc.Subnets, securityGroups: vpc.SecurityGroups,
      assignPublicIp: vpc.AssignPublicIp } };
    const capacity = d.target.CapacityProviderStrategy as Array<Record<string, any>> | undefined;
    if (capacity) config.capacityProviderStrategy = capacity.map((c) => ({ capacityProvider: c.CapacityProvider, base: Number(c.Base ?? 0),
      weight: Number(c.Weight ?? 0) }));
    if (d.target.PlatformVersion) config.platformVersion = d.target.PlatformVersion;
    return config;
  }

  /**
   * ListDeployments: a group's deployments, optionally of some statuses or created since a time.
   * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_ListDeployments.html
   */
  public list(input: Record<string, any>): Deployment[] {
    const group = this.group(input.applicationName, input.deploymentGroupName);
    const statuses = input.includeOnlyStatuses as string[] | undefined;
    const since = input.createTimeRange?.start as Date | undefined;
    return this.deployments.filter((d) => d.group === group && (!statuses || statuses.includes(d.status)) && (!since || d.createTime >= since));
  }

  /**
   * StopDeployment: a stopped deployment with `autoRollbackEnabled` rolls back (traffic back to
   * the original task set, the replacement deleted).
   * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_StopDeployment.html
   */
  public stop(id: string, autoRollbackEnabled: boolean): void {
    const d = this.get(id);
    if (d.status !== 'InProgress') throw awsError('DeploymentAlreadyCompletedException', `Deployment ${id} has already completed`);
    d.status = 'Stopped';
    d.errorMessage = 'The deployment was stopped by request';
    if (!autoRollbackEnabled) return;
    for (const [rule, actions] of d.saved.reverse()) rule.actions = actions;
    const service = this.world.ecs.findService(d.group.cluster, d.group.service);
    if (service && d.replacement) service.groups = service.groups.filter((g) => g !== d.replacement);
    d.rolledBack = true;
  }

  /** GetDeployment in the API's shape. */
  public describe(d: Deployment): Record<string, unknown> {
    return {
      deploymentId: d.id, applicationName: d.group.application, deploymentGroupName: d.group.name, status: d.status,
      description: d.description, createTime: d.createTime, errorInformation: d.errorMessage ? { message: d.errorMessage } : undefined,
      rollbackInfo: d.rolledBack ? { rollbackMessage: 'rolled back' } : undefined,
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: d.content } },
    };
  }

  /** Whether the deployment's service exists (a deployment of a deleted service fails). */
  public serviceOf(d: Deployment): Service | undefined {
    return this.world.ecs.findService(d.group.cluster, d.group.service);
  }
}
