import { CustomResource, Duration, IResolvable, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { PlatformContext, PlatformSingleton } from '../../foundation/platform-context';
import type { IContainerPlatform } from '../../foundation/platform-contract';
import { platformLogGroup } from '../../foundation/platform-resources';
import { handlerAsset } from '../../private/assets';
import { acknowledgeAll } from '../../private/compliance';
import { DEFAULTS } from '../../private/defaults';
import { acknowledgeFunction, functionRole } from '../../private/function-role';
import { templateProperties } from './cfn-properties';

/**
 * The one function per platform that answers the platform's custom resources
 * (Custom::DeployedState and Custom::LiveTargetGroups); the published one for a platform imported by name.
 */
export function serviceStateFunction(platform: IContainerPlatform): lambda.IFunction {
  const context = PlatformContext.of(platform);
  return context.imported?.stateFunction ?? context.singleton(SERVICE_STATE_FUNCTION);
}

/**
 * Lets the platform's deployed-state function read the listener rules of the blue/green services
 * that platforms importing it add (a published platform grants it whether its own services need
 * it or not).
 */
export function allowReadingRules(fn: lambda.IFunction): void {
  if (readsRules.has(fn) || !(fn instanceof lambda.Function)) return;
  readsRules.add(fn);
  fn.addToRolePolicy(new iam.PolicyStatement({
    // DescribeRules supports no resource-level permissions ("Resource types" is empty):
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
    actions: ['elasticloadbalancing:DescribeRules'],
    resources: ['*'],
  }));
}

const readsListeners = new WeakSet<lambda.IFunction>();

/** Lets the platform's deployed-state function read the listeners of its blue/green TCP services. */
function allowReadingListeners(fn: lambda.IFunction): void {
  if (readsListeners.has(fn) || !(fn instanceof lambda.Function)) return;
  readsListeners.add(fn);
  fn.addToRolePolicy(new iam.PolicyStatement({
    // DescribeListeners supports no resource-level permissions ("Resource types" is empty):
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
    actions: ['elasticloadbalancing:DescribeListeners'],
    resources: ['*'],
  }));
}

/** The platform's one deployed-state function. */
const SERVICE_STATE_FUNCTION = new PlatformSingleton(['ServiceStateFunction', 'ServiceStateFunctionLogs', 'ServiceStateFunctionRole'], (platform) => newServiceStateFunction(platform, platform.cluster));

function newServiceStateFunction(platform: IContainerPlatform, cluster: ecs.ICluster): lambda.Function {
  const logGroup = platformLogGroup(platform, platform, 'ServiceStateFunctionLogs');
  const fn = new lambda.Function(platform, 'ServiceStateFunction', {
    role: functionRole(platform, 'ServiceStateFunctionRole', logGroup, false),
    description: 'cdk-container-platform: reads the deployed image and desired count of services and the live target groups of blue/green services',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(handlerAsset('deployed-state')),
    timeout: Duration.minutes(2),
    memorySize: 256,
    logGroup,
  });
  const stack = Stack.of(platform);
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['ecs:DescribeServices'],
    resources: [stack.formatArn({ service: 'ecs', resource: 'service', resourceName: `${cluster.clusterName}/*` })],
  }));
  fn.addToRolePolicy(new iam.PolicyStatement({
    // DescribeTaskDefinition supports no resource-level permissions.
    actions: ['ecs:DescribeTaskDefinition'],
    resources: ['*'],
  }));
  acknowledgeFunction(fn);
  acknowledgeAll(fn, ['NIST.800.53.R5-LambdaInsideVPC', 'lambda_inside_vpc_check'],
    'It calls only the ECS and Elastic Load Balancing APIs; outside a VPC it needs no NAT gateway or endpoints.');
  return fn;
}

const readsRules = new WeakSet<lambda.IFunction>();

/** Properties of {@link DeployedState}. */
export interface DeployedStateProps {
  readonly handler: lambda.IFunction;
  readonly containerName: string;
  /** The image used until something is deployed; none when the stack owns the image. */
  readonly bootstrapImage?: string;
  /**
   * The cluster of `serviceName`.
   * @default - no service
   */
  readonly cluster?: ecs.ICluster;
  /**
   * The service whose live image and desired count are read.
   * @default - no service: the image of the newest ACTIVE revision of the watched task definition's family
   */
  readonly serviceName?: string;
  /**
   * The desired count the service is created with.
   * @default 0
   */
  readonly initialDesiredCount?: number;
}

/** The listener rules of a blue/green service and its two target groups. */
export interface FollowedRules {
  readonly productionRule: elbv2.ApplicationListenerRule;
  readonly testRule: elbv2.ApplicationListenerRule;
  /** The target group production forwards to before the first deployment. */
  readonly blueTargetGroup: elbv2.ITargetGroup;
  readonly greenTargetGroup: elbv2.ITargetGroup;
}

/** The production and test listeners of a blue/green TCP service on the Network Load Balancer, and its two target groups. */
export interface FollowedListeners {
  readonly loadBalancer: elbv2.INetworkLoadBalancer;
  readonly productionListener: elbv2.NetworkListener;
  readonly productionPort: number;
  readonly testListener: elbv2.NetworkListener;
  /** The target group production forwards to before the first deployment. */
  readonly blueTargetGroup: elbv2.ITargetGroup;
  readonly greenTargetGroup: elbv2.ITargetGroup;
}

/** The target groups a blue/green service's rules forward to, as they are live now. */
export interface LiveTargetGroups {
  readonly productionTargetGroupArn: string;
  readonly testTargetGroupArn: string;
}

/**
 * What is deployed now, read back by `cdk deploy`: the image the pipeline last deployed and
 * the desired count auto scaling set (and, with {@link followRules}, the target group that
 * production traffic reaches). The stack's task definition carries that image and its service
 * that count, so a `cdk deploy` reverts neither.
 *
 * The resource is read again exactly when CloudFormation would register a task definition:
 * its `Watched` property holds the task definition's own CloudFormation properties, as tokens
 * that CloudFormation resolves (so a new value of a referenced secret ARN or queue URL is seen
 * too), without the image, which the resource answers. The services themselves are the
 * platform's (Custom::BlueGreenService, Custom::EcsService): they take the desired count at
 * creation only and never revert production's image, so a change of the service alone needs
 * no read.
 */
export class DeployedState extends Construct {
  private readonly resource: CustomResource;
  private readonly handler: lambda.IFunction;
  private readonly hasService: boolean;
  private taskDefinition?: ecs.TaskDefinition;

  constructor(scope: Construct, id: string, props: DeployedStateProps) {
    super(scope, id);
    this.handler = props.handler;
    this.hasService = props.serviceName !== undefined;
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: props.handler.functionArn,
      resourceType: 'Custom::DeployedState',
      serviceTimeout: DEFAULTS.customResourceTimeout,
      properties: {
        ClusterName: props.cluster?.clusterName,
        ServiceName: props.serviceName,
        Family: Lazy.string({ produce: () => (this.hasService ? undefined : this.taskDefinition?.family) }),
        ContainerName: props.containerName,
        BootstrapImage: props.bootstrapImage ?? '',
        InitialDesiredCount: props.initialDesiredCount ?? 0,
        Watched: Lazy.any({ produce: () => this.watched() }),
      },
    });
    this.resource.node.addDependency(props.handler);
  }

  /** The image deployed now (the bootstrap image before the first deployment). */
  public get image(): string {
    return this.resource.getAttString('Image');
  }

  /** The service's desired count now (the initial count before it exists). */
  public get desiredCount(): number {
    return Token.asNumber(this.resource.getAtt('DesiredCount'));
  }

  /** Re-read whenever CloudFormation would register a new revision of this task definition. */
  public watch(taskDefinition: ecs.TaskDefinition): void {
    this.taskDefinition = taskDefinition;
  }

  /**
   * The live target groups of a blue/green service, for its rules to forward to: the one
   * production reaches now (blue before the first deployment) and the other, which the test
   * rule forwards to. A resource of its own (`Custom::LiveTargetGroups`) reads them whenever
   * CloudFormation would change either rule (listener, priority, conditions), and only then.
   * A rollback replays a rule's previous properties, so the rules must not change with the
   * task definition or the service: a `cdk deploy` whose deployment fails would set them back
   * to the target group they named before the last pipeline deployment.
   */
  public followRules(rules: FollowedRules): LiveTargetGroups {
    const production = rules.productionRule.node.defaultChild as elbv2.CfnListenerRule;
    const live = new CustomResource(this, 'LiveTargetGroups', {
      serviceToken: this.handler.functionArn,
      resourceType: 'Custom::LiveTargetGroups',
      serviceTimeout: DEFAULTS.customResourceTimeout,
      properties: {
        ProductionListenerArn: production.listenerArn,
        Priority: production.priority,
        BlueTargetGroupArn: rules.blueTargetGroup.targetGroupArn,
        GreenTargetGroupArn: rules.greenTargetGroup.targetGroupArn,
        // The rules' own CloudFormation properties, without their actions (which come from here).
        Watched: { ProductionRule: watchedRule(rules.productionRule), TestRule: watchedRule(rules.testRule) },
      },
    });
    live.node.addDependency(this.handler);
    allowReadingRules(this.handler);
    return {
      productionTargetGroupArn: live.getAttString('ProductionTargetGroup'),
      testTargetGroupArn: live.getAttString('TestTargetGroup'),
    };
  }

  /**
   * The live target groups of a blue/green TCP service, for its Network Load Balancer listeners
   * to forward to by default (CodeDeploy and ECS rewrite a Network Load Balancer listener's
   * default action: it has no rules). As {@link followRules}, read whenever CloudFormation would
   * change either listener, and only then. The production listener is found by its load balancer
   * and port: its own ARN would make the resource depend on the listener that depends on it.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/nlb-resources-for-blue-green.html
   */
  public followListeners(listeners: FollowedListeners): LiveTargetGroups {
    const live = new CustomResource(this, 'LiveTargetGroups', {
      serviceToken: this.handler.functionArn,
      resourceType: 'Custom::LiveTargetGroups',
      serviceTimeout: DEFAULTS.customResourceTimeout,
      properties: {
        LoadBalancerArn: listeners.loadBalancer.loadBalancerArn,
        ProductionPort: listeners.productionPort,
        BlueTargetGroupArn: listeners.blueTargetGroup.targetGroupArn,
        GreenTargetGroupArn: listeners.greenTargetGroup.targetGroupArn,
        // The listeners' own CloudFormation properties, without their default actions (which come from here).
        Watched: { ProductionListener: watchedListener(listeners.productionListener), TestListener: watchedListener(listeners.testListener) },
      },
    });
    live.node.addDependency(this.handler);
    allowReadingListeners(this.handler);
    return {
      productionTargetGroupArn: live.getAttString('ProductionTargetGroup'),
      testTargetGroupArn: live.getAttString('TestTargetGroup'),
    };
  }

  private watched(): Record<string, unknown> {
    const watched: Record<string, unknown> = {};
    if (this.taskDefinition) watched.TaskDefinition = watchedTaskDefinition(this.taskDefinition);
    return watched;
  }
}

/** A listener rule's CloudFormation properties without its actions (required: an empty list stands in for them, then they are left out). */
function watchedRule(rule: elbv2.ApplicationListenerRule): IResolvable {
  return templateProperties(rule.node.defaultChild as elbv2.CfnListenerRule, (p) => ({ ...p, actions: [] }), ({ Actions: _actions, ...rest }) => rest);
}

/** A listener's CloudFormation properties without its default actions (required: an empty list stands in for them, then they are left out). */
function watchedListener(listener: elbv2.NetworkListener): IResolvable {
  return templateProperties(listener.node.defaultChild as elbv2.CfnListener, (p) => ({ ...p, defaultActions: [] }),
    ({ DefaultActions: _actions, ...rest }) => rest);
}

/**
 * The task definition's CloudFormation properties without its images and tags: every other
 * property is create-only, so a change of any of them registers a new revision (tags are
 * updated in place). Schema of AWS::ECS::TaskDefinition, createOnlyProperties:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-taskdefinition.html
 */
function watchedTaskDefinition(td: ecs.TaskDefinition): IResolvable {
  const containers = td.node.children.filter((c): c is ecs.ContainerDefinition => c instanceof ecs.ContainerDefinition);
  return templateProperties(td.node.defaultChild as ecs.CfnTaskDefinition,
    // The image is a required property of a container definition: a constant stands in for it.
    (p) => ({ ...p, containerDefinitions: containers.map((c) => ({ ...c.renderContainerDefinition(td), image: 'IMAGE' })), tags: undefined }),
    (rendered) => ({ ...rendered, ContainerDefinitions: (rendered.ContainerDefinitions ?? []).map(({ Image: _image, ...rest }: Record<string,
      unknown>) => rest) }));
}

