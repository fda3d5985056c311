import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';

/**
 * Where a blue/green deployment shifts a service's traffic. On the Application Load Balancer:
 * the service's rules on the shared production and test listeners, which CodeDeploy and ECS
 * point at blue or green. On the Network Load Balancer (a TCP service): the service's own
 * production and test listeners, whose default actions they point at blue or green (a Network
 * Load Balancer listener has no rules).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AdvancedConfiguration.html ("listener rule (in the case of an Application Load Balancer) or listener (in the case for an Network Load Balancer)")
 */
export type BlueGreenRoute = ApplicationRoute | NetworkRoute;

/** The traffic route of a blue/green service on the Application Load Balancer. */
export interface ApplicationRoute {
  readonly kind: 'application';
  readonly blue: elbv2.ApplicationTargetGroup;
  readonly green: elbv2.ApplicationTargetGroup;
  readonly productionListener: elbv2.IApplicationListener;
  readonly testListener: elbv2.IApplicationListener;
  readonly productionRule: elbv2.ApplicationListenerRule;
  readonly testRule: elbv2.ApplicationListenerRule;
}

/** The traffic route of a blue/green TCP service on the platform's Network Load Balancer. */
export interface NetworkRoute {
  readonly kind: 'network';
  readonly blue: elbv2.NetworkTargetGroup;
  readonly green: elbv2.NetworkTargetGroup;
  readonly productionListener: elbv2.NetworkListener;
  readonly testListener: elbv2.NetworkListener;
}
