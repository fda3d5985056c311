import { Match, Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Deployment } from '../../lib';
import { DEFAULTS } from '../../lib/private/defaults';
import { refTo, serviceTemplate } from './helpers';

function policies(template: Template, type: string): any[] {
  return Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', { Properties: { PolicyType: type } }))
    .map((p: any) => p.Properties);
}

describe('auto scaling, by default', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN / WHEN a service without scaling options
    template = serviceTemplate().template;
  });

  test('scales the service between 2 and 10 tasks', () => {
    // THEN
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: DEFAULTS.minTasks,
      MaxCapacity: DEFAULTS.maxTasks,
      ScalableDimension: 'ecs:service:DesiredCount',
      ServiceNamespace: 'ecs',
    });
  });

  test('tracks 70 % average CPU with a 300 s scale-in and 60 s scale-out cooldown, and nothing else', () => {
    // THEN
    expect(policies(template, 'TargetTrackingScaling').map((p) => p.TargetTrackingScalingPolicyConfiguration)).toEqual([{
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      TargetValue: DEFAULTS.cpuPercent,
      ScaleInCooldown: DEFAULTS.scaleInCooldown.toSeconds(),
      ScaleOutCooldown: DEFAULTS.scaleOutCooldown.toSeconds(),
    }]);
    expect(DEFAULTS.cpuPercent).toBe(70);
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 1);
  });
});

describe('scaling options', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN a queue-depth metric / WHEN a service scales on everything
    const queueDepth = new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensionsMap: { QueueName: 'orders' } });
    template = serviceTemplate({
      scaling: {
        minTasks: 3,
        maxTasks: 20,
        cpuPercent: 60,
        memoryPercent: 75,
        requestsPerTarget: 500,
        schedules: [{ id: 'Night', schedule: appscaling.Schedule.cron({ hour: '22', minute: '0' }), minTasks: 1, maxTasks: 4 }],
        steps: [{ id: 'QueueDepth', metric: queueDepth, steps: [{ upper: 0, change: -1 }, { lower: 100, change: +2 }] }],
      },
    }).template;
  });

  test('minTasks and maxTasks: the scalable target\'s limits', () => {
    // THEN
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 3, MaxCapacity: 20 });
  });

  test('cpuPercent: the CPU target', () => {
    // THEN
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, TargetValue: 60 },
    });
  });

  test('memoryPercent: a memory target with the same cooldowns', () => {
    // THEN
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' },
        TargetValue: 75,
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
      },
    });
  });

  test('requestsPerTarget: ALB requests per target of the service\'s target group', () => {
    // THEN
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: Match.anyValue() },
        TargetValue: 500,
      },
    });
    expect(JSON.stringify(policies(template, 'TargetTrackingScaling'))).toMatch(/OrdersTargetGroup/);
  });

  test('schedules: a scheduled action with the given limits', () => {
    // THEN
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: [{ ScheduledActionName: 'Night', Schedule: 'cron(0 22 * * ? *)', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 4 } }],
    });
  });

  test('steps: step scaling on the custom metric, with the alarms that drive it', () => {
    // THEN
    const steps = policies(template, 'StepScaling');
    expect(steps).toHaveLength(2);
    expect(steps.map((p) => p.StepScalingPolicyConfiguration.AdjustmentType)).toEqual(['ChangeInCapacity', 'ChangeInCapacity']);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS' } }));
    expect(alarms.map((a: any) => a.Properties.Threshold).sort((x: number, y: number) => x - y)).toEqual([0, 100]);
  });
});

describe('request scaling of a blue/green service', () => {
  test('tracks requests per task over both target groups with metric math', () => {
    // GIVEN / WHEN
    const { template } = serviceTemplate({ deployment: Deployment.blueGreen({ smokeTest: { enabled: false } }), scaling: { requestsPerTarget: 200 } });
    // THEN
    const requests = (id: string, targetGroup: string) => ({
      Id: id,
      ReturnData: false,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'RequestCount',
          Dimensions: [
            { Name: 'LoadBalancer', Value: refTo('PlatformLoadBalancer', 'LoadBalancerFullName') },
            { Name: 'TargetGroup', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp(targetGroup), 'TargetGroupFullName'] } },
          ],
        },
        Stat: 'Sum',
      },
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 200,
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
        CustomizedMetricSpecification: {
          Metrics: [
            requests('blue', 'OrdersTargetGroup'),
            requests('green', 'OrdersGreenTargetGroup'),
            {
              Id: 'tasks',
              ReturnData: false,
              MetricStat: {
                Metric: {
                  Namespace: 'ECS/ContainerInsights',
                  MetricName: 'RunningTaskCount',
                  Dimensions: [
                    { Name: 'ClusterName', Value: refTo('PlatformCluster') },
                    // The service's own name: a CodeDeploy service is a Custom::BlueGreenService.
                    { Name: 'ServiceName', Value: 'Test-Orders' },
                  ],
                },
                Stat: 'Average',
              },
            },
            // ELB reports no RequestCount for a target group without requests, and arithmetic on a
            // missing value is missing: FILL gives the idle side 0, so the sum never goes missing.
            // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
            // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
            { Id: 'perTask', Expression: '(FILL(blue, 0) + FILL(green, 0)) / tasks', Label: 'Requests per task (blue + green)', ReturnData: true },
          ],
          MetricName: Match.absent(),
          Namespace: Match.absent(),
          Dimensions: Match.absent(),
          Statistic: Match.absent(),
        },
      },
    });
  });
});
