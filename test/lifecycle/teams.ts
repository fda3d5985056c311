/**
 * The teams scenarios of the lifecycle model: a platform published in a staging and a
 * production account, a service team's app that imports it by name in both, and a promotion
 * pipeline in a tooling account that builds one image and deploys its digest to staging, then,
 * after an approval, to production. Each account is a world of the model's organization (its
 * CloudFormation, services and IAM); every call is evaluated across accounts (the caller's
 * identity policies, the resource's account's resource policies).
 */
import { Stack } from 'aws-cdk-lib';
import { EnvironmentStack, PRODUCTION, STAGING, TOOLING } from '../../examples/teams/environments';
import { ContainerPlatform, Deployment, Microservice, PromotionPipeline, Routing, Source } from '../../lib';
import { CloudAssembly } from './model/assembly';
import { Operation } from './model/cloudformation';
import { Service } from './model/ecs';
import { Execution } from './model/pipeline';
import { Behaviour, Organization, World } from './model/world';
import { synth } from './synth';

/** What the team's app changes. */
export interface TeamVariant {
  /** The service's deployment policy in both environments. */
  readonly deployment?: 'codeDeploy' | 'ecsBlueGreen' | 'rolling';
  /** Another team's app: its stacks, service and pipeline take this name instead of Payments. */
  readonly name?: string;
  /** The path it routes. */
  readonly path?: string;
}

export const PLATFORM = 'shop';
export const ACCOUNTS = { tooling: TOOLING.account!, staging: STAGING.account!, production: PRODUCTION.account! };

/** The platform team's app: the platform published as 'shop' in staging and in production. */
export function platformApp(): CloudAssembly {
  return synth('teams-platform', (app) => {
    for (const [name, env] of [['Staging', STAGING], ['Production', PRODUCTION]] as const) {
      new ContainerPlatform(new EnvironmentStack(app, `Shop${name}`, { env }), 'Platform', { platformName: PLATFORM, publish: true });
    }
  });
}

/** A service team's app: its pipeline in the tooling account, its service in staging and production on 'shop'. */
export function teamApp(key: string, v: TeamVariant = {}): CloudAssembly {
  const name = v.name ?? 'Payments';
  return synth(`teams-${key}`, (app) => {
    const pipeline = new PromotionPipeline(new EnvironmentStack(app, `${name}Delivery`, { env: TOOLING }), 'Pipeline', {
      source: Source.codeCommit(),
      testCommands: ['npm test'],
    });
    for (const [stage, env] of [['Staging', STAGING], ['Production', PRODUCTION]] as const) {
      const stack: Stack = new EnvironmentStack(app, `${name}${stage}`, { env });
      new Microservice(stack, name, {
        platform: ContainerPlatform.fromName(stack, 'Platform', PLATFORM),
        routing: Routing.path(v.path ?? '/payments/*'),
        container: { port: 8080, healthCheckPath: `${(v.path ?? '/payments/*').replace('*', '')}health` },
        deployment: v.deployment === 'rolling' ? Deployment.rolling() : v.deployment === 'ecsBlueGreen' ? Deployment.ecsBlueGreen() : Deployment.blueGreen(),
        scaling: { minTasks: 2, maxTasks: 4 },
        promotion: pipeline.addEnvironment(stage, stage === 'Staging' ? { testCommands: ['echo the end-to-end tests of staging'] } : { approval: { emails: ['release@example.com'] } }),
      });
    }
  });
}

/** The organization of the three accounts, and what the scenarios do and check in it. */
export class Teams {
  public readonly org = new Organization().start();
  public readonly tooling: World;
  public readonly staging: World;
  public readonly production: World;
  private readonly expectedFailures = new Set<Operation>();
  private readonly checked = new Map<World, { operations: number; denials: number; deliveries: number }>();
  private readonly pushed: Array<{ execution: Execution; mayFail: boolean }> = [];

  constructor(public readonly service = 'Payments') {
    this.tooling = this.org.world(ACCOUNTS.tooling);
    this.staging = this.org.world(ACCOUNTS.staging);
    this.production = this.org.world(ACCOUNTS.production);
  }

  public stop(): void {
    this.org.stop();
  }

  /** `cdk deploy` of one stack of an assembly, in the account the stack names. */
  public async deploy(assembly: CloudAssembly, stack: string, options: { expectFailure?: boolean } = {}): Promise<Operation> {
    const world = this.org.world(assembly.accounts.get(stack) ?? ACCOUNTS.tooling);
    const op = await world.deploy(assembly, stack);
    if (options.expectFailure) this.expectedFailures.add(op);
    return op;
  }

  /** Every stack of both apps, in the order `cdk deploy --all` takes them: the platforms, the environments, the pipeline. */
  public async deployAll(platform: CloudAssembly, team: CloudAssembly): Promise<void> {
    for (const stack of ['ShopStaging', 'ShopProduction']) await this.deploy(platform, stack);
    for (const stack of [`${this.service}Staging`, `${this.service}Production`, `${this.service}Delivery`]) await this.deploy(team, stack);
  }

  /** A push of `commit` (whose code behaves as said, in every account) to the service's pipeline. */
  public async push(commit: string, behaviour?: Partial<Behaviour>, options: { mayFail?: boolean } = {}): Promise<Execution> {
    if (behaviour) for (const w of this.org.worlds.values()) w.app(commit, behaviour);
    const execution = await this.tooling.push(this.workloadName, commit);
    this.pushed.push({ execution, mayFail: options.mayFail === true });
    return execution;
  }

  public async approve(execution: Execution): Promise<void> {
    await this.tooling.run(() => this.tooling.pipelines.approve(execution));
  }

  public async settle(): Promise<void> {
    await this.org.settle();
  }

  /** The service's name in each environment: `<platform>-<id>`. */
  public get workloadName(): string {
    return `${PLATFORM}-${this.service}`;
  }

  public serviceIn(world: World): Service | undefined {
    return [...world.ecs.services.values()].find((s) => s.serviceName === this.workloadName && s.status === 'ACTIVE');
  }

  /** The images of the tasks behind the service's production rule in an environment. */
  public imagesIn(world: World): string[] {
    const stack = world.cfn.stacks.get(`${this.service}${world === this.staging ? 'Staging' : 'Production'}`);
    const rule = stack && [...stack.resources.values()].find((r) => r.type === 'AWS::ElasticLoadBalancingV2::ListenerRule' && r.logicalId.startsWith(`${this.service}ProductionRule`));
    const live = rule && world.elbv2.rules.get(rule.physicalId);
    const groups = (live?.actions.at(-1)?.forward ?? []).filter((f) => f.weight > 0).map((f) => f.targetGroupArn);
    const tasks = groups.flatMap((tg) => world.targetsOf(tg).filter((t) => t.healthy));
    return [...new Set(tasks.map((t) => String(world.ecs.describeTaskDefinition(t.taskDefinition).containerDefinitions.find((c) => c.name === 'app')!.image)))];
  }

  /**
   * What must always hold, in every account: no operation failed unless expected, no denial, every
   * delivery arrived, no pushed execution failed unless allowed.
   */
  public violations(): string[] {
    const out: string[] = [];
    for (const [account, world] of this.org.worlds) {
      const seen = this.checked.get(world) ?? { operations: 0, denials: 0, deliveries: 0 };
      for (const op of world.cfn.operations.slice(seen.operations)) {
        const ok = op.status.endsWith('_COMPLETE') && !op.status.includes('ROLLBACK');
        if (!ok && !this.expectedFailures.has(op)) {
          out.push(`${account}: cdk ${op.action.toLowerCase()} of ${op.stack} ended ${op.status}${op.failure ? `: ${op.failure.logicalId}: ${op.failure.message}` : ''}`);
        }
      }
      for (const d of world.iam.denials.slice(seen.denials)) out.push(`${account}: AWS denied ${d.action} on ${d.resource}${d.during ? ` (${d.during})` : ''}: ${d.message}`);
      for (const d of world.notifications.failedSince(seen.deliveries)) out.push(`${account}: ${d.from} did not reach ${d.to}: ${d.reason}`);
      this.checked.set(world, {
        operations: world.cfn.operations.length, denials: world.iam.denials.length, deliveries: world.notifications.deliveries.length,
      });
    }
    for (const p of this.pushed.splice(0)) {
      if (p.execution.status === 'InProgress') { this.pushed.push(p); continue; }
      if (p.execution.status === 'Failed' && !p.mayFail) out.push(`the execution ${p.execution.id} of ${p.execution.commit} failed: ${p.execution.error}`);
    }
    return out;
  }

  public expectInvariants(): void {
    expect(this.violations()).toEqual([]);
  }
}
