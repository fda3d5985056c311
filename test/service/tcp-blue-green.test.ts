import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { Deployment, Routing, TrafficShift } from '../../lib';
import { checkCompliance, describeFindings } from '../compliance';
import { newPlatform, newStack } from '../util';
import { IMAGE, logicalIdOf, onlyProperties, serviceTemplate } from './helpers';

/**
 * Blue/green of a TCP service (Routing.tcp with a testPort) on the platform's Network Load
 * Balancer: CodeDeploy (all at once only, as AWS supports for a Network Load Balancer) and
 * ECS-native, whose load balancer configuration names the listeners instead of listener rules.
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AdvancedConfiguration.html
 */

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/0e8f2a36-1c9b-4c1e-9d55-3f1a2b3c4d5e';
const HEALTH = {
  interval: Duration.seconds(20), timeout: Duration.seconds(6), healthyThresholdCount: 3, unhealthyThresholdCount: 4, deregistrationDelay: Duration.seconds(45),
};

/** The entries of the resources of `type` whose properties match `props`. */
function entries(template: Template, type: string, props: object = {}): Array<[string, any]> {
  return Object.entries(template.findResources(type, { Properties: Match.objectLike(props) }));
}

/** The smoke-test settings of the service, the load balancer's name (a reference) written as NAME. */
function smokeTestSettings(template: Template): Record<string, unknown> {
  const parts: unknown[] = onlyProperties(template, 'AWS::SSM::Parameter').Value['Fn::Join'][1];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'NAME')).join(''));
}

const LIVE = (attribute: string) => ({ 'Fn::GetAtt': [expect.stringMatching(/^LedgerDeployedStateLiveTargetGroups/), attribute] });

describe('a TCP service deployed blue/green by CodeDeploy', () => {
  let template: Template;
  let blue: string;
  let green: string;
  let production: string;
  let testListener: string;
  beforeAll(() => {
    template = serviceTemplate({
      routing: Routing.tcp(5432, { testPort: 15432 }), container: { port: 6000, image: IMAGE }, health: HEALTH, deployment: Deployment.blueGreen(),
    }, {}, newStack(), 'Ledger').template;
    blue = logicalIdOf(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'LedgerNetworkTargetGroup');
    green = logicalIdOf(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'LedgerGreenNetworkTargetGroup');
    production = logicalIdOf(template, 'AWS::ElasticLoadBalancingV2::Listener', 'LedgerListener');
    testListener = logicalIdOf(template, 'AWS::ElasticLoadBalancingV2::Listener', 'LedgerTestListener');
  });

  test('blue and green target groups are identical: port, health check and deregistration delay', () => {
    const props = (id: string) => template.toJSON().Resources[id].Properties;
    const expected = {
      Port: 6000, Protocol: 'TCP', TargetType: 'ip', HealthCheckProtocol: 'TCP',
      HealthCheckIntervalSeconds: 20, HealthCheckTimeoutSeconds: 6, HealthyThresholdCount: 3, UnhealthyThresholdCount: 4,
      TargetGroupAttributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '45' }],
    };
    expect(props(blue)).toMatchObject(expected);
    expect(props(green)).toEqual(props(blue));
  });

  test('a production listener on the service port and a test listener on the testPort, each forwarding to the live target group', () => {
    const resources = template.toJSON().Resources;
    expect(resources[production].Properties).toEqual({
      LoadBalancerArn: expect.anything(), Port: 5432, Protocol: 'TCP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: LIVE('ProductionTargetGroup') }],
    });
    expect(resources[testListener].Properties).toEqual({
      LoadBalancerArn: resources[production].Properties.LoadBalancerArn, Port: 15432, Protocol: 'TCP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: LIVE('TestTargetGroup') }],
    });
  });

  test('the live target groups are read from the production listener, found by its load balancer and port, and re-read when a listener changes', () => {
    const live = onlyProperties(template, 'Custom::LiveTargetGroups');
    const lb = template.toJSON().Resources[production].Properties.LoadBalancerArn;
    expect(live).toEqual({
      ServiceToken: expect.anything(),
      ServiceTimeout: expect.anything(),
      LoadBalancerArn: lb,
      ProductionPort: 5432,
      BlueTargetGroupArn: { Ref: blue },
      GreenTargetGroupArn: { Ref: green },
      // the listeners' properties without their default actions: no cycle, and no re-read on a deployment
      Watched: {
        ProductionListener: { LoadBalancerArn: lb, Port: 5432, Protocol: 'TCP' },
        TestListener: { LoadBalancerArn: lb, Port: 15432, Protocol: 'TCP' },
      },
    });
  });

  test('the deployment group pairs blue and green on the production and test listeners, all at once', () => {
    const group = onlyProperties(template, 'AWS::CodeDeploy::DeploymentGroup');
    expect(group.DeploymentConfigName).toBe('CodeDeployDefault.ECSAllAtOnce');
    expect(group.DeploymentStyle).toEqual({ DeploymentOption: 'WITH_TRAFFIC_CONTROL', DeploymentType: 'BLUE_GREEN' });
    expect(group.LoadBalancerInfo).toEqual({
      TargetGroupPairInfoList: [{
        ProdTrafficRoute: { ListenerArns: [{ Ref: production }] },
        TestTrafficRoute: { ListenerArns: [{ Ref: testListener }] },
        TargetGroups: [{ Name: { 'Fn::GetAtt': [blue, 'TargetGroupName'] } }, { Name: { 'Fn::GetAtt': [green, 'TargetGroupName'] } }],
      }],
    });
    expect(group.AlarmConfiguration.Alarms.map((a: any) => a.Name.Ref)).toEqual([
      expect.stringMatching(/^LedgerAlarmsUnhealthyHostsBlue/), expect.stringMatching(/^LedgerAlarmsUnhealthyHostsGreen/),
    ]);
    expect(group.AutoRollbackConfiguration).toEqual({ Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'] });
  });

  test('unhealthy-host alarms on both target groups, in AWS/NetworkELB', () => {
    const names = entries(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.AlarmName).sort();
    expect(names).toEqual(['Test-Ledger-CpuHigh', 'Test-Ledger-MemoryHigh', 'Test-Ledger-UnhealthyHostsBlue', 'Test-Ledger-UnhealthyHostsGreen']);
    for (const [name, group] of [['Blue', blue], ['Green', green]]) {
      const alarm = entries(template, 'AWS::CloudWatch::Alarm', { AlarmName: `Test-Ledger-UnhealthyHosts${name}` })[0][1].Properties;
      expect(alarm).toMatchObject({ Namespace: 'AWS/NetworkELB', MetricName: 'UnHealthyHostCount' });
      expect(JSON.stringify(alarm.Dimensions)).toContain(group);
    }
  });

  test('the CodeDeploy role may rewrite the two listeners only, and no listener rule', () => {
    const [, policy] = entries(template, 'AWS::IAM::Policy').find(([id]) => id.startsWith('LedgerBlueGreenServiceRole'))!;
    const statements: any[] = policy.Properties.PolicyDocument.Statement;
    expect(statements.find((s) => s.Action === 'elasticloadbalancing:ModifyListener').Resource).toEqual([{ Ref: production }, { Ref: testListener }]);
    expect(statements.some((s) => [s.Action].flat().includes('elasticloadbalancing:ModifyRule'))).toBe(false);
  });

  test('the service is created with blue after both listeners exist', () => {
    const [, service] = entries(template, 'Custom::BlueGreenService')[0];
    expect(JSON.stringify(service.Properties)).toContain(`{"Ref":"${blue}"}`);
    expect(JSON.stringify(service.Properties)).not.toContain(`{"Ref":"${green}"}`);
    expect(service.DependsOn).toEqual(expect.arrayContaining([production, testListener]));
  });

  test('the smoke test connects to the test port; only it may, and the service\'s clients keep the production port', () => {
    expect(smokeTestSettings(template)).toEqual({ loadBalancerName: 'NAME', port: 15432, protocol: 'tcp', host: '', path: '', expectedStatus: [], attempts: 5 });
    const nlbGroup = entries(template, 'AWS::EC2::SecurityGroup', { GroupDescription: 'Network load balancer Test/Platform/NetworkLoadBalancer' })[0][1].Properties;
    // inline: the VPC on the production port only
    expect(nlbGroup.SecurityGroupIngress.map((r: any) => r.FromPort)).toEqual([5432]);
    const testIngress = entries(template, 'AWS::EC2::SecurityGroupIngress', { FromPort: 15432 });
    expect(testIngress).toHaveLength(1);
    expect(testIngress[0][1].Properties).toMatchObject({
      ToPort: 15432, IpProtocol: 'tcp', SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^PlatformSmokeTestSecurityGroup/), 'GroupId'] },
    });
    const testEgress = entries(template, 'AWS::EC2::SecurityGroupEgress', { FromPort: 15432 });
    expect(testEgress).toHaveLength(1);
    expect(testEgress[0][1].Properties).toMatchObject({
      ToPort: 15432, IpProtocol: 'tcp',
      GroupId: { 'Fn::GetAtt': [expect.stringMatching(/^PlatformSmokeTestSecurityGroup/), 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^PlatformNetworkLoadBalancerSecurityGroup/), 'GroupId'] },
    });
  });

  test('the deployed-state function may read listeners (DescribeListeners takes no resource)', () => {
    const policies = entries(template, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('PlatformServiceStateFunctionRole'));
    const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const reads = statements.filter((st) => [st.Action].flat().includes('elasticloadbalancing:DescribeListeners'));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ Resource: '*', Effect: 'Allow' });
  });
});

describe('a TLS service deployed blue/green, checked with HTTP', () => {
  test('the test listener is TLS with the same certificate and policy; the smoke test GETs the health-check path over HTTPS', () => {
    const stack = newStack();
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
    const { template } = serviceTemplate({
      routing: Routing.tcp(8883, { testPort: 18883, tls: { certificate }, httpHealthCheckPath: '/health' }),
      container: { port: 1883, image: IMAGE }, deployment: Deployment.blueGreen(),
    }, {}, stack, 'Broker');
    const listeners = entries(template, 'AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'TLS' }).map(([, l]) => l.Properties);
    expect(listeners.map((l) => l.Port).sort()).toEqual([18883, 8883]);
    for (const l of listeners) {
      expect(l.Certificates).toEqual([{ CertificateArn: CERTIFICATE_ARN }]);
      expect(l.SslPolicy).toBe('ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09');
    }
    const groups = entries(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', { Protocol: 'TCP' }).map(([, g]) => g.Properties);
    expect(groups).toHaveLength(2);
    for (const g of groups) expect(g).toMatchObject({ HealthCheckProtocol: 'HTTP', HealthCheckPath: '/health', Matcher: { HttpCode: '200-399' } });
    expect(smokeTestSettings(template)).toMatchObject({ port: 18883, protocol: 'https', path: '/health' });
  });
});

describe('a TCP service deployed by ECS-native blue/green', () => {
  let template: Template;
  beforeAll(() => {
    template = serviceTemplate({
      routing: Routing.tcp(5432, { testPort: 15432 }), container: { port: 5432, image: IMAGE },
      deployment: Deployment.ecsBlueGreen({ traffic: TrafficShift.linear(20, Duration.minutes(2)) }),
    }, {}, newStack(), 'Ledger').template;
  });

  test('names the production and test listeners where an Application Load Balancer service names its rules', () => {
    const service = onlyProperties(template, 'Custom::EcsService');
    expect(service.LoadBalancers).toEqual([{
      ContainerName: 'app',
      ContainerPort: 5432,
      TargetGroupArn: { Ref: logicalIdOf(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'LedgerNetworkTargetGroup') },
      AdvancedConfiguration: {
        AlternateTargetGroupArn: { Ref: logicalIdOf(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'LedgerGreenNetworkTargetGroup') },
        ProductionListenerRule: { Ref: logicalIdOf(template, 'AWS::ElasticLoadBalancingV2::Listener', 'LedgerListener') },
        TestListenerRule: { Ref: logicalIdOf(template, 'AWS::ElasticLoadBalancingV2::Listener', 'LedgerTestListener') },
        RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^LedgerServiceAlternateTargetRole/), 'Arn'] },
      },
    }]);
  });

  test('shifts by weight (linear), which ECS supports on a Network Load Balancer, and rolls back on both unhealthy-host alarms', () => {
    const service = onlyProperties(template, 'Custom::EcsService');
    expect(service.DeploymentConfiguration).toMatchObject({ Strategy: 'LINEAR', LinearConfiguration: { StepPercent: 20, StepBakeTimeInMinutes: 2 } });
    expect(service.DeploymentConfiguration.Alarms).toEqual({ Enable: true, Rollback: true, AlarmNames: ['Test-Ledger-UnhealthyHostsBlue', 'Test-Ledger-UnhealthyHostsGreen'] });
    template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 0);
  });

  test('runs the smoke test at POST_TEST_TRAFFIC_SHIFT', () => {
    const service = onlyProperties(template, 'Custom::EcsService');
    expect(service.DeploymentConfiguration.LifecycleHooks).toEqual([expect.objectContaining({ LifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] })]);
  });
});

describe('compliance', () => {
  test('TCP and TLS services deployed blue/green pass cdk-nag and the Control Tower controls', () => {
    const report = checkCompliance((app) => {
      const stack = newStack(app);
      const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
      const { platform } = newPlatform({}, stack);
      platform.addService('Ledger', { routing: Routing.tcp(5432, { testPort: 15432 }), container: { port: 5432, image: IMAGE, user: '1000' }, deployment: Deployment.blueGreen() });
      platform.addService('Broker', {
        routing: Routing.tcp(8883, { testPort: 18883, tls: { certificate } }), container: { port: 1883, image: IMAGE, user: '1000' }, deployment: Deployment.ecsBlueGreen(),
      });
    });
    expect(describeFindings(report.violations)).toEqual('');
  });
});
