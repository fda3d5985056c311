import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';

/** The Application Load Balancer metrics of one target group that the alarms and the dashboard read. */
export type TargetGroupMetricName = 'HTTPCode_Target_5XX_Count' | 'HTTPCode_Target_4XX_Count' | 'UnHealthyHostCount' | 'TargetResponseTime' | 'RequestCount';

/**
 * A metric of one target group in the AWS/ApplicationELB namespace, by its two dimensions.
 *
 * aws-cdk-lib's `targetGroup.metrics` takes the load balancer's name apart from the ARN of the
 * target group's first listener (three `Fn::Select` of an `Fn::Split` in every metric); with
 * `loadBalancerFullName` given (the load balancer's own `LoadBalancerFullName` attribute) each
 * metric names it with one reference instead, and the same metric comes out.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html#load-balancer-metric-dimensions-alb
 */
export function targetGroupMetric(
  targetGroup: elbv2.ApplicationTargetGroup,
  loadBalancerFullName: string | undefined,
  metricName: TargetGroupMetricName,
  options: cloudwatch.MetricOptions,
): cloudwatch.Metric {
  if (loadBalancerFullName === undefined) return targetGroup.metrics.custom(metricName, options);
  return new cloudwatch.Metric({
    namespace: 'AWS/ApplicationELB',
    metricName,
    dimensionsMap: { LoadBalancer: loadBalancerFullName, TargetGroup: targetGroup.targetGroupFullName },
    ...options,
  });
}
