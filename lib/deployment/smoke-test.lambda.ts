/**
 * The built-in smoke test of blue/green deployments (bundled into assets/smoke-test by
 * `npm run bundle`). It requests the service through the platform's test listener, which
 * routes to green, at the load balancer's private addresses, and reports the result:
 * to CodeDeploy for CodeDeploy deployments, as the hook status for ECS-native ones.
 */
import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import * as http from 'node:http';
import * as https from 'node:https';

interface CodeDeployHookEvent {
  readonly DeploymentId?: string;
  readonly LifecycleEventHookExecutionId?: string;
}

const env = process.env;
const ec2 = new EC2Client({});
const codedeploy = new CodeDeployClient({});

/** The private addresses of the load balancer's nodes. */
async function loadBalancerAddresses(): Promise<string[]> {
  const out = await ec2.send(new DescribeNetworkInterfacesCommand({
    Filters: [{ Name: 'description', Values: [`ELB ${env.LOAD_BALANCER_NAME}`] }],
  }));
  return (out.NetworkInterfaces ?? []).map((n) => n.PrivateIpAddress).filter((ip): ip is string => !!ip);
}

function request(address: string): Promise<number> {
  const client = env.PROTOCOL === 'https' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request({
      host: address,
      port: Number(env.PORT),
      path: env.PATH,
      method: 'GET',
      timeout: 5000,
      headers: env.HOST ? { host: env.HOST } : {},
      // Addressed by IP: the name in the certificate cannot match, and TLS is not what is tested.
      rejectUnauthorized: false,
      servername: env.HOST || undefined,
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
export function passes(status: number, expected: string | undefined): boolean {
  const codes = (expected ?? '').split(',').filter((c) => c !== '').map(Number);
  return codes.length > 0 ? codes.includes(status) : status >= 200 && status < 500;
}

async function smokeTest(): Promise<string | undefined> {
  const attempts = Number(env.ATTEMPTS ?? '5');
  let problem = 'no attempt was made';
  for (let i = 1; i <= attempts; i++) {
    try {
      const addresses = await loadBalancerAddresses();
      if (addresses.length === 0) throw new Error(`no network interfaces found for ${env.LOAD_BALANCER_NAME}`);
      const status = await request(addresses[i % addresses.length]);
      if (passes(status, env.EXPECTED_STATUS)) {
        console.log(`attempt ${i}: ${env.PATH} answered ${status}: pass`);
        return undefined;
      }
      problem = `${env.PATH} answered ${status}, expected ${env.EXPECTED_STATUS || 'a status below 500'}`;
    } catch (e) {
      problem = e instanceof Error ? e.message : String(e);
    }
    console.log(`attempt ${i}/${attempts}: ${problem}`);
    if (i < attempts) await new Promise((r) => setTimeout(r, 5000));
  }
  return problem;
}

export async function handler(event: CodeDeployHookEvent): Promise<{ hookStatus: string }> {
  const problem = await smokeTest();
  const status = problem ? 'Failed' : 'Succeeded';
  if (event.DeploymentId && event.LifecycleEventHookExecutionId) {
    await codedeploy.send(new PutLifecycleEventHookExecutionStatusCommand({
      deploymentId: event.DeploymentId,
      lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
      status,
    }));
  }
  if (problem) console.error(`smoke test failed: ${problem}`);
  return { hookStatus: problem ? 'FAILED' : 'SUCCEEDED' };
}
