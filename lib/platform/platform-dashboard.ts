import { Aspects, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PlatformContext } from '../foundation/platform-context';
import { IContainerPlatform, requirePlatform } from '../foundation/platform-contract';
import { refuseUnknownKeys } from '../private/known-keys';
import { Microservice } from '../service/microservice';
import { QueueWorker } from '../workloads/queue-worker';
import { PlatformAlerts } from './platform-alerts';

/** Properties of {@link PlatformDashboard}. */
export interface PlatformDashboardProps {
  /** The platform whose services and workers the dashboard shows. */
  readonly platform: IContainerPlatform;
  /**
   * Queues whose depth the dashboard shows, such as those of the platform's workers (`worker.queue`).
   * @default - the queues of the platform's workers (`platform.addWorker`)
   */
  readonly queues?: sqs.IQueue[];
  /**
   * The platform's alerts: their rules' matched events give the failed deployments and
   * pipeline executions per hour.
   * @default - no deployment widget
   */
  readonly alerts?: PlatformAlerts;
}

/**
 * One CloudWatch dashboard for the whole platform: the golden signals of every service side
 * by side (each line sums blue and green), the queue depths of the workers, and the
 * deployments started and failed per hour. It shows every service and worker of the platform
 * at synthesis, whether they were added before or after the dashboard.
 */
export class PlatformDashboard extends Construct {
  /** The CloudWatch dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  private built = false;

  constructor(scope: Construct, id: string, props: PlatformDashboardProps) {
    super(scope, id);
    refuseUnknownKeys(this, props, 'PlatformDashboardProps');
    requirePlatform(this, props?.platform);
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', { defaultInterval: Duration.hours(3) });
    // The widgets are made at synthesis, when every service and worker has been added: a
    // dashboard made before `addService` shows that service too.
    Aspects.of(this).add({ visit: (node) => { if (node === this) this.build(props); } });
  }

  private build(props: PlatformDashboardProps): void {
    if (this.built) return;
    this.built = true;
    const period = Duration.minutes(1);
    const workloads = PlatformContext.of(props.platform).workloads;
    const services = workloads.filter((w): w is Microservice => w instanceof Microservice);
    // Metric IDs are unique within a graph, across every expression in it:
    // service n's target groups are s<n>m0, s<n>m1.
    const sum = (key: string, label: string, metrics: cloudwatch.IMetric[], stat: string) => {
      const usingMetrics: Record<string, cloudwatch.IMetric> = {};
      metrics.forEach((m, i) => { usingMetrics[`${key}m${i}`] = m; });
      // FILL: ELB reports nothing for a target group without requests (the idle one of blue and
      // green), which would hide the service's line. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
      const filled = Object.keys(usingMetrics).map((id) => `FILL(${id}, 0)`);
      return new cloudwatch.MathExpression({ expression: `${stat}([${filled.join(', ')}])`, usingMetrics, label, period });
    };
    // TCP services (Routing.tcp) have no Application Load Balancer target groups: no requests, codes nor latency.
    const httpServices = services.filter((s) => s.targetGroups.length > 0);
    const perService = (f: (tg: elbv2.ApplicationTargetGroup) => cloudwatch.IMetric, stat: string) =>
      httpServices.map((s, n) => sum(`s${n}`, s.node.id, s.targetGroups.map(f), stat));
    if (services.length > 0) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({ title: 'Traffic (requests/min)', width: 12,
          left: perService((tg) => tg.metrics.requestCount({ period, statistic: cloudwatch.Stats.SUM }), 'SUM') }),
        new cloudwatch.GraphWidget({ title: 'Errors (target 5xx/min)', width: 12,
          left: perService((tg) => tg.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period, statistic: cloudwatch.Stats.SUM }), 'SUM') }),
        new cloudwatch.GraphWidget({ title: 'Latency (p99, s)', width: 12,
          left: perService((tg) => tg.metrics.targetResponseTime({ period, statistic: cloudwatch.Stats.p(99) }), 'MAX') }),
        new cloudwatch.GraphWidget({ title: 'Saturation (CPU %)', width: 12, leftYAxis: { min: 0, max: 100 },
          left: services.map((s) => s.metricCpuUtilization({ period, label: s.node.id })) }),
      );
    }
    const queues = props.queues ?? workloads.filter((w): w is QueueWorker => w instanceof QueueWorker).map((w) => w.queue);
    if (queues.length > 0) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({ title: 'Queue depth (visible messages)', width: 12,
          left: queues.map((q) => q.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM, label: q.node.path })) }),
        new cloudwatch.GraphWidget({ title: 'Oldest message (s)', width: 12,
          left: queues.map((q) => q.metricApproximateAgeOfOldestMessage({ period, statistic: cloudwatch.Stats.MAXIMUM, label: q.node.path })) }),
      );
    }
    // Deployment markers: CloudWatch annotations are static, so the deployments of the
    // platform's services show as counts of the ECS deployment events EventBridge matched.
    const deployments = (rule: string, label: string) => new cloudwatch.Metric({
      namespace: 'AWS/Events', metricName: 'MatchedEvents', dimensionsMap: { RuleName: rule }, statistic: cloudwatch.Stats.SUM, period: Duration.hours(1), label,
    });
    const a = props.alerts;
    if (a) {
      this.dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'Failed deployments and pipeline runs per hour', width: 24,
        left: [
          deployments(a.ecsDeploymentRule.ruleName, 'failed ECS deployments'),
          deployments(a.codeDeployRule.ruleName, 'failed CodeDeploy deployments'),
          deployments(a.pipelineRule.ruleName, 'failed pipeline executions'),
          deployments(a.stoppedTaskRule.ruleName, 'failed tasks'),
        ] }));
    }
  }
}
