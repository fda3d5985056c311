import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DEFAULTS } from '../private/defaults';
import { refuseUnknownKeys } from '../private/known-keys';
import { NAME_LIMITS } from '../private/name-limits';
import { fitName } from '../private/naming';
import { targetGroupMetric, TargetGroupMetricName } from './target-group-metrics';

/** Thresholds of the service's alarms. */
export interface AlarmOptions {
  /**
   * Target 5xx responses per minute that raise the alarm (at least 1).
   * @default 10
   */
  readonly http5xxPerMinute?: number;
  /**
   * p99 target response time that raises the alarm (more than 0).
   * @default Duration.seconds(2)
   */
  readonly p99Latency?: Duration;
  /**
   * Average CPU utilization (percent) that raises the alarm.
   * @default 90
   */
  readonly cpuPercent?: number;
  /**
   * Average memory utilization (percent) that raises the alarm.
   * @default 90
   */
  readonly memoryPercent?: number;
  /**
   * Consecutive one-minute periods over the threshold before an alarm fires (1 to 1440: CloudWatch evaluates at most a day).
   * @default 3
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
   */
  readonly evaluationPeriods?: number;
}

/** Properties of {@link ServiceAlarms}. */
export interface ServiceAlarmsProps {
  /** The service's CPU utilization (for example `Microservice.metricCpuUtilization()`). */
  readonly cpuUtilization: cloudwatch.IMetric;
  /** The service's memory utilization (for example `Microservice.metricMemoryUtilization()`). */
  readonly memoryUtilization: cloudwatch.IMetric;
  /** The service's target groups: blue, and green for blue/green services. */
  readonly targetGroups: elbv2.ApplicationTargetGroup[];
  /**
   * The full name (`app/<name>/<id>`) of the Application Load Balancer the target groups are
   * attached to, the `LoadBalancer` dimension of their metrics.
   * @default - taken apart from the ARN of each target group's first listener
   */
  readonly loadBalancerFullName?: string;
  /**
   * The Network Load Balancer target groups of a TCP service: an unhealthy-hosts alarm on each
   * (a TCP target group reports no HTTP codes nor response times).
   * @default - none
   */
  readonly networkTargetGroups?: elbv2.NetworkTargetGroup[];
  /** The topic every alarm notifies. */
  readonly topic: sns.ITopic;
  /**
   * Thresholds.
   * @default - the defaults of each threshold
   */
  readonly options?: AlarmOptions;
  /**
   * The start of every alarm's name: each alarm is named `<prefix>-<its ID>` (for example
   * `Shop-Orders-Http5xxBlue`), shortened with a digest past 255 characters. Give a literal
   * string unique in the account and Region (a `Microservice` gives its service name, the
   * platform's stack name and its ID): an ECS service's deployment alarms are then named
   * without a reference to the alarm, which aws-cdk-lib warns may be circular.
   * @default - CloudFormation generates the names
   */
  readonly alarmNamePrefix?: string;
}

/**
 * The alarms of a service: target 5xx, unhealthy hosts and p99 latency on every target
 * group (blue and green swap roles on every deployment, so both are watched), CPU and
 * memory high on the service.
 *
 * Made by the platform for each service (`service.alarms`).
 */
export class ServiceAlarms extends Construct {
  /** 5xx responses of the targets, one alarm per target group. */
  public readonly http5xx: cloudwatch.Alarm[] = [];
  /** Unhealthy targets, one alarm per target group. */
  public readonly unhealthyHosts: cloudwatch.Alarm[] = [];
  /** p99 target response time, one alarm per target group. */
  public readonly p99Latency: cloudwatch.Alarm[] = [];
  /** Average CPU utilization of the service above the threshold. */
  public readonly cpuHigh: cloudwatch.Alarm;
  /** Average memory utilization of the service above the threshold. */
  public readonly memoryHigh: cloudwatch.Alarm;
  private readonly literalNames = new Map<string, string>();

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    refuseUnknownKeys(this, props, 'ServiceAlarmsProps');
    const o = props.options ?? {};
    const evaluationPeriods = o.evaluationPeriods ?? DEFAULTS.alarmEvaluationPeriods;
    const period = DEFAULTS.alarmPeriod;
    const common = { evaluationPeriods, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };
    const prefix = props.alarmNamePrefix;
    const named = (alarmId: string) => {
      const alarmName = prefix === undefined ? undefined : fitName(`${prefix}-${alarmId}`, NAME_LIMITS.alarmName.max);
      if (alarmName !== undefined) this.literalNames.set(alarmId, alarmName);
      return { alarmName };
    };
    // A target group's failing health checks, on the application or the network load balancer's metric.
    const unhealthy = (metric: cloudwatch.Metric, suffix: string, tg: Construct): void => {
      this.unhealthyHosts.push(metric.createAlarm(this, `UnhealthyHosts${suffix}`, {
        ...common,
        ...named(`UnhealthyHosts${suffix}`),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription: `Targets of ${tg.node.path} fail health checks`,
      }));
    };
    const names = props.targetGroups.length > 1 ? ['Blue', 'Green'] : [''];
    const latency = o.p99Latency ?? DEFAULTS.p99LatencyThreshold;
    props.targetGroups.forEach((tg, i) => {
      const suffix = names[i];
      const metric = (name: TargetGroupMetricName, statistic: string) => targetGroupMetric(tg, props.loadBalancerFullName, name, { period, statistic });
      this.http5xx.push(metric('HTTPCode_Target_5XX_Count', cloudwatch.Stats.SUM)
        .createAlarm(this, `Http5xx${suffix}`, {
          ...common,
          ...named(`Http5xx${suffix}`),
          threshold: o.http5xxPerMinute ?? DEFAULTS.http5xxThreshold,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          alarmDescription: `Targets of ${tg.node.path} answer 5xx`,
        }));
      unhealthy(metric('UnHealthyHostCount', cloudwatch.Stats.MAXIMUM), suffix, tg);
      this.p99Latency.push(metric('TargetResponseTime', cloudwatch.Stats.p(99))
        .createAlarm(this, `P99Latency${suffix}`, {
          ...common,
          ...named(`P99Latency${suffix}`),
          threshold: latency.toMilliseconds() / 1000,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          alarmDescription: `p99 response time of ${tg.node.path} above ${latency.toHumanString()}`,
        }));
    });
    // AWS/NetworkELB UnHealthyHostCount, by LoadBalancer and TargetGroup.
    // @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html
    (props.networkTargetGroups ?? []).forEach((tg, i, all) => {
      unhealthy(tg.metrics.unHealthyHostCount({ period, statistic: cloudwatch.Stats.MAXIMUM }), all.length > 1 ? ['Blue', 'Green'][i] : '', tg);
    });
    const service = scope.node.path;
    this.cpuHigh = new cloudwatch.Alarm(this, 'CpuHigh', {
      ...common,
      ...named('CpuHigh'),
      metric: props.cpuUtilization,
      threshold: o.cpuPercent ?? DEFAULTS.cpuAlarmPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: `CPU of ${service} high`,
    });
    this.memoryHigh = new cloudwatch.Alarm(this, 'MemoryHigh', {
      ...common,
      ...named('MemoryHigh'),
      metric: props.memoryUtilization,
      threshold: o.memoryPercent ?? DEFAULTS.memoryAlarmPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: `Memory of ${service} high`,
    });
    const action = new cloudwatchActions.SnsAction(props.topic);
    for (const alarm of this.all) (alarm as cloudwatch.Alarm).addAlarmAction(action);
  }

  /** The alarms a deployment rolls back on: 5xx, unhealthy hosts and latency on every target group (unhealthy hosts only for a TCP service). */
  public get deploymentAlarms(): cloudwatch.IAlarm[] {
    return [...this.http5xx, ...this.unhealthyHosts, ...this.p99Latency];
  }

  /**
   * The names of {@link deploymentAlarms}, in the same order: the literal names when
   * `alarmNamePrefix` is given (an `alarmName` of an alarm is a reference even then), else
   * the alarms' `alarmName` references.
   */
  public get deploymentAlarmNames(): string[] {
    return (this.deploymentAlarms as cloudwatch.Alarm[]).map((a) => this.literalNames.get(a.node.id) ?? a.alarmName);
  }

  /** Every alarm of the service. */
  public get all(): cloudwatch.IAlarm[] {
    return [...this.deploymentAlarms, this.cpuHigh, this.memoryHigh];
  }
}
