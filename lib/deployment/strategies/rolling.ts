import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { PlatformContext } from '../../foundation/platform-context';
import type { Problems } from '../../private/errors';
import type { Deployment } from '../policy/deployment';
import { ownByPlatform } from '../provider/ecs-service';
import type { SmokeTest } from '../smoke-test/smoke-test';
import { circuitBreakerFor } from './ecs-controller';
import { BindTarget, ServiceCheck, ServiceStrategy, ServiceTarget, StrategyBinding, StrategyService, TrafficlessRollout } from './strategy';

/**
 * The rolling policies: a Fargate service on the ECS deployment controller (the circuit breaker
 * with rollback where AWS documents it), attached to its target group and, when asked, to the
 * platform's Service Connect namespace, rolled back on its deployment alarms, and handed to the
 * platform's provider (ownByPlatform) once its hooks are added. The pipeline deploys with the
 * ECS deploy action. ECS-native blue/green extends it (see ecs-blue-green.ts in this folder).
 */
export class RollingStrategy implements ServiceStrategy {
  public readonly blueGreen: boolean = false;
  public readonly namesDeploymentGroup = false;
  private created?: { readonly service: ecs.FargateService; readonly target: ServiceTarget };

  constructor(protected readonly deployment: Deployment) {}

  public validate(_p: Problems, _service: ServiceCheck): void {
    // The rolling policies have no options.
  }

  public createService(t: ServiceTarget): StrategyService {
    const platform = t.platform;
    const service = new ecs.FargateService(t.scope, 'Service', {
      cluster: platform.cluster,
      serviceName: t.serviceName,
      taskDefinition: t.taskDefinition,
      desiredCount: t.state.desiredCount,
      vpcSubnets: platform.serviceSubnets,
      securityGroups: [t.securityGroup],
      assignPublicIp: false,
      capacityProviderStrategies: t.capacityStrategies,
      healthCheckGracePeriod: t.gracePeriod,
      deploymentController: { type: ecs.DeploymentControllerType.ECS },
      ...this.rolloutSettings(),
      ...this.controllerProps(),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
    });
    this.attach(t, service);
    if (t.serviceConnect) {
      PlatformContext.of(platform).serviceConnectNamespace();
      const name = t.scope.node.id.toLowerCase();
      service.enableServiceConnect({ services: [{ portMappingName: t.containerName, dnsName: name, discoveryName: name, port: t.containerPort }] });
    }
    this.created = { service, target: t };
    return { service, ecsService: service };
  }

  public bind(t: BindTarget): StrategyBinding {
    if (!this.created) throw new Error('cdk-container-platform: a deployment strategy binds after it created the service');
    const { service, target } = this.created;
    service.enableDeploymentAlarms(t.alarms.deploymentAlarmNames, {
      behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
    });
    // Named literally, the alarms are no longer references: the service still comes after them
    // (they watch the target groups, not the service, so this makes no cycle).
    service.node.addDependency(...t.alarms.deploymentAlarms);
    const smokeTest = this.addHooks(t, service);
    // Last: the provider may pass every role the service's properties name, the hooks' included.
    ownByPlatform(service, { platform: t.platform, pipelineOwnsImage: target.pipelineOwnsImage, containerName: target.containerName });
    return {
      smokeTest,
      pipelineDeploy: {
        writesDeployFiles: false,
        hooks: [],
        action: ({ buildOutput }) => new actions.EcsDeployAction({ actionName: 'Deploy', service, input: buildOutput }),
      },
    };
  }

  /** The rolling update's settings, with the circuit breaker the service has. */
  public withoutTraffic(): TrafficlessRollout {
    return { settings: this.rolloutSettings() };
  }

  /** The rolling update of every service of this strategy: its percentages, and the circuit breaker with rollback. */
  private rolloutSettings(): Pick<ecs.FargateServiceProps, 'circuitBreaker' | 'minHealthyPercent' | 'maxHealthyPercent'> {
    return {
      circuitBreaker: circuitBreakerFor(undefined),
      minHealthyPercent: this.deployment.minHealthyPercent,
      maxHealthyPercent: this.deployment.maxHealthyPercent,
    };
  }

  /** The controller's settings beyond the rolling update's. */
  protected controllerProps(): Partial<ecs.FargateServiceProps> {
    return {};
  }

  /** Registers the service's tasks with its target group. */
  protected attach(t: ServiceTarget, service: ecs.FargateService): void {
    t.targetGroup.addTarget(service.loadBalancerTarget({ containerName: t.containerName, containerPort: t.containerPort }));
  }

  /** The lifecycle hooks of the service, and its smoke test. */
  protected addHooks(_t: BindTarget, _service: ecs.FargateService): SmokeTest | undefined {
    return undefined;
  }
}
