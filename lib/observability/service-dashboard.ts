import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import type { Microservice } from '../service/microservice';

/** Properties of {@link ServiceDashboard}. */
export interface ServiceDashboardProps {
  readonly microservice: Microservice;
}

/**
 * A CloudWatch dashboard with the four golden signals of one service (latency, traffic,
 * errors, saturation), each target group on the same graph, and its alarms.
 */
export class ServiceDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const svc = props.microservice;
    const period = Duration.minutes(1);
    const tgs = svc.targetGroups;
    const label = (i: number) => (tgs.length > 1 ? [' (blue)', ' (green)'][i] : '');
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Latency',
        left: tgs.flatMap((tg, i) => [
          tg.metrics.targetResponseTime({ period, statistic: cloudwatch.Stats.p(50), label: `p50${label(i)}` }),
          tg.metrics.targetResponseTime({ period, statistic: cloudwatch.Stats.p(99), label: `p99${label(i)}` }),
        ]),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Traffic',
        left: tgs.map((tg, i) => tg.metrics.requestCount({ period, statistic: cloudwatch.Stats.SUM, label: `requests${label(i)}` })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Errors',
        left: tgs.flatMap((tg, i) => [
          tg.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period, statistic: cloudwatch.Stats.SUM, label: `target 5xx${label(i)}` }),
          tg.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_4XX_COUNT, { period, statistic: cloudwatch.Stats.SUM, label: `target 4xx${label(i)}` }),
        ]),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Saturation',
        left: [svc.service.metricCpuUtilization({ period, label: 'CPU %' }), svc.service.metricMemoryUtilization({ period, label: 'memory %' })],
        leftYAxis: { min: 0, max: 100 },
        width: 12,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: svc.alarms.all, width: 24 }),
    );
  }
}
