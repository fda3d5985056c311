/**
 * Drives one workload of the platform through a sequence of `cdk deploy`s, pushes and
 * deployments in the model, and checks after each step what must always hold:
 *
 * 1. no CloudFormation operation failed or hung (a scenario that makes one fail on purpose
 *    expects it to roll back completely);
 * 2. the running image is the pipeline's latest good image (the image of its newest
 *    execution that succeeded);
 * 3. the running settings (environment, cpu, memory) are the latest successful `cdk deploy`'s;
 * 4. production traffic reaches running, healthy tasks;
 * 5. the task count is at least the minimum, and no `cdk deploy` changed it;
 * 6. nothing retained was deleted;
 * 7. AWS denied no request (of a handler, a service acting with a role, a service principal);
 * 8. every delivery reached its target: each alarm that went into ALARM reached its topic, each
 *    event its rule's targets, each notification its topic;
 * 9. no pipeline execution that a push started failed, unless the scenario made it fail;
 * 10. the running tasks use the template's capacity provider strategy;
 * 11. the workload's service carries the stack's tags and its own (as CloudFormation tags an
 *     AWS::ECS::Service), and propagates them to the tasks it launches.
 *
 * 2 to 4 and 10 apply once the pipeline has delivered an image; before that nothing should run.
 */
import { Kind, STACK, WORKLOAD_ID } from './apps';
import { CloudAssembly } from './model/assembly';
import { Operation, ResourceState, StackState } from './model/cloudformation';
import { Service } from './model/ecs';
import { Execution } from './model/pipeline';
import { Behaviour, World } from './model/world';

export class Lifecycle {
  public readonly world = new World().start();
  private checked = 0;
  private deniedChecked = 0;
  private deliveriesChecked = 0;
  private readonly expectedRollbacks = new Set<Operation>();
  private readonly countChanges: string[] = [];
  /** The executions pushes started, and whether the scenario made each fail. */
  private readonly pushed: Array<{ execution: Execution; mayFail: boolean }> = [];

  constructor(public readonly kind: Kind) {}

  public stop(): void {
    this.world.stop();
  }

  /**
   * `cdk deploy`; with `expectRollback` the scenario makes it fail on purpose and expects a
   * complete rollback; `tags` are `cdk deploy --tags`.
   */
  public async deploy(assembly: CloudAssembly, options: { expectRollback?: boolean; tags?: Record<string, string> } = {}): Promise<Operation> {
    const before = this.service()?.desiredCount;
    const op = await this.world.deploy(assembly, STACK, options.tags);
    if (options.expectRollback) this.expectedRollbacks.add(op);
    const after = this.service()?.desiredCount;
    const min = this.minTasks() ?? 0;
    if (before !== undefined && after !== undefined && before !== after && !(before < min && after === min)) {
      this.countChanges.push(`a cdk deploy changed the desired count from ${before} to ${after}`);
    }
    return op;
  }

  public async destroy(): Promise<Operation> {
    return this.world.destroy(STACK);
  }

  /** A push of `commit` (whose code behaves as said) to the workload's pipeline; `mayFail` when the scenario makes its deployment fail. */
  public async push(commit: string, behaviour?: Partial<Behaviour>, options: { mayFail?: boolean } = {}): Promise<Execution> {
    if (behaviour) this.world.app(commit, behaviour);
    const execution = await this.world.push(this.name(), commit);
    this.pushed.push({ execution, mayFail: options.mayFail === true });
    return execution;
  }

  public async settle(): Promise<void> {
    await this.world.settle();
  }

  /** The nested stack of the workload. */
  public workloadStack(): StackState | undefined {
    return [...this.world.cfn.stacks.values()].find((s) => s.name.startsWith(`${STACK}-`) && s.name.includes(`${WORKLOAD_ID[this.kind]}Stack`));
  }

  private resource(type: string, prefix = ''): ResourceState | undefined {
    const stack = this.workloadStack();
    return stack && [...stack.resources.values()].find((r) => r.type === type && r.logicalId.startsWith(`${WORKLOAD_ID[this.kind]}${prefix}`));
  }

  /** The service's name, or the task family of a job. */
  public name(): string {
    if (this.kind === 'job') return String(this.resource('AWS::ECS::TaskDefinition')?.properties.Family);
    return `${STACK}-${WORKLOAD_ID[this.kind]}`;
  }

  public service(): Service | undefined {
    return [...this.world.ecs.services.values()].find((s) => s.serviceName === this.name() && s.status === 'ACTIVE');
  }

  private minTasks(): number | undefined {
    return [...this.world.autoscaling.targets].find(([id]) => id.endsWith(`/${this.name()}`))?.[1].min;
  }

  /** The task definitions that run now: behind the production rule, the worker's tasks, or the job's next run. */
  private running(): string[] {
    const { world } = this;
    if (this.kind === 'job') {
      const schedule = this.resource('AWS::Scheduler::Schedule');
      const target = schedule && world.scheduler.schedules.get(schedule.physicalId);
      return target ? [world.ecs.runTask(target.taskDefinitionArn).taskDefinitionArn] : [];
    }
    const service = this.service();
    if (!service) return [];
    if (this.kind === 'worker') return service.groups.filter((g) => g.running > 0).map((g) => g.taskDefinition);
    return this.productionTargetGroups().flatMap((tg) => world.targetsOf(tg).map((t) => t.taskDefinition));
  }

  /** The target groups production traffic reaches: the production rule's, or a TCP service's listener's (Routing.tcp). */
  private productionTargetGroups(): string[] {
    const rule = this.resource('AWS::ElasticLoadBalancingV2::ListenerRule', 'ProductionRule');
    const listener = rule ? undefined : this.resource('AWS::ElasticLoadBalancingV2::Listener', 'Listener');
    const actions = rule ? this.world.elbv2.rules.get(rule.physicalId)?.actions
      : listener && this.world.elbv2.listeners.get(listener.physicalId)?.defaultActions;
    return (actions?.at(-1)?.forward ?? []).filter((f) => f.weight > 0).map((f) => f.targetGroupArn);
  }

  /**
   * The job's schedule fires now: EventBridge Scheduler assumes the schedule's role and runs the
   * task. Answers why it could not, if it could not.
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
   */
  private async fireSchedule(): Promise<string | undefined> {
    const schedule = this.resource('AWS::Scheduler::Schedule');
    const target = schedule && this.world.scheduler.schedules.get(schedule.physicalId);
    if (!target) return undefined;
    const role = await this.world.assume('scheduler.amazonaws.com', target.roleArn, `schedule-${schedule!.physicalId}`, target.arn);
    if (!role) return `EventBridge Scheduler could not assume ${target.roleArn}: ${this.world.iam.denials.at(-1)?.message}`;
    const ran = await this.world.runTaskAs(role, target.cluster, target.ecs, `schedule ${schedule!.physicalId}`);
    return ran ? undefined : `the schedule could not run its task: ${this.world.taskRuns.at(-1)?.error}`;
  }

  /** Every invariant that does not hold now. */
  public async violations(): Promise<string[]> {
    const { world } = this;
    const out: string[] = [];
    if (this.kind === 'job' && this.currentPipeline() && world.pipelines.lastSucceeded(this.currentPipeline()!)) {
      const why = await this.fireSchedule();
      if (why) out.push(why);
    }
    for (const d of world.iam.denials.slice(this.deniedChecked)) out.push(`AWS denied ${d.action} on ${d.resource}${d.during ? ` (${d.during})` : ''}: ${d.message}`);
    this.deniedChecked = world.iam.denials.length;
    for (const d of world.notifications.failedSince(this.deliveriesChecked)) out.push(`${d.from} did not reach ${d.to}: ${d.reason}`);
    this.deliveriesChecked = world.notifications.deliveries.length;
    for (const p of this.pushed.splice(0)) {
      if (p.execution.status === 'InProgress') { this.pushed.push(p); continue; }
      if (p.execution.status === 'Failed' && !p.mayFail) out.push(`the pipeline execution ${p.execution.id} of ${p.execution.commit} failed: ${p.execution.error}`);
    }
    for (const op of world.cfn.operations.slice(this.checked)) {
      const expected = this.expectedRollbacks.has(op) ? 'UPDATE_ROLLBACK_COMPLETE' : undefined;
      const ok = expected ? op.status === expected : op.status.endsWith('_COMPLETE') && !op.status.includes('ROLLBACK');
      if (!ok) {
        out.push(`cdk ${op.action.toLowerCase()} ended ${op.status}${op.hung ? ' (hung)' : ''}${op.failure ? `: ${op.failure.logicalId}: ${op.failure.message}` : ''}`
          + (op.rollbackFailure ? `; rollback failed at ${op.rollbackFailure.logicalId}: ${op.rollbackFailure.message}` : ''));
      }
    }
    this.checked = world.cfn.operations.length;
    out.push(...this.countChanges.splice(0));

    const service = this.service();
    const min = this.minTasks();
    if (service && min !== undefined && service.desiredCount < min) out.push(`the desired count ${service.desiredCount} is below the minimum ${min}`);
    out.push(...this.missingTags(service));

    for (const r of world.retained) {
      const exists = r.type === 'AWS::ECR::Repository' ? world.ecr.repositories.get(r.physicalId)?.deleted === false
        : r.type === 'AWS::CodeCommit::Repository' ? world.codecommit.repositories.has(r.physicalId)
          : world.generic.get(r.physicalId)?.exists !== false;
      if (!exists) out.push(`retained ${r.type} ${r.physicalId} was deleted`);
    }

    const stack = this.workloadStack();
    const pipeline = stack && this.currentPipeline();
    const good = pipeline ? world.pipelines.lastSucceeded(pipeline)?.image : undefined;
    if (!good) return out;
    const running = this.running();
    if (running.length === 0) out.push('no task runs (or would run) although the pipeline delivered an image');
    const goodCommit = world.ecr.find(good)?.commit ?? good;
    const expected = this.resource('AWS::ECS::TaskDefinition')!.properties;
    const expectedContainer = (expected.ContainerDefinitions as Array<Record<string, any>>).find((c) => c.Name === 'app')!;
    const expectedEnv = envOf(expectedContainer.Environment, 'Name', 'Value');
    for (const arn of new Set(running)) {
      const td = world.ecs.describeTaskDefinition(arn);
      const container = td.containerDefinitions.find((c) => c.name === 'app')!;
      const commit = world.ecr.find(String(container.image))?.commit ?? container.image;
      if (commit !== goodCommit) out.push(`${arn} runs ${container.image} (${commit}), not the pipeline's latest good image ${good} (${goodCommit})`);
      const env = envOf(container.environment, 'name', 'value');
      if (JSON.stringify(env) !== JSON.stringify(expectedEnv) || String(td.cpu) !== String(expected.Cpu) || String(td.memory) !== String(expected.Memory)) {
        out.push(`${arn} runs the settings ${JSON.stringify({ env, cpu: td.cpu, memory: td.memory })}, not the latest cdk deploy's ${JSON.stringify({ env: expectedEnv, cpu: expected.Cpu, memory: expected.Memory })}`);
      }
    }
    if (this.kind !== 'job' && this.kind !== 'worker' && service && service.desiredCount > 0) {
      const tgs = this.productionTargetGroups();
      if (tgs.length === 0) out.push('the production rule forwards to no target group');
      for (const tg of tgs) {
        if (!world.targetsOf(tg).some((t) => t.healthy)) out.push(`production traffic goes to ${tg.split(':').at(-1)}, which has no healthy task`);
      }
    }
    if (service && this.kind !== 'job' && !service.groups.some((g) => g.running >= service.desiredCount)) {
      out.push(`the service runs ${service.groups.map((g) => g.running).join('+')} tasks, not its desired ${service.desiredCount}`);
    }
    const capacity = this.templateCapacity();
    const primary = service && world.ecs.primary(service);
    if (service && capacity && primary && capacityKey(primary.config?.capacityProviderStrategy) !== capacityKey(capacity)) {
      out.push(`the service's tasks run on ${capacityKey(primary.config?.capacityProviderStrategy)}, not the latest cdk deploy's ${capacityKey(capacity)}`);
    }
    return out;
  }

  /**
   * The tags the workload's service lacks: the root stack's tags (what `cdk deploy` gave the
   * stack; `aws:` ones are AWS's own and cannot be set) and the service resource's own, which
   * CloudFormation would have put on an AWS::ECS::Service; and whether the tasks get them.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-using-tags.html (propagateTags)
   */
  private missingTags(service: Service | undefined): string[] {
    const stack = this.world.cfn.stacks.get(STACK);
    const resource = this.workloadStack() && [...this.workloadStack()!.resources.values()].find((x) => x.type === 'Custom::EcsService' || x.type === 'Custom::BlueGreenService');
    if (!service || !stack || !resource) return [];
    const own = Object.fromEntries(((resource.properties.Tags ?? []) as Array<{ Key: string; Value: string }>).map((t) => [t.Key, t.Value]));
    const wanted = Object.entries({ ...stack.tags, ...own }).filter(([k]) => !k.toLowerCase().startsWith('aws:'));
    const out = wanted.filter(([k, v]) => service.tags.get(k) !== v).map(([k, v]) => `the service ${service.serviceName} lacks the tag ${k}=${v} (it has ${JSON.stringify(Object.fromEntries(service.tags))})`);
    if (wanted.length > 0 && service.config.propagateTags !== 'SERVICE') out.push(`the service ${service.serviceName} does not propagate its tags to its tasks`);
    return out;
  }

  /** The capacity provider strategy of the workload's service resource in the template (as the API names it). */
  private templateCapacity(): Array<Record<string, unknown>> | undefined {
    const stack = this.workloadStack();
    const r = stack && [...stack.resources.values()].find((x) => x.type === 'Custom::EcsService' || x.type === 'Custom::BlueGreenService');
    const items = r?.properties.CapacityProviderStrategy as Array<Record<string, unknown>> | undefined;
    return items?.map((i) => ({ capacityProvider: i.CapacityProvider, base: Number(i.Base ?? 0), weight: Number(i.Weight ?? 0) }));
  }

  private currentPipeline(): string | undefined {
    try {
      return this.world.pipelineOf(this.name());
    } catch {
      return undefined;
    }
  }

  public async expectInvariants(): Promise<void> {
    expect(await this.violations()).toEqual([]);
  }
}

function capacityKey(items: unknown): string {
  return ((items ?? []) as Array<Record<string, unknown>>).map((i) => `${i.capacityProvider}:${Number(i.base ?? 0)}:${Number(i.weight ?? 0)}`).sort().join(',') || 'the launch type';
}

function envOf(list: unknown, key: string, value: string): Record<string, string> {
  const entries = ((list ?? []) as Array<Record<string, string>>).map((e) => [e[key], String(e[value])] as [string, string]);
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}
