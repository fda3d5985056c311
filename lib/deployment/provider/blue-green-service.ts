import { CustomResource, Duration, Fn, ITaggableV2, Lazy, Stack, TagManager, TagType } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import type { IContainerPlatform } from '../../foundation/platform-contract';
import { refuseUnknownKeys } from '../../private/known-keys';
import type { HookBinding } from '../policy/deployment';
import { BLUE_GREEN_LIMITS, CONFIRM_END, CONFIRM_TRAFFIC_SHIFTED } from './limits';
import { serviceProvider, stackTagsProperty } from './service-provider';

/** Properties of a {@link BlueGreenService}. */
export interface BlueGreenServiceProps {
  /** The platform whose cluster runs the service and whose provider owns it. */
  readonly platform: IContainerPlatform;
  /** The service's name in the cluster. */
  readonly serviceName: string;
  /** The task definition of the service; a new revision reaches production through CodeDeploy. */
  readonly taskDefinition: ecs.ITaskDefinition;
  /** The container the load balancer sends traffic to. */
  readonly containerName: string;
  readonly containerPort: number;
  /** The target group the service is created with (blue). */
  readonly targetGroup: elbv2.ITargetGroup;
  /** The security groups of the tasks (private subnets, no public IP). */
  readonly securityGroups: ec2.ISecurityGroup[];
  /**
   * Where the tasks run.
   * @default - the FARGATE launch type
   */
  readonly capacityProviderStrategies?: ecs.CapacityProviderStrategy[];
  /** How long ECS ignores failing load-balancer health checks of a new task. */
  readonly healthCheckGracePeriod: Duration;
  /**
   * The service's minimum healthy percent.
   * @default 100
   */
  readonly minHealthyPercent?: number;
  /**
   * The service's maximum percent.
   * @default 200
   */
  readonly maxHealthyPercent?: number;
  /** The number of tasks the service is created with; after that, auto scaling owns the count. */
  readonly desiredCount: number;
  /** The CodeDeploy application of the deployment group that deploys the service. */
  readonly application: codedeploy.IEcsApplication;
  /** The name of that deployment group. */
  readonly deploymentGroupName: string;
  /**
   * Whether the container's image is whatever the pipeline deployed (then a revision that
   * differs from the template's only in that image already runs what the template describes).
   * @default false
   */
  readonly pipelineOwnsImage?: boolean;
  /**
   * Whether ECS Exec sessions may enter the tasks. ECS takes it when it creates the service only
   * (UpdateService of a CODE_DEPLOY service refuses it): a change fails the update with what to do.
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
  /** How long a deployment is expected to take (the time `cdk deploy` may need); 0 when not known at synth. */
  readonly expectedDeploymentTime: Duration;
  /**
   * Report success once production traffic has moved to green, instead of at the end of the
   * deployment (for termination waits longer than a custom resource may wait).
   * @default false
   */
  readonly confirmAtTrafficShift?: boolean;
}

/**
 * The ECS service of a CodeDeploy blue/green microservice, as a `Custom::BlueGreenService`
 * resource instead of `AWS::ECS::Service`: CloudFormation's handler for that type sends every
 * property in `UpdateService`, which ECS rejects for a CODE_DEPLOY service (aws-cdk#23564).
 * The platform's provider creates the service, changes only what ECS lets change, and brings a
 * new task definition, network or capacity to production through one CodeDeploy deployment
 * that `cdk deploy` waits for. Tags applied with `Tags.of(...)` reach the service (and, through
 * `propagateTags`, its tasks).
 *
 * Made by the platform for each `Deployment.blueGreen()` service (`service.blueGreenService`);
 * you do not build one yourself.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
 */
export class BlueGreenService extends Construct implements ITaggableV2 {
  public readonly cdkTagManager: TagManager;
  /** The custom resource. */
  public readonly resource: CustomResource;
  /** The service's name (a reference to the resource, so users of it come after it). */
  public readonly serviceName: string;
  /** The service's ARN (a reference to the resource). */
  public readonly serviceArn: string;
  private readonly hooks: HookBinding[] = [];

  /** @internal the service of a CodeDeploy blue/green strategy */
  public static _create(scope: Construct, id: string, props: BlueGreenServiceProps): BlueGreenService {
    return new BlueGreenService(scope, id, props);
  }

  private constructor(scope: Construct, id: string, props: BlueGreenServiceProps) {
    super(scope, id);
    this.cdkTagManager = new TagManager(TagType.KEY_VALUE, 'Custom::BlueGreenService');
    const platform = props.platform;
    const provider = serviceProvider(platform);
    provider.allowCodeDeploy();
    provider.allowStackTags(Stack.of(this));
    // task-definition/<family>:<revision>: the family of a task definition made elsewhere is read from its ARN.
    const td = props.taskDefinition;
    provider.allowService(props.serviceName, td instanceof ecs.TaskDefinition ? td.family : Fn.select(0, Fn.split(':', Fn.select(1, Fn.split('/', td.taskDefinitionArn)))));
    const capacity = props.capacityProviderStrategies ?? [];
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::BlueGreenService',
      serviceTimeout: Duration.seconds(BLUE_GREEN_LIMITS.serviceTimeoutSeconds),
      properties: {
        ClusterName: platform.cluster.clusterName,
        ServiceName: props.serviceName,
        TaskDefinition: props.taskDefinition.taskDefinitionArn,
        DesiredCount: props.desiredCount,
        ContainerName: props.containerName,
        ContainerPort: props.containerPort,
        TargetGroupArn: props.targetGroup.targetGroupArn,
        Subnets: platform.vpc.selectSubnets(platform.serviceSubnets).subnetIds,
        SecurityGroups: props.securityGroups.map((sg) => sg.securityGroupId),
        AssignPublicIp: 'DISABLED',
        CapacityProviderStrategy: capacity.length > 0
          ? capacity.map((s) => ({ CapacityProvider: s.capacityProvider, Base: s.base ?? 0, Weight: s.weight ?? 0 }))
          : undefined,
        HealthCheckGracePeriodSeconds: props.healthCheckGracePeriod.toSeconds(),
        MinimumHealthyPercent: props.minHealthyPercent ?? 100,
        MaximumPercent: props.maxHealthyPercent ?? 200,
        PropagateTags: ecs.PropagatedTagSource.SERVICE,
        EnableECSManagedTags: true,
        EnableExecuteCommand: props.enableExecuteCommand ? true : undefined,
        Tags: Lazy.any({ produce: () => this.cdkTagManager.renderTags() }),
        // The stack's tags reach the service through the handler (a custom resource gets none).
        StackTags: stackTagsProperty(this),
        ApplicationName: props.application.applicationName,
        DeploymentGroupName: props.deploymentGroupName,
        Hooks: Lazy.any({ produce: () => this.hooks.map((h) => ({ Event: h.lifecycleEvent, FunctionArn: h.functionArn })) }),
        ImageOwner: props.pipelineOwnsImage ? 'pipeline' : 'stack',
        Confirm: props.confirmAtTrafficShift ? CONFIRM_TRAFFIC_SHIFTED : CONFIRM_END,
        ExpectedMinutes: Math.ceil(props.expectedDeploymentTime.toSeconds() / 60),
      },
    });
    // The function's permissions must exist before it creates the service, and the provider
    // must outlive the service on delete.
    this.resource.node.addDependency(provider);
    // The cluster's capacity providers must be associated before the service uses them, and stay
    // until it is gone: CloudFormation orders nothing else between them (the association is a
    // child of the cluster, added at synthesis).
    // @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html
    // @see https://github.com/aws/aws-cdk/issues/15366 (ResourceInUse on destroy)
    this.resource.node.addDependency(props.platform.cluster);
    this.serviceName = this.resource.getAttString('ServiceName');
    this.serviceArn = this.resource.getAttString('ServiceArn');
  }

  /** Adds lifecycle hooks to the appspec of the deployments that `cdk deploy` starts, in order. */
  public addHooks(...hooks: HookBinding[]): void {
    hooks.forEach((hook) => refuseUnknownKeys(this, hook, 'HookBinding'));
    this.hooks.push(...hooks);
  }
}
