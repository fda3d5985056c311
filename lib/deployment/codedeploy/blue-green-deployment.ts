import { Duration } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { DEFAULTS } from '../../private/defaults';
import { BlueGreenOptions, DeploymentHook, HookBinding, HookEvent } from '../policy/deployment';
import { TrafficShift, TrafficShiftKind } from '../policy/traffic-shift';
import { SmokeTest, SmokeTestTarget } from '../smoke-test/smoke-test';
import { platformApplication } from './codedeploy-application';
import { codeDeployServiceRole, CodeDeployRoleTarget } from './codedeploy-role';

/** What the CodeDeploy side of a service needs of it: handed over by the service's deployment strategy. */
export interface BlueGreenTarget extends CodeDeployRoleTarget, SmokeTestTarget {
  /** The service the deployment group deploys. */
  readonly service: ecs.IBaseService;
}

const PREDEFINED: Record<string, codedeploy.IEcsDeploymentConfig> = {
  'CANARY/10/5': codedeploy.EcsDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  'CANARY/10/15': codedeploy.EcsDeploymentConfig.CANARY_10PERCENT_15MINUTES,
  'LINEAR/10/1': codedeploy.EcsDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTES,
  'LINEAR/10/3': codedeploy.EcsDeploymentConfig.LINEAR_10PERCENT_EVERY_3MINUTES,
};

/**
 * CodeDeploy blue/green for one service: the deployment group on the platform's
 * application (blue and green target groups, production and test listeners, the traffic
 * shift, automatic rollback on failure, stop and the service's alarms), the smoke test and
 * your hooks. The service's `Custom::BlueGreenService` deploys the task definitions that
 * `cdk deploy` registers through this group, with the same hooks (its strategy hands them over).
 *
 * Made by the platform for each `Deployment.blueGreen()` service (`service.blueGreen`).
 */
export class BlueGreenDeployment extends Construct {
  /** The platform's CodeDeploy application, which holds every service's deployment group. */
  public readonly application: codedeploy.IEcsApplication;
  /** The service's deployment group: blue and green target groups, both listeners, the traffic shift, rollback on failure, stop and the deployment alarms. */
  public readonly deploymentGroup: codedeploy.EcsDeploymentGroup;
  /** How the deployment group shifts production traffic: a predefined configuration, or one made for this service's shift. */
  public readonly deploymentConfig: codedeploy.IEcsDeploymentConfig;
  /**
   * The deployment group's service role, scoped to this service (the group's own `role` is an
   * immutable view of it, so that aws-cdk-lib does not attach `AWSCodeDeployRoleForECS`).
   */
  public readonly serviceRole: iam.Role;
  /** The platform's built-in smoke test, unless disabled for this service. */
  public readonly smokeTest?: SmokeTest;
  /** What the smoke test requests of this service and accepts. */
  public readonly smokeTestSettings?: ssm.StringParameter;
  /** Every hook the appspec names: the smoke test and yours. */
  public readonly hooks: HookBinding[];

  /**
   * @internal the CodeDeploy side of a service's CodeDeploy strategy, which reads the service
   * through its contract only (made in `target.scope`, the service)
   */
  public static _create(id: string, target: BlueGreenTarget, options: BlueGreenOptions): BlueGreenDeployment {
    return new BlueGreenDeployment(target.scope, id, target, options);
  }

  private constructor(scope: Construct, id: string, svc: BlueGreenTarget, o: BlueGreenOptions) {
    super(scope, id);
    this.application = platformApplication(svc.platform);
    this.deploymentConfig = deploymentConfig(this, o.traffic ?? TrafficShift.allAtOnce());
    this.serviceRole = codeDeployServiceRole(this, 'ServiceRole', svc);
    this.deploymentGroup = new codedeploy.EcsDeploymentGroup(this, 'DeploymentGroup', {
      application: this.application,
      deploymentGroupName: svc.serviceName,
      // EcsDeploymentGroup attaches AWSCodeDeployRoleForECS to any role it is given; an
      // immutable view drops that, and the role keeps its scoped policy.
      role: this.serviceRole.withoutPolicyUpdates(),
      service: svc.service,
      deploymentConfig: this.deploymentConfig,
      blueGreenDeploymentConfig: {
        blueTargetGroup: svc.route.blue,
        greenTargetGroup: svc.route.green,
        listener: svc.route.productionListener,
        testListener: svc.route.testListener,
        terminationWaitTime: o.terminationWait ?? DEFAULTS.terminationWait,
      },
      alarms: svc.deploymentAlarms,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });

    const userHooks: DeploymentHook[] = [...(o.hooks ?? [])];
    if (o.smokeTest?.enabled ?? true) {
      this.smokeTest = SmokeTest.of(svc.platform);
      this.smokeTest._allowCodeDeploy(this.application);
      this.smokeTestSettings = this.smokeTest._settingsFor(svc, o.smokeTest ?? {});
      userHooks.unshift({ lifecycleEvent: HookEvent.AFTER_ALLOW_TEST_TRAFFIC, function: this.smokeTest.function });
    }
    this.hooks = userHooks.map((h) => ({ lifecycleEvent: h.lifecycleEvent, functionArn: h.function.functionArn }));
    for (const hook of userHooks) {
      hook.function.grantInvoke(this.serviceRole);
      // The platform's smoke test may already report on every deployment group of the platform.
      if (hook.function === this.smokeTest?.function) continue;
      hook.function.addToRolePolicy(new iam.PolicyStatement({
        // No resource-level permission exists for it (see SmokeTest._allowCodeDeploy).
        actions: ['codedeploy:PutLifecycleEventHookExecutionStatus'],
        resources: ['*'],
      }));
    }

  }
}

function deploymentConfig(scope: Construct, traffic: TrafficShift): codedeploy.IEcsDeploymentConfig {
  if (traffic.kind === TrafficShiftKind.ALL_AT_ONCE) return codedeploy.EcsDeploymentConfig.ALL_AT_ONCE;
  const minutes = traffic.interval.toMinutes();
  const predefined = PREDEFINED[`${traffic.kind}/${traffic.percent}/${minutes}`];
  if (predefined) return predefined;
  const trafficRouting = traffic.kind === TrafficShiftKind.CANARY
    ? codedeploy.TrafficRouting.timeBasedCanary({ percentage: traffic.percent, interval: Duration.minutes(minutes) })
    : codedeploy.TrafficRouting.timeBasedLinear({ percentage: traffic.percent, interval: Duration.minutes(minutes) });
  return new codedeploy.EcsDeploymentConfig(scope, 'DeploymentConfig', { trafficRouting });
}
