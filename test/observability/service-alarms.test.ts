import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Deployment, ServiceAlarms } from '../../lib';
import { DEFAULTS } from '../../lib/private/defaults';
import { refTo, serviceTemplate } from '../service/helpers';
import { newApp } from '../util';

function alarms(template: Template, metricName: string): any[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName } })).map((a: any) => a.Properties);
}

describe('service alarms, by default', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN / WHEN a rolling service
    template = serviceTemplate().template;
  });

  test('five alarms: 5xx, unhealthy hosts and p99 latency on the target group, CPU and memory on the service', () => {
    // THEN
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
  });

  test('target 5xx: at least 10 per minute for 3 minutes', () => {
    // THEN
    expect(alarms(template, 'HTTPCode_Target_5XX_Count')).toEqual([expect.objectContaining({
      Namespace: 'AWS/ApplicationELB',
      Statistic: 'Sum',
      Period: DEFAULTS.alarmPeriod.toSeconds(),
      EvaluationPeriods: DEFAULTS.alarmEvaluationPeriods,
      Threshold: DEFAULTS.http5xxThreshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    })]);
  });

  test('unhealthy hosts: at least 1 for 3 minutes', () => {
    // THEN
    expect(alarms(template, 'UnHealthyHostCount')).toEqual([expect.objectContaining({
      Statistic: 'Maximum', Period: 60, EvaluationPeriods: 3, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    })]);
  });

  test('p99 latency: above 2 seconds', () => {
    // THEN
    expect(alarms(template, 'TargetResponseTime')).toEqual([expect.objectContaining({
      ExtendedStatistic: 'p99', Period: 60, EvaluationPeriods: 3, Threshold: DEFAULTS.p99LatencyThreshold.toSeconds(), ComparisonOperator: 'GreaterThanThreshold',
    })]);
  });

  test('CPU and memory: above 90 % on the service', () => {
    // THEN
    for (const [metric, threshold] of [['CPUUtilization', DEFAULTS.cpuAlarmPercent], ['MemoryUtilization', DEFAULTS.memoryAlarmPercent]] as const) {
      expect(alarms(template, metric)).toEqual([expect.objectContaining({
        Namespace: 'AWS/ECS', Statistic: 'Average', Period: 60, EvaluationPeriods: 3, Threshold: threshold, ComparisonOperator: 'GreaterThanThreshold',
      })]);
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'CPUUtilization',
      Dimensions: [{ Name: 'ClusterName', Value: refTo('PlatformCluster') }, { Name: 'ServiceName', Value: refTo('OrdersService', 'Name') }],
    });
  });

  test('the target-group alarms watch the service\'s target group', () => {
    // THEN
    for (const metric of ['HTTPCode_Target_5XX_Count', 'UnHealthyHostCount', 'TargetResponseTime']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Dimensions: [{ Name: 'LoadBalancer', Value: Match.anyValue() }, { Name: 'TargetGroup', Value: refTo('OrdersTargetGroup', 'TargetGroupFullName') }],
      });
    }
  });

  test('the target-group alarms name the load balancer by its LoadBalancerFullName attribute, not by pieces of a listener ARN', () => {
    // THEN
    for (const metric of ['HTTPCode_Target_5XX_Count', 'UnHealthyHostCount', 'TargetResponseTime']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Dimensions: [{ Name: 'LoadBalancer', Value: refTo('PlatformLoadBalancer', 'LoadBalancerFullName') }, Match.anyValue()],
      });
    }
  });

  test('every alarm notifies the platform\'s alarm topic', () => {
    // THEN
    const all = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties.AlarmActions);
    expect(all).toHaveLength(5);
    for (const actions of all) expect(actions).toEqual([{ Ref: expect.stringMatching(/PlatformAlarmTopic/) }]);
  });
});

describe('service alarms of a blue/green service', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN / WHEN a CodeDeploy blue/green service
    template = serviceTemplate({ deployment: Deployment.blueGreen({ smokeTest: { enabled: false } }) }).template;
  });

  test.each(['HTTPCode_Target_5XX_Count', 'UnHealthyHostCount', 'TargetResponseTime'])('%s: one alarm on blue and one on green', (metric) => {
    // THEN
    const targetGroups = alarms(template, metric).map((a) => a.Dimensions.find((d: any) => d.Name === 'TargetGroup').Value['Fn::GetAtt'][0]);
    expect(targetGroups).toEqual([expect.stringMatching(/OrdersTargetGroup/), expect.stringMatching(/OrdersGreenTargetGroup/)]);
  });

  test('eight alarms in all, each notifying the alarm topic', () => {
    // THEN
    const all = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties.AlarmActions);
    expect(all).toHaveLength(8);
    for (const actions of all) expect(actions).toEqual([{ Ref: expect.stringMatching(/PlatformAlarmTopic/) }]);
  });
});

describe('alarm options', () => {
  test('thresholds and evaluation periods are the given ones', () => {
    // GIVEN / WHEN
    const { template } = serviceTemplate({
      alarms: { http5xxPerMinute: 5, p99Latency: Duration.millis(800), cpuPercent: 80, memoryPercent: 85, evaluationPeriods: 5 },
    });
    // THEN
    const threshold = (metric: string) => alarms(template, metric).map((a) => [a.Threshold, a.EvaluationPeriods]);
    expect(threshold('HTTPCode_Target_5XX_Count')).toEqual([[5, 5]]);
    expect(threshold('TargetResponseTime')).toEqual([[0.8, 5]]);
    expect(threshold('CPUUtilization')).toEqual([[80, 5]]);
    expect(threshold('MemoryUtilization')).toEqual([[85, 5]]);
    expect(threshold('UnHealthyHostCount')).toEqual([[1, 5]]);
  });
});

describe('ServiceAlarms on its own target group', () => {
  function standalone(props: { loadBalancerFullName?: string } = {}): { metric: any; dimension: unknown; stack: Stack } {
    // GIVEN a target group behind a listener of a load balancer of this stack
    const stack = new Stack(newApp());
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc });
    const listener = alb.addListener('Listener', { port: 80, open: false });
    const tg = new elbv2.ApplicationTargetGroup(stack, 'Tg', { vpc, port: 80, targetType: elbv2.TargetType.IP });
    listener.addTargetGroups('Default', { targetGroups: [tg] });
    const cpu = new cloudwatch.Metric({ namespace: 'AWS/ECS', metricName: 'CPUUtilization' });
    // WHEN
    new ServiceAlarms(stack, 'Alarms', {
      targetGroups: [tg], cpuUtilization: cpu, memoryUtilization: cpu, topic: new sns.Topic(stack, 'Topic'), ...props,
    });
    const metric = alarms(Template.fromStack(stack), 'HTTPCode_Target_5XX_Count')[0];
    return { metric, dimension: metric.Dimensions.find((d: any) => d.Name === 'LoadBalancer').Value, stack };
  }

  test('without loadBalancerFullName, the load balancer dimension is aws-cdk-lib\'s (from the target group\'s listener)', () => {
    // GIVEN / WHEN
    const { dimension, stack } = standalone();
    // THEN the same value aws-cdk-lib's own target-group metrics give
    const tg = stack.node.findChild('Tg') as elbv2.ApplicationTargetGroup;
    expect(dimension).toEqual(stack.resolve(tg.metrics.requestCount().dimensions!.LoadBalancer));
    expect(JSON.stringify(dimension)).toContain('Fn::Split');
  });

  test('with loadBalancerFullName, the alarms name the load balancer by it', () => {
    // GIVEN / WHEN
    const { dimension } = standalone({ loadBalancerFullName: 'app/shop/0123456789abcdef' });
    // THEN
    expect(dimension).toBe('app/shop/0123456789abcdef');
  });
});
