import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { WORKER_DEFAULTS } from '../private/defaults';

/** The worker's own step below the user's: no change while no message is visible. */
export const NO_BACKLOG: appscaling.ScalingInterval = { upper: 0, change: 0 };

/**
 * Scaling on the backlog. Step scaling on the visible messages scales out (from zero too),
 * and scales in to the minimum only when nothing is waiting or in flight, so that no busy
 * task is stopped. With `messagesPerTask`, target tracking on visible messages per running task.
 */
export function configureQueueScaling(scaling: ecs.ScalableTaskCount, queue: sqs.IQueue, service: ecs.FargateService,
  cluster: ecs.ICluster, s: WorkerScalingOptions | undefined): appscaling.StepScalingPolicy | undefined {
  const o = s ?? {};
  const stat = { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1) };
  const visible = queue.metricApproximateNumberOfMessagesVisible(stat);
  if (o.messagesPerTask !== undefined) {
    addBacklogPerTask(scaling, queue, service, cluster, o.messagesPerTask);
    return undefined;
  }
  const inFlight = queue.metricApproximateNumberOfMessagesNotVisible(stat);
  const idle = new cloudwatch.MathExpression({ expression: 'visible + inFlight', usingMetrics: { visible, inFlight }, label: 'messages waiting or in flight', period: Duration.minutes(1) });
  scaling.scaleOnMetric('ScaleInWhenIdle', {
    metric: idle,
    scalingSteps: [{ upper: 0, change: -100 }, { lower: 1, change: 0 }],
    adjustmentType: appscaling.AdjustmentType.PERCENT_CHANGE_IN_CAPACITY,
    cooldown: WORKER_DEFAULTS.scaleInCooldown,
    evaluationPeriods: 5,
  });
  const steps = o.steps ?? WORKER_DEFAULTS.scaleOutSteps.map((step) => ({ ...step }));
  scaling.scaleOnMetric('ScaleOnBacklog', {
    metric: visible,
    scalingSteps: [NO_BACKLOG, ...steps],
    adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    cooldown: WORKER_DEFAULTS.scaleOutCooldown,
  });
  return scaling.node.findAll().find((c) => c instanceof appscaling.StepScalingPolicy && c.node.id === 'ScaleOnBacklog') as appscaling.StepScalingPolicy;
}

function addBacklogPerTask(scaling: ecs.ScalableTaskCount, queue: sqs.IQueue, service: ecs.FargateService, cluster: ecs.ICluster, target: number): void {
  scaling.scaleToTrackCustomMetric('BacklogPerTask', {
    metric: queue.metricApproximateNumberOfMessagesVisible(),
    targetValue: target,
    scaleInCooldown: WORKER_DEFAULTS.scaleInCooldown,
    scaleOutCooldown: WORKER_DEFAULTS.scaleOutCooldown,
  });
  // Target tracking takes metric math only through the L1 CustomizedMetricSpecification.Metrics.
  const policy = scaling.node.findAll().find((c) => c instanceof appscaling.TargetTrackingScalingPolicy && c.node.id === 'BacklogPerTask')!;
  const cfn = policy.node.defaultChild as appscaling.CfnScalingPolicy;
  const spec = 'TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification';
  for (const key of ['MetricName', 'Namespace', 'Dimensions', 'Statistic']) cfn.addPropertyDeletionOverride(`${spec}.${key}`);
  cfn.addPropertyOverride(`${spec}.Metrics`, [
    {
      Id: 'visible',
      ReturnData: false,
      MetricStat: {
        Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: queue.queueName }] },
        Stat: 'Sum',
      },
    },
    {
      Id: 'tasks',
      ReturnData: false,
      MetricStat: {
        Metric: {
          Namespace: 'ECS/ContainerInsights',
          MetricName: 'RunningTaskCount',
          Dimensions: [{ Name: 'ClusterName', Value: cluster.clusterName }, { Name: 'ServiceName', Value: service.serviceName }],
        },
        Stat: 'Average',
      },
    },
    { Id: 'backlogPerTask', Expression: 'visible / tasks', Label: 'Visible messages per running task', ReturnData: true },
  ]);
}

/** Scaling of a {@link QueueWorker} on its queue's backlog. */
export interface WorkerScalingOptions {
  /**
   * The fewest tasks; 0 lets the worker scale to zero when the queue is empty.
   * @default 1
   */
  readonly minTasks?: number;
  /**
   * The most tasks.
   * @default 10
   */
  readonly maxTasks?: number;
  /**
   * Target tracking on visible messages per running task instead of step scaling
   * (needs `minTasks` of at least 1).
   * @default - step scaling on the visible messages
   * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-using-sqs-queue.html
   */
  readonly messagesPerTask?: number;
  /**
   * The scale-out steps on the visible messages (1 to 39 intervals from 0 up, each adding at
   * least one task). Not with `messagesPerTask`. The worker always scales in to `minTasks`
   * once nothing is waiting or in flight.
   * @default - +1 task from 1 visible message, +2 from 100, +5 from 500
   */
  readonly steps?: appscaling.ScalingInterval[];
}
