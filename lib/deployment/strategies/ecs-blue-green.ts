import { Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { acknowledge } from '../../private/compliance';
import type { Problems } from '../../private/errors';
import { BlueGreenOptions } from '../policy/deployment';
import { ECS_NLB_DELAY_MINUTES, ecsDeploymentMinutes } from '../provider/ecs-timing';
import { BLUE_GREEN_LIMITS } from '../provider/limits';
import type { SmokeTest } from '../smoke-test/smoke-test';
import { validateSmokeTest } from '../smoke-test/validate-smoke-test';
import { addEcsHooks, ecsBlueGreenServiceProps } from './ecs-controller';
import { RollingStrategy } from './rolling';
import { BindTarget, nothingToShift, routeOf, StrategyRefusal, ServiceCheck, ServiceTarget, StrategyWorker } from './strategy';
import { BLUE_GREEN_RULES, validateBlueGreenOptions } from './validate-blue-green';

/**
 * ECS-native blue/green, canary or linear: the rolling strategy's service with the ECS
 * controller's strategy, an alternate target (green, on the test rule) and the smoke test and
 * hooks as ECS lifecycle hooks.
 */
export class EcsBlueGreenStrategy extends RollingStrategy {
  public readonly twoTargetGroups: boolean = true;

  private get options(): BlueGreenOptions {
    return this.deployment.blueGreenOptions ?? {};
  }

  public validate(p: Problems, service: ServiceCheck): void {
    const before = p.count;
    validateBlueGreenOptions(p, this.options, BLUE_GREEN_RULES.ecs);
    if (p.count === before) validateEcsTiming(p, this.options, service.routing.tcpPort !== undefined);
    validateSmokeTest(p, this.options.smokeTest, service.routing);
  }

  /** A service without traffic has nothing to shift. */
  public get workerRefusal(): StrategyRefusal {
    return nothingToShift(this.deployment.kind);
  }

  /** Never called: a worker is refused first (workerRefusal). */
  public createWorker(): StrategyWorker {
    throw new Error(`cdk-container-platform: ${this.deployment.kind} cannot deploy a worker`);
  }

  protected controllerProps(): Partial<ecs.FargateServiceProps> {
    return ecsBlueGreenServiceProps(this.options);
  }

  /**
   * Blue with green as its alternate target group, shifted on the service's production and test
   * listener rules (Application Load Balancer) or on its production and test listeners (a TCP
   * service on the Network Load Balancer, whose listeners ECS points at blue or green).
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AdvancedConfiguration.html
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/nlb-resources-for-blue-green.html
   */
  protected attach(t: ServiceTarget, service: ecs.FargateService): void {
    const route = routeOf(t);
    const target = (listeners: Pick<ecs.AlternateTargetProps, 'productionListener' | 'testListener'>) => service.loadBalancerTarget({
      containerName: t.containerName,
      containerPort: t.containerPort,
      alternateTarget: new ecs.AlternateTarget('AlternateTarget', { alternateTargetGroup: route.green, ...listeners }),
    });
    if (route.kind === 'application') {
      route.blue.addTarget(target({
        productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(route.productionRule),
        testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(route.testRule),
      }));
    } else {
      route.blue.addTarget(target({
        productionListener: ecs.ListenerRuleConfiguration.networkListener(route.productionListener),
        testListener: ecs.ListenerRuleConfiguration.networkListener(route.testListener),
      }));
    }
    // The role aws-cdk-lib made for ECS to shift the traffic carries the managed policy ECS documents for it.
    const role = service.node.tryFindChild('AlternateTargetRole');
    if (role) {
      acknowledge(role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers]',
        'The Amazon ECS infrastructure role for load balancers, with the managed policy ECS documents for it: only ECS assumes it, for this service\'s deployments. '
        + 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AmazonECSInfrastructureRolePolicyForLoadBalancers.html');
    }
  }

  protected addHooks(t: BindTarget, service: ecs.FargateService): SmokeTest | undefined {
    return addEcsHooks(t, service, this.options);
  }
}

/**
 * A cdk deploy that changes an ECS-native service waits until ECS reports the deployment
 * complete, which is after the bake time (`terminationWait`), at most as long as CloudFormation
 * lets a custom resource run: a deployment that cannot end by then would fail the update after
 * 55 minutes and roll it back while ECS still deploys. (CodeDeploy services end a cdk deploy
 * once production traffic has moved instead: see `validateCodeDeployTiming`.)
 */
function validateEcsTiming(p: Problems, o: BlueGreenOptions, networkLoadBalancer: boolean): void {
  // The configuration the service gets (ecsBlueGreenServiceProps), so that the check reads what deploys.
  const props = ecsBlueGreenServiceProps(o);
  const shift = props.canaryConfiguration ?? props.linearConfiguration;
  const bake = props.bakeTime!;
  if (bake.isUnresolved() || shift?.stepBakeTime?.isUnresolved() || Token.isUnresolved(shift?.stepPercent)) return;
  const interval = shift?.stepBakeTime?.toMinutes();
  const minutes = ecsDeploymentMinutes({
    strategy: props.deploymentStrategy!,
    bakeMinutes: bake.toMinutes(),
    canaryBakeMinutes: interval,
    stepPercent: shift?.stepPercent,
    stepBakeMinutes: interval,
    networkLoadBalancer,
  });
  const described = shift ? `${props.deploymentStrategy!.toLowerCase()} ${shift.stepPercent} % every ${interval} minutes` : 'all traffic at once';
  const nlb = networkLoadBalancer ? `, ${ECS_NLB_DELAY_MINUTES} minutes for ECS's delays on a Network Load Balancer` : '';
  p.require(minutes <= BLUE_GREEN_LIMITS.waitMinutes, 'deployment', `${described}, terminationWait ${bake.toMinutes()} minutes${nlb}: about ${minutes} minutes`,
    `an ECS deployment that ECS reports complete within the ${BLUE_GREEN_LIMITS.waitMinutes} minutes a cdk deploy waits for it (the traffic shift, then the bake time `
    + `of terminationWait, plus ${BLUE_GREEN_LIMITS.allowanceMinutes} minutes to start green and run the hooks; CloudFormation allows a custom resource one hour)`,
    'shorten terminationWait or the traffic shift, or use Deployment.blueGreen() (CodeDeploy): its cdk deploy ends once production traffic has moved, and it keeps blue up to 48 hours');
}
