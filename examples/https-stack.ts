import * as path from 'node:path';
import { Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { ContainerPlatform, Deployment, Routing, Source } from '../lib';

/**
 * The hosted zone of the example. Imported by attributes, so synthesis looks nothing up;
 * replace both with your public hosted zone (Route 53 console, or
 * `aws route53 list-hosted-zones-by-name --dns-name example.com`) to deploy.
 */
export const EXAMPLE_ZONE = { hostedZoneId: 'Z0EXAMPLE0ZONE0ID0000', zoneName: 'example.com' };

/**
 * A platform that serves HTTPS for its own domain: the platform requests the certificate of
 * example.com and *.example.com (validated through the hosted zone), listens on 443 with a
 * redirect from 80, and points example.com (Orders, routed by path) and catalog.example.com
 * (Catalog, routed by host) at its load balancer. Catalog also shows a task of more than one
 * container: persistent storage on the platform's EFS file system, a cache beside it and tracing.
 */
export class ExampleHttpsStack extends Stack {
  public readonly platform: ContainerPlatform;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', EXAMPLE_ZONE);
    this.platform = new ContainerPlatform(this, 'Platform', { domain: { zone, name: EXAMPLE_ZONE.zoneName } });

    const orders = this.platform.addService('Orders', {
      routing: Routing.path('/orders/*'),
      container: { port: 8080, healthCheckPath: '/orders/health', user: 'node', environment: { SERVICE_NAME: 'orders' } },
      deployment: Deployment.blueGreen(),
      source: Source.codeCommit({ initialCode: path.join(__dirname, 'app') }),
    });

    const catalog = this.platform.addService('Catalog', {
      routing: Routing.host(`catalog.${EXAMPLE_ZONE.zoneName}`),
      container: {
        // nginx-unprivileged listens on 8080, not 80 (https://github.com/nginx/docker-nginx-unprivileged#readme).
        port: 8080,
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine'),
        user: '101',
        cpu: 512,
        memoryMiB: 1024,
        environment: { SERVICE_NAME: 'catalog' },
      },
      deployment: Deployment.rolling(),
      // Files every task shares and that outlive them, through Catalog's own access point.
      storage: { path: '/data' },
      // A cache the container reaches on localhost:6379; it starts once the cache answers.
      sidecars: [{
        name: 'cache',
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/redis:7.4-alpine'),
        port: 6379,
        memoryMiB: 256,
        // The image's own non-root user (Control Tower's CT.ECS.PR.3 asks each container for one).
        user: 'redis',
        command: ['redis-server', '--save', '', '--appendonly', 'no'],
        healthCheck: { command: ['CMD', 'redis-cli', 'ping'] },
        appWaitsFor: ecs.ContainerDependencyCondition.HEALTHY,
      }],
      // Traces to X-Ray and metrics to CloudWatch through the AWS Distro for OpenTelemetry collector.
      tracing: true,
    });

    for (const service of [orders, catalog]) {
      Validations.of(service.taskDefinition).acknowledge({
        id: 'AwsSolutions::AwsSolutions-ECS2',
        reason: 'SERVICE_NAME is a public label, not a secret.',
      });
    }
  }
}
