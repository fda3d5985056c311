/**
 * The lifecycle model's account: CloudFormation, the services the platform touches, the
 * pipelines, and the application each image runs (a test says how the code of a commit
 * behaves). The platform's Lambda handlers run in process against it through the AWS SDK.
 */
import { CloudAssembly } from './assembly';
import { Ids, awsError, clone } from './aws';
import { CloudFormation, Operation, Provider, ResourceState, StackState } from './cloudformation';
import { CodeDeploy } from './codedeploy';
import { CustomResourceEvent, CustomResourceProvider } from './custom-resource';
import { Ecr } from './ecr';
import { Ecs } from './ecs';
import { EcsBlueGreen } from './ecs-blue-green';
import { Elbv2 } from './elbv2';
import { setRouter, HttpRequest } from './network';
import { Execution, Pipelines } from './pipeline';
import { PROVIDER_FRAMEWORK, runProviderFramework } from './provider-framework';
import { GENERIC, PROVIDERS } from './providers';
import { Alarms, AutoScaling, CodeCommit, Lambdas, Scheduler, Ssm } from './registry';
import { routeSdkTo } from './sdk';

/** How the code of one commit behaves once it runs. */
export interface Behaviour {
  /** Passes the load balancer's health checks. */
  readonly healthy: boolean;
  /** The status it answers a request for a path with. */
  readonly status: (path: string) => number;
  /** Its 5xx and latency alarms go into ALARM while it takes production traffic. */
  readonly errors: boolean;
  /** It answers 500 to every request when its task definition sets this environment variable. */
  readonly brokenBy?: string;
}

const GOOD: Behaviour = { healthy: true, status: () => 200, errors: false };

/** The platform handlers the model runs in process (the modules behind the bundled assets). */
const HANDLERS: Record<string, () => Record<string, (event: any) => Promise<unknown>>> = {
  'deployed-state': () => require('../../../lib/deployment/deployed-state/handler'),
  'smoke-test': () => require('../../../lib/deployment/smoke-test/handler'),
  'provider': () => require('../../../lib/deployment/provider/handler'),
};

export class World {
  public readonly ids = new Ids();
  public readonly cfn = new CloudFormation(this);
  public readonly ecr = new Ecr();
  public readonly ssm = new Ssm();
  public readonly codecommit = new CodeCommit();
  public readonly autoscaling = new AutoScaling();
  public readonly lambdas = new Lambdas();
  public readonly alarms = new Alarms();
  public readonly scheduler = new Scheduler();
  public readonly elbv2 = new Elbv2();
  public readonly ecs = new Ecs(this);
  public readonly ecsBlueGreen = new EcsBlueGreen(this);
  public readonly codedeploy = new CodeDeploy(this);
  public readonly pipelines = new Pipelines(this);
  /** Resources of other types, by physical id. */
  public readonly generic = new Map<string, { type: string; exists: boolean }>();
  /** Every custom-resource event CloudFormation sent, in order. */
  public readonly customResourceEvents: CustomResourceEvent[] = [];
  /** Resource types whose next custom-resource invocation acts but never answers (Lambda then retries it). */
  public readonly lostResponses = new Set<string>();
  /** Every resource created with DeletionPolicy Retain: type and physical id. */
  public readonly retained: Array<{ type: string; physicalId: string; stack: string; logicalId: string }> = [];
  /** Handlers a test gives functions by name (the function's code is the test's). */
  public readonly testHandlers = new Map<string, (event: any) => Promise<unknown>>();
  /** What user hook functions (by name fragment) report; they succeed unless told otherwise. */
  public readonly hookResults = new Map<string, 'Succeeded' | 'Failed'>();
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly customProvider = new CustomResourceProvider();
  private restoreSdk?: () => void;

  /** Routes the AWS SDK and the smoke test's HTTP requests to this world. */
  public start(): this {
    this.restoreSdk = routeSdkTo((service, operation, input) => this.api(service, operation, input));
    setRouter((r) => this.http(r));
    return this;
  }

  public stop(): void {
    this.restoreSdk?.();
    setRouter(undefined);
  }

  /** Says how the code of `commit` behaves. */
  public app(commit: string, behaviour: Partial<Behaviour>): void {
    this.behaviours.set(commit, { ...GOOD, ...behaviour });
  }

  /** How the tasks of a task definition behave: by the commit their essential container's image was built from. */
  public behaviourOf(taskDefinition: string): Behaviour {
    const td = this.ecs.describeTaskDefinition(taskDefinition);
    const image = String((td.containerDefinitions.find((c) => c.essential !== false) ?? td.containerDefinitions[0]).image);
    const commit = this.ecr.find(image)?.commit ?? image;
    return this.behaviours.get(commit) ?? GOOD;
  }

  // ---- CloudFormation -------------------------------------------------------------------

  public providerFor(type: string): Provider {
    if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return this.customProvider;
    return PROVIDERS[type] ?? GENERIC;
  }

  public providerRef(state: ResourceState): unknown {
    return state.physicalId;
  }

  public recordCreated(stack: StackState, state: ResourceState): void {
    if (state.deletionPolicy === 'Retain') this.retained.push({ type: state.type, physicalId: state.physicalId, stack: stack.name, logicalId: state.logicalId });
  }

  public recordDeleted(_stack: StackState, _state: ResourceState): void {
    // Deletions are visible in the service models themselves.
  }

  public async deploy(assembly: CloudAssembly, stackName: string): Promise<Operation> {
    return this.cfn.deploy(assembly, stackName);
  }

  public async destroy(stackName: string): Promise<Operation> {
    return this.cfn.destroy(stackName);
  }

  // ---- Lambda ---------------------------------------------------------------------------

  public knowsFunction(functionArn: string): boolean {
    const fn = this.lambdas.byArn(functionArn);
    return fn !== undefined && (fn.handler !== undefined || this.testHandlers.has(fn.name));
  }

  /**
   * Invokes a function in process: a platform handler with its environment, or the test
   * double of a user's hook (it reports what `hookResults` says, Succeeded by default).
   */
  public async invoke(functionArn: string, event: Record<string, any>): Promise<unknown> {
    const fn = this.lambdas.byArn(functionArn);
    if (!fn) throw awsError('ResourceNotFoundException', `Function not found: ${functionArn}`);
    const testHandler = this.testHandlers.get(fn.name);
    if (testHandler) return testHandler(clone(event));
    if (!fn.handler) {
      const result = [...this.hookResults].find(([k]) => fn.name.includes(k))?.[1] ?? 'Succeeded';
      if (event.DeploymentId) this.codedeploy.putHookStatus({ deploymentId: event.DeploymentId,
        lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status: result });
      return { hookStatus: result === 'Succeeded' ? 'SUCCEEDED' : 'FAILED' };
    }
    const saved = { env: { ...process.env }, setTimeout: global.setTimeout };
    Object.assign(process.env, fn.environment);
    // The smoke test pauses 5 s between attempts: the model does not wait.
    global.setTimeout = ((f: (...a: unknown[]) => void, _ms?: number, ...args: unknown[]) => saved.setTimeout(f, 0, ...args)) as typeof setTimeout;
    const log = console.log;
    const error = console.error;
    console.log = () => undefined;
    console.error = () => undefined;
    try {
      return await HANDLERS[fn.handler]()[fn.entry ?? 'handler'](clone(event));
    } finally {
      console.log = log;
      console.error = error;
      global.setTimeout = saved.setTimeout;
      process.env = saved.env;
    }
  }

  /** Invokes a custom resource's function and answers what it PUT to the ResponseURL, if anything. */
  public async invokeCustomResource(event: CustomResourceEvent): Promise<unknown> {
    const realFetch = global.fetch;
    let response: unknown;
    global.fetch = (async (url: string | URL, init?: { body?: string }) => {
      if (String(url) !== event.ResponseURL) throw new Error(`the lifecycle model has no network: ${String(url)}`);
      response = JSON.parse(String(init?.body));
      return new Response(null, { status: 200 });
    }) as typeof fetch;
    try {
      const fn = this.lambdas.byArn(event.ServiceToken);
      if (fn?.handler === PROVIDER_FRAMEWORK) response = await runProviderFramework(this, fn, event);
      else await this.invoke(event.ServiceToken, event as unknown as Record<string, unknown>);
    } finally {
      global.fetch = realFetch;
    }
    return response;
  }

  // ---- the AWS API, as the SDK sees it -----------------------------------------------------

  public async api(service: string, operation: string, input: Record<string, any>): Promise<unknown> {
    const key = `${service}:${operation}`;
    switch (key) {
      case 'ECS:DescribeServices': {
        const found = (input.services as string[]).map((s) => this.ecs.findService(input.cluster, s));
        return {
          services: found.filter((s) => s).map((s) => this.ecs.describe(s!)),
          failures: (input.services as string[]).filter((_, i) => !found[i]).map((s) => ({ arn: s, reason: 'MISSING' })),
        };
      }
      case 'ECS:DescribeTaskDefinition': return { taskDefinition: clone(this.ecs.describeTaskDefinition(input.taskDefinition)) };
      case 'ECS:RegisterTaskDefinition': return { taskDefinition: clone(this.ecs.registerTaskDefinition(input)) };
      case 'ECS:UpdateService': return { service: this.ecs.describe(this.ecs.updateService(input)) };
      case 'ECS:CreateService': return { service: this.ecs.describe(this.ecs.createService(input)) };
      case 'ECS:DeleteService': {
        const service = this.ecs.service(input.cluster, input.service);
        this.ecs.deleteService(input.cluster, input.service);
        return { service: this.ecs.describe(service) };
      }
      case 'ECS:TagResource': case 'ECS:UntagResource': return {};
      case 'CodeDeploy:ListDeployments': return { deployments: this.codedeploy.list(input).map((d) => d.id) };
      case 'CodeDeploy:StopDeployment':
        this.codedeploy.stop(input.deploymentId, input.autoRollbackEnabled === true);
        return { status: 'Pending', statusMessage: 'Stopping' };
      case 'CodeDeploy:CreateDeployment': return { deploymentId: this.codedeploy.createDeployment(input).id };
      case 'CodeDeploy:GetDeployment': return { deploymentInfo: this.codedeploy.describe(this.codedeploy.get(input.deploymentId)) };
      case 'CodeDeploy:PutLifecycleEventHookExecutionStatus':
        this.codedeploy.putHookStatus(input);
        return { lifecycleEventHookExecutionId: input.lifecycleEventHookExecutionId };
      case 'SSM:GetParameter': return { Parameter: { Name: input.Name, Value: this.ssm.get(input.Name), Type: 'String' } };
      case 'SSM:PutParameter': return { Version: this.ssm.put(input.Name, input.Value, input.Overwrite === true) };
      case 'EC2:DescribeNetworkInterfaces': {
        const description = (input.Filters as Array<{ Name: string; Values: string[] }>).find((f) => f.Name === 'description')?.Values[0] ?? '';
        const lb = [...this.elbv2.loadBalancers.values()].find((l) => `ELB ${l.fullName}` === description);
        return { NetworkInterfaces: (lb?.addresses ?? []).map((a) => ({ PrivateIpAddress: a, Description: description })) };
      }
      case 'ElasticLoadBalancingV2:DescribeRules': return { Rules: this.elbv2.describeRules(String(input.ListenerArn)) };
      default: throw new Error(`the lifecycle model does not answer ${key}`);
    }
  }

  // ---- traffic --------------------------------------------------------------------------

  /** Listeners that CodeDeploy or ECS use for test traffic (everything else is production). */
  public testListeners(): Set<string> {
    const out = new Set<string>();
    for (const g of this.codedeploy.groups.values()) g.testListeners.forEach((l) => out.add(l));
    for (const s of this.ecs.services.values()) {
      const rule = s.config.loadBalancers?.[0]?.advancedConfiguration?.testListenerRule;
      const listener = rule ? this.elbv2.rules.get(rule)?.listenerArn : undefined;
      if (listener) out.add(listener);
    }
    return out;
  }

  /** The running task groups registered in a target group, with their task definitions. */
  public targetsOf(targetGroupArn: string): Array<{ taskDefinition: string; running: number; healthy: boolean }> {
    return [...this.ecs.services.values()].filter((s) => s.status === 'ACTIVE').flatMap((s) => s.groups
      .filter((g) => g.targetGroupArn === targetGroupArn && g.running > 0)
      .map((g) => ({ taskDefinition: g.taskDefinition, running: g.running, healthy: this.ecs.healthy(g.taskDefinition) })));
  }

  /** Whether a target group takes production traffic: a production listener forwards to it with weight. */
  public takesProductionTraffic(targetGroupArn: string): boolean {
    const test = this.testListeners();
    const actions = [...this.elbv2.rules.values()].filter((r) => !test.has(r.listenerArn)).flatMap((r) => r.actions)
      .concat([...this.elbv2.listeners.values()].filter((l) => !test.has(l.arn)).flatMap((l) => l.defaultActions));
    return actions.some((a) => a.forward.some((f) => f.targetGroupArn === targetGroupArn && f.weight > 0));
  }

  /** An alarm on a target group fires while that group takes production traffic and runs code whose behaviour has errors. */
  public alarmFiring(name: string): boolean {
    const tgName = this.alarms.alarms.get(name)?.targetGroupFullName;
    const tg = [...this.elbv2.targetGroups.values()].find((t) => t.fullName === tgName);
    if (!tg || !this.takesProductionTraffic(tg.arn)) return false;
    return this.targetsOf(tg.arn).some((t) => this.behaviourOf(t.taskDefinition).errors || !t.healthy);
  }

  /** A request to a load balancer's address: the listener's routing, then a healthy target's answer, or 503. */
  public http(r: HttpRequest): number {
    const lb = [...this.elbv2.loadBalancers.values()].find((l) => l.addresses.includes(r.address));
    const listener = lb && this.elbv2.listenerOn(lb.arn, r.port);
    if (!listener) throw Object.assign(new Error(`connect ECONNREFUSED ${r.address}:${r.port}`), { code: 'ECONNREFUSED' });
    const { action } = this.elbv2.route(listener.arn, r.host, r.path);
    if (action.type !== 'forward') return action.statusCode ?? 503;
    const tg = action.forward.filter((f) => f.weight > 0).sort((a, b) => b.weight - a.weight)[0];
    const healthy = tg ? this.targetsOf(tg.targetGroupArn).filter((t) => t.healthy) : [];
    if (healthy.length === 0) return 503;
    return this.answer(healthy[0].taskDefinition, r.path);
  }

  /** What the code a task definition runs answers to a request for `path`. */
  public answer(taskDefinition: string, path: string): number {
    const b = this.behaviourOf(taskDefinition);
    const td = this.ecs.describeTaskDefinition(taskDefinition);
    const env = (td.containerDefinitions.flatMap((c) => c.environment ?? []) as Array<{ name: string }>).map((e) => e.name);
    return b.brokenBy && env.includes(b.brokenBy) ? 500 : b.status(path);
  }

  // ---- time -----------------------------------------------------------------------------

  /** Lets every deployment and pipeline execution run to its end (or to an approval). */
  public async settle(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      let moved = false;
      for (const d of this.codedeploy.deployments.filter((x) => x.status === 'InProgress')) {
        while (await this.codedeploy.step(d)) { /* next lifecycle event */ }
        moved = true;
      }
      for (const s of [...this.ecs.services.values()].filter((x) => x.status === 'ACTIVE')) await this.ecs.settle(s);
      if (await this.pipelines.resume()) moved = true;
      if (!moved) return;
    }
    throw new Error('the model did not settle');
  }

  /**
   * Lets time pass while something waits (the provider framework's waiter): each active
   * CodeDeploy deployment runs one lifecycle event, and each ECS-controller deployment runs
   * as far as it goes.
   */
  public async step(): Promise<void> {
    for (const d of this.codedeploy.deployments.filter((x) => x.status === 'InProgress')) await this.codedeploy.step(d);
    for (const s of [...this.ecs.services.values()].filter((x) => x.status === 'ACTIVE' && x.controller === 'ECS')) await this.ecs.settle(s);
  }

  /** The pipeline whose deploy action targets a service, deployment group or task family. */
  public pipelineOf(name: string): string {
    for (const [pipeline, def] of this.pipelines.definitions) {
      const configs = (def.Stages as Array<{ Actions: Array<{ Configuration?: Record<string,
        string> }> }>).flatMap((s) => s.Actions.map((a) => a.Configuration ?? {}));
      if (configs.some((c) => c.ServiceName === name || c.DeploymentGroupName === name)) return pipeline;
      const projects = configs.map((c) => this.pipelines.projects.get(c.ProjectName)).filter((p) => p);
      if (projects.some((p) => (p!.Environment?.EnvironmentVariables ?? []).some((v: { Name: string; Value: string }) => v.Name === 'TASK_FAMILY' && v.Value === name))) return pipeline;
    }
    throw new Error(`no pipeline deploys ${name}`);
  }

  /** A push to the source of the pipeline that deploys `name`. */
  public async push(name: string, commit: string): Promise<Execution> {
    return this.pipelines.start(this.pipelineOf(name), commit);
  }
}
