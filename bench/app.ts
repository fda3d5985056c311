// The benchmark app of `npm run bench`: this library's platform with N services, each the
// same as a service of the hand-written baseline (bench/baseline/baseline-stack.ts):
// blue/green through CodeDeploy, a CodeCommit -> CodeBuild -> CodeDeploy pipeline and the
// path `/svc-i/*` on the shared load balancer. N comes from the context key `services`.
// scripts/bench.mjs compiles it (and lib/) to JavaScript with TypeScript and runs it with the
// CLI's context in CDK_CONTEXT_JSON, as it runs bench/baseline/app.ts.
import { App, Stack } from 'aws-cdk-lib';
import { ContainerPlatform, Deployment, Routing, Source } from '../lib';

const app = new App();

const raw = app.node.tryGetContext('services') ?? 1;
const services = Number(raw);
if (!Number.isInteger(services) || services < 1) {
  throw new Error(`context "services" must be a positive integer, got: ${raw}`);
}

// Env-specific (the platform needs a region); cdk.json holds this region's availability zones.
const stack = new Stack(app, 'BenchPlatform', { env: { account: '111111111111', region: 'eu-west-1' } });
const platform = new ContainerPlatform(stack, 'Platform');
// An Application Load Balancer takes 50 blue/green services (100 target groups): add one per 50.
const loadBalancers = [platform.defaultLoadBalancer];
for (let i = 1; i <= services; i++) {
  const index = Math.floor((i - 1) / 50);
  loadBalancers[index] ??= platform.addLoadBalancer(`LoadBalancer${index + 1}`);
  platform.addService(`Svc${i}`, {
    routing: Routing.path(`/svc-${i}/*`),
    // Under the route, where the blue/green smoke test can reach it through the test listener.
    container: { healthCheckPath: `/svc-${i}/health` },
    deployment: Deployment.blueGreen(),
    source: Source.codeCommit(),
    loadBalancer: loadBalancers[index],
  });
}
