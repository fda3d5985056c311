import { Duration, Stack, Tags } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EXAMPLE_ENV } from '../../examples/env';
import { Capacity, ContainerPlatform, Deployment, HookEvent, Microservice, PlatformAlerts, Routing, Source, TrafficShift } from '../../lib';
import { CloudAssembly } from './model/assembly';
import { synth } from './synth';

/** The workloads the lifecycle scenarios run. */
export type Kind = 'codeDeploy' | 'ecsBlueGreen' | 'rolling' | 'worker' | 'job';

/** What a `cdk deploy` changes relative to the first version of the app. */
export interface Variant {
  /** Extra container environment. */
  readonly env?: Record<string, string>;
  readonly maxTasks?: number;
  readonly alarmCpuPercent?: number;
  readonly healthInterval?: number;
  readonly spot?: boolean;
  readonly paths?: string[];
  /** A manual approval in the pipeline. */
  readonly approval?: boolean;
  /** A resource of the platform's stack that depends on the workload and that the test makes fail. */
  readonly laterFailure?: boolean;
  /** Tags on the whole stack. */
  readonly tags?: boolean;
  /** The stack's own tags (StackProps.tags: stack-level tags, which CloudFormation applies, not the template). */
  readonly stackTags?: Record<string, string>;
  /** CodeDeploy: the termination wait, in minutes. */
  readonly terminationWaitMinutes?: number;
  /** CodeDeploy: a canary shift of 10 % that moves the rest after this many minutes. */
  readonly canaryMinutes?: number;
  /** CodeDeploy: a user's hook function before production traffic moves (named GATE_HOOK: the test says what it reports). */
  readonly gateHook?: boolean;
  /** ECS Exec on the service or worker. */
  readonly exec?: boolean;
  /**
   * A service with a sidecar from the account's ECR repository {@link SIDECAR_REPOSITORY} (which the
   * test creates and pushes to), storage on the platform's file system, and tracing.
   */
  readonly sidecarAndStorage?: boolean;
  /** The tag of the `sidecarAndStorage` variant's sidecar image. */
  readonly sidecarTag?: string;
  /** A TCP service: Routing.tcp(5432) on the platform's Network Load Balancer, container port 5432, a TCP health check. */
  readonly tcp?: boolean;
  /**
   * A blue/green TCP service (codeDeploy, ecsBlueGreen): `tcp` with its test listener on 15432; `'connect'`: the
   * smoke test connects; `'http'`: an HTTP health check on /health and a smoke test of /ready.
   */
  readonly tcpBlueGreen?: 'connect' | 'http';
  /** The port of a `tcpBlueGreen` service (5432 unless given). */
  readonly tcpPort?: number;
  /**
   * codeDeploy with `tcpBlueGreen`: the deployment group's configuration set to a canary through an
   * escape hatch, past the library's synth check, to show what CodeDeploy does with it.
   */
  readonly canaryPastSynth?: boolean;
  /**
   * ecsBlueGreen: the service's bake time (BakeTimeInMinutes) set to this many minutes through an
   * escape hatch, past the library's synth check, to show what a cdk deploy then meets.
   */
  readonly bakeMinutesPastSynth?: number;
}

/** The ECR repository (not the stack's) of the `sidecarAndStorage` variant's sidecar, and its tag. */
export const SIDECAR_REPOSITORY = 'orders-proxy';
export const SIDECAR_TAG = '1.0';

/** The function name of the `gateHook` variant's hook (the model's hook double answers by name). */
export const GATE_HOOK = 'orders-gate';

export const STACK = 'Plat';
/** The construct id of the workload in each kind's app. */
export const WORKLOAD_ID: Record<Kind, string> = { codeDeploy: 'Orders', ecsBlueGreen: 'Orders', rolling: 'Orders', worker: 'Resizer', job: 'Nightly' };
/** The logical id of the resource a `laterFailure` variant adds. */
export const LATER_FAILURE = 'LaterFailure';

/** The app of one kind of workload in one variant, synthesized once per test file. */
export function app(kind: Kind, key: string, v: Variant = {}): CloudAssembly {
  return synth(`${kind}-${key}`, (a) => {
    const stack = new Stack(a, STACK, { env: EXAMPLE_ENV, tags: v.stackTags });
    const platform = new ContainerPlatform(stack, 'Platform');
    // What announces failed deployments and pipelines: EventBridge rules publishing to the alarm topic.
    new PlatformAlerts(stack, 'Alerts', { platform });
    const environment = { SERVICE: 'demo', ...v.env };
    const pipeline = v.approval ? { approval: { emails: ['ops@example.com'] } } : undefined;
    const capacity = v.spot ? Capacity.spot() : undefined;
    const id = WORKLOAD_ID[kind];
    let workload;
    if (kind === 'worker') {
      workload = platform.addWorker(id, { container: { environment }, source: Source.codeCommit(), pipeline, capacity, scaling: { minTasks: 1,
        maxTasks: v.maxTasks ?? 10 }, enableExec: v.exec });
    } else if (kind === 'job') {
      workload = platform.addScheduledJob(id, {
        schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '2' }),
        container: { environment }, source: Source.codeCommit(), pipeline, capacity,
      });
    } else {
      const gate = v.gateHook ? [{
        lifecycleEvent: HookEvent.BEFORE_ALLOW_TRAFFIC,
        function: new lambda.Function(stack, 'Gate', { functionName: GATE_HOOK, runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') }),
      }] : undefined;
      const smokeTest = v.tcpBlueGreen === 'http' ? { path: '/ready' } : undefined;
      const deployment = kind === 'codeDeploy'
        ? Deployment.blueGreen({
          terminationWait: v.terminationWaitMinutes === undefined ? undefined : Duration.minutes(v.terminationWaitMinutes),
          traffic: v.canaryMinutes === undefined ? undefined : TrafficShift.canary(10, Duration.minutes(v.canaryMinutes)),
          hooks: gate,
          smokeTest,
        })
        : kind === 'ecsBlueGreen' ? Deployment.ecsBlueGreen({ smokeTest }) : Deployment.rolling();
      const tcpRouting = v.tcpBlueGreen
        ? Routing.tcp(v.tcpPort ?? 5432, { testPort: 15432, httpHealthCheckPath: v.tcpBlueGreen === 'http' ? '/health' : undefined })
        : v.tcp ? Routing.tcp(5432) : undefined;
      workload = platform.addService(id, {
        routing: tcpRouting ?? (v.paths ? Routing.rule({ paths: v.paths }) : Routing.path('/orders/*')),
        container: tcpRouting ? { port: 5432, environment } : { port: 8080, healthCheckPath: '/health', environment },
        deployment,
        source: Source.codeCommit(),
        pipeline,
        capacity,
        scaling: { minTasks: 2, maxTasks: v.maxTasks ?? 10 },
        alarms: v.alarmCpuPercent ? { cpuPercent: v.alarmCpuPercent } : undefined,
        health: v.healthInterval ? { interval: Duration.seconds(v.healthInterval) } : undefined,
        enableExec: v.exec,
        ...(v.sidecarAndStorage ? {
          sidecars: [{
            name: 'proxy',
            image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'ProxyRepository', SIDECAR_REPOSITORY), v.sidecarTag ?? SIDECAR_TAG),
            port: 9901,
            appWaitsFor: ecs.ContainerDependencyCondition.START,
          }],
          storage: { path: '/data' },
          tracing: true,
          container: { port: 8080, healthCheckPath: '/health', environment, cpu: 512, memoryMiB: 1024 },
        } : {}),
      });
    }
    if (v.canaryPastSynth && workload instanceof Microservice && workload.blueGreen) {
      (workload.blueGreen.deploymentGroup.node.defaultChild as codedeploy.CfnDeploymentGroup).deploymentConfigName = 'CodeDeployDefault.ECSCanary10Percent5Minutes';
    }
    if (v.bakeMinutesPastSynth !== undefined) {
      const service = workload.node.findAll().find((c): c is ecs.CfnService => c instanceof ecs.CfnService)!;
      service.addPropertyOverride('DeploymentConfiguration.BakeTimeInMinutes', v.bakeMinutesPastSynth);
    }
    if (v.laterFailure) new sns.Topic(stack, LATER_FAILURE).node.addDependency(workload);
    if (v.tags) Tags.of(stack).add('team', 'orders');
  });
}
