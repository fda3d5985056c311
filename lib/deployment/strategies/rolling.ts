import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { PlatformContext } from '../../foundation/platform-context';
import { Problems } from '../../private/errors';
import type { Deployment } from '../policy/deployment';
import { newPlatformService, ownByPlatform } from '../provider/ecs-service';
import type { SmokeTest } from '../smoke-test/smoke-test';
import { circuitBreakerFor } from './ecs-controller';
import { BindTarget, PipelineDeploy, ServiceCheck, ServiceStrategy, ServiceTarget, StrategyBinding, StrategyService, StrategyWorker, WorkerTarget } from './strategy';

/**
 * The rolling policies: a Fargate service on the ECS deployment controller (the circuit breaker
 * with rollback where AWS documents it), attached to its target group and, when asked, to the
 * platform's Service Connect namespace, rolled back on its deployment alarms, and handed to the
 * platform's provider (ownByPlatform) once its hooks are added. The pipeline deploys with the
 * ECS deploy action. ECS-native blue/green extends it (see ecs-blue-green.ts in this folder).
 */
export class RollingStrategy implements ServiceStrategy {
  public readonly twoTargetGroups: boolean = false;
  public readonly namesDeploymentGroup = false;
  private created?: { readonly service: ecs.FargateService; readonly target: ServiceTarget };

  constructor(protected readonly deployment: Deployment) {}

  public validate(_p: Problems, _service: ServiceCheck): void {
    // The rolling policies have no options.
  }

  public createService(t: ServiceTarget): StrategyService {
    const platform = t.platform;
    const deployment = { deploymentController: { type: ecs.DeploymentControllerType.ECS }, ...this.rolloutSettings(t.minTasks), ...this.controllerProps() };
    const service = newPlatformService(t.scope, 'Service', {
      platform,
      serviceName: t.serviceName,
      taskDefinition: t.taskDefinition,
      desiredCount: t.state.desiredCount,
      securityGroups: [t.securityGroup],
      capacityProviderStrategies: t.capacityStrategies,
      healthCheckGracePeriod: t.gracePeriod,
      deployment,
      enableExecuteCommand: t.enableExec,
    });
    if (!deployment.circuitBreaker) {
      // ECS-native canary and linear: see circuitBreakerFor (ecs-controller.ts).
      new Problems(service).acknowledgeWarning('@aws-cdk/aws-ecs:shouldUseCircuitBreaker',
        'Canary and linear ECS deployments have no circuit breaker: AWS documents it for the rolling update and blue/green only; they fail and roll back on the service\'s deployment alarms');
    }
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
      pipelineDeploy: ecsDeploy(service),
    };
  }

  /**
   * A worker's service: the rolling update of this policy with its circuit breaker, handed to the
   * platform's provider at once (a worker has no hooks), deployed by the ECS deploy action.
   */
  public createWorker(t: WorkerTarget): StrategyWorker {
    const service = newPlatformService(t.scope, 'Service', {
      platform: t.platform,
      serviceName: t.serviceName,
      taskDefinition: t.taskDefinition,
      desiredCount: t.state.desiredCount,
      securityGroups: [t.securityGroup],
      capacityProviderStrategies: t.capacityStrategies,
      deployment: this.rolloutSettings(t.minTasks),
      enableExecuteCommand: t.enableExec,
    });
    ownByPlatform(service, { platform: t.platform, pipelineOwnsImage: t.pipelineOwnsImage, containerName: t.containerName });
    return { service, pipelineDeploy: ecsDeploy(service) };
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

/** The ECS deploy action of a service on the ECS controller: a new revision with the built image, rolled out by the service's own deployment settings. */
function ecsDeploy(service: ecs.FargateService): PipelineDeploy {
  return {
    writesDeployFiles: false,
    hooks: [],
    action: ({ buildOutput, runOrder }) => new actions.EcsDeployAction({ actionName: 'Deploy', service, input: buildOutput, runOrder }),
  };
}
