/**
 * The built-in smoke test of the platform's blue/green deployments (bundled into
 * assets/smoke-test by `npm run bundle`). It finds the deploying service (from the CodeDeploy
 * deployment, or from the ECS lifecycle-hook event), reads the service's settings from SSM,
 * requests the service through its load balancer's test listener (which routes to green) at
 * the load balancer's private addresses, and reports the result: to CodeDeploy for CodeDeploy
 * deployments, as the hook status for ECS-native ones.
 */
import { CodeDeployClient, GetDeploymentCommand, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as http from 'node:http';
import * as https from 'node:https';

/** A CodeDeploy hook invocation, or an ECS lifecycle-hook invocation. */
interface HookEvent {
  readonly DeploymentId?: string;
  readonly LifecycleEventHookExecutionId?: string;
  readonly executionDetails?: { readonly serviceArn?: string };
  readonly resourceArn?: string;
}

/** What the smoke test of one service requests and accepts (written by the SmokeTest construct). */
export interface SmokeTestSettings {
  readonly loadBalancerName: string;
  readonly port: number;
  readonly protocol: 'http' | 'https';
  readonly host: string;
  readonly path: string;
  /** Accepted status codes; empty: any status below 500. */
  readonly expectedStatus: number[];
  readonly attempts: number;
}

const ec2 = new EC2Client({});
const codedeploy = new CodeDeployClient({});
const ssm = new SSMClient({});

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

function request(address: string, s: SmokeTestSettings): Promise<number> {
  const client = s.protocol === 'https' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request({
      host: address,
      port: s.port,
      path: s.path,
      method: 'GET',
      timeout: 5000,
      headers: s.host ? { host: s.host } : {},
      // Addressed by IP: the name in the certificate cannot match, and TLS is not what is tested.
      rejectUnauthorized: false,
      servername: s.host || undefined,
    }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 5 s')));
    req.on('error', reject);
    req.end();
  });
}

/** Passes with an expected status code, or any status below 500 when none is listed. */
export function passes(status: number, expected: number[]): boolean {
  return expected.length > 0 ? expected.includes(status) : status >= 200 && status < 500;
}

/** Requests the service up to `attempts` times, 5 s apart; the problem, or undefined when it passed. */
export async function smokeTest(s: SmokeTestSettings, pauseMs = 5000): Promise<string | undefined> {
  let problem = 'no attempt was made';
  for (let i = 1; i <= s.attempts; i++) {
    try {
      const addresses = await loadBalancerAddresses(s.loadBalancerName);
      if (addresses.length === 0) throw new Error(`no network interfaces found for ${s.loadBalancerName}`);
      const status = await request(addresses[i % addresses.length], s);
      if (passes(status, s.expectedStatus)) {
        console.log(`attempt ${i}: ${s.path} answered ${status}: pass`);
        return undefined;
      }
      problem = `${s.path} answered ${status}, expected ${s.expectedStatus.length ? s.expectedStatus.join(' or ') : 'a status below 500'}`;
    } catch (e) {
      problem = e instanceof Error ? e.message : String(e);
    }
    console.log(`attempt ${i}/${s.attempts}: ${problem}`);
    if (i < s.attempts) await new Promise((r) => setTimeout(r, pauseMs));
  }
  return problem;
}

export async function handler(event: HookEvent): Promise<{ hookStatus: string }> {
  let problem: string | undefined;
  try {
    const service = await serviceName(event);
    console.log(`smoke test of ${service}`);
    problem = await smokeTest(await settingsOf(service));
  } catch (e) {
    problem = e instanceof Error ? e.message : String(e);
  }
  if (event.DeploymentId && event.LifecycleEventHookExecutionId) {
    await codedeploy.send(new PutLifecycleEventHookExecutionStatusCommand({
      deploymentId: event.DeploymentId,
      lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
      status: problem ? 'Failed' : 'Succeeded',
    }));
  }
  if (problem) console.error(`smoke test failed: ${problem}`);
  return { hookStatus: problem ? 'FAILED' : 'SUCCEEDED' };
}
