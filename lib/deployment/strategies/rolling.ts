import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Problems } from '../../private/errors';
import type { Deployment } from '../deployment';
import { circuitBreakerFor } from '../ecs-blue-green';
import { ownByPlatform } from '../owned-service';
import type { SmokeTest } from '../smoke-test';
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
      ...this.rolloutSettings(t.minTasks),
      ...this.controllerProps(),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
    });
    this.attach(t, service);
    if (t.serviceConnect) {
      platform._serviceConnectNamespace();
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
  public withoutTraffic(minTasks: number): TrafficlessRollout {
    return { settings: this.rolloutSettings(minTasks) };
  }

  /**
   * The rolling update of every service of this strategy: its percentages, and the circuit
   * breaker with rollback. ECS rounds the minimum healthy percent of the desired count up and
   * the maximum percent down, so at one task a policy with a minimum above 0 % and a maximum
   * below 200 % is 1 and 1: the deployment can neither start a new task nor stop the old one,
   * and waits until something gives up (cdk deploy's provider after 55 minutes, the pipeline's
   * ECS action after 60). A service or worker that can run one task (its scaling minimum is 0 or
   * 1) gets a maximum of 200 %: one new task starts beside the old one, which then stops.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html
   */
  private rolloutSettings(minTasks: number): Pick<ecs.FargateServiceProps, 'circuitBreaker' | 'minHealthyPercent' | 'maxHealthyPercent'> {
    const { minHealthyPercent, maxHealthyPercent } = this.deployment;
    const stallsAtOneTask = minTasks <= 1 && minHealthyPercent > 0 && maxHealthyPercent < 200;
    return {
      circuitBreaker: circuitBreakerFor(undefined),
      minHealthyPercent,
      maxHealthyPercent: stallsAtOneTask ? 200 : maxHealthyPercent,
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
