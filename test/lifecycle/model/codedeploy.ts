/**
 * CodeDeploy for ECS: deployment groups, one active deployment per group, and the blue/green
 * lifecycle on the model's clock: BeforeInstall, Install (the replacement task set in the
 * target group production does not reach; it is ready after the service's health-check grace
 * period), AfterInstall, AllowTestTraffic, AfterAllowTestTraffic, BeforeAllowTraffic,
 * AllowTraffic (the production listener's rules forward to the replacement target group in the
 * deployment configuration's steps: all at once, a canary then the rest after its interval, or
 * linear steps; then the replacement task set becomes PRIMARY), AfterAllowTraffic, the
 * termination wait (alarms still watched), then the original task set is deleted after the
 * target group's deregistration delay. A hook reports with PutLifecycleEventHookExecutionStatus
 * within an hour. Everything CodeDeploy does is done as the deployment group's service role.
 * A failed hook, a replacement that cannot start, an alarm or a stop ends the deployment Failed
 * (or Stopped); with automatic rollback CodeDeploy then starts a NEW deployment that puts
 * production back on the original task set (rollbackInfo links the two).
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-steps-ecs.html
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#appspec-hooks-ecs ("The deployment is considered to have failed if CodeDeploy is not notified by the Lambda validation function within one hour.")
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html#deployment-configurations-predefined-ecs
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployments-rollback-and-redeploy.html ("These rolled-back deployments are technically new deployments, with new deployment IDs")
 * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_RollbackInfo.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/codedeploy_IAM_role.html
 * @see https://github.com/traveloka/terraform-aws-alb-single-listener/pull/47 (the CodeDeploy team: original target group kept at weight 0)
 */
import { parse } from 'yaml';
import { clusterArn, serviceArn } from './authorization';
import { arn, awsError, clone, InvokeDenied } from './aws';
import { Service, TASK_SET_PARAMETERS, TaskGroup } from './ecs';
import { Action, Elbv2, TrafficPoint } from './elbv2';
import type { Principal } from './iam';
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
  readonly serviceRoleArn?: string;
  readonly deploymentConfigName: string;
}

export type DeploymentStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Stopped';

/** How a deployment configuration shifts traffic: the percentages of each step and the minutes between them. */
export interface TrafficRouting {
  readonly type: 'AllAtOnce' | 'TimeBasedCanary' | 'TimeBasedLinear';
  readonly percent: number;
  readonly intervalMinutes: number;
}

/**
 * CodeDeploy's predefined ECS configurations.
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html#deployment-configurations-predefined-ecs
 */
const PREDEFINED: Record<string, TrafficRouting> = {
  'CodeDeployDefault.ECSAllAtOnce': { type: 'AllAtOnce', percent: 100, intervalMinutes: 0 },
  'CodeDeployDefault.ECSLinear10PercentEvery1Minutes': { type: 'TimeBasedLinear', percent: 10, intervalMinutes: 1 },
  'CodeDeployDefault.ECSLinear10PercentEvery3Minutes': { type: 'TimeBasedLinear', percent: 10, intervalMinutes: 3 },
  'CodeDeployDefault.ECSCanary10Percent5Minutes': { type: 'TimeBasedCanary', percent: 10, intervalMinutes: 5 },
  'CodeDeployDefault.ECSCanary10Percent15Minutes': { type: 'TimeBasedCanary', percent: 10, intervalMinutes: 15 },
};

export interface Deployment {
  readonly id: string;
  readonly group: DeploymentGroup;
  status: DeploymentStatus;
  readonly description: string;
  readonly createTime: number;
  completeTime?: number;
  /** `user` for a CreateDeployment, `codeDeployRollback` for a rollback CodeDeploy started. */
  readonly creator: 'user' | 'codeDeployRollback';
  /** The appspec, as CreateDeployment received it. */
  readonly content: string;
  /** The target service's properties in the appspec. */
  readonly target: Record<string, any>;
  readonly taskDefinition: string;
  readonly hooks: Array<{ event: string; functionArn: string }>;
  readonly steps: string[];
  error?: { code: string; message: string };
  rollbackDeploymentId?: string;
  rollbackTriggeringDeploymentId?: string;
  original?: TaskGroup;
  replacement?: TaskGroup;
  /** Rules rerouted by this deployment, with their actions before. */
  saved: Array<[TrafficPoint, Action[]]>;
  readonly hookStatus: Map<string, string>;
  /** The service role's session CodeDeploy acts with. */
  role?: Principal;
  /** Whether the replacement task set became PRIMARY (traffic has moved). */
  shifted: boolean;
}

const STEPS = ['BeforeInstall', 'Install', 'AfterInstall', 'AllowTestTraffic', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic', 'TerminationWait', 'Terminate'];

/** What one step of a deployment leads to: the next step, or a failure (and whether it stops the deployment). */
type StepResult = { next: number } | { failure: { code: string; message: string }; stop: boolean };

/** A hook has an hour to report. */
const HOOK_TIMEOUT_SECONDS = 3600;

/** CodeDeploy checks the deployment's alarms about once a minute while it waits (the model's period). */
const ALARM_POLL_SECONDS = 60;

export class CodeDeploy {
  public readonly groups = new Map<string, DeploymentGroup>();
  public readonly configs = new Map<string, TrafficRouting>();
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

  public routing(name: string): TrafficRouting {
    const r = PREDEFINED[name] ?? this.configs.get(name);
    if (!r) throw awsError('DeploymentConfigDoesNotExistException', `No deployment configuration found for name: ${name}`);
    return r;
  }

  /**
   * A deployment group on a Network Load Balancer shifts all at once: "If you're using a Network
   * Load Balancer, only the predefined CodeDeployDefault.ECSAllAtOnce deployment configuration is
   * supported." AWS does not document which call refuses another configuration nor its message;
   * the model refuses it where the group is made or changed (CreateDeploymentGroup,
   * UpdateDeploymentGroup), the first call that sees both.
   * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html
   */
  public checkConfigOnListeners(deploymentConfigName: string, listeners: string[]): void {
    const network = listeners.filter((l) => this.world.elbv2.onNetworkLoadBalancer(l));
    if (network.length > 0 && deploymentConfigName !== 'CodeDeployDefault.ECSAllAtOnce') {
      throw awsError('InvalidDeploymentConfigNameException',
        `The deployment configuration ${deploymentConfigName} is not supported with a Network Load Balancer (listener ${network[0]}): use CodeDeployDefault.ECSAllAtOnce`);
    }
  }

  /**
   * A deployment group has one active deployment at a time.
   * @see https://github.com/CircleCI-Public/aws-ecs-orb/issues/181 (the exception's message)
   * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeployment.html
   */
  public async createDeployment(input: Record<string, any>): Promise<Deployment> {
    const group = this.group(input.applicationName, input.deploymentGroupName);
    const active = this.active(group);
    if (active) throw awsError('DeploymentLimitExceededException', `The Deployment Group '${group.name}' already has an active Deployment '${active.id}'`);
    // "Maximum number of characters in a deployment description: 256" (100 in earlier versions of the page).
    // @see https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html
    if (String(input.description ?? '').length > 256) throw awsError('DescriptionTooLongException', 'The description is too long.');
    const content = input.revision?.appSpecContent?.content ?? input.revision?.string?.content;
    const appspec = parse(String(content));
    const target = appspec.Resources?.[0]?.TargetService?.Properties ?? {};
    const hooks = ((appspec.Hooks ?? []) as Array<Record<string, string>>).map((h) => {
      const [event, functionArn] = Object.entries(h)[0];
      return { event, functionArn };
    });
    const d = this.newDeployment(group, { description: input.description ?? '', content: String(content), target, hooks, creator: 'user' });
    d.role = group.serviceRoleArn ? await this.world.assume('codedeploy.amazonaws.com', group.serviceRoleArn, `CodeDeploy-${d.id}`, arn('codedeploy', `deploymentgroup:${group.application}/${group.name}`)) : undefined;
    if (!d.role) {
      await this.fail(d, { code: 'IAM_ROLE_MISSING', message: `CodeDeploy does not have the permissions required to assume the role ${group.serviceRoleArn}.` }, false);
      return d;
    }
    this.world.schedule(0, `${d.id} ${d.steps[0]}`, () => this.step(d));
    return d;
  }

  private newDeployment(group: DeploymentGroup, p: Pick<Deployment, 'description' | 'content' | 'target' | 'hooks' | 'creator'>): Deployment {
    const d: Deployment = {
      id: `d-${String(this.deployments.length + 1).padStart(9, '0')}`, group, status: 'InProgress', createTime: this.world.now,
      ...p, taskDefinition: String(p.target.TaskDefinition), steps: [...STEPS], saved: [], hookStatus: new Map(), shifted: false,
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

  /** Runs the next lifecycle event of an active deployment and schedules the one after. */
  private async step(d: Deployment): Promise<void> {
    if (d.status !== 'InProgress') return;
    const step = d.steps.shift()!;
    let outcome: StepResult;
    try {
      outcome = await this.runStep(d, step);
    } catch (e) {
      outcome = { failure: { code: 'INTERNAL_ERROR', message: (e as Error).message }, stop: false };
    }
    if ('failure' in outcome) {
      await this.fail(d, outcome.failure, outcome.stop);
      return;
    }
    if (d.steps.length === 0) {
      d.status = 'Succeeded';
      d.completeTime = this.world.now;
      return;
    }
    this.world.schedule(outcome.next, `${d.id} ${d.steps[0]}`, () => this.step(d));
  }

  /**
   * A request of CodeDeploy as the service role; a denial fails the deployment with CodeDeploy's
   * IAM_ROLE_PERMISSIONS error.
   * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_ErrorInformation.html
   */
  private async may(d: Deployment, action: string, resource: string, context?: Record<string, string>): Promise<void> {
    const ok = await this.world.iam.allowed(d.role!, { action, resource, context }, `CodeDeploy deployment ${d.id}`);
    if (!ok) {
      const service = { ecs: 'AmazonECS', elasticloadbalancing: 'ElasticLoadBalancing', lambda: 'AWSLambda', cloudwatch: 'AmazonCloudWatch', iam: 'AWSIdentityManagement' }[action.split(':')[0]] ?? action.split(':')[0];
      throw Object.assign(new Error(`The IAM role ${d.group.serviceRoleArn} does not give you permission to perform operations in the following AWS service: ${service}. Contact your AWS administrator if you need help. If you are an AWS administrator, you can grant permissions to your users or groups by creating IAM policies. (${this.world.iam.denials.at(-1)!.message})`), { code: 'IAM_ROLE_PERMISSIONS' });
    }
  }

  private async runStep(d: Deployment, step: string): Promise<StepResult> {
    try {
      return await this.runStepUnsafe(d, step);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'IAM_ROLE_PERMISSIONS') return { failure: { code, message: (e as Error).message }, stop: false };
      throw e;
    }
  }

  private async runStepUnsafe(d: Deployment, step: string): Promise<StepResult> {
    const { ecs, elbv2 } = this.world;
    const service = ecs.findService(d.group.cluster, d.group.service);
    if (!service) return { failure: { code: 'ECS_UPDATE_ERROR', message: `The ECS service ${d.group.service} does not exist.` }, stop: false };
    const svcArn = serviceArn(d.group.cluster, d.group.service);
    const hook = d.hooks.find((h) => h.event === step);
    if (hook) return this.runHook(d, hook);
    switch (step) {
      case 'Install': {
        await this.may(d, 'ecs:DescribeServices', svcArn, { 'ecs:cluster': clusterArn(d.group.cluster) });
        for (const a of ['elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules']) await this.may(d, a, '*');
        d.original = ecs.primary(service);
        const tgs = d.group.targetGroupNames.map((n) => elbv2.targetGroupByName(n).arn);
        const replacementTg = tgs.find((t) => t !== d.original?.targetGroupArn) ?? tgs[0];
        const td = ecs.describeTaskDefinition(d.taskDefinition);
        const taskSetId = `ecs-svc/${this.world.ids.next()}`;
        await this.may(d, 'ecs:CreateTaskSet', arn('ecs', `task-set/${service.clusterName}/${service.serviceName}/${taskSetId}`), { 'ecs:cluster': clusterArn(d.group.cluster), 'ecs:service': svcArn });
        // CreateTaskSet hands the task definition's roles to ECS tasks (AWSCodeDeployRoleForECS
        // allows iam:PassRole to ecs-tasks.amazonaws.com for that reason).
        // @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRoleForECS.html
        for (const role of [td.taskRoleArn, td.executionRoleArn].filter((r): r is string => typeof r === 'string')) {
          await this.may(d, 'iam:PassRole', role, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' });
        }
        d.replacement = ecs.addGroup(service, td.taskDefinitionArn, replacementTg, 'ACTIVE', this.taskSetConfig(d, service));
        await ecs.reconcile(service);
        if (!ecs.steady(service, d.replacement)) return { failure: { code: 'ECS_UPDATE_ERROR', message: `The ECS replacement task set failed to reach a steady state: its tasks failed to start or to pass health checks.${service.events.length ? ` ${service.events.at(-1)}` : ''}` }, stop: false };
        // Green is ready once its tasks pass their health checks: the model counts the service's grace period.
        return { next: Number(service.config.healthCheckGracePeriodSeconds ?? 0) };
      }
      case 'AllowTestTraffic':
        await this.reroute(d, d.group.testListeners, 100);
        return { next: 0 };
      case 'AllowTraffic': return this.shiftTraffic(d, service, this.shiftedSoFar.get(d.id) ?? 0);
      case 'TerminationWait': return this.wait(d, this.waitLeft.get(d.id) ?? d.group.terminationWaitMinutes * 60);
      case 'Terminate': {
        if (d.original) {
          await this.may(d, 'ecs:DeleteTaskSet', arn('ecs', `task-set/${service.clusterName}/${service.serviceName}/${d.original.id}`), { 'ecs:cluster': clusterArn(d.group.cluster), 'ecs:service': svcArn });
          service.groups = service.groups.filter((g) => g !== d.original);
        }
        // The original tasks drain out of their target group.
        const tg = d.original?.targetGroupArn ? elbv2.targetGroups.get(d.original.targetGroupArn) : undefined;
        return { next: tg?.deregistrationDelay ?? 0 };
      }
      default: return { next: 0 };
    }
  }

  /**
   * AllowTraffic: the production rules move `percent` at a time (everything at once, a canary
   * and then the rest, or linear steps), the alarms watched before each step; when all traffic
   * has moved the replacement task set becomes PRIMARY (UpdateServicePrimaryTaskSet).
   */
  private async shiftTraffic(d: Deployment, service: Service, done: number): Promise<StepResult> {
    const alarm = await this.alarmFailure(d);
    if (alarm) return { failure: alarm, stop: true };
    const r = this.routing(d.group.deploymentConfigName);
    const next = r.type === 'AllAtOnce' ? 100 : r.type === 'TimeBasedCanary' ? (done === 0 ? r.percent : 100) : Math.min(100, done + r.percent);
    await this.reroute(d, d.group.prodListeners, next);
    if (next < 100) {
      d.steps.unshift('AllowTraffic');
      // The next shift runs when this one's interval has passed.
      this.shiftedSoFar.set(d.id, next);
      return { next: r.intervalMinutes * 60 };
    }
    await this.may(d, 'ecs:UpdateServicePrimaryTaskSet', serviceArn(d.group.cluster, d.group.service), { 'ecs:cluster': clusterArn(d.group.cluster) });
    this.makePrimary(service, d.replacement!, d.original);
    d.shifted = true;
    const alarmAfter = await this.alarmFailure(d);
    if (alarmAfter) return { failure: alarmAfter, stop: true };
    return { next: 0 };
  }

  /** How much of production each canary or linear deployment has moved so far. */
  private readonly shiftedSoFar = new Map<string, number>();

  /** A wait during which CodeDeploy keeps watching the alarms. */
  private async wait(d: Deployment, seconds: number): Promise<StepResult> {
    const alarm = await this.alarmFailure(d);
    if (alarm) return { failure: alarm, stop: true };
    if (seconds <= 0) {
      this.waitLeft.delete(d.id);
      return { next: 0 };
    }
    const slice = Math.min(ALARM_POLL_SECONDS, seconds);
    // The wait goes on in slices, the alarms read after each; the last slice ends it.
    d.steps.unshift('TerminationWait');
    this.waitLeft.set(d.id, seconds - slice);
    return { next: slice };
  }

  private readonly waitLeft = new Map<string, number>();

  private makePrimary(service: Service, primary: TaskGroup, other: TaskGroup | undefined): void {
    primary.status = 'PRIMARY';
    primary.rolloutState = 'COMPLETED';
    if (other) other.status = 'ACTIVE';
    service.taskDefinition = primary.taskDefinition;
    for (const [k, v] of Object.entries(primary.config ?? {})) service.config[k] = clone(v);
  }

  private async runHook(d: Deployment, hook: { event: string; functionArn: string }): Promise<StepResult> {
    const execution = `${d.id}-${hook.event}`;
    if (!d.hookStatus.has(execution) && !this.invokedHooks.has(execution)) {
      this.invokedHooks.add(execution);
      try {
        await this.world.invoke(hook.functionArn, { DeploymentId: d.id, LifecycleEventHookExecutionId: execution }, d.role);
      } catch (e) {
        if (e instanceof InvokeDenied) {
          return { failure: { code: 'IAM_ROLE_PERMISSIONS', message: `The IAM role ${d.group.serviceRoleArn} does not give you permission to perform operations in the following AWS service: AWSLambda. (${(e as Error).message})` }, stop: false };
        }
        // A function that fails reports nothing: the hour runs out.
      }
    }
    const status = d.hookStatus.get(execution);
    if (status === 'Succeeded') return { next: 0 };
    if (status) return { failure: { code: 'HOOK_FAILED', message: `The lifecycle event ${hook.event} hook reported ${status}` }, stop: false };
    if (this.hookWaited.has(execution)) return { failure: { code: 'TIMEOUT', message: `The lifecycle event ${hook.event} hook timed out: CodeDeploy was not notified within one hour` }, stop: false };
    // No report yet: look again when the hook's hour is up.
    this.hookWaited.add(execution);
    d.steps.unshift(hook.event);
    return { next: HOOK_TIMEOUT_SECONDS };
  }

  private readonly invokedHooks = new Set<string>();
  private readonly hookWaited = new Set<string>();

  /**
   * The rules of these listeners that forward to the original target group forward `percent`
   * to the replacement and the rest to the original (ModifyRule as the service role).
   */
  private async reroute(d: Deployment, listeners: string[], percent: number): Promise<void> {
    const from = d.original?.targetGroupArn;
    const to = d.replacement!.targetGroupArn!;
    const { elbv2 } = this.world;
    for (const listener of listeners) {
      // The listener's rules (an Application Load Balancer), then its default action (what a
      // Network Load Balancer listener forwards with: it has no rules).
      const own = elbv2.listeners.get(listener);
      const points = [...elbv2.rulesOf(listener).map((r) => Elbv2.rulePoint(r)), ...(own ? [Elbv2.listenerPoint(own)] : [])];
      for (const point of points) {
        const forward = point.actions.at(-1)?.forward ?? [];
        if (!forward.some((f) => (f.targetGroupArn === from || f.targetGroupArn === to) && f.weight > 0)) continue;
        if (!forward.some((f) => f.targetGroupArn === from)) continue;
        await this.may(d, point.modify, point.arn);
        if (!d.saved.some(([p]) => p.arn === point.arn)) d.saved.push([point, clone(point.actions)]);
        point.actions = [{ type: 'forward', forward: [{ targetGroupArn: to, weight: percent }, { targetGroupArn: from!, weight: 100 - percent }] }];
      }
    }
  }

  /**
   * The deployment's alarms, read as the service role (cloudwatch:DescribeAlarms).
   * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-create-alarms.html
   */
  private async alarmFailure(d: Deployment): Promise<{ code: string; message: string } | undefined> {
    if (!d.group.alarmsEnabled || d.group.alarms.length === 0) return undefined;
    await this.world.notifications.evaluateAlarms();
    for (const a of d.group.alarms) await this.may(d, 'cloudwatch:DescribeAlarms', arn('cloudwatch', `alarm:${a}`));
    const firing = d.group.alarms.filter((a) => this.world.alarmFiring(a));
    return firing.length ? { code: 'ALARM_ACTIVE', message: `One or more alarms have been activated: ${firing.join(', ')}` } : undefined;
  }

  /**
   * Ends a deployment Failed (or Stopped), puts its state change on the default bus, and, when
   * the group rolls back on that event, starts the rollback deployment.
   * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-cloudwatch-events.html
   */
  private async fail(d: Deployment, error: { code: string; message: string }, stop: boolean): Promise<void> {
    d.error = error;
    d.status = stop ? 'Stopped' : 'Failed';
    d.completeTime = this.world.now;
    await this.world.notifications.put({
      source: 'aws.codedeploy', 'detail-type': 'CodeDeploy Deployment State-change Notification',
      resources: [arn('codedeploy', `deploymentgroup:${d.group.application}/${d.group.name}`)],
      detail: { state: 'FAILURE', deploymentId: d.id, application: d.group.application, deploymentGroup: d.group.name },
    });
    const event = stop ? (error.code === 'ALARM_ACTIVE' ? 'DEPLOYMENT_STOP_ON_ALARM' : 'DEPLOYMENT_STOP_ON_REQUEST') : 'DEPLOYMENT_FAILURE';
    if (d.group.rollbackEvents.includes(event) && d.role) await this.rollBack(d);
  }

  /**
   * The rollback deployment: production's rules go back to what they were, the original task
   * set is PRIMARY again, and the replacement is deleted once its tasks have drained.
   */
  private async rollBack(failed: Deployment): Promise<void> {
    const r = this.newDeployment(failed.group, { description: '', content: failed.content, target: failed.target, hooks: [], creator: 'codeDeployRollback' });
    r.role = failed.role;
    r.rollbackTriggeringDeploymentId = failed.id;
    failed.rollbackDeploymentId = r.id;
    r.steps.splice(0, r.steps.length);
    const service = this.world.ecs.findService(failed.group.cluster, failed.group.service);
    try {
      for (const [point, actions] of [...failed.saved].reverse()) {
        await this.may(r, point.modify, point.arn);
        point.actions = actions;
      }
      if (service && failed.shifted && failed.original) {
        await this.may(r, 'ecs:UpdateServicePrimaryTaskSet', serviceArn(failed.group.cluster, failed.group.service), { 'ecs:cluster': clusterArn(failed.group.cluster) });
        this.makePrimary(service, failed.original, failed.replacement);
      }
      if (service && failed.replacement) {
        await this.may(r, 'ecs:DeleteTaskSet', arn('ecs', `task-set/${service.clusterName}/${service.serviceName}/${failed.replacement.id}`), { 'ecs:cluster': clusterArn(failed.group.cluster) });
        service.groups = service.groups.filter((g) => g !== failed.replacement);
      }
    } catch (e) {
      r.status = 'Failed';
      r.error = { code: 'IAM_ROLE_PERMISSIONS', message: (e as Error).message };
      r.completeTime = this.world.now;
      return;
    }
    const tg = failed.replacement?.targetGroupArn ? this.world.elbv2.targetGroups.get(failed.replacement.targetGroupArn) : undefined;
    this.world.schedule(tg?.deregistrationDelay ?? 0, `${r.id} rollback done`, () => {
      r.status = 'Succeeded';
      r.completeTime = this.world.now;
    });
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
    return this.deployments.filter((d) => d.group === group && (!statuses || statuses.includes(d.status))
      && (!since || this.world.epochAt(d.createTime) >= since.getTime()));
  }

  /**
   * StopDeployment: the deployment ends Stopped; with `autoRollbackEnabled` CodeDeploy rolls it
   * back (a rollback deployment).
   * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_StopDeployment.html
   */
  public async stop(id: string, autoRollbackEnabled: boolean): Promise<void> {
    const d = this.get(id);
    if (d.status !== 'InProgress') throw awsError('DeploymentAlreadyCompletedException', `Deployment ${id} has already completed`);
    d.status = 'Stopped';
    d.error = { code: 'DEPLOYMENT_STOPPED', message: 'The deployment was stopped by request' };
    d.completeTime = this.world.now;
    if (autoRollbackEnabled && d.role) await this.rollBack(d);
  }

  /** GetDeployment in the API's shape (DeploymentInfo). */
  public describe(d: Deployment): Record<string, unknown> {
    const rollbackInfo = d.rollbackDeploymentId || d.rollbackTriggeringDeploymentId
      ? {
        rollbackDeploymentId: d.rollbackDeploymentId,
        rollbackTriggeringDeploymentId: d.rollbackTriggeringDeploymentId,
        rollbackMessage: d.rollbackDeploymentId ? `Rollback deployment ${d.rollbackDeploymentId} ${this.get(d.rollbackDeploymentId).status === 'InProgress' ? 'in progress' : this.get(d.rollbackDeploymentId).status.toLowerCase()}` : undefined,
      }
      : undefined;
    const date = (t: number) => new Date(this.world.epochAt(t));
    return {
      deploymentId: d.id, applicationName: d.group.application, deploymentGroupName: d.group.name, status: d.status, creator: d.creator,
      description: d.description, createTime: date(d.createTime), completeTime: d.completeTime === undefined ? undefined : date(d.completeTime),
      errorInformation: d.error ? { code: d.error.code, message: d.error.message } : undefined,
      rollbackInfo,
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: d.content } },
    };
  }

  /** Whether the deployment's service exists (a deployment of a deleted service fails). */
  public serviceOf(d: Deployment): Service | undefined {
    return this.world.ecs.findService(d.group.cluster, d.group.service);
  }
}
