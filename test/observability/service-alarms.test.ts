import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Deployment } from '../../lib';
import { DEFAULTS } from '../../lib/private/defaults';
import { refTo, serviceTemplate } from '../service/helpers';

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
