import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { Problems } from '../private/errors';
import { REQUIRED } from '../private/known-keys';
import { deployedStack } from '../private/stacks';

/**
 * One load balancer of a platform as its services use it: a production listener and a blue/green
 * test listener that their rules join, and the security group their tasks admit. A
 * {@link SharedLoadBalancer} of a {@link ContainerPlatform}, or one of a platform imported by name
 * (`ContainerPlatform.fromName`).
 */
export interface ISharedLoadBalancer extends IConstruct {
  /** The Application Load Balancer. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** The load balancer's full name (`app/<name>/<id>`), the dimension of its CloudWatch metrics. */
  readonly loadBalancerFullName: string;
  /** The load balancer's security group: services admit it on their container port. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** The listener that serves production traffic. */
  readonly productionListener: elbv2.IApplicationListener;
  /** The listener that blue/green deployments send test traffic to. */
  readonly testListener: elbv2.IApplicationListener;
  /** The protocol of both listeners (a token for an imported platform). */
  readonly protocol: elbv2.ApplicationProtocol;
  /** The port of the production listener: 443 with HTTPS, 80 with HTTP (a token for an imported platform). */
  readonly productionPort: number;
  /** The port of the test listener (a token for an imported platform). */
  readonly testListenerPort: number;
}

/**
 * What the parts of a platform (services, workers, jobs, event tasks, pipelines, deployments)
 * are given of it: the shared foundation they run on. The parts depend on this contract instead
 * of the class that composes them, {@link ContainerPlatform}: any construct with these members
 * is a platform they can run on. What the parts share beyond it (the names workloads claim, the
 * platform's singletons) lives in the platform's context, which every implementation gets.
 */
export interface IContainerPlatform extends IConstruct {
  /**
   * The name the platform's workloads are named after: each workload's physical names
   * (its ECS service, alarms, deployment group, pipeline's repository) are `<platformName>-<id>`.
   */
  readonly platformName: string;
  /** The VPC the platform's tasks and load balancers run in. */
  readonly vpc: ec2.IVpc;
  /** The ECS cluster, with the Fargate and Fargate Spot capacity providers. */
  readonly cluster: ecs.ICluster;
  /** Where the platform's tasks run. */
  readonly serviceSubnets: ec2.SubnetSelection;
  /** The load balancer services use unless they name another. */
  readonly defaultLoadBalancer: ISharedLoadBalancer;
  /** Every load balancer of the platform, the first one first. */
  readonly loadBalancers: ISharedLoadBalancer[];
  /** The key of the platform's log groups and topics. */
  readonly encryptionKey: kms.IKey;
  /** The topic every alarm of the platform notifies. */
  readonly alarmTopic: sns.ITopic;
  /** The bucket the load balancers' access logs and the buckets' server access logs go to. */
  readonly accessLogsBucket: s3.IBucket;
  /** What happens to the platform's stateful resources when they leave the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/** The members of the contract a platform must have, checked before any part reads them. */
const MEMBERS = ['platformName', 'vpc', 'cluster', 'serviceSubnets', 'defaultLoadBalancer', 'loadBalancers', 'encryptionKey', 'alarmTopic', 'accessLogsBucket'] as const;

/**
 * Whether `platform` has the member: a getter (read only when a part uses it: a platform imported
 * by name makes the parameter of a value on its first use), or a value.
 */
function hasMember(platform: object, member: string): boolean {
  for (let o: object | null = platform; o; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, member);
    if (descriptor) return descriptor.get !== undefined || descriptor.value !== undefined;
  }
  return false;
}

/**
 * Refuses, at synthesis and before anything reads it, a `platform` prop that is missing, is not
 * a construct, or lacks members of the contract (as a caller without type checks can pass).
 */
export function requirePlatform(scope: IConstruct, platform: IContainerPlatform | undefined): void {
  const missing = platform === undefined || !Construct.isConstruct(platform) ? [] : MEMBERS.filter((m) => !hasMember(platform, m));
  if (platform !== undefined && Construct.isConstruct(platform) && missing.length === 0) {
    warnOfExports(scope, platform);
    return;
  }
  const p = new Problems(scope);
  const received = platform === undefined ? undefined : ((platform as IConstruct).node?.path ?? typeof platform);
  p.add('platform', received, `${REQUIRED.platform.allowed}${missing.length > 0 ? ` (this one has no ${missing.join(', ')})` : ''}`, REQUIRED.platform.fix);
  p.throwIfAny();
}

/**
 * Warns when a workload takes a platform of another stack of the app by reference: the
 * platform's values reach it as exports of the platform's stack, which CloudFormation then
 * refuses to change or delete while the workload's stack imports them.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html#outputs-section-cross-stack-references
 */
function warnOfExports(scope: IConstruct, platform: IContainerPlatform): void {
  const own = deployedStack(platform);
  const workload = deployedStack(scope);
  if (own === workload) return;
  new Problems(scope).warn('platform-in-another-stack',
    `${scope.node.path} is in stack ${workload.stackName} and its platform ${platform.node.path} in ${own.stackName}: the platform's values reach it as `
    + `exports of ${own.stackName}, which CloudFormation cannot change or delete while ${workload.stackName} imports them. Publish the platform `
    + `(publish: true) and import it in ${workload.stackName} with ContainerPlatform.fromName(scope, 'Platform', '${platform.platformName}').`);
}
