import { Duration, Stack } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { EXAMPLE_ENV } from '../../examples/env';
import { ContainerPlatform, Deployment, EventTrigger, PlatformAlerts, Routing, ISharedLoadBalancer, Source, TrafficShift } from '../../lib';
import { newApp } from '../util';

/**
 * A platform of 100 services, each with a CodeCommit pipeline: 40 blue/green through CodeDeploy
 * (half of them with a manual approval, which adds a render step), 30 ECS-native blue/green and
 * 30 rolling, on two load balancers; and 4 workers, 4 scheduled jobs and 4 event tasks with
 * pipelines of their own. Every kind that adds to what the platform shares (the service
 * provider's roles, the load balancers, the key, the topics) is there.
 */
export function hundredServices(outdir: string): string {
  const app = newApp({ outdir });
  const stack = new Stack(app, 'Scale', { env: EXAMPLE_ENV });
  const platform = new ContainerPlatform(stack, 'Platform');
  const second = platform.addLoadBalancer('LoadBalancer2');
  new PlatformAlerts(stack, 'Alerts', { platform });
  const service = (i: number, deployment: Deployment, loadBalancer: ISharedLoadBalancer, approval = false) => platform.addService(`Svc${i}`, {
    routing: Routing.path(`/svc-${i}/*`),
    container: { port: 8080, healthCheckPath: `/svc-${i}/health` },
    deployment,
    source: Source.codeCommit(),
    pipeline: approval ? { approval: { emails: ['release@example.com'] } } : undefined,
    loadBalancer,
  });
  // 50 blue/green services fill a load balancer's 100 target groups and rules; the rest share the second.
  const canary = Deployment.blueGreen({ traffic: TrafficShift.canary(10, Duration.minutes(5)) });
  for (let i = 1; i <= 40; i++) service(i, canary, i <= 25 ? platform.defaultLoadBalancer : second, i % 2 === 0);
  for (let i = 41; i <= 70; i++) service(i, Deployment.ecsBlueGreen(), i <= 65 ? platform.defaultLoadBalancer : second);
  for (let i = 71; i <= 100; i++) service(i, Deployment.rolling(), second);
  addWorkloads(platform);
  return app.synth().directory;
}

function addWorkloads(platform: ContainerPlatform): void {
  for (let i = 1; i <= 4; i++) {
    platform.addWorker(`Worker${i}`, { source: Source.codeCommit() });
    platform.addScheduledJob(`Job${i}`, { schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: String(i) }), source: Source.codeCommit() });
    platform.addEventTask(`Task${i}`, {
      trigger: EventTrigger.fromJson(JSON.stringify({ 'source': ['aws.iam'], 'detail-type': ['AWS API Call via CloudTrail'] })),
      source: Source.codeCommit(),
    });
  }
}

