import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { targetGroupMetric, TargetGroupMetricName } from './target-group-metrics';

/** What a service's dashboard shows of it: handed over by the service. */
export interface DashboardTarget {
  /** Blue, then green for a blue/green service. */
  readonly targetGroups: elbv2.ApplicationTargetGroup[];
  /** The full name of the target groups' Application Load Balancer (see `targetGroupMetric`). */
  readonly loadBalancerFullName?: string;
  /** The Network Load Balancer target groups of a TCP service (then `targetGroups` is empty). */
  readonly networkTargetGroups?: elbv2.NetworkTargetGroup[];
  readonly cpuUtilization: (options: cloudwatch.MetricOptions) => cloudwatch.IMetric;
  readonly memoryUtilization: (options: cloudwatch.MetricOptions) => cloudwatch.IMetric;
  readonly alarms: cloudwatch.IAlarm[];
}

/**
 * A CloudWatch dashboard with the four golden signals of one service (latency, traffic,
 * errors, saturation), each target group on the same graph, and its alarms.
 *
 * Made by the platform for each service (`service.dashboard`).
 */
export class ServiceDashboard extends Construct {
  /** The CloudWatch dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  /** @internal the dashboard of a service, which reads the service through its contract only */
  public static _create(scope: Construct, id: string, target: DashboardTarget): ServiceDashboard {
    return new ServiceDashboard(scope, id, target);
  }

  private constructor(scope: Construct, id: string, svc: DashboardTarget) {
    super(scope, id);
    const period = Duration.minutes(1);
    const tgs = svc.targetGroups;
    const label = (i: number) => (tgs.length > 1 ? [' (blue)', ' (green)'][i] : '');
    // Blue and green together, for a blue/green service: ELB reports nothing for a target group
    // without requests, so FILL gives the idle side 0 rather than hiding the total.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
    const metric = (tg: elbv2.ApplicationTargetGroup, name: TargetGroupMetricName, statistic: string, metricLabel?: string) =>
      targetGroupMetric(tg, svc.loadBalancerFullName, name, { period, statistic, label: metricLabel });
    const total = (metricOf: (tg: elbv2.ApplicationTargetGroup) => cloudwatch.IMetric, totalLabel: string): cloudwatch.IMetric[] => (tgs.length > 1
      ? [new cloudwatch.MathExpression({ expression: 'FILL(blue, 0) + FILL(green, 0)', usingMetrics: { blue: metricOf(tgs[0]), green: metricOf(tgs[1]) }, label: totalLabel, period })]
      : []);
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      defaultInterval: Duration.hours(3),
    });
    // A TCP service: the health of its targets (AWS/NetworkELB reports no requests, codes nor
    // response times per target group). https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html
    const network = svc.networkTargetGroups ?? [];
    const targets = network.length === 0 ? [] : [new cloudwatch.GraphWidget({
      title: 'Targets',
      left: network.flatMap((tg) => [
        tg.metrics.healthyHostCount({ period, statistic: cloudwatch.Stats.MINIMUM, label: 'healthy' }),
        tg.metrics.unHealthyHostCount({ period, statistic: cloudwatch.Stats.MAXIMUM, label: 'unhealthy' }),
      ]),
      width: 12,
    })];
    const http = tgs.length === 0 ? [] : [
      new cloudwatch.GraphWidget({
        title: 'Latency',
        left: tgs.flatMap((tg, i) => [
          metric(tg, 'TargetResponseTime', cloudwatch.Stats.p(50), `p50${label(i)}`),
          metric(tg, 'TargetResponseTime', cloudwatch.Stats.p(99), `p99${label(i)}`),
        ]),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Traffic',
        left: [
          ...tgs.map((tg, i) => metric(tg, 'RequestCount', cloudwatch.Stats.SUM, `requests${label(i)}`)),
          ...total((tg) => metric(tg, 'RequestCount', cloudwatch.Stats.SUM), 'requests (blue + green)'),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Errors',
        left: [
          ...tgs.flatMap((tg, i) => [
            metric(tg, 'HTTPCode_Target_5XX_Count', cloudwatch.Stats.SUM, `target 5xx${label(i)}`),
            metric(tg, 'HTTPCode_Target_4XX_Count', cloudwatch.Stats.SUM, `target 4xx${label(i)}`),
          ]),
          ...total((tg) => metric(tg, 'HTTPCode_Target_5XX_Count', cloudwatch.Stats.SUM), 'target 5xx (blue + green)'),
        ],
        width: 12,
      }),
    ];
    this.dashboard.addWidgets(
      ...targets,
      ...http,
      new cloudwatch.GraphWidget({
        title: 'Saturation',
        left: [svc.cpuUtilization({ period, label: 'CPU %' }), svc.memoryUtilization({ period, label: 'memory %' })],
        leftYAxis: { min: 0, max: 100 },
        width: 12,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: svc.alarms, width: 24 }),
    );
  }
}
