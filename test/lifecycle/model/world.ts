/**
 * The lifecycle model's account: CloudFormation, the services the platform touches, the
 * pipelines, and the application each image runs (a test says how the code of a commit
 * behaves). The platform's Lambda handlers run in process against it through the AWS SDK.
 */
import { CloudAssembly } from './assembly';
import { requestsFor } from './authorization';
import { accountOf, ACCOUNT, arn, DEFAULT_ACCOUNT, Ids, awsError, clone, InvokeDenied, setAccount } from './aws';
import { CloudFormation, Operation, Provider, ResourceState, StackState } from './cloudformation';
import { CodeDeploy } from './codedeploy';
import { CustomResourceEvent, CustomResourceProvider } from './custom-resource';
import { Ecr } from './ecr';
import { Ecs } from './ecs';
import { EcsBlueGreen } from './ecs-blue-green';
import { Efs } from './efs';
import { Elbv2 } from './elbv2';
import { Iam, Principal, service as servicePrincipal, session } from './iam';
import { Logs } from './iam-providers';
import { setRouter, HttpRequest } from './network';
import { Notifications } from './notifications';
import { Execution, Pipelines } from './pipeline';
import { PROVIDER_FRAMEWORK, runProviderFramework } from './provider-framework';
import { GENERIC, PROVIDERS } from './providers';
import { AutoScaling, CodeCommit, Lambdas, Scheduler, Ssm, StateMachines } from './registry';
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
  /** Its 5xx and latency alarms go into ALARM while it takes production traffic with this environment variable set. */
  readonly errorsWith?: string;
}

const GOOD: Behaviour = { healthy: true, status: () => 200, errors: false };

/** The platform handlers the model runs in process (the modules behind the bundled assets). */
const HANDLERS: Record<string, () => Record<string, (event: any) => Promise<unknown>>> = {
  'deployed-state': () => require('../../../lib/deployment/deployed-state/handler'),
  'smoke-test': () => require('../../../lib/deployment/smoke-test/handler'),
  'provider': () => require('../../../lib/deployment/provider/handler'),
  'claims': () => require('../../../lib/deployment/claims/handler'),
};

/** A timer of the shared clock, run in the world that set it. */
interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly what: string;
  readonly world: World;
  readonly run: () => Promise<void> | void;
}

/**
 * The accounts of a scenario, each a world of its own (its CloudFormation, services and IAM),
 * that share one clock, one network of AWS APIs and one IAM evaluation: a call of a session of
 * one account's role is evaluated with that account's identity policies and the resource's
 * account's resource policies (a role's trust, a bucket's, a key's, a repository's policy). The
 * world that acts (`run`) is where `AWS::AccountId` and the SDK calls of the handlers go.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 */
export class Organization {
  public readonly worlds = new Map<string, World>();
  /** Seconds since the model's epoch (EPOCH): the clock every account's deployments, waits and timeouts run on. */
  public now = 0;
  private readonly timers: Timer[] = [];
  private timerSeq = 0;
  private readonly active: World[] = [];
  private restoreSdk?: () => void;

  /** The world of an account, made on first use. */
  public world(account: string): World {
    return this.worlds.get(account) ?? new World(this, account);
  }

  /** The world that acts now (the first one when none was entered). */
  public get current(): World {
    const w = this.active.at(-1) ?? this.worlds.get(ACCOUNT) ?? [...this.worlds.values()][0];
    if (!w) throw new Error('the organization has no account');
    return w;
  }

  /** The world of the account an ARN names (a bucket's owner for an S3 ARN), or the one that acts. */
  public worldOf(resourceArn: string): World {
    const account = accountOf(resourceArn);
    if (account) return this.world(account);
    const bucket = /^arn:aws:s3:::([^/]+)/.exec(resourceArn)?.[1];
    return (bucket && [...this.worlds.values()].find((w) => w.iam.buckets.has(bucket))) || this.current;
  }

  /** Routes the AWS SDK and the smoke test's HTTP requests to the world that acts. */
  public start(): this {
    this.restoreSdk ??= routeSdkTo((service, operation, input) => this.current.api(service, operation, input, this.current.caller));
    setRouter((r) => this.current.http(r));
    return this;
  }

  public stop(): void {
    this.restoreSdk?.();
    this.restoreSdk = undefined;
    setRouter(undefined);
  }

  /** Runs `f` as `world`: its account acts, the SDK reaches it. */
  public async run<T>(world: World, f: () => Promise<T>): Promise<T> {
    this.active.push(world);
    setAccount(world.account);
    try {
      return await f();
    } finally {
      this.active.pop();
      setAccount(this.active.at(-1)?.account ?? world.account);
    }
  }

  /** Runs `run` in `world` when the clock reaches now + `delaySeconds`. */
  public schedule(world: World, delaySeconds: number, what: string, run: () => Promise<void> | void): void {
    this.timerSeq += 1;
    this.timers.push({ at: this.now + delaySeconds, seq: this.timerSeq, what, world, run });
  }

  /** What is scheduled (a deployment step, a wait, a timeout), in every account. */
  public pending(): string[] {
    return this.timers.map((t) => `${t.what} at ${t.at}s`);
  }

  /**
   * Lets `seconds` pass: what is due runs in time order (the clock set to its time) in its
   * account, then every account's services react.
   */
  public async advance(seconds: number): Promise<void> {
    const until = this.now + seconds;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.now = Math.max(this.now, due.at);
      await this.run(due.world, async () => { await due.run(); });
      await this.react();
    }
    this.now = until;
    await this.react();
  }

  /** Every account's services react first, then every account's pipelines (an action may wait for another account's deployment). */
  private async react(): Promise<boolean> {
    for (const w of this.worlds.values()) await this.run(w, () => w.reactServices());
    let moved = false;
    for (const w of this.worlds.values()) moved = await this.run(w, () => w.pipelines.resume()) || moved;
    return moved;
  }

  /** Lets time pass until nothing more happens: every deployment and pipeline execution runs to its end (or to an approval). */
  public async settle(): Promise<void> {
    for (let round = 0; round < 10_000; round++) {
      const moved = await this.react();
      const next = this.timers.reduce((m, t) => Math.min(m, t.at), Infinity);
      if (next === Infinity) {
        if (!moved) return;
        continue;
      }
      await this.advance(Math.max(0, next - this.now));
    }
    throw new Error(`the model did not settle: ${this.pending().join(', ')}`);
  }
}

export class World {
  public readonly ids = new Ids();
  public readonly cfn = new CloudFormation(this);
  public readonly ecr: Ecr = new Ecr(() => this.account, (a): Ecr | undefined => this.org.worlds.get(a)?.ecr);
  public readonly efs = new Efs(this);
  public readonly ssm = new Ssm();
  public readonly codecommit = new CodeCommit();
  public readonly autoscaling = new AutoScaling();
  public readonly lambdas = new Lambdas();
  public readonly stateMachines = new StateMachines();
  public readonly scheduler = new Scheduler();
  public readonly iam: Iam;
  public readonly logs = new Logs(this);
  public readonly notifications = new Notifications(this);
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
  /** What user hook functions (by name fragment) report; they succeed unless told otherwise ('Silent': they never report). */
  public readonly hookResults = new Map<string, 'Succeeded' | 'Failed' | 'Silent'>();
  /** Tasks that schedules and rules started, or could not start. */
  public readonly taskRuns: Array<{ from: string; taskDefinition?: string; at: number; error?: string }> = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly customProvider = new CustomResourceProvider();
  /** The principal of the code that runs now (a Lambda function's role session), innermost last. */
  private readonly callers: Array<Principal | undefined> = [];
  public readonly org: Organization;

  /** One account of `org` (a model of one account: a new organization of its own). */
  constructor(org?: Organization, public readonly account: string = DEFAULT_ACCOUNT) {
    this.org = org ?? new Organization();
    this.org.worlds.set(account, this);
    this.iam = new Iam((a) => this.org.worlds.get(a)?.iam, (bucket) => [...this.org.worlds.values()].find((w) => w.iam.buckets.has(bucket))?.iam);
    this.iam.id = account;
  }

  /** Seconds since the model's epoch (EPOCH): the clock that deployments, waits and timeouts run on (every account's). */
  public get now(): number {
    return this.org.now;
  }

  public set now(seconds: number) {
    this.org.now = seconds;
  }

  /** The principal of the code that runs now in this account, if any. */
  public get caller(): Principal | undefined {
    return this.callers.at(-1);
  }

  /** Routes the AWS SDK and the smoke test's HTTP requests to the organization's acting world. */
  public start(): this {
    this.org.start();
    return this;
  }

  public stop(): void {
    this.org.stop();
  }

  /** Runs `f` as this account. */
  public async run<T>(f: () => Promise<T>): Promise<T> {
    return this.org.run(this, f);
  }

  /** The world of the account an ARN names (a bucket's owner for an S3 ARN), or this one. */
  public worldOf(resourceArn: string): World {
    return accountOf(resourceArn) === this.account ? this : this.org.worldOf(resourceArn);
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

  /** `cdk deploy`; `tags` stand for `--tags` (stack-level tags that replace the assembly's). */
  public async deploy(assembly: CloudAssembly, stackName: string, tags?: Record<string, string>): Promise<Operation> {
    return this.run(() => this.cfn.deploy(assembly, stackName, tags));
  }

  public async destroy(stackName: string): Promise<Operation> {
    return this.run(() => this.cfn.destroy(stackName));
  }

  // ---- Lambda ---------------------------------------------------------------------------

  public knowsFunction(functionArn: string): boolean {
    const fn = this.lambdas.byArn(functionArn);
    return fn !== undefined && (fn.handler !== undefined || this.testHandlers.has(fn.name));
  }

  /**
   * Invokes a function in process, `by` a principal whose lambda:InvokeFunction is evaluated
   * (the function's resource policy included). The function runs as a session of its role,
   * named after the function, and writes its logs with that role; its SDK calls are evaluated
   * for that session. A platform handler runs with its environment and the model's clock; a
   * user's hook is a test double that reports what `hookResults` says (Succeeded by default).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
   * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html (the execution role needs logs:CreateLogStream and logs:PutLogEvents)
   */
  public async invoke(functionArn: string, event: Record<string, any>, by?: Principal): Promise<unknown> {
    const fn = this.lambdas.byArn(functionArn);
    if (!fn) throw awsError('ResourceNotFoundException', `Function not found: ${functionArn}`);
    if (by) {
      try {
        await this.iam.authorize(by, { action: 'lambda:InvokeFunction', resource: fn.arn }, `invoking ${fn.name}`);
      } catch (e) {
        throw new InvokeDenied((e as Error).message);
      }
    }
    const self = fn.role ? session(fn.role, fn.name) : undefined;
    if (self) await this.writeLogs(self, fn.logGroup ?? `/aws/lambda/${fn.name}`, `2026/12/01/[$LATEST]${this.ids.suffix()}`, `the logs of ${fn.name}`);
    this.callers.push(self);
    try {
      const testHandler = this.testHandlers.get(fn.name);
      if (testHandler) return await testHandler(clone(event));
      if (!fn.handler) return await this.hookDouble(fn.name, event);
      return await this.inProcess(fn.handler, fn.entry ?? 'handler', fn.environment, event);
    } finally {
      this.callers.pop();
    }
  }

  /** A user's hook function: it reports its result to CodeDeploy (a CodeDeploy hook) or answers it (an ECS hook). */
  private async hookDouble(name: string, event: Record<string, any>): Promise<unknown> {
    const result = [...this.hookResults].find(([k]) => name.includes(k))?.[1] ?? 'Succeeded';
    if (result === 'Silent') return undefined;
    if (event.DeploymentId) {
      try {
        await this.api('CodeDeploy', 'PutLifecycleEventHookExecutionStatus', { deploymentId: event.DeploymentId, lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status: result }, this.callers.at(-1));
      } catch {
        // A hook that may not report leaves CodeDeploy waiting for its hour.
      }
    }
    return { hookStatus: result === 'Succeeded' ? 'SUCCEEDED' : 'FAILED' };
  }

  private async inProcess(handler: string, entry: string, environment: Record<string, string>, event: Record<string, any>): Promise<unknown> {
    const saved = { env: { ...process.env }, setTimeout: global.setTimeout, Date: global.Date };
    Object.assign(process.env, environment);
    // The smoke test pauses 5 s between attempts: the model does not wait.
    global.setTimeout = ((f: (...a: unknown[]) => void, _ms?: number, ...args: unknown[]) => saved.setTimeout(f, 0, ...args)) as typeof setTimeout;
    // The handler reads the model's clock.
    global.Date = this.modelDate(saved.Date);
    // What a handler logs goes to its log group in AWS: here nowhere, unless MODEL_DEBUG is set.
    const { log, warn, error } = console;
    if (!process.env.MODEL_DEBUG) {
      console.log = () => undefined;
      console.warn = () => undefined;
      console.error = () => undefined;
    }
    try {
      return await HANDLERS[handler]()[entry](clone(event));
    } finally {
      Object.assign(console, { log, warn, error });
      global.setTimeout = saved.setTimeout;
      global.Date = saved.Date;
      process.env = saved.env;
    }
  }

  /** A Date class whose "now" is the model's clock. */
  private modelDate(Real: DateConstructor): DateConstructor {
    const now = () => this.epochMs();
    class ModelDate extends Real {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(now());
        else super(...(args as [number]));
      }

      public static now(): number {
        return now();
      }
    }
    return ModelDate as unknown as DateConstructor;
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

  // ---- IAM: who calls -------------------------------------------------------------------

  /**
   * A service assumes a role for a resource of the account: the role's trust policy must allow
   * the service principal (with aws:SourceArn / aws:SourceAccount, as services send them).
   * Answers the role's session, or undefined (the denial is recorded).
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-service.html
   */
  public async assume(servicePrincipalName: string, roleArn: string, sessionName: string, sourceArn?: string): Promise<Principal | undefined> {
    const ok = await this.iam.allowed(servicePrincipal(servicePrincipalName, sourceArn), { action: 'sts:AssumeRole', resource: roleArn }, `${servicePrincipalName} assuming ${roleArn}`);
    return ok ? session(roleArn, sessionName) : undefined;
  }

  /**
   * A session assumes another role (CodePipeline's role assumes an action's role): the caller's
   * identity policies and the role's trust policy decide.
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
   */
  public async assumeAs(caller: Principal, roleArn: string, sessionName: string): Promise<Principal> {
    await this.iam.authorize(caller, { action: 'sts:AssumeRole', resource: roleArn }, `assuming ${roleArn}`);
    return session(roleArn, sessionName);
  }

  /**
   * A write to a log stream: the log group must exist, and the writer's role must allow
   * logs:CreateLogStream and logs:PutLogEvents on the stream. Answers whether the logs arrived.
   * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html (log-stream: arn:aws:logs:region:account:log-group:name:log-stream:stream)
   */
  public async writeLogs(writer: Principal, group: string, stream: string, during: string): Promise<boolean> {
    if (!this.logs.groups.has(group)) {
      this.iam.denials.push({ principal: 'logs', action: 'logs:CreateLogStream', resource: group, message: `ResourceNotFoundException: The specified log group does not exist: ${group}`, during });
      return false;
    }
    const resource = arn('logs', `log-group:${group}:log-stream:${stream}`);
    return await this.iam.allowed(writer, { action: 'logs:CreateLogStream', resource }, during)
      && this.iam.allowed(writer, { action: 'logs:PutLogEvents', resource }, during);
  }

  /**
   * A schedule or rule runs a task as its role: ecs:RunTask on the task definition's revision
   * (a family means its latest ACTIVE revision) with the cluster as ecs:cluster, iam:PassRole
   * of the task definition's roles to ECS tasks, then the task starts with its execution role.
   * Answers the task definition that ran, or undefined.
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/CWE_IAM_role.html (iam:PassRole for the task execution role and the task role)
   * @see https://github.com/aws/aws-cdk/issues/30390 (RunTask is authorized on the revision)
   */
  public async runTaskAs(principal: Principal, cluster: string, params: Record<string, any>, from: string): Promise<string | undefined> {
    try {
      const td = this.ecs.describeTaskDefinition(String(params.TaskDefinitionArn ?? params.taskDefinitionArn));
      await this.iam.authorize(principal, { action: 'ecs:RunTask', resource: td.taskDefinitionArn, context: { 'ecs:cluster': cluster } }, from);
      for (const r of [td.taskRoleArn, td.executionRoleArn].filter((x): x is string => typeof x === 'string')) {
        await this.iam.authorize(principal, { action: 'iam:PassRole', resource: r, context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }, from);
      }
      const why = await this.ecs.startProblem(td.taskDefinitionArn);
      if (why) throw new Error(why);
      this.taskRuns.push({ from, taskDefinition: td.taskDefinitionArn, at: this.now });
      return td.taskDefinitionArn;
    } catch (e) {
      this.taskRuns.push({ from, at: this.now, error: (e as Error).message });
      return undefined;
    }
  }

  // ---- the AWS API, as the SDK sees it -----------------------------------------------------

  /** Calls the scenario has AWS throttle: `service:operation`, the caller's role name part, how many more. */
  private readonly throttles: Array<{ key: string; caller: string; left: number }> = [];

  /**
   * Makes AWS throttle the next `times` calls of an operation by callers whose role name contains
   * `caller` (a function's role), with the error code the service sends: ECS and CodeDeploy
   * `ThrottlingException`, Elastic Load Balancing `Throttling` (its query protocol's code), both
   * "Rate exceeded". The SDK's own retries are not modelled (the clients' send is replaced): a
   * throttled call fails the way it fails once those retries are spent.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/CommonErrors.html
   * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/CommonErrors.html
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html
   */
  public throttle(service: string, operation: string, times: number, caller: string): void {
    this.throttles.push({ key: `${service}:${operation}`, caller, left: times });
  }

  /** Throttled calls the scenario asked for that have not happened yet. */
  public get pendingThrottles(): number {
    return this.throttles.reduce((n, t) => n + t.left, 0);
  }

  private throttleIfAsked(service: string, operation: string, caller: Principal | undefined): void {
    const role = caller?.kind === 'role' ? caller.roleArn.split('/').at(-1)! : '';
    const t = this.throttles.find((x) => x.key === `${service}:${operation}` && x.left > 0 && role.includes(x.caller));
    if (!t) return;
    t.left -= 1;
    throw awsError(service === 'ElasticLoadBalancingV2' ? 'Throttling' : 'ThrottlingException', 'Rate exceeded');
  }

  /**
   * One API call by `caller` (a handler's SDK calls are its function's session): IAM evaluates
   * each request the call makes (AccessDenied as AWS words it), then the service answers. A call
   * without a caller is the model's own (a hand-written unit test's function without a role).
   */
  public async api(service: string, operation: string, input: Record<string, any>, caller: Principal | undefined): Promise<unknown> {
    this.throttleIfAsked(service, operation, caller);
    if (caller) {
      for (const request of requestsFor(this, service, operation, input)) await this.iam.authorize(caller, request, `${service}:${operation}`);
    }
    return this.serve(service, operation, input);
  }

  private async serve(service: string, operation: string, input: Record<string, any>): Promise<unknown> {
    const key = `${service}:${operation}`;
    switch (key) {
      case 'ECS:DescribeServices': {
        const found = (input.services as string[]).map((s) => this.ecs.findService(input.cluster, s, true));
        return {
          services: found.filter((s) => s).map((s) => this.ecs.describe(s!)),
          failures: (input.services as string[]).filter((_, i) => !found[i]).map((s) => ({ arn: s, reason: 'MISSING' })),
        };
      }
      case 'ECS:DescribeTaskDefinition': return { taskDefinition: clone(this.ecs.describeTaskDefinition(input.taskDefinition)) };
      case 'ECS:RegisterTaskDefinition': return { taskDefinition: clone(this.ecs.registerTaskDefinition(input)) };
      case 'ECS:UpdateService': return { service: this.ecs.describe(await this.ecs.updateService(input)) };
      case 'ECS:CreateService': return { service: this.ecs.describe(await this.ecs.createService(input)) };
      case 'ECS:DeleteService': return { service: this.ecs.describe(this.ecs.deleteService(input.cluster, input.service)) };
      case 'ECS:TagResource': this.ecs.tag(String(input.resourceArn), input.tags ?? []); return {};
      case 'ECS:UntagResource': this.ecs.tag(String(input.resourceArn), [], input.tagKeys ?? []); return {};
      case 'CloudFormation:DescribeStacks': return { Stacks: [this.cfn.describeStack(String(input.StackName))] };
      case 'CodeDeploy:ListDeployments': return { deployments: this.codedeploy.list(input).map((d) => d.id) };
      case 'CodeDeploy:StopDeployment':
        await this.codedeploy.stop(input.deploymentId, input.autoRollbackEnabled === true);
        return { status: 'Pending', statusMessage: 'Stopping' };
      case 'CodeDeploy:CreateDeployment': return { deploymentId: (await this.codedeploy.createDeployment(input)).id };
      case 'CodeDeploy:GetDeployment': return { deploymentInfo: this.codedeploy.describe(this.codedeploy.get(input.deploymentId)) };
      case 'CodeDeploy:BatchGetDeployments': {
        // "The maximum number of deployment IDs you can specify is 25" (the API reference; the quotas page says 100).
        // @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_BatchGetDeployments.html
        const ids = (input.deploymentIds ?? []) as string[];
        if (ids.length > 25) throw awsError('BatchLimitExceededException', 'The maximum number of names or IDs allowed for this request (25) was exceeded.');
        const found = ids.map((id) => this.codedeploy.deployments.find((d) => d.id === id)).filter((d) => d !== undefined);
        return { deploymentsInfo: found.map((d) => this.codedeploy.describe(d)) };
      }
      case 'CodeDeploy:PutLifecycleEventHookExecutionStatus':
        this.codedeploy.putHookStatus(input);
        return { lifecycleEventHookExecutionId: input.lifecycleEventHookExecutionId };
      case 'SSM:GetParameter': return { Parameter: { Name: input.Name, Value: this.ssm.get(input.Name), Type: 'String' } };
      case 'SSM:PutParameter': return { Version: this.ssm.put(input.Name, input.Value, input.Overwrite === true) };
      case 'SSM:DeleteParameter':
        this.ssm.get(input.Name);
        this.ssm.delete(input.Name);
        return {};
      case 'EC2:DescribeNetworkInterfaces': {
        const description = (input.Filters as Array<{ Name: string; Values: string[] }>).find((f) => f.Name === 'description')?.Values[0] ?? '';
        const lb = [...this.elbv2.loadBalancers.values()].find((l) => `ELB ${l.fullName}` === description);
        return { NetworkInterfaces: (lb?.addresses ?? []).map((a) => ({ PrivateIpAddress: a, Description: description })) };
      }
      case 'ElasticLoadBalancingV2:DescribeRules': return { Rules: this.elbv2.describeRules(String(input.ListenerArn)) };
      case 'ElasticLoadBalancingV2:DescribeListeners': return { Listeners: this.elbv2.describeListeners(String(input.LoadBalancerArn)) };
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
      const listener = rule ? this.elbv2.trafficPoint(rule)?.listenerArn : undefined;
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
    const tgName = this.notifications.alarms.get(name)?.targetGroupFullName;
    const tg = [...this.elbv2.targetGroups.values()].find((t) => t.fullName === tgName);
    if (!tg || !this.takesProductionTraffic(tg.arn)) return false;
    return this.targetsOf(tg.arn).some((t) => this.errors(t.taskDefinition) || !t.healthy);
  }

  /** Whether the code a task definition runs has errors (always, or when its settings carry a variable). */
  public errors(taskDefinition: string): boolean {
    const b = this.behaviourOf(taskDefinition);
    return b.errors || (b.errorsWith !== undefined && this.envOf(taskDefinition).includes(b.errorsWith));
  }

  private envOf(taskDefinition: string): string[] {
    const td = this.ecs.describeTaskDefinition(taskDefinition);
    return (td.containerDefinitions.flatMap((c) => c.environment ?? []) as Array<{ name: string }>).map((e) => e.name);
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
    if (r.connectOnly) return 200;
    return this.respond(healthy[0].taskDefinition, r.path);
  }

  /** What the code a task definition runs answers to a request for `path`. */
  public respond(taskDefinition: string, path: string): number {
    const b = this.behaviourOf(taskDefinition);
    return b.brokenBy && this.envOf(taskDefinition).includes(b.brokenBy) ? 500 : b.status(path);
  }

  // ---- time -----------------------------------------------------------------------------

  /** The model's clock in epoch milliseconds (what Date.now() answers in a handler). */
  public epochMs(): number {
    return this.epochAt(this.now);
  }

  /** A time of the model's clock in epoch milliseconds. */
  public epochAt(seconds: number): number {
    return EPOCH_MS + seconds * 1000;
  }

  /** Runs `run` in this account when the clock reaches now + `delaySeconds`. */
  public schedule(delaySeconds: number, what: string, run: () => Promise<void> | void): void {
    this.org.schedule(this, delaySeconds, what, run);
  }

  /** Whether something is scheduled (a deployment step, a wait, a timeout), in any account. */
  public pending(): string[] {
    return this.org.pending();
  }

  /**
   * Lets `seconds` pass: what is due runs in time order (the clock set to its time), then the
   * services react: ECS-controller deployments run as far as they go, alarms are evaluated
   * (and their actions run), and pipeline executions whose deployment ended go on (in every account).
   */
  public async advance(seconds: number): Promise<void> {
    await this.org.advance(seconds);
  }

  /** This account's services react to the time that passed: ECS-controller deployments run as far as they go, alarms are evaluated. */
  public async reactServices(): Promise<void> {
    for (const s of [...this.ecs.services.values()].filter((x) => x.status === 'ACTIVE' && x.controller === 'ECS')) await this.ecs.settle(s);
    await this.notifications.evaluateAlarms();
  }

  /** Lets time pass until nothing more happens: every deployment and pipeline execution runs to its end (or to an approval). */
  public async settle(): Promise<void> {
    await this.org.settle();
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

  /**
   * A push of `commit` to the branch the pipeline that deploys `name` watches: CodeCommit puts a
   * "CodeCommit Repository State Change" event on the default bus, whose rule starts the
   * pipeline as the rule's role. Answers the execution it started.
   * @see https://docs.aws.amazon.com/codecommit/latest/userguide/monitoring-events.html
   */
  public async push(name: string, commit: string): Promise<Execution> {
    return this.run(() => this.pushNow(name, commit));
  }

  private async pushNow(name: string, commit: string): Promise<Execution> {
    const pipeline = this.pipelineOf(name);
    const source = (this.pipelines.definitions.get(pipeline)!.Stages as Array<{ Actions: Array<Record<string, any>> }>)
      .flatMap((s) => s.Actions).find((a) => a.ActionTypeId.Category === 'Source')!;
    const repo = this.codecommit.repositories.get(String(source.Configuration.RepositoryName));
    if (!repo) throw new Error(`no CodeCommit repository ${source.Configuration.RepositoryName}`);
    repo.commits.set(String(source.Configuration.BranchName ?? 'main'), commit);
    const before = this.pipelines.executions.length;
    await this.notifications.put({
      source: 'aws.codecommit',
      'detail-type': 'CodeCommit Repository State Change',
      resources: [repo.arn],
      detail: { event: 'referenceUpdated', referenceType: 'branch', referenceName: source.Configuration.BranchName ?? 'main', repositoryName: repo.name, commitId: commit },
    });
    const started = this.pipelines.executions.slice(before).find((e) => e.pipeline === pipeline);
    if (!started) {
      const why = this.notifications.deliveries.slice(-3).filter((d) => !d.ok).map((d) => d.reason).join('; ');
      throw new Error(`the push of ${commit} started no execution of ${pipeline}${why ? `: ${why}` : ''}`);
    }
    return started;
  }
}

/** The model's epoch: 2026-12-01T00:00:00Z (the clock starts there). */
export const EPOCH_MS = Date.UTC(2026, 11, 1);

