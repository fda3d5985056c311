import type { Duration } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { IContainerPlatform } from '../../foundation/platform-contract';
import { inPlatformRolePath } from '../../foundation/platform-resources';
import { BLUE_GREEN_LIMITS } from './limits';
import { serviceProvider, stackTagsProperty } from './service-provider';

/** How a service on the ECS deployment controller is handed to the platform's provider. */
export interface OwnedServiceOptions {
  readonly platform: IContainerPlatform;
  /** Whether the container's image is whatever the pipeline deployed (not fixed by the template). */
  readonly pipelineOwnsImage: boolean;
  /** The container whose image the pipeline owns. */
  readonly containerName: string;
}

/** What a service of the platform on the ECS deployment controller is made of besides the platform's settings. */
export interface PlatformServiceProps {
  readonly platform: IContainerPlatform;
  readonly serviceName: string;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly desiredCount: number;
  readonly securityGroups: ec2.ISecurityGroup[];
  readonly capacityProviderStrategies: ecs.CapacityProviderStrategy[];
  /** The rollout (percentages, circuit breaker) and the controller's strategy, from the deployment strategy. */
  readonly deployment: Partial<ecs.FargateServiceProps>;
  /**
   * How long ECS ignores failing load-balancer health checks of a new task.
   * @default - none: no load balancer checks the tasks
   */
  readonly healthCheckGracePeriod?: Duration;
  /**
   * Whether ECS Exec sessions may enter the tasks (the task role's permissions are the caller's to grant).
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
}

/**
 * The one way the platform builds a Fargate service on the ECS deployment controller (a
 * rolling or ECS-native blue/green service, a queue worker): in the platform's cluster and
 * service subnets without public IPs, tags propagated from the service, ECS managed tags. Hand
 * it to the platform's provider with {@link ownByPlatform} once everything that names roles in
 * its properties (lifecycle hooks) is added.
 */
export function newPlatformService(scope: Construct, id: string, props: PlatformServiceProps): ecs.FargateService {
  const platform = props.platform;
  const service = new ecs.FargateService(scope, id, {
    cluster: platform.cluster,
    serviceName: props.serviceName,
    taskDefinition: props.taskDefinition,
    desiredCount: props.desiredCount,
    vpcSubnets: platform.serviceSubnets,
    securityGroups: props.securityGroups,
    assignPublicIp: false,
    capacityProviderStrategies: props.capacityProviderStrategies,
    healthCheckGracePeriod: props.healthCheckGracePeriod,
    ...props.deployment,
    propagateTags: ecs.PropagatedTagSource.SERVICE,
    enableECSManagedTags: true,
  });
  // On the resource only: aws-cdk-lib's own enableExecuteCommand grants logging wherever the
  // cluster says, which the platform grants itself (core/exec.ts).
  if (props.enableExecuteCommand) (service.node.defaultChild as ecs.CfnService).enableExecuteCommand = true;
  return service;
}

/**
 * Makes a FargateService on the ECS deployment controller (rolling, or ECS-native blue/green) a
 * `Custom::EcsService` of the platform's service provider. aws-cdk-lib's FargateService still
 * renders the properties (load balancers, alternate target groups, lifecycle hooks, Service
 * Connect, deployment alarms) and the roles they name, and everything that uses the service
 * (scaling, metrics, alarms) reads its `Name` attribute and ARN as before; only the handler
 * changes. CloudFormation's own handler for AWS::ECS::Service sends every property in
 * UpdateService and, in a rollback, the task definition and desired count it resolved at the
 * last deploy that changed the service, older than the pipeline's deployments since
 * (containers-roadmap#493): the provider sends only what changed, never the desired count, and
 * keeps production's image (see handler/ecs-service.ts).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html
 */
export function ownByPlatform(service: ecs.FargateService, options: OwnedServiceOptions): void {
  const cfn = service.node.defaultChild as ecs.CfnService;
  const provider = serviceProvider(options.platform);
  cfn.addOverride('Type', 'Custom::EcsService');
  cfn.addPropertyOverride('ServiceToken', provider.serviceToken);
  cfn.addPropertyOverride('ServiceTimeout', String(BLUE_GREEN_LIMITS.serviceTimeoutSeconds));
  cfn.addPropertyOverride('ImageOwner', options.pipelineOwnsImage ? 'pipeline' : 'stack');
  cfn.addPropertyOverride('ContainerName', options.containerName);
  // The stack's tags reach the service through the handler (a custom resource gets none).
  cfn.addPropertyOverride('StackTags', stackTagsProperty(service));
  provider.allowStackTags(Stack.of(service));
  provider.allowService(cfn.serviceName ?? '', service.taskDefinition.family);
  // The provider's permissions must exist before it creates the service, and it must outlive the service on delete.
  cfn.node.addDependency(provider);
  // The cluster's capacity providers must be associated before the service uses them, and stay
  // until it is gone (ResourceInUseException otherwise: aws-cdk#15366).
  // @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html
  cfn.node.addDependency(options.platform.cluster);
  // ECS acts with the roles the service's own properties name (the load balancer role of
  // ECS-native blue/green, the lifecycle hooks' roles) from the deployment that creates the
  // service on: their policies, children of each role, come first.
  // @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-permissions.html
  for (const role of service.node.findAll().filter((c): c is iam.Role => c instanceof iam.Role)) cfn.node.addDependency(role);

  // The roles the service's own properties name (the load balancer role of ECS-native blue/green,
  // made by aws-cdk-lib, and the lifecycle hooks' roles) are passed to ECS by the provider: they
  // sit under the platform's role path, as the task's roles do.
  // @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AmazonECSInfrastructureRolePolicyForLoadBalancers.html
  for (const role of service.node.findAll().filter((c): c is iam.Role => c instanceof iam.Role)) inPlatformRolePath(options.platform, role);
}
