import * as path from 'node:path';
import { Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ContainerPlatform, Deployment, Routing, Source, TrafficShift } from '../lib';

/**
 * The example platform: a VPC, cluster and shared load balancer, with two services
 * delivered blue/green by their own pipelines: Orders on a path, Catalog on a host.
 */
export class ExamplePlatformStack extends Stack {
  public readonly platform: ContainerPlatform;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.platform = new ContainerPlatform(this, 'Platform');
    const app = path.join(__dirname, 'app');

    const orders = this.platform.addService('Orders', {
      routing: Routing.path('/orders/*'),
      container: { port: 8080, cpu: 512, memoryMiB: 1024, healthCheckPath: '/orders/health', user: 'node', environment: { SERVICE_NAME: 'orders' } },
      deployment: Deployment.blueGreen({ traffic: TrafficShift.canary(10, Duration.minutes(5)) }),
      source: Source.codeCommit({ initialCode: app }),
      scaling: { minTasks: 2, maxTasks: 10, cpuPercent: 60, requestsPerTarget: 1000 },
    });

    const catalog = this.platform.addService('Catalog', {
      routing: Routing.host('catalog.example.com'),
      container: { port: 8080, healthCheckPath: '/health', user: 'node', environment: { SERVICE_NAME: 'catalog' } },
      deployment: Deployment.blueGreen(),
      source: Source.codeCommit({ initialCode: app }),
    });

    // Plain environment variables are for configuration that is not secret; secrets go
    // through `container.secrets` (Secrets Manager or SSM Parameter Store).
    for (const service of [orders, catalog]) {
      Validations.of(service.taskDefinition).acknowledge({
        id: 'AwsSolutions::AwsSolutions-ECS2',
        reason: 'SERVICE_NAME is a public label, not a secret.',
      });
    }
  }
}
