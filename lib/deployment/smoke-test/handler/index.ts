/**
 * The built-in smoke test of the platform's blue/green deployments (bundled into
 * assets/smoke-test by `npm run bundle`). It finds the deploying service (from the CodeDeploy
 * deployment, or from the ECS lifecycle-hook event), reads the service's settings from SSM,
 * requests the service through its load balancer's test listener (which routes to green) at
 * the load balancer's private addresses, and reports the result: to CodeDeploy for CodeDeploy
 * deployments, as the hook status for ECS-native ones.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { clearTimeout as clearBound, setTimeout as setBound } from 'node:timers';
import * as tls from 'node:tls';
import { CodeDeployClient, GetDeploymentCommand, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
// The bounds (a request's, the whole test's) run on node:timers' own setTimeout, so that a test
// harness that skips the pauses by replacing the global setTimeout does not skip them too.
import { PLATFORM_NOT_FOUND_BODY } from '../../../foundation/not-found';
import { SMOKE_TEST_TIMING } from '../timing';

/** A CodeDeploy hook invocation, or an ECS lifecycle-hook invocation. */
interface HookEvent {
  readonly DeploymentId?: string;
  readonly LifecycleEventHookExecutionId?: string;
  readonly executionDetails?: { readonly serviceArn?: string };
  readonly resourceArn?: string;
}

/** What the handler uses of the Lambda context. */
interface Context {
  getRemainingTimeInMillis(): number;
}

/**
 * What the smoke test of one service requests and accepts (written by the SmokeTest construct).
 * `http` and `https`: a GET of `path`. `tcp` and `tls` (a TCP service on the Network Load
 * Balancer without an HTTP health check): a connection, or a TLS handshake, must open.
 */
export interface SmokeTestSettings {
  readonly loadBalancerName: string;
  readonly port: number;
  readonly protocol: 'http' | 'https' | 'tcp' | 'tls';
  readonly host: string;
  readonly path: string;
  /** Accepted status codes; empty: any 2xx or 3xx. */
  readonly expectedStatus: number[];
  readonly attempts: number;
}

/** One answer of the service (the body's first KiB is enough to recognize the platform's 404). */
interface Answer {
  readonly status: number;
  readonly body: string;
}

// Bounded requests: an SDK call that hangs must not use up the function's time.
const clientConfig = { requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } };
const ec2 = new EC2Client(clientConfig);
const codedeploy = new CodeDeployClient(clientConfig);
const ssm = new SSMClient(clientConfig);
const ecs = new ECSClient(clientConfig);

/** The name of the service being deployed: the deployment group's name, or the service's in its ARN. */
async function serviceName(event: HookEvent): Promise<string> {
  if (event.DeploymentId) {
    const out = await codedeploy.send(new GetDeploymentCommand({ deploymentId: event.DeploymentId }));
    const name = out.deploymentInfo?.deploymentGroupName;
    if (!name) throw new Error(`deployment ${event.DeploymentId} has no deployment group`);
    return name;
  }
  const arn = event.executionDetails?.serviceArn ?? event.resourceArn ?? '';
  const match = /:service\/[^/]+\/([^/]+)/.exec(arn);
  if (!match) throw new Error(`no service in the hook event (serviceArn ${JSON.stringify(arn)})`);
  return match[1];
}

async function settingsOf(service: string): Promise<SmokeTestSettings> {
  const out = await ssm.send(new GetParameterCommand({ Name: `${process.env.PARAMETER_PREFIX}${service}` }));
  return JSON.parse(out.Parameter?.Value ?? '{}') as SmokeTestSettings;
}

/** The private addresses of the load balancer's nodes. */
async function loadBalancerAddresses(loadBalancerName: string): Promise<string[]> {
  const out = await ec2.send(new DescribeNetworkInterfacesCommand({
    Filters: [{ Name: 'description', Values: [`ELB ${loadBalancerName}`] }],
  }));
  return (out.NetworkInterfaces ?? []).map((n) => n.PrivateIpAddress).filter((ip): ip is string => !!ip);
}

/** One GET of the settings' path at `address`; `signal` abandons it. */
function request(address: string, s: SmokeTestSettings, signal?: AbortSignal): Promise<Answer> {
  const client = s.protocol === 'https' ? https : http;
  const seconds = SMOKE_TEST_TIMING.requestTimeoutMs / 1000;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = <T>(f: (v: T) => void) => (v: T) => {
      clearBound(timer);
      f(v);
    };
    const req = client.request({
      host: address,
      port: s.port,
      path: s.path,
      method: 'GET',
      timeout: SMOKE_TEST_TIMING.requestTimeoutMs,
      headers: s.host ? { host: s.host } : {},
      // Addressed by IP: the name in the certificate cannot match, and TLS is not what is tested.
      rejectUnauthorized: false,
      servername: s.host || undefined,
      signal,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 1024) body += chunk;
      });
      res.on('end', () => settle(resolve)({ status: res.statusCode ?? 0, body: body.slice(0, 1024) }));
      res.on('error', settle(reject));
    });
    // Bounds the whole exchange, not only an idle socket.
    timer = setBound(() => req.destroy(new Error(`no answer within ${seconds} s`)), SMOKE_TEST_TIMING.requestTimeoutMs);
    req.on('close', () => clearBound(timer));
    req.on('timeout', () => req.destroy(new Error(`no answer within ${seconds} s`)));
    req.on('error', settle(reject));
    req.end();
  });
}

/**
 * Opens a connection to `address` (a TLS handshake for `tls`) and closes it: the test listener
 * forwards a connection to a green task only, so one that opens reached a task that accepts
 * connections. The certificate is not checked: the test connects by address, which no
 * certificate names. `signal` abandons it.
 */
function connect(address: string, s: SmokeTestSettings, signal?: AbortSignal): Promise<void> {
  const seconds = SMOKE_TEST_TIMING.requestTimeoutMs / 1000;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const socket: net.Socket = s.protocol === 'tls'
      ? tls.connect({ host: address, port: s.port, rejectUnauthorized: false, signal } as tls.ConnectionOptions & { signal?: AbortSignal })
      : net.connect({ host: address, port: s.port, signal });
    const settle = (error?: Error) => {
      if (done) return;
      done = true;
      clearBound(timer);
      // A success closes politely, once the handshake's last message is out; a failure at once.
      if (error) socket.destroy();
      else socket.end(() => socket.destroy());
      if (error) reject(error);
      else resolve();
    };
    timer = setBound(() => settle(new Error(`no ${s.protocol === 'tls' ? 'TLS handshake' : 'connection'} within ${seconds} s`)), SMOKE_TEST_TIMING.requestTimeoutMs);
    socket.once(s.protocol === 'tls' ? 'secureConnect' : 'connect', () => settle());
    socket.once('error', (e) => settle(e));
    socket.once('close', () => settle(new Error(`the connection closed before ${s.protocol === 'tls' ? 'the TLS handshake ended' : 'it opened'}`)));
  });
}

/** Whether the answer is the fixed 404 of the listener's default action (no rule matched). */
function isPlatformNotFound(status: number, body: string): boolean {
  return status === 404 && body.trim() === PLATFORM_NOT_FOUND_BODY;
}

/**
 * Passes with an expected status code, or any 2xx or 3xx when none is listed (what the
 * target group's health check accepts). The platform's own 404 never passes: the request
 * did not reach the service.
 */
export function passes(status: number, body: string, expected: number[]): boolean {
  if (isPlatformNotFound(status, body)) return false;
  return expected.length > 0 ? expected.includes(status) : status >= 200 && status < 400;
}

function describeFailure(s: SmokeTestSettings, answer: Answer): string {
  const wanted = s.expectedStatus.length ? s.expectedStatus.join(' or ') : 'a 2xx or 3xx status';
  if (isPlatformNotFound(answer.status, answer.body)) {
    return `the platform's 404 default action answered ${s.path}: no rule of the test listener sends it to the service (expected ${wanted})`;
  }
  return `${s.path} answered ${answer.status}, expected ${wanted}`;
}

/** Resolves after `ms`, or as soon as `signal` aborts (no timer is left behind). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Requests the service up to `attempts` times, `pauseMs` apart, while `remainingMs()` leaves
 * room for another request; the problem, or undefined when it passed. `signal` abandons the
 * test: the request in flight and the pause end at once, and no attempt follows.
 */
export async function smokeTest(
  s: SmokeTestSettings,
  pauseMs: number = SMOKE_TEST_TIMING.pauseMs,
  remainingMs: () => number = () => Infinity,
  signal?: AbortSignal,
): Promise<string | undefined> {
  let problem = 'no attempt was made';
  for (let i = 1; i <= s.attempts; i++) {
    if (i > 1 && remainingMs() < SMOKE_TEST_TIMING.requestTimeoutMs + pauseMs) {
      return `stopped after ${i - 1} of ${s.attempts} attempts, the time left is too short for another: ${problem}`;
    }
    if (i > 1) await sleep(pauseMs, signal);
    if (signal?.aborted) return `abandoned after ${i - 1} of ${s.attempts} attempts: ${problem}`;
    try {
      const addresses = await loadBalancerAddresses(s.loadBalancerName);
      if (addresses.length === 0) throw new Error(`no network interfaces found for ${s.loadBalancerName}`);
      const address = addresses[i % addresses.length];
      if (s.protocol === 'tcp' || s.protocol === 'tls') {
        await connect(address, s, signal);
        console.log(`attempt ${i}: ${s.protocol === 'tls' ? 'a TLS handshake' : 'a connection'} with port ${s.port} succeeded: pass`);
        return undefined;
      }
      const answer = await request(address, s, signal);
      if (passes(answer.status, answer.body, s.expectedStatus)) {
        console.log(`attempt ${i}: ${s.path} answered ${answer.status}: pass`);
        return undefined;
      }
      problem = describeFailure(s, answer);
    } catch (e) {
      problem = e instanceof Error ? e.message : String(e);
    }
    console.log(`attempt ${i}/${s.attempts}: ${problem}`);
  }
  return problem;
}

/**
 * Whether an ECS-native deployment has no task to test: ECS runs the lifecycle hooks on the
 * deployment that creates the service too, and the platform creates a service whose image the
 * pipeline has not built yet with 0 tasks (the test listener then has no target to answer).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-lifecycle-hooks.html
 */
async function nothingToTest(event: HookEvent): Promise<boolean> {
  if (event.DeploymentId) return false;
  const arn = event.executionDetails?.serviceArn ?? '';
  const match = /:service\/([^/]+)\/([^/]+)/.exec(arn);
  if (!match) return false;
  const out = await ecs.send(new DescribeServicesCommand({ cluster: match[1], services: [match[2]] }));
  return out.services?.[0]?.desiredCount === 0;
}

/** Finds the service, reads its settings and tests it; the problem, or undefined when it passed. */
async function run(event: HookEvent, remainingMs: () => number, signal: AbortSignal): Promise<string | undefined> {
  try {
    if (await nothingToTest(event)) {
      console.log('the service runs no task yet: nothing to test');
      return undefined;
    }
    const service = await serviceName(event);
    console.log(`smoke test of ${service}`);
    return await smokeTest(await settingsOf(service), SMOKE_TEST_TIMING.pauseMs, remainingMs, signal);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * The problem of `work`, or a problem of its own when `budgetMs` runs out first: a hung
 * request or SDK call must not let the function time out without a report, or CodeDeploy
 * waits an hour for the hook. Then the work is abandoned through its signal, so that nothing
 * of it (a request, a pause, another attempt) outlives the invocation: Lambda would resume it
 * in the next one.
 */
async function withinBudget(work: (signal: AbortSignal) => Promise<string | undefined>, budgetMs: number): Promise<string | undefined> {
  const abandon = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setBound(() => resolve(`the smoke test ran out of time after ${Math.max(0, Math.round(budgetMs / 1000))} s, before the function's timeout`), Math.max(0, budgetMs));
  });
  try {
    return await Promise.race([work(abandon.signal), timeout]);
  } finally {
    clearBound(timer);
    abandon.abort();
  }
}

/**
 * Reports the result to CodeDeploy, again after a failure (throttling, a lost connection);
 * a report CodeDeploy already has is not an error.
 * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_PutLifecycleEventHookExecutionStatus.html
 */
async function report(event: Required<Pick<HookEvent, 'DeploymentId' | 'LifecycleEventHookExecutionId'>>, status: 'Succeeded' | 'Failed'): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await codedeploy.send(new PutLifecycleEventHookExecutionStatusCommand({
        deploymentId: event.DeploymentId,
        lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
        status,
      }));
      return;
    } catch (e) {
      if ((e as Error).name === 'LifecycleEventAlreadyCompletedException') return;
      console.error(`report ${attempt}/${SMOKE_TEST_TIMING.reportAttempts} of ${status} failed: ${(e as Error).message}`);
      if (attempt >= SMOKE_TEST_TIMING.reportAttempts) throw e;
      await sleep(SMOKE_TEST_TIMING.reportRetryMs * 2 ** (attempt - 1));
    }
  }
}

/**
 * A CodeDeploy hook must report with PutLifecycleEventHookExecutionStatus, or the deployment
 * waits (an hour) for it; an ECS hook returns its status.
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/lambda-lifecycle-hooks.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html (getRemainingTimeInMillis)
 */
export async function handler(event: HookEvent, context?: Context): Promise<{ hookStatus: string }> {
  const remaining = () => (context ? context.getRemainingTimeInMillis() : SMOKE_TEST_TIMING.functionTimeoutSeconds * 1000);
  // The smoke test gets the time left less what reporting needs.
  const budget = () => remaining() - SMOKE_TEST_TIMING.reportReserveMs;
  const problem = await withinBudget((signal) => run(event, budget, signal), budget());
  if (problem) console.error(`smoke test failed: ${problem}`);
  if (event.DeploymentId && event.LifecycleEventHookExecutionId) {
    await report({ DeploymentId: event.DeploymentId, LifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId }, problem ? 'Failed' : 'Succeeded');
  }
  return { hookStatus: problem ? 'FAILED' : 'SUCCEEDED' };
}
