import { Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DEFAULTS } from '../private/defaults';
import { ScalingOptions } from './options';

/** What request scaling reads of a service: handed over by the service. */
export interface ScalingTarget {
  /** Blue, then green for a blue/green service. */
  readonly targetGroups: elbv2.ApplicationTargetGroup[];
  /** The full name of the load balancer the target groups are on (the LoadBalancer dimension), read only when request scaling needs it. */
  readonly loadBalancerFullName: () => string;
  readonly clusterName: string;
  /** The ServiceName dimension of the service's metrics. */
  readonly metricServiceName: string;
}

/**
 * Target tracking on CPU (and on memory and requests when asked), scheduled actions and
 * step policies. Request tracking counts both target groups of a blue/green service,
 * since traffic is split over them during a deployment.
 */
export function configureScaling(service: ScalingTarget, scaling: ecs.ScalableTaskCount, options: ScalingOptions | undefined): ecs.ScalableTaskCount {
  const o = options ?? {};
  const cooldowns = { scaleInCooldown: DEFAULTS.scaleInCooldown, scaleOutCooldown: DEFAULTS.scaleOutCooldown };
  scaling.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: o.cpuPercent ?? DEFAULTS.cpuPercent, ...cooldowns });
  if (o.memoryPercent !== undefined) {
    scaling.scaleOnMemoryUtilization('MemoryScaling', { targetUtilizationPercent: o.memoryPercent, ...cooldowns });
  }
  if (o.requestsPerTarget !== undefined) addRequestScaling(service, scaling, o.requestsPerTarget);
  for (const s of o.schedules ?? []) {
    scaling.scaleOnSchedule(s.id, { schedule: s.schedule, minCapacity: s.minTasks, maxCapacity: s.maxTasks });
  }
  for (const s of o.steps ?? []) {
    scaling.scaleOnMetric(s.id, { metric: s.metric, scalingSteps: s.steps, adjustmentType: s.adjustmentType ?? appscaling.AdjustmentType.CHANGE_IN_CAPACITY });
  }
  return scaling;
}

/**
 * The scalable task count of a service that the stack does not create as AWS::ECS::Service
 * (a CodeDeploy blue/green service, owned by its Custom::BlueGreenService): what
 * `BaseService.autoScaleTaskCount` registers, on `service/<cluster>/<name>` with the ECS
 * service-linked role of Application Auto Scaling. The service's name is the custom
 * resource's attribute, so the scalable target is registered after the service exists.
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-service-linked-roles.html
 */
export function blueGreenTaskCount(service: ecs.IBaseService, minTasks: number, maxTasks: number): ecs.ScalableTaskCount {
  return new ecs.ScalableTaskCount(service, 'TaskCount', {
    serviceNamespace: appscaling.ServiceNamespace.ECS,
    resourceId: `service/${service.cluster.clusterName}/${service.serviceName}`,
    dimension: 'ecs:service:DesiredCount',
    role: iam.Role.fromRoleArn(service, 'ScalingRole', Stack.of(service).formatArn({
      region: '',
      service: 'iam',
      resource: 'role/aws-service-role/ecs.application-autoscaling.amazonaws.com',
      resourceName: 'AWSServiceRoleForApplicationAutoScaling_ECSService',
    })),
    minCapacity: minTasks,
    maxCapacity: maxTasks,
  });
}

function addRequestScaling(service: ScalingTarget, scaling: ecs.ScalableTaskCount, target: number): void {
  const [blue, green] = service.targetGroups;
  if (!green) {
    scaling.scaleOnRequestCount('RequestScaling', { requestsPerTarget: target, targetGroup: blue, ...{ scaleInCooldown: DEFAULTS.scaleInCooldown, scaleOutCooldown: DEFAULTS.scaleOutCooldown } });
    return;
  }
  // Requests over both target groups per running task; target tracking accepts metric math
  // only through the L1 CustomizedMetricSpecification.Metrics.
  scaling.scaleToTrackCustomMetric('RequestScaling', {
    metric: blue.metrics.requestCount({ statistic: cloudwatch.Stats.SUM }),
    targetValue: target,
    scaleInCooldown: DEFAULTS.scaleInCooldown,
    scaleOutCooldown: DEFAULTS.scaleOutCooldown,
  });
  const requests = (id: string, tg: typeof blue) => ({
    Id: id,
    ReturnData: false,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'RequestCount',
        Dimensions: [
          { Name: 'LoadBalancer', Value: service.loadBalancerFullName() },
          { Name: 'TargetGroup', Value: tg.targetGroupFullName },
        ],
      },
      Stat: 'Sum',
    },
  });
  const policy = scaling.node.findAll().find((c) => c instanceof appscaling.TargetTrackingScalingPolicy && c.node.id === 'RequestScaling');
  const cfn = policy!.node.defaultChild as appscaling.CfnScalingPolicy;
  cfn.addPropertyDeletionOverride('TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.MetricName');
  cfn.addPropertyDeletionOverride('TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Namespace');
  cfn.addPropertyDeletionOverride('TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Dimensions');
  cfn.addPropertyDeletionOverride('TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Statistic');
  cfn.addPropertyOverride('TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics', [
    requests('blue', blue),
    requests('green', green),
    {
      Id: 'tasks',
      ReturnData: false,
      MetricStat: {
        Metric: {
          Namespace: 'ECS/ContainerInsights',
          MetricName: 'RunningTaskCount',
          Dimensions: [
            { Name: 'ClusterName', Value: service.clusterName },
            { Name: 'ServiceName', Value: service.metricServiceName },
          ],
        },
        Stat: 'Average',
      },
    },
    // ELB reports no RequestCount for a target group without requests, and math on a missing
    // value is missing: FILL gives the idle side 0, so the sum never goes missing.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
    { Id: 'perTask', Expression: '(FILL(blue, 0) + FILL(green, 0)) / tasks', Label: 'Requests per task (blue + green)', ReturnData: true },
  ]);
}
