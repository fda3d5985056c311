import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Deployment, Routing } from '../../lib';
import { errorOf, newPlatform } from '../util';

/**
 * The quotas of one Application Load Balancer that its services can exhaust, counted at synth:
 * 100 rules (every listener's, default rules excluded), 100 target groups and 1,000 targets.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 */

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27');
const FIX = "Fix: add a load balancer with platform.addLoadBalancer('LoadBalancer2') and pass it as the `loadBalancer` of ";

describe('targets per load balancer', () => {
  test('a rolling service may have up to maxTasks x maximum percent targets: 600 and 400 fit in 1,000', () => {
    // GIVEN / WHEN
    const { platform } = newPlatform({ nestedServiceStacks: false });
    platform.addService('Orders', { routing: Routing.path('/orders/*'), container: { image }, scaling: { maxTasks: 600 }, deployment: Deployment.allAtOnce() });
    // THEN
    expect(() => platform.addService('Catalog', { routing: Routing.path('/catalog/*'), container: { image }, scaling: { maxTasks: 400 }, deployment: Deployment.allAtOnce() }))
      .not.toThrow();
  });

  test('a service whose targets would exceed 1,000 fails, naming it and the fix', () => {
    // GIVEN 600 targets on the load balancer
    const { platform } = newPlatform({ nestedServiceStacks: false });
    platform.addService('Orders', { routing: Routing.path('/orders/*'), container: { image }, scaling: { maxTasks: 600 }, deployment: Deployment.allAtOnce() });
    // WHEN a rolling service of up to 300 tasks, 150 % during a deployment (450 targets), is added
    const message = errorOf(() => platform.addService('Catalog', {
      routing: Routing.path('/catalog/*'), container: { image }, scaling: { maxTasks: 300 }, deployment: Deployment.rollingWithAdditionalBatch(),
    }));
    // THEN
    expect(message).toBe('[Test/Platform/Catalog] 1 invalid prop:\n'
      + '  - loadBalancer: received "Test/Platform/LoadBalancer"; allowed: a load balancer with room for 450 more targets (scaling.maxTasks 300 at 150 % during a deployment): '
      + 'it has 600 of the 1000 targets an Application Load Balancer holds. '
      + `${FIX}Catalog and the services after it, or lower scaling.maxTasks.`);
  });

  test('a blue/green service counts blue and green at full size: 501 tasks are 1,002 targets', () => {
    // GIVEN / WHEN
    const { platform } = newPlatform({ nestedServiceStacks: false });
    const message = errorOf(() => platform.addService('Orders', {
      routing: Routing.path('/orders/*'), container: { image }, scaling: { maxTasks: 501 }, deployment: Deployment.blueGreen({ smokeTest: { enabled: false } }),
    }));
    // THEN
    expect(message).toContain('allowed: a load balancer with room for 1002 more targets (scaling.maxTasks 501 at 200 % during a deployment)');
  });
});

describe('rules per load balancer', () => {
  test('50 blue/green services use its 100 rules (production and test listeners together); the 51st fails', () => {
    // GIVEN 50 blue/green services (2 rules and 2 target groups each)
    const { platform } = newPlatform({ nestedServiceStacks: false });
    for (let i = 1; i <= 50; i++) {
      platform.addService(`Svc${i}`, { routing: Routing.path(`/svc-${i}/*`), container: { image }, scaling: { minTasks: 1, maxTasks: 1 }, deployment: Deployment.blueGreen({ smokeTest: { enabled: false } }) });
    }
    // WHEN a 51st is added
    const message = errorOf(() => platform.addService('Svc51', {
      routing: Routing.path('/svc-51/*'), container: { image }, scaling: { minTasks: 1, maxTasks: 1 }, deployment: Deployment.blueGreen({ smokeTest: { enabled: false } }),
    }));
    // THEN
    expect(message).toBe('[Test/Platform/Svc51] 1 invalid prop:\n'
      + '  - loadBalancer: received "Test/Platform/LoadBalancer"; allowed: a load balancer with room for 2 more rules (a production and a test listener rule) '
      + 'and 2 more target groups: it has 100 of the 100 rules an Application Load Balancer holds (every listener\'s, default rules excluded) '
      + 'and 100 of the 100 target groups an Application Load Balancer holds. '
      + `${FIX}Svc51 and the services after it.`);
  });
});
