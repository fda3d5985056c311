import { Duration } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { DEFAULTS } from '../../private/defaults';
import { Problems } from '../../private/errors';
import { BlueGreenDeployment } from '../codedeploy/blue-green-deployment';
import { platformApplication } from '../codedeploy/codedeploy-application';
import { BlueGreenOptions, Deployment } from '../policy/deployment';
import { TrafficShift } from '../policy/traffic-shift';
import { BlueGreenService } from '../provider/blue-green-service';
import { BLUE_GREEN_LIMITS } from '../provider/limits';
import { validateSmokeTest } from '../smoke-test/validate-smoke-test';
import { blueGreenTiming, validateCodeDeployTiming } from './codedeploy-timing';
import { BindTarget, nothingToShift, routeOf, StrategyRefusal, ServiceCheck, ServiceStrategy, ServiceTarget, StrategyBinding, StrategyService, StrategyWorker } from './strategy';
import { BLUE_GREEN_RULES, validateBlueGreenOptions } from './validate-blue-green';

/**
 * CodeDeploy blue/green: the service is a `Custom::BlueGreenService` on the CODE_DEPLOY
 * controller, deployed by a deployment group of the platform's CodeDeploy application (with the
 * smoke test and the user's hooks), and the pipeline deploys with CodeDeploy's ECS action.
 */
export class CodeDeployStrategy implements ServiceStrategy {
  public readonly twoTargetGroups = true;
  public readonly namesDeploymentGroup = true;
  public readonly serviceConnectRefusal = {
    value: 'Deployment.blueGreen()',
    allowed: 'the ECS deployment controller for a service using Service Connect (CodeDeploy cannot deploy it)',
    fix: 'use Deployment.ecsBlueGreen() with the same options, or turn serviceConnect off',
  };
  private created?: { readonly service: ecs.IBaseService; readonly blueGreenService: BlueGreenService };

  constructor(private readonly deployment: Deployment) {}

  private get options(): BlueGreenOptions {
    return this.deployment.blueGreenOptions ?? {};
  }

  public validate(p: Problems, service: ServiceCheck): void {
    validateBlueGreenOptions(p, this.options, BLUE_GREEN_RULES.codeDeploy);
    validateSmokeTest(p, this.options.smokeTest, service.routing);
    validateCodeDeployTiming(p, this.options, service);
  }

  public createService(t: ServiceTarget): StrategyService {
    const blueGreenService = codeDeployService(t, this.deployment);
    blueGreenService.node.addDependency(t.state);
    const service = ecs.FargateService.fromFargateServiceAttributes(t.scope, 'Service', {
      cluster: t.platform.cluster,
      serviceName: blueGreenService.serviceName,
    });
    this.created = { service, blueGreenService };
    return { service, blueGreenService };
  }

  public bind(t: BindTarget): StrategyBinding {
    if (!this.created) throw new Error('cdk-container-platform: a deployment strategy binds after it created the service');
    const { service, blueGreenService } = this.created;
    const blueGreen = BlueGreenDeployment._create('BlueGreen', { ...t, route: routeOf(t), service }, this.options);
    // The deployments that cdk deploy starts need the group's permission to invoke the hooks
    // and the smoke test's settings: the service resource comes after them.
    blueGreenService.addHooks(...blueGreen.hooks);
    blueGreenService.node.addDependency(blueGreen.serviceRole);
    if (blueGreen.smokeTestSettings) blueGreenService.node.addDependency(blueGreen.smokeTestSettings);
    return {
      blueGreen,
      smokeTest: blueGreen.smokeTest,
      pipelineDeploy: {
        writesDeployFiles: true,
        hooks: blueGreen.hooks,
        action: ({ buildOutput, deployFiles, runOrder }) => new actions.CodeDeployEcsDeployAction({
          actionName: 'BlueGreen',
          deploymentGroup: blueGreen.deploymentGroup,
          appSpecTemplateInput: deployFiles,
          taskDefinitionTemplateInput: deployFiles,
          containerImageInputs: [{ input: buildOutput, taskDefinitionPlaceholder: 'IMAGE1_NAME' }],
          runOrder,
        }),
      },
    };
  }

  /** A service without traffic has nothing to shift. */
  public get workerRefusal(): StrategyRefusal {
    return nothingToShift(this.deployment.kind);
  }

  /** Never called: a worker is refused first (workerRefusal). */
  public createWorker(): StrategyWorker {
    throw new Error(`cdk-container-platform: ${this.deployment.kind} cannot deploy a worker`);
  }
}

/**
 * The ECS service of a CodeDeploy blue/green microservice, owned by a custom resource that
 * sends ECS only what it accepts for such a service (CloudFormation's AWS::ECS::Service would
 * send every property, and fail: aws-cdk#23564). Its routing must exist: the target groups
 * must belong to the load balancer (through the service's rules, or its Network Load Balancer
 * listeners) before ECS registers tasks in blue and CodeDeploy uses green.
 *
 * A `cdk deploy` waits for the deployment it starts; when the termination wait makes the
 * deployment longer than a custom resource may wait, it confirms once production traffic has
 * moved, and says so at synth. (A traffic shift too long to confirm is a validation error.)
 */
function codeDeployService(svc: ServiceTarget, deployment: Deployment): BlueGreenService {
  const options = deployment.blueGreenOptions ?? {};
  const route = routeOf(svc);
  const gracePeriod = svc.gracePeriod;
  const traffic = options.traffic ?? TrafficShift.allAtOnce();
  // Durations given as tokens are known at deploy time only (no timing): then a cdk deploy
  // confirms once production traffic has moved (never held by a termination wait it cannot
  // see), and does not give up early while another deployment runs (ExpectedMinutes 0: unknown).
  const timing = blueGreenTiming(traffic, options.terminationWait ?? DEFAULTS.terminationWait,
    gracePeriod, svc.deregistrationDelay ?? DEFAULTS.deregistrationDelay);
  if (timing && !timing.endFits) {
    new Problems(svc.scope).warn('blue-green-wait',
      `A CodeDeploy deployment of ${svc.scope.node.id} takes about ${timing.untilEndMinutes} minutes with its termination wait; `
      + `cdk deploy waits at most ${BLUE_GREEN_LIMITS.waitMinutes} (CloudFormation allows a custom resource one hour). A cdk deploy that `
      + 'changes the task definition therefore reports success once production traffic has moved to green; an alarm during the rest of '
      + 'the termination wait still rolls the deployment back, after cdk deploy has finished. Shorten deployment.terminationWait for cdk deploy to wait for the end.');
  }
  const expectedMinutes = !timing ? 0 : timing.endFits ? timing.untilEndMinutes : timing.untilShiftedMinutes;
  const service = BlueGreenService._create(svc.scope, 'BlueGreenService', {
    platform: svc.platform,
    serviceName: svc.serviceName,
    taskDefinition: svc.taskDefinition,
    containerName: svc.containerName,
    containerPort: svc.containerPort,
    targetGroup: route.blue,
    securityGroups: [svc.securityGroup],
    capacityProviderStrategies: svc.capacityStrategies,
    healthCheckGracePeriod: gracePeriod,
    minHealthyPercent: deployment.minHealthyPercent,
    maxHealthyPercent: deployment.maxHealthyPercent,
    desiredCount: svc.initialDesiredCount,
    application: platformApplication(svc.platform),
    deploymentGroupName: svc.serviceName,
    pipelineOwnsImage: svc.pipelineOwnsImage,
    enableExecuteCommand: svc.enableExec,
    expectedDeploymentTime: Duration.minutes(expectedMinutes),
    confirmAtTrafficShift: !timing?.endFits,
  });
  if (route.kind === 'application') service.node.addDependency(route.productionRule, route.testRule);
  else service.node.addDependency(route.productionListener, route.testListener);
  return service;
}
