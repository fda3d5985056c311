import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Deployment, Microservice, Routing, TrafficShift } from '../../lib';
import { MAX_LISTENERS_PER_NETWORK_LOAD_BALANCER } from '../../lib/foundation/network-room';
import { PlatformContext } from '../../lib/foundation/platform-context';
import { Problems } from '../../lib/private/errors';
import { checkCompliance, describeFindings } from '../compliance';
import { expectSynthWarnings } from '../synth-warnings';
import { errorOf, newPlatform, newStack, templateOf, warningsOf } from '../util';
import { IMAGE, onlyProperties, serviceTemplate } from './helpers';

// A platform whose Network Load Balancer's security group holds 61 rules is synthesized.
expectSynthWarnings('cdk-container-platform:load-balancer-rules');

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/0e8f2a36-1c9b-4c1e-9d55-3f1a2b3c4d5e';

/** The resources of `type` whose properties match `props`. */
function resources(template: Template, type: string, props: object = {}): any[] {
  return Object.values(template.findResources(type, { Properties: Match.objectLike(props) }));
}

/** The error of adding service `id` to a new platform with `options` (routing: Routing.tcp(5432) unless given). */
function tcpError(options: Record<string, unknown>, id = 'Ledger'): string {
  const { platform } = newPlatform();
  return errorOf(() => platform.addService(id, { routing: Routing.tcp(5432), container: { port: 5432, image: IMAGE }, ...options } as any));
}

describe('a TCP service (Routing.tcp)', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN / WHEN a service on TCP 5432
    template = serviceTemplate({ routing: Routing.tcp(5432), container: { port: 5432, image: IMAGE } }, {}, newStack(), 'Ledger').template;
  });

  test('gets the platform\'s internal, cross-zone Network Load Balancer with a security group and access logs', () => {
    const nlbs = resources(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' });
    expect(nlbs).toHaveLength(1);
    const nlb = nlbs[0].Properties;
    expect(nlb.Scheme).toBe('internal');
    expect(nlb.SecurityGroups).toHaveLength(1);
    expect(nlb.LoadBalancerAttributes).toEqual(expect.arrayContaining([
      { Key: 'load_balancing.cross_zone.enabled', Value: 'true' },
      { Key: 'deletion_protection.enabled', Value: 'false' },
      { Key: 'access_logs.s3.enabled', Value: 'true' },
      { Key: 'access_logs.s3.prefix', Value: 'nlb' },
    ]));
    // in the private (service) subnets, not the public ones the ALB uses
    expect(JSON.stringify(nlb.Subnets)).toContain('Private');
  });

  test('no HTTP alarms: unhealthy hosts in AWS/NetworkELB on its target group, which a deployment rolls back on', () => {
    const names = resources(template, 'AWS::CloudWatch::Alarm').map((a) => a.Properties.AlarmName).sort();
    expect(names).toEqual(['Test-Ledger-CpuHigh', 'Test-Ledger-MemoryHigh', 'Test-Ledger-UnhealthyHosts']);
    const unhealthy = resources(template, 'AWS::CloudWatch::Alarm', { AlarmName: 'Test-Ledger-UnhealthyHosts' })[0].Properties;
    expect(unhealthy).toMatchObject({ Namespace: 'AWS/NetworkELB', MetricName: 'UnHealthyHostCount', Statistic: 'Maximum', Threshold: 1 });
    expect(unhealthy.Dimensions.map((d: any) => d.Name)).toEqual(['LoadBalancer', 'TargetGroup']);
    const service = onlyProperties(template, 'Custom::EcsService');
    expect(service.DeploymentConfiguration.Alarms).toEqual({ AlarmNames: ['Test-Ledger-UnhealthyHosts'], Enable: true, Rollback: true });
  });

  test('rolls out with the ECS controller and its circuit breaker, registered in the TCP target group after the listener exists', () => {
    const services = Object.values(template.findResources('Custom::EcsService')) as any[];
    expect(services).toHaveLength(1);
    const service = services[0];
    expect(service.Properties.DeploymentController).toEqual({ Type: 'ECS' });
    expect(service.Properties.DeploymentConfiguration.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
    const [groupId] = Object.keys(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup', { Properties: { Protocol: 'TCP' } }));
    expect(service.Properties.LoadBalancers).toEqual([{ ContainerName: 'app', ContainerPort: 5432, TargetGroupArn: { Ref: groupId } }]);
    // ECS refuses a target group that no load balancer uses yet: the service comes after the listener
    const [listenerId] = Object.keys(template.findResources('AWS::ElasticLoadBalancingV2::Listener', { Properties: { Protocol: 'TCP' } }));
    expect(service.DependsOn).toContain(listenerId);
  });

  test('the load balancer admits the VPC on the listener port only; the tasks admit the load balancer on the container port only', () => {
    const nlbGroup = resources(template, 'AWS::EC2::SecurityGroup', { GroupDescription: 'Network load balancer Test/Platform/NetworkLoadBalancer' });
    expect(nlbGroup).toHaveLength(1);
    expect(nlbGroup[0].Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({ CidrIp: { 'Fn::GetAtt': [expect.stringMatching(/^PlatformVpc/), 'CidrBlock'] }, FromPort: 5432, ToPort: 5432, IpProtocol: 'tcp' }),
    ]);
    const [nlbGroupId] = Object.keys(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'Network load balancer Test/Platform/NetworkLoadBalancer' } }));
    const taskIngress = resources(template, 'AWS::EC2::SecurityGroupIngress', { GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LedgerSecurityGroup'), 'GroupId'] } });
    expect(taskIngress).toHaveLength(1);
    expect(taskIngress[0].Properties).toMatchObject({ FromPort: 5432, ToPort: 5432, IpProtocol: 'tcp' });
    // the nested service stack receives the load balancer's group as a parameter
    expect(JSON.stringify(taskIngress[0].Properties.SourceSecurityGroupId)).toMatch(/NetworkLoadBalancerSecurityGroup/);
    expect(nlbGroupId).toMatch(/^PlatformNetworkLoadBalancerSecurityGroup/);
  });

  test('the dashboard graphs healthy and unhealthy targets, not HTTP metrics', () => {
    const body = JSON.stringify(onlyProperties(template, 'AWS::CloudWatch::Dashboard').DashboardBody);
    expect(body).toContain('HealthyHostCount');
    expect(body).toContain('AWS/NetworkELB');
    expect(body).not.toContain('TargetResponseTime');
    expect(body).not.toContain('HTTPCode_Target_5XX_Count');
  });

  test('exposes its network parts; none of the Application Load Balancer\'s', () => {
    const { service } = serviceTemplate({ routing: Routing.tcp(5432), container: { port: 5432, image: IMAGE } }, {}, newStack(), 'Ledger');
    expect(service.networkTargetGroup).toBeDefined();
    expect(service.networkListener?.node.path).toBe('Test/Platform/LedgerStack/Ledger/Listener');
    expect(service.networkLoadBalancer?.node.path).toBe('Test/Platform/NetworkLoadBalancer/Resource');
    const albParts = [service.targetGroup, service.productionRule, service.rulePriority, service.loadBalancer, service.healthCheckPath];
    expect(albParts).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(service.targetGroups).toEqual([]);
  });
});

describe('resources of a TCP service', () => {
  test('listener on the routing port, target group on the container port, TCP health check with the health options', () => {
    const { template } = serviceTemplate({
      routing: Routing.tcp(5432), container: { port: 6000, image: IMAGE },
      health: {
        interval: Duration.seconds(30), timeout: Duration.seconds(10), healthyThresholdCount: 3, unhealthyThresholdCount: 4,
        deregistrationDelay: Duration.seconds(40),
      },
    }, {}, newStack(), 'Ledger');
    const listeners = resources(template, 'AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'TCP' });
    expect(listeners).toHaveLength(1);
    expect(listeners[0].Properties).toMatchObject({ Port: 5432, Protocol: 'TCP' });
    expect(listeners[0].Properties.Certificates).toBeUndefined();
    const groups = resources(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', { Protocol: 'TCP' });
    expect(groups).toHaveLength(1);
    expect(groups[0].Properties).toMatchObject({
      Port: 6000, Protocol: 'TCP', TargetType: 'ip', HealthCheckProtocol: 'TCP',
      HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 10, HealthyThresholdCount: 3, UnhealthyThresholdCount: 4,
    });
    expect(groups[0].Properties.HealthCheckPath).toBeUndefined();
    expect(groups[0].Properties.Matcher).toBeUndefined();
    expect(groups[0].Properties.TargetGroupAttributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: '40' });
    expect(listeners[0].Properties.DefaultActions).toEqual([{ Type: 'forward', TargetGroupArn: { Ref: Object.keys(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup', { Properties: { Protocol: 'TCP' } }))[0] } }]);
  });

  test('an HTTP health check on the path given as httpHealthCheckPath', () => {
    const { template } = serviceTemplate({ routing: Routing.tcp(5432, { httpHealthCheckPath: '/health' }), container: { port: 5432, image: IMAGE } }, {}, newStack(), 'Ledger');
    const group = resources(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', { Protocol: 'TCP' })[0].Properties;
    expect(group).toMatchObject({ HealthCheckProtocol: 'HTTP', HealthCheckPath: '/health', Matcher: { HttpCode: '200-399' } });
  });

  test('TLS on request: a TLS listener with the certificate and a TLS 1.3 policy, TCP to the tasks', () => {
    const stack = newStack();
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
    const { template } = serviceTemplate({ routing: Routing.tcp(8883, { tls: { certificate } }), container: { port: 1883, image: IMAGE } }, {}, stack, 'Broker');
    const listener = resources(template, 'AWS::ElasticLoadBalancingV2::Listener', { Port: 8883 })[0].Properties;
    expect(listener).toMatchObject({ Protocol: 'TLS', Certificates: [{ CertificateArn: CERTIFICATE_ARN }], SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09' });
    expect(resources(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', { Protocol: 'TCP' })[0].Properties.Port).toBe(1883);
  });

  test('allowedCidrs open the listener port to those blocks only', () => {
    const { template } = serviceTemplate({ routing: Routing.tcp(5432, { allowedCidrs: ['10.20.0.0/16', '192.0.2.0/24'] }), container: { port: 5432, image: IMAGE } }, {}, newStack(), 'Ledger');
    const group = resources(template, 'AWS::EC2::SecurityGroup', { GroupDescription: 'Network load balancer Test/Platform/NetworkLoadBalancer' })[0].Properties;
    expect(group.SecurityGroupIngress.map((r: any) => [r.CidrIp ?? r.CidrIpv6, r.FromPort, r.ToPort])).toEqual([['10.20.0.0/16', 5432, 5432], ['192.0.2.0/24', 5432, 5432]]);
  });

  test('two TCP services share one Network Load Balancer, a listener each', () => {
    const { stack, platform } = newPlatform();
    platform.addService('Ledger', { routing: Routing.tcp(5432), container: { port: 5432, image: IMAGE } });
    platform.addService('Cache', { routing: Routing.tcp(6379), container: { port: 6379, image: IMAGE } });
    const template = templateOf(stack);
    expect(resources(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' })).toHaveLength(1);
    expect(resources(template, 'AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'TCP' }).map((l) => l.Properties.Port).sort()).toEqual([5432, 6379]);
  });

  test('a platform without TCP services has no Network Load Balancer', () => {
    const { template } = serviceTemplate({ container: { image: IMAGE } });
    expect(resources(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' })).toHaveLength(0);
    expect(resources(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')).toHaveLength(1);
  });

  test('the platform\'s deletionProtection protects the Network Load Balancer too', () => {
    const { template } = serviceTemplate({ routing: Routing.tcp(5432), container: { port: 5432, image: IMAGE } }, { deletionProtection: true }, newStack(), 'Ledger');
    const nlb = resources(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' })[0].Properties;
    expect(nlb.LoadBalancerAttributes).toContainEqual({ Key: 'deletion_protection.enabled', Value: 'true' });
  });

  test('with HTTP services beside it, each keeps its own load balancer', () => {
    const { stack, platform } = newPlatform();
    const orders = platform.addService('Orders', { routing: Routing.path('/orders/*'), container: { image: IMAGE } });
    platform.addService('Ledger', { routing: Routing.tcp(5432), container: { port: 5432, image: IMAGE } });
    const template = templateOf(stack);
    expect(orders.targetGroup).toBeDefined();
    expect(resources(template, 'AWS::ElasticLoadBalancingV2::ListenerRule')).toHaveLength(1);
    expect(resources(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')).toHaveLength(2);
  });
});

describe('an internet-facing TCP service (Routing.tcp with internetFacing)', () => {
  let template: Template;
  let service: Microservice;
  beforeAll(() => {
    // GIVEN / WHEN a service on TCP 8883 of the internet-facing load balancer
    const { stack, platform } = newPlatform();
    service = platform.addService('Broker', { routing: Routing.tcp(8883, { internetFacing: true }), container: { port: 1883, image: IMAGE } });
    template = templateOf(stack);
  });

  test('gets the platform\'s internet-facing Network Load Balancer, in the public subnets, with its own access-log prefix', () => {
    const nlbs = resources(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' });
    expect(nlbs).toHaveLength(1);
    const nlb = nlbs[0].Properties;
    expect(nlb.Scheme).toBe('internet-facing');
    expect(JSON.stringify(nlb.Subnets)).toContain('Public');
    expect(JSON.stringify(nlb.Subnets)).not.toContain('Private');
    expect(nlb.LoadBalancerAttributes).toEqual(expect.arrayContaining([
      { Key: 'load_balancing.cross_zone.enabled', Value: 'true' },
      { Key: 'access_logs.s3.prefix', Value: 'nlb-public' },
    ]));
    expect(service.networkLoadBalancer!.node.path).toBe('Test/Platform/PublicNetworkLoadBalancer/Resource');
  });

  test('admits any IPv4 address on the listener port only; the tasks admit the load balancer on the container port only', () => {
    const group = resources(template, 'AWS::EC2::SecurityGroup', { GroupDescription: 'Network load balancer Test/Platform/PublicNetworkLoadBalancer' })[0].Properties;
    expect(group.SecurityGroupIngress.map((r: any) => [r.CidrIp ?? r.CidrIpv6, r.FromPort, r.ToPort])).toEqual([['0.0.0.0/0', 8883, 8883]]);
    const tasks = resources(template, 'AWS::EC2::SecurityGroupIngress', { FromPort: 1883 });
    expect(tasks).toHaveLength(1);
    expect(tasks[0].Properties.SourceSecurityGroupId).toEqual({ Ref: expect.stringMatching(/PublicNetworkLoadBalancerSecurityGroup/) });
  });

  test('its DNS name is an output that says it is internet-facing', () => {
    const outputs = Object.values(template.findOutputs('*')).map((o: any) => o.Description);
    expect(outputs).toContain('Internet-facing network load balancer Test/Platform/PublicNetworkLoadBalancer; TCP services: Broker');
  });

  test('allowedCidrs narrow who may connect', () => {
    const { stack, platform } = newPlatform();
    platform.addService('Broker', { routing: Routing.tcp(8883, { internetFacing: true, allowedCidrs: ['203.0.113.0/24'] }), container: { image: IMAGE } });
    const group = resources(templateOf(stack), 'AWS::EC2::SecurityGroup', { GroupDescription: 'Network load balancer Test/Platform/PublicNetworkLoadBalancer' })[0].Properties;
    expect(group.SecurityGroupIngress.map((r: any) => [r.CidrIp, r.FromPort])).toEqual([['203.0.113.0/24', 8883]]);
  });

  test('internal and internet-facing services get a load balancer each, and each load balancer has its own ports', () => {
    // GIVEN a platform with an internal and an internet-facing service on the same port
    const { stack, platform } = newPlatform();
    const ledger = platform.addService('Ledger', { routing: Routing.tcp(5432), container: { image: IMAGE } });
    const replica = platform.addService('Replica', { routing: Routing.tcp(5432, { internetFacing: true }), container: { image: IMAGE } });
    // THEN two load balancers, one of each scheme
    const schemes = resources(templateOf(stack), 'AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' }).map((r) => r.Properties.Scheme).sort();
    expect(schemes).toEqual(['internal', 'internet-facing']);
    expect(ledger.networkLoadBalancer).not.toBe(replica.networkLoadBalancer);
    // and a second internet-facing service on that port is refused, naming the internet-facing load balancer
    const message = errorOf(() => platform.addService('Audit', { routing: Routing.tcp(5432, { internetFacing: true }), container: { image: IMAGE } }));
    expect(message).toContain("routing.port: received 5432; allowed: a port no other listener of the platform's internet-facing Network Load Balancer (Test/Platform) has (Test/Platform/ReplicaStack/Replica listens on 5432");
  });

  test('blue/green: the test listener is on the same load balancer, and only the smoke test may reach it', () => {
    const { stack, platform } = newPlatform();
    platform.addService('Broker', { routing: Routing.tcp(8883, { internetFacing: true, testPort: 18883 }), container: { image: IMAGE }, deployment: Deployment.blueGreen() });
    const t = templateOf(stack);
    const listeners = resources(t, 'AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'TCP' });
    expect(listeners.map((l) => l.Properties.Port).sort()).toEqual([18883, 8883]);
    for (const l of listeners) expect(l.Properties.LoadBalancerArn).toEqual({ Ref: expect.stringMatching(/PublicNetworkLoadBalancer/) });
    const group = resources(t, 'AWS::EC2::SecurityGroup', { GroupDescription: 'Network load balancer Test/Platform/PublicNetworkLoadBalancer' })[0].Properties;
    expect(group.SecurityGroupIngress.map((r: any) => r.FromPort)).toEqual([8883]);
    const testIngress = resources(t, 'AWS::EC2::SecurityGroupIngress', { FromPort: 18883 });
    expect(testIngress).toHaveLength(1);
    expect(testIngress[0].Properties.SourceSecurityGroupId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PlatformSmokeTestSecurityGroup/), 'GroupId'] });
    const testEgress = resources(t, 'AWS::EC2::SecurityGroupEgress', { FromPort: 18883 });
    expect(testEgress).toHaveLength(1);
    expect(testEgress[0].Properties.DestinationSecurityGroupId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PlatformPublicNetworkLoadBalancerSecurityGroup/), 'GroupId'] });
  });
});

describe('validation of a TCP service', () => {
  test.each([[0], [65536], [80.5], [-1]])('port %p is refused', (port) => {
    const message = errorOf(() => newPlatform().platform.addService('Ledger', { routing: Routing.tcp(port), container: { image: IMAGE } }));
    expect(message).toContain('[Test/Platform/LedgerStack/Ledger]');
    expect(message).toContain(`routing.port: received ${port}; allowed: an integer from 1 to 65535. Fix: use the port clients connect to, from 1 to 65535, such as Routing.tcp(5432).`);
  });

  test('a port given as a token is refused: the platform checks that ports differ', () => {
    const { platform } = newPlatform();
    const port = Token.asNumber({ Ref: 'Port' });
    expect(errorOf(() => platform.addService('Ledger', { routing: Routing.tcp(port), container: { image: IMAGE } })))
      .toContain('routing.port: received "(a token)"; allowed: a port known at synth');
  });

  test('two TCP services on one port are refused, naming the other', () => {
    const { platform } = newPlatform();
    platform.addService('Ledger', { routing: Routing.tcp(5432), container: { image: IMAGE } });
    const message = errorOf(() => platform.addService('Audit', { routing: Routing.tcp(5432), container: { image: IMAGE } }));
    expect(message).toContain('[Test/Platform/AuditStack/Audit]');
    expect(message).toContain("routing.port: received 5432; allowed: a port no other listener of the platform's internal Network Load Balancer (Test/Platform) has (Test/Platform/LedgerStack/Ledger listens on 5432");
    expect(message).toContain('Fix: give one of the services another Routing.tcp port');
  });

  test('TLS without a certificate is refused', () => {
    expect(tcpError({ routing: Routing.tcp(5432, { tls: {} as any }) }))
      .toContain('routing.tls.certificate: received undefined; allowed: an ACM certificate (a TLS listener presents one). Fix: pass tls: { certificate:');
  });

  test('an HTTP health-check path given as for HTTP services is refused, with the TCP way to say it', () => {
    const message = tcpError({ container: { port: 5432, image: IMAGE, healthCheckPath: '/health' } });
    expect(message).toContain("container.healthCheckPath: received \"/health\"; allowed: no container.healthCheckPath with Routing.tcp");
    expect(message).toContain("Fix: remove container.healthCheckPath; for an HTTP check on the Network Load Balancer use Routing.tcp(5432, { httpHealthCheckPath: '/health' })");
  });

  test('a bad httpHealthCheckPath is refused', () => {
    expect(tcpError({ routing: Routing.tcp(5432, { httpHealthCheckPath: 'health' }) }))
      .toContain("routing.httpHealthCheckPath: received \"health\"; allowed: a path of at most 1024 characters that starts with '/'");
  });

  test.each([
    [[], 'routing.allowedCidrs: received []; allowed: at least one CIDR block'],
    [['10.0.0.0'], 'routing.allowedCidrs[0]: received "10.0.0.0"; allowed: an IPv4 CIDR block such as 10.0.0.0/16'],
    [['10.0.0.0/16', '300.1.1.1/8'], 'routing.allowedCidrs[1]: received "300.1.1.1/8"; allowed: an IPv4 CIDR block such as 10.0.0.0/16'],
    [['10.0.0.0/33'], 'routing.allowedCidrs[0]: received "10.0.0.0/33"; allowed: an IPv4 CIDR block such as 10.0.0.0/16'],
  ])('allowedCidrs %p are refused', (allowedCidrs, expected) => {
    expect(tcpError({ routing: Routing.tcp(5432, { allowedCidrs }) })).toContain(expected);
  });

  test('an allowedCidrs block with host bits set is refused, naming the block', () => {
    expect(tcpError({ routing: Routing.tcp(5432, { allowedCidrs: ['10.0.0.1/8'] }) })).toContain(
      "routing.allowedCidrs[0]: received \"10.0.0.1/8\"; allowed: a network block, whose address has no bits set past its prefix (a security group rule takes no other). Fix: write the block '10.0.0.0/8', or '10.0.0.1/32' for that one address.");
  });

  // Both load balancers are IPv4-only (IpAddressType ipv4): an IPv6 rule would admit no client.
  test.each([false, true])('an IPv6 block in allowedCidrs is refused (internetFacing %p): the load balancer has IPv4 addresses only', (internetFacing) => {
    const message = tcpError({ routing: Routing.tcp(5432, { internetFacing, allowedCidrs: ['10.0.0.0/16', '2001:db8::/32'] }) });
    expect(message).toContain('routing.allowedCidrs[1]: received "2001:db8::/32"; allowed: an IPv4 CIDR block: the platform\'s Network Load Balancers have IPv4 addresses only, so no IPv6 client can connect');
    expect(message).toContain('Fix: remove the IPv6 block, and list the IPv4 blocks of those clients instead');
  });

  test.each([
    ['blueGreen', Deployment.blueGreen(), 'Deployment.blueGreen()'],
    ['ecsBlueGreen', Deployment.ecsBlueGreen(), 'Deployment.ecsBlueGreen()'],
  ])('Deployment.%s() without a testPort is refused, with a port to use', (_name, deployment, kind) => {
    const message = tcpError({ deployment });
    expect(message).toContain(`routing.testPort: received undefined; allowed: a test listener port with ${kind}: the new tasks (green) are reached there`);
    expect(message).toContain("Fix: pass Routing.tcp(5432, { testPort: 15432 }) with a port no other listener of the platform's Network Load Balancer uses");
  });

  test('a testPort with a rolling deployment is refused: it would be ignored', () => {
    expect(tcpError({ routing: Routing.tcp(5432, { testPort: 15432 }) }))
      .toContain('routing.testPort: received 15432; allowed: no testPort with a rolling deployment (only a blue/green deployment has a test listener). '
        + 'Fix: remove testPort, or deploy with Deployment.blueGreen() or Deployment.ecsBlueGreen()');
  });

  test.each([
    [0, 'routing.testPort: received 0; allowed: an integer from 1 to 65535'],
    [65536, 'routing.testPort: received 65536; allowed: an integer from 1 to 65535'],
    [15432.5, 'routing.testPort: received 15432.5; allowed: an integer from 1 to 65535'],
    [5432, "routing.testPort: received 5432; allowed: a port other than the service's port 5432 (the test and the production listener are two listeners)"],
  ])('testPort %p is refused', (testPort, expected) => {
    expect(tcpError({ routing: Routing.tcp(5432, { testPort }), deployment: Deployment.blueGreen() })).toContain(expected);
  });

  test("a testPort taken by another service's listener, or a port taken by another's test listener, is refused naming it", () => {
    const { platform } = newPlatform();
    platform.addService('Ledger', { routing: Routing.tcp(5432, { testPort: 15432 }), container: { image: IMAGE }, deployment: Deployment.blueGreen() });
    const onTest = errorOf(() => platform.addService('Audit', { routing: Routing.tcp(15432), container: { image: IMAGE } }));
    expect(onTest).toContain("routing.port: received 15432; allowed: a port no other listener of the platform's internal Network Load Balancer (Test/Platform) has (Test/Platform/LedgerStack/Ledger listens on 15432");
    const testOnProduction = errorOf(() => platform.addService('Cache', {
      routing: Routing.tcp(6379, { testPort: 5432 }), container: { image: IMAGE }, deployment: Deployment.ecsBlueGreen(),
    }));
    expect(testOnProduction).toContain("routing.testPort: received 5432; allowed: a port no other listener of the platform's internal Network Load Balancer (Test/Platform) has (Test/Platform/LedgerStack/Ledger listens on 5432");
    expect(testOnProduction).toContain('Fix: give one of the services another Routing.tcp port or testPort');
  });

  test.each([
    ['canary', TrafficShift.canary(10, Duration.minutes(5)), 'TrafficShift.canary(10, 5 minutes)'],
    ['linear', TrafficShift.linear(10, Duration.minutes(1)), 'TrafficShift.linear(10, 1 minute)'],
  ])('Deployment.blueGreen() with a %s traffic shift is refused: CodeDeploy shifts a Network Load Balancer all at once', (_name, traffic, shown) => {
    const message = tcpError({ routing: Routing.tcp(5432, { testPort: 15432 }), deployment: Deployment.blueGreen({ traffic }) });
    expect(message).toContain(`deployment.traffic: received "${shown}"; allowed: TrafficShift.allAtOnce() with Routing.tcp: CodeDeploy shifts the traffic of a Network Load Balancer all at once only (CodeDeployDefault.ECSAllAtOnce)`);
    expect(message).toContain('Fix: remove traffic (all at once is the default), or use Deployment.ecsBlueGreen() with the same traffic');
  });

  test('Deployment.ecsBlueGreen() with a canary or linear shift is accepted: ECS shifts a Network Load Balancer by weight', () => {
    const { platform } = newPlatform();
    expect(() => platform.addService('Ledger', {
      routing: Routing.tcp(5432, { testPort: 15432 }), container: { image: IMAGE },
      deployment: Deployment.ecsBlueGreen({ traffic: TrafficShift.canary(10, Duration.minutes(5)) }),
    })).not.toThrow();
  });

  test('a smoke-test path or status codes without httpHealthCheckPath are refused: the smoke test only connects', () => {
    const message = tcpError({ routing: Routing.tcp(5432, { testPort: 15432 }), deployment: Deployment.blueGreen({ smokeTest: { path: '/ping', expectedStatusCodes: [200] } }) });
    expect(message).toContain('deployment.smokeTest.path: received "/ping"; allowed: no smokeTest.path for a TCP service without httpHealthCheckPath: its smoke test opens a connection to the test listener');
    expect(message).toContain('deployment.smokeTest.expectedStatusCodes: received [200]; allowed: no smokeTest.expectedStatusCodes for a TCP service without httpHealthCheckPath');
    expect(message).toContain("Fix: remove smokeTest.path, or give the service an HTTP health check with Routing.tcp(5432, { httpHealthCheckPath: '/health' }) for an HTTP GET");
    const { platform } = newPlatform();
    expect(() => platform.addService('Ledger', {
      routing: Routing.tcp(5432, { testPort: 15432, httpHealthCheckPath: '/health' }), container: { image: IMAGE },
      deployment: Deployment.blueGreen({ smokeTest: { path: '/ping', expectedStatusCodes: [200] } }),
    })).not.toThrow();
  });

  test.each([['allAtOnce', Deployment.allAtOnce()], ['rollingWithAdditionalBatch', Deployment.rollingWithAdditionalBatch()], ['immutable', Deployment.immutable()]])(
    'Deployment.%s() is accepted', (_name, deployment) => {
      const { platform } = newPlatform();
      expect(() => platform.addService('Ledger', { routing: Routing.tcp(5432), container: { image: IMAGE }, deployment })).not.toThrow();
    });

  test('a loadBalancer is refused: it names an Application Load Balancer', () => {
    const { platform } = newPlatform();
    const message = errorOf(() => platform.addService('Ledger', { routing: Routing.tcp(5432), loadBalancer: platform.defaultLoadBalancer, container: { image: IMAGE } }));
    expect(message).toContain('loadBalancer: received "Test/Platform/LoadBalancer"; allowed: no loadBalancer with Routing.tcp');
  });

  test('HTTP alarms and request-count scaling are refused', () => {
    const message = tcpError({ alarms: { http5xxPerMinute: 5, p99Latency: Duration.seconds(1) }, scaling: { requestsPerTarget: 100 } });
    expect(message).toContain('alarms.http5xxPerMinute: received 5; allowed: no alarms.http5xxPerMinute with Routing.tcp');
    expect(message).toContain('alarms.p99Latency: received "1 second"; allowed: no alarms.p99Latency with Routing.tcp');
    expect(message).toContain('scaling.requestsPerTarget: received 100; allowed: no scaling.requestsPerTarget with Routing.tcp');
  });

  test('internetFacing that is not a boolean is refused', () => {
    expect(tcpError({ routing: Routing.tcp(5432, { internetFacing: 'yes' } as any) })).toContain(
      'routing.internetFacing: received "yes"; allowed: a boolean. Fix: write true or false, without quotes.');
  });

  test('internetFacing in a VPC without public subnets is refused, naming the VPC and the way out', () => {
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-1', 'subnet-2'], vpcCidrBlock: '10.0.0.0/16',
    });
    const { platform } = newPlatform({ vpc, internetFacing: false }, stack);
    const message = errorOf(() => platform.addService('Broker', { routing: Routing.tcp(8883, { internetFacing: true }), container: { image: IMAGE } }));
    expect(message).toContain('routing.internetFacing: received true; allowed: a platform VPC with public subnets, '
      + 'for the internet-facing Network Load Balancer (Test/Vpc has none). Fix: give the platform a VPC with public subnets, '
      + 'or leave internetFacing out for the internal Network Load Balancer');
    expect(() => platform.addService('Ledger', { routing: Routing.tcp(5432), container: { image: IMAGE } })).not.toThrow();
  });

  test('an unknown key of the TCP options is refused', () => {
    expect(tcpError({ routing: Routing.tcp(5432, { certificate: 'x' } as any) })).toContain('certificate');
  });
});

describe('quotas of the Network Load Balancer', () => {
  test(`at most ${MAX_LISTENERS_PER_NETWORK_LOAD_BALANCER} listeners: the next TCP service is refused`, () => {
    const { platform } = newPlatform();
    const room = PlatformContext.of(platform).roomOfNetworkLoadBalancer(false);
    for (let i = 0; i < MAX_LISTENERS_PER_NETWORK_LOAD_BALANCER; i++) {
      const p = new Problems(platform);
      room.reserve(p, platform, 'routing', Routing.tcp(1000 + i), 1);
      expect(() => p.throwIfAny()).not.toThrow();
    }
    const p = new Problems(platform);
    room.reserve(p, platform, 'routing', Routing.tcp(2000), 1);
    expect(errorOf(() => p.throwIfAny())).toContain(`a listener: it has ${MAX_LISTENERS_PER_NETWORK_LOAD_BALANCER} of the ${MAX_LISTENERS_PER_NETWORK_LOAD_BALANCER} listeners a Network Load Balancer holds (not adjustable)`);
  });

  test('a blue/green TCP service takes two listeners: its production and its test listener count against the quota', () => {
    const { platform } = newPlatform();
    const room = PlatformContext.of(platform).roomOfNetworkLoadBalancer(false);
    for (let i = 0; i < MAX_LISTENERS_PER_NETWORK_LOAD_BALANCER - 1; i++) {
      const p = new Problems(platform);
      room.reserve(p, platform, 'routing', Routing.tcp(1000 + i), 1);
      expect(() => p.throwIfAny()).not.toThrow();
    }
    // 49 taken: one more listener fits, two do not
    const p = new Problems(platform);
    room.reserve(p, platform, 'routing', Routing.tcp(2000, { testPort: 12000 }), 1);
    expect(errorOf(() => p.throwIfAny())).toContain(`routing: received "Routing.tcp(2000, { testPort: 12000 })"; allowed: room on the platform's internal Network Load Balancer (Test/Platform) for 2 listeners (production and test): it has ${MAX_LISTENERS_PER_NETWORK_LOAD_BALANCER - 1} of the ${MAX_LISTENERS_PER_NETWORK_LOAD_BALANCER} listeners`);
    const one = new Problems(platform);
    room.reserve(one, platform, 'routing', Routing.tcp(2000), 1);
    expect(() => one.throwIfAny()).not.toThrow();
  });

  test('at most 500 targets with cross-zone load balancing: maxTasks at the maximum percent counts', () => {
    const { platform } = newPlatform();
    platform.addService('Ledger', { routing: Routing.tcp(5432), container: { image: IMAGE }, scaling: { maxTasks: 400 } }); // 400 at 100 %
    const message = errorOf(() => platform.addService('Cache', {
      routing: Routing.tcp(6379), container: { image: IMAGE }, scaling: { maxTasks: 60 }, deployment: Deployment.immutable(),
    })); // 60 at 200 %
    expect(message).toContain('120 more targets (scaling.maxTasks at the deployment\'s maximum percent): it has 400 of the 500 targets a cross-zone Network Load Balancer holds');
    expect(() => platform.addService('Small', { routing: Routing.tcp(6380), container: { image: IMAGE }, scaling: { maxTasks: 100 } })).not.toThrow();
  });
});

describe('compliance', () => {
  test('TCP and TLS services pass cdk-nag and the Control Tower controls', () => {
    const report = checkCompliance((app) => {
      const { platform, stack } = newPlatform({}, newStack(app));
      const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
      platform.addService('Ledger', { routing: Routing.tcp(5432), container: { port: 5432, image: IMAGE, user: '1000' } });
      platform.addService('Broker', { routing: Routing.tcp(8883, { tls: { certificate } }), container: { port: 1883, image: IMAGE, user: '1000' } });
      platform.addService('Gateway', { routing: Routing.tcp(8443, { internetFacing: true, tls: { certificate } }), container: { port: 1883, image: IMAGE, user: '1000' } });
    });
    expect(describeFindings(report.violations)).toEqual('');
  });
});

/**
 * The Network Load Balancer's security group holds a rule for each allowed block of each TCP
 * service's listener and one for the smoke tests of each blue/green TCP service; AWS allows 60
 * inbound rules a security group for each IP version unless the account's quota was raised.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
 */
describe('inbound rules of the Network Load Balancer\'s security group', () => {
  const RULES = 'cdk-container-platform:load-balancer-rules';
  const blocks = (n: number, from: number): string[] => Array.from({ length: n }, (_, i) => `10.${from + i}.0.0/16`);
  const tcp = (port: number, allowedCidrs: string[]) => ({ routing: Routing.tcp(port, { allowedCidrs }), container: { port, image: IMAGE } });

  test('three services of 20 blocks fill its 60 IPv4 rules; the fourth service\'s block is the 61st, and it is told so', () => {
    // GIVEN 60 rules of three rolling services, and a block listed twice (one rule)
    const { platform } = newPlatform({ nestedServiceStacks: false });
    const full = [1, 2, 3].map((k) => platform.addService(`Db${k}`, tcp(5000 + k, [...blocks(20, 20 * k), `10.${20 * k}.0.0/16`])));
    // WHEN a fourth service adds one more
    const fourth = platform.addService('Db4', tcp(5004, ['192.0.2.0/24']));
    // THEN only the fourth is warned, with the count and what to do
    expect(full.flatMap((service) => warningsOf(service, RULES))).toEqual([]);
    expect(warningsOf(fourth, RULES)).toEqual([
      `the security group of Test/Platform/NetworkLoadBalancer would hold 61 inbound IPv4 rules (one for each allowed block of each TCP service's listener, `
      + 'and one for the smoke tests of each blue/green TCP service), and AWS allows 60 for each IP version unless the quota '
      + '"Inbound or outbound rules per security group" was raised for the account: CloudFormation would fail to add the rest. '
      + `List fewer, wider blocks in Routing.tcp(port, { allowedCidrs }), or raise the quota and acknowledge this warning. [ack: ${RULES}]`,
    ]);
    // AND the template holds the 61 rules that were counted
    const group = Object.values<any>(Template.fromStack(Stack.of(platform)).findResources('AWS::EC2::SecurityGroup'))
      .find((g) => String(g.Properties.GroupDescription).startsWith('Network load balancer'));
    expect(group.Properties.SecurityGroupIngress).toHaveLength(61);
  });

  test('the smoke tests\' rule of a blue/green TCP service counts too: 59 blocks and it are 60, the next service\'s block 61', () => {
    // GIVEN a blue/green TCP service of 59 blocks, whose smoke tests the group admits
    const { platform } = newPlatform({ nestedServiceStacks: false });
    const blue = platform.addService('Db1', {
      routing: Routing.tcp(5001, { allowedCidrs: blocks(59, 0), testPort: 15001 }),
      container: { port: 5001, image: IMAGE },
      deployment: Deployment.ecsBlueGreen(),
    });
    expect(warningsOf(blue, RULES)).toEqual([]);
    // WHEN
    const next = platform.addService('Db2', tcp(5002, ['192.0.2.0/24']));
    // THEN
    expect(warningsOf(next, RULES)[0]).toContain('would hold 61 inbound IPv4 rules');
  });
});
