import { Duration } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { Construct } from 'constructs';
import type { BlueGreenRoute } from '../../foundation/blue-green-route';
import type { IContainerPlatform } from '../../foundation/platform-contract';
import type { Routing } from '../../foundation/routing';
import type { ServiceAlarms } from '../../observability/service-alarms';
import type { Problems } from '../../private/errors';
import type { BlueGreenDeployment, BlueGreenTarget } from '../codedeploy/blue-green-deployment';
import type { DeployedState } from '../deployed-state/deployed-state';
import type { HookBinding } from '../policy/deployment';
import type { BlueGreenService } from '../provider/blue-green-service';
import type { SmokeTest, SmokeTestTarget } from '../smoke-test/smoke-test';

/** What a deployment strategy needs to create a service's ECS service: handed over by the microservice. */
export interface ServiceTarget {
  /** The microservice: the parent of the service's resources. */
  readonly scope: Construct;
  readonly platform: IContainerPlatform;
  readonly serviceName: string;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly containerName: string;
  readonly containerPort: number;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly capacityStrategies: ecs.CapacityProviderStrategy[];
  /** The service's target group (blue): on the Application Load Balancer, or the Network Load Balancer's of a TCP service. */
  readonly targetGroup: elbv2.ApplicationTargetGroup | elbv2.NetworkTargetGroup;
  /** The production rule on the Application Load Balancer (none for a TCP service). */
  readonly productionRule?: elbv2.ApplicationListenerRule;
  /** Where a blue/green deployment shifts the traffic: green, and the production and test rules or listeners. */
  readonly route?: BlueGreenRoute;
  readonly gracePeriod: Duration;
  /** The target groups' deregistration delay, as the user set it (undefined: the default). */
  readonly deregistrationDelay?: Duration;
  readonly serviceConnect: boolean;
  /** What `cdk deploy` reads back of the deployed service. */
  readonly state: DeployedState;
  /** The number of tasks a new service starts with. */
  readonly initialDesiredCount: number;
  /** The fewest tasks the service scales to (its rolling update must progress at that count). */
  readonly minTasks: number;
  /** Whether the container's image is whatever the pipeline deployed. */
  readonly pipelineOwnsImage: boolean;
  /** Whether ECS Exec sessions may enter the tasks (the task role's permissions are the workload's to grant). */
  readonly enableExec: boolean;
}

/** What a strategy checks of a service besides its own options: handed over by the service's validation. */
export interface ServiceCheck {
  readonly routing: Routing;
  /** The health-check grace period, as the user set it (undefined: the default). */
  readonly gracePeriod?: Duration;
  /** The target groups' deregistration delay, as the user set it (undefined: the default). */
  readonly deregistrationDelay?: Duration;
}

/** The ECS service a strategy created. */
export interface StrategyService {
  /** The service, for scaling and metrics. */
  readonly service: ecs.IBaseService;
  /** The Fargate service, when the stack creates it (ECS deployment controller). */
  readonly ecsService?: ecs.FargateService;
  /** The custom resource that owns the service (CodeDeploy controller). */
  readonly blueGreenService?: BlueGreenService;
}

/**
 * What a strategy needs once the service's alarms exist: for a blue/green one, its hooks, smoke
 * test and deployment group (the service's `route`).
 */
export interface BindTarget extends Omit<BlueGreenTarget, 'service' | 'route'>, SmokeTestTarget {
  readonly alarms: ServiceAlarms;
  /** Where a blue/green deployment shifts the traffic (blue/green strategies only). */
  readonly route?: BlueGreenRoute;
}

/** The traffic route of a blue/green service, which the microservice makes for both blue/green strategies (twoTargetGroups). */
export function routeOf(t: { readonly route?: BlueGreenRoute }): BlueGreenRoute {
  if (!t.route) throw new Error('cdk-container-platform: a blue/green strategy needs the service\'s green target group and test listener');
  return t.route;
}

/** How a service's pipeline deploys what it built. */
export interface PipelineDeploy {
  /** Whether the build writes CodeDeploy's deployment files (taskdef.json, appspec.yaml), and, with an approval, renders them after it. */
  readonly writesDeployFiles: boolean;
  /** The hooks the appspec names. */
  readonly hooks: HookBinding[];
  /** The deploy action, after the actions already in the stage. */
  action(input: { readonly buildOutput: codepipeline.Artifact; readonly deployFiles: codepipeline.Artifact; readonly runOrder: number }): codepipeline.IAction;
}

/** Why a strategy cannot do something: the problem to report on the `deployment` prop. */
export interface StrategyRefusal {
  readonly value: string;
  readonly allowed: string;
  readonly fix: string;
}

/** What a strategy needs to create a worker's ECS service (a service that takes no traffic): handed over by the worker. */
export interface WorkerTarget {
  /** The worker: the parent of the service. */
  readonly scope: Construct;
  readonly platform: IContainerPlatform;
  readonly serviceName: string;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly containerName: string;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly capacityStrategies: ecs.CapacityProviderStrategy[];
  /** What `cdk deploy` reads back of the deployed service. */
  readonly state: DeployedState;
  /** Whether the container's image is whatever the pipeline deployed. */
  readonly pipelineOwnsImage: boolean;
  /** The fewest tasks scaling keeps (a rollout that must work at one task, see rolloutSettings). */
  readonly minTasks: number;
  /** Whether ECS Exec sessions may enter the tasks. */
  readonly enableExec: boolean;
}

/** A worker's service, as its strategy created it, and how the worker's pipeline deploys to it. */
export interface StrategyWorker {
  readonly service: ecs.FargateService;
  readonly pipelineDeploy: PipelineDeploy;
}

/** The refusal of a blue/green strategy to deploy a service that takes no traffic. */
export function nothingToShift(kind: string): StrategyRefusal {
  return {
    value: kind,
    allowed: 'a rolling kind: Deployment.allAtOnce(), rolling(), rollingWithAdditionalBatch() or immutable() (a worker receives no traffic, so there is nothing to shift blue/green)',
    fix: 'use Deployment.rolling() or Deployment.immutable()',
  };
}

/** What a strategy bound to a service: the CodeDeploy side, the smoke test, and the pipeline's deploy action. */
export interface StrategyBinding {
  readonly blueGreen?: BlueGreenDeployment;
  readonly smokeTest?: SmokeTest;
  readonly pipelineDeploy: PipelineDeploy;
}

/**
 * One deployment policy's way of running a microservice: what it validates, whether it needs a
 * second target group and a test rule, the ECS service it creates, and what it binds once the
 * service's alarms exist. The microservice calls each step once, in this order.
 */
export interface ServiceStrategy {
  /**
   * Whether the service has two target groups (blue and green) and a rule on the test listener:
   * both blue/green strategies. (`blueGreen` names the CodeDeploy side alone, as `Deployment.blueGreen()` does.)
   */
  readonly twoTargetGroups: boolean;
  /** Whether the strategy names a CodeDeploy deployment group after the service. */
  readonly namesDeploymentGroup: boolean;
  /** Why the service cannot use Service Connect with this strategy, when it cannot. */
  readonly serviceConnectRefusal?: StrategyRefusal;
  /** Records the problems of the strategy's own options. */
  validate(p: Problems, service: ServiceCheck): void;
  /** Creates the service. */
  createService(target: ServiceTarget): StrategyService;
  /** Adds what depends on the service and its alarms: hooks, smoke test, deployment group; and says how the pipeline deploys. */
  bind(target: BindTarget): StrategyBinding;
  /** Why the strategy cannot deploy a service without traffic (a worker), when it cannot. */
  readonly workerRefusal?: StrategyRefusal;
  /**
   * Creates the ECS service of a worker (a service without traffic, which calls nothing else of
   * the strategy) and says how its pipeline deploys; only when there is no `workerRefusal`.
   */
  createWorker(target: WorkerTarget): StrategyWorker;
}
