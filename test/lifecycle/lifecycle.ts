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
 * 6. nothing retained was deleted.
 *
 * 2 to 4 apply once the pipeline has delivered an image; before that nothing should run.
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
  private readonly expectedRollbacks = new Set<Operation>();
  private readonly countChanges: string[] = [];

  constructor(public readonly kind: Kind) {}

  public stop(): void {
    this.world.stop();
  }

  /** `cdk deploy`; with `expectRollback` the scenario makes it fail on purpose and expects a complete rollback. */
  public async deploy(assembly: CloudAssembly, options: { expectRollback?: boolean } = {}): Promise<Operation> {
    const before = this.service()?.desiredCount;
    const op = await this.world.deploy(assembly, STACK);
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

  /** A push of `commit` (whose code behaves as said) to the workload's pipeline. */
  public async push(commit: string, behaviour?: Partial<Behaviour>): Promise<Execution> {
    if (behaviour) this.world.app(commit, behaviour);
    return this.world.push(this.name(), commit);
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

  private productionTargetGroups(): string[] {
    const rule = this.resource('AWS::ElasticLoadBalancingV2::ListenerRule', 'ProductionRule');
    const live = rule && this.world.elbv2.rules.get(rule.physicalId);
    return (live?.actions.at(-1)?.forward ?? []).filter((f) => f.weight > 0).map((f) => f.targetGroupArn);
  }

  /** Every invariant that does not hold now. */
  public violations(): string[] {
    const { world } = this;
    const out: string[] = [];
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
    return out;
  }

  private currentPipeline(): string | undefined {
    try {
      return this.world.pipelineOf(this.name());
    } catch {
      return undefined;
    }
  }

  public expectInvariants(): void {
    expect(this.violations()).toEqual([]);
  }
}

function envOf(list: unknown, key: string, value: string): Record<string, string> {
  const entries = ((list ?? []) as Array<Record<string, string>>).map((e) => [e[key], String(e[value])] as [string, string]);
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}
