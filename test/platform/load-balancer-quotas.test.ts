import { Annotations, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Deployment, Routing } from '../../lib';
import { expectSynthWarnings } from '../synth-warnings';
import { errorOf, newPlatform, newStack, warningsOf } from '../util';

// The HTTPS platform with 62 rules is synthesized: its warning is in the report.
expectSynthWarnings('cdk-container-platform:load-balancer-rules');

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
      + '  - loadBalancer: received "Test/Platform/LoadBalancer"; allowed: a load balancer with room for 450 more targets (300 tasks at most, scaling.maxTasks or a scaling schedule\'s, at 150 % during a deployment): '
      + 'it has 600 of the 1000 targets an Application Load Balancer holds. '
      + `${FIX}Catalog and the services after it, or lower scaling.maxTasks (and the schedules' maxTasks).`);
  });

  test('a scaling schedule that allows more tasks than scaling.maxTasks counts with its maximum', () => {
    // GIVEN an immutable (200 %) service of at most 10 tasks, whose schedule allows 600 for a sale
    const { platform } = newPlatform();
    const schedule = appscaling.Schedule.cron({ hour: '8', minute: '0' });
    // WHEN / THEN 600 tasks at 200 % are 1,200 targets: more than the load balancer holds
    expect(errorOf(() => platform.addService('Sale', {
      routing: Routing.path('/sale/*'), deployment: Deployment.immutable(), scaling: { maxTasks: 10, schedules: [{ id: 'Sale', schedule, minTasks: 300, maxTasks: 600 }] },
    }))).toContain('room for 1200 more targets (600 tasks at most, scaling.maxTasks or a scaling schedule\'s, at 200 % during a deployment)');
  });

  test('a blue/green service counts blue and green at full size: 501 tasks are 1,002 targets', () => {
    // GIVEN / WHEN
    const { platform } = newPlatform({ nestedServiceStacks: false });
    const message = errorOf(() => platform.addService('Orders', {
      routing: Routing.path('/orders/*'), container: { image }, scaling: { maxTasks: 501 }, deployment: Deployment.blueGreen({ smokeTest: { enabled: false } }),
    }));
    // THEN
    expect(message).toContain('allowed: a load balancer with room for 1002 more targets (501 tasks at most, scaling.maxTasks or a scaling schedule\'s, at 200 % during a deployment)');
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

/**
 * A load balancer's security group holds an inbound rule for each allowed block and listener port,
 * and AWS allows 60 a security group for each IP version unless the account's quota was raised.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
 */
describe('inbound rules of the load balancers\' security group', () => {
  const RULES = 'cdk-container-platform:load-balancer-rules';
  /** `n` distinct IPv4 blocks. */
  const blocks = (n: number): string[] => Array.from({ length: n }, (_, i) => `198.51.${i}.0/24`);

  test('59 blocks over HTTP fit, with the smoke tests\' rule: 60 rules', () => {
    // GIVEN / WHEN
    const { platform } = newPlatform({ allowedCidrs: blocks(59) });
    // THEN the group holds every rule, and nothing is said
    expect(warningsOf(platform, RULES)).toEqual([]);
  });

  test('31 blocks with HTTPS are 62 rules (the redirect\'s port too), 63 with the smoke tests\': a warning that says how many and what to do', () => {
    // GIVEN / WHEN a block listed twice, which is one rule
    const stack = newStack();
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:eu-west-1:111111111111:certificate/abc');
    const { platform } = newPlatform({ certificate, allowedCidrs: [...blocks(31), '198.51.0.0/24'] }, stack);
    // THEN
    expect(warningsOf(platform, RULES)).toEqual([
      `each load balancer's security group would hold 63 inbound IPv4 rules (allowedCidrs: 31 IPv4 blocks on 2 listener ports; testListenerAllowedCidrs: 0; the smoke tests: 1), `
      + 'and AWS allows 60 for each IP version unless the quota "Inbound or outbound rules per security group" was raised for the account: '
      + 'CloudFormation would fail to add the rest. List fewer, wider blocks, or raise the quota and acknowledge this warning. '
      + `[ack: ${RULES}]`,
    ]);
    // AND the template holds the blocks' rules, as the warning counted (no blue/green service yet: no smoke tests)
    const group = Object.values<any>(Template.fromStack(Stack.of(platform)).findResources('AWS::EC2::SecurityGroup'))
      .find((g) => String(g.Properties.GroupDescription).startsWith('Load balancer'));
    expect(group.Properties.SecurityGroupIngress).toHaveLength(62);
  });

  test('the test listener\'s blocks count too: 59 allowed and 1 test block are 61 rules with the smoke tests\'', () => {
    // GIVEN / WHEN
    const { platform } = newPlatform({ allowedCidrs: blocks(59), testListenerAllowedCidrs: ['10.0.0.0/8'] });
    // THEN
    expect(warningsOf(platform, RULES)).toHaveLength(1);
    expect(warningsOf(platform, RULES)[0]).toContain('61 inbound IPv4 rules (allowedCidrs: 59 IPv4 blocks on 1 listener port; testListenerAllowedCidrs: 1; the smoke tests: 1)');
  });

  test('an account with a raised quota acknowledges the warning', () => {
    // GIVEN 60 blocks over HTTP: 61 rules with the smoke tests'
    const { platform } = newPlatform({ allowedCidrs: blocks(60) });
    expect(warningsOf(platform, RULES)).toHaveLength(1);
    // WHEN
    Annotations.of(platform).acknowledgeWarning(RULES, 'the account may hold 200 rules a security group');
    // THEN
    expect(warningsOf(platform, RULES)).toEqual([]);
  });
});
