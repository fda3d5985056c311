// lib/core: what every Fargate workload of the platform is built from, services (lib/service) and
// workers, scheduled jobs and event tasks (lib/workloads) alike. Both import from here; this
// module imports from neither, and neither from the other.
import { Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DeployedState, serviceStateFunction } from '../deployment/deployed-state/deployed-state';
import { PlatformContext } from '../foundation/platform-context';
import type { IContainerPlatform } from '../foundation/platform-contract';
import { acknowledge } from '../private/compliance';
import { BOOTSTRAP_TAG, CONTAINER_NAME, TMP_INIT_CONTAINER } from '../private/constants';
import { SecureRepository } from '../registry/secure-repository';
import { allowExec } from './exec';
import { addLogRouter, fireLensDriver, LOG_ROUTER_CONTAINER, Logging, LoggingKind, logRouterMemoryMiB } from './logging';
import { ContainerOptions, RepositoryOptions, SidecarOptions } from './options';
import { addCollector, addSidecars, COLLECTOR_CONTAINER, extraMemoryMiB } from './sidecars';
import { buildTaskDefinition, checkReachableImage, isRoot, readonlyRoot } from './task';
import { checkTaskDefinitionSize } from './task-size';

/** The ECS service whose live image and desired count a workload's deployed state reads. */
export interface CoreService {
  /** The service's name in the platform's cluster. */
  readonly serviceName: string;
  /** The tasks the service starts with when the stack owns the image (`container.image`); otherwise 0. */
  readonly desiredCount: number;
}

/** What the Fargate core of a service, worker, job or event task is made from. */
export interface WorkloadCoreOptions {
  readonly platform: IContainerPlatform;
  readonly container: ContainerOptions;
  readonly repository?: RepositoryOptions;
  /**
   * Variables the platform adds to the container's own environment.
   * @default - the container's environment as it is
   */
  readonly environment?: Record<string, string>;
  /**
   * The container port that receives traffic.
   * @default - none: nothing connects to the task
   */
  readonly port?: number;
  /**
   * Whether ECS Exec sessions may enter the tasks: the task role's permissions, and a writable root
   * filesystem unless `container.readonlyRootFilesystem` says otherwise (which validation refuses).
   * @default false
   */
  readonly enableExec?: boolean;
  /**
   * Containers beside the workload's own.
   * @default - none
   */
  readonly sidecars?: SidecarOptions[];
  /**
   * Where the container's logs go.
   * @default Logging.awsLogs()
   */
  readonly logging?: Logging;
  /**
   * Whether the tasks run the AWS Distro for OpenTelemetry collector.
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * The service the workload runs as.
   * @default - none: something else (a schedule, a rule) runs the task definition's latest revision
   */
  readonly service?: CoreService;
}

/** The repository, image ownership and task definition every Fargate workload of the platform has. */
export interface WorkloadCore {
  /** The repository the workload's image comes from: none with a fixed `container.image` (nothing pushes to one then). */
  readonly repository?: ecr.IRepository;
  /**
   * What is deployed now, read back by `cdk deploy`. A service always has one (it reads the
   * service's desired count too); a task run by a trigger only when a pipeline owns its image.
   */
  readonly deployedState?: DeployedState;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly logGroup: logs.LogGroup;
  /** The desired count the service is created with: 0 until the repository has an image. */
  readonly initialDesiredCount: number;
}

/** The core of a workload that runs as a service: its deployed state is always there. */
export interface ServiceWorkloadCore extends WorkloadCore {
  readonly deployedState: DeployedState;
}

/**
 * The Fargate core shared by services, workers, scheduled jobs and event tasks, made as children
 * of `scope` (ids `Repository`, `DeployedState`, `TaskDefinition`, `Logs`): the ECR repository
 * (yours, or a new {@link SecureRepository}; none with a fixed `container.image`); who owns the image (with `container.image` the
 * stack does; otherwise whatever the pipeline or your CI deployed, which `cdk deploy` reads back
 * through `Custom::DeployedState` and never reverts, starting from the `bootstrap` image); the
 * task definition with its container, log group and /tmp; and the execution role's pull access.
 */
export function buildWorkloadCore(scope: Construct, options: WorkloadCoreOptions & { readonly service: CoreService }): ServiceWorkloadCore;
export function buildWorkloadCore(scope: Construct, options: WorkloadCoreOptions): WorkloadCore;
export function buildWorkloadCore(scope: Construct, options: WorkloadCoreOptions): WorkloadCore {
  const { platform, container, service } = options;
  // A repository only for an image that something pushes: the pipeline, or your CI.
  const repository = container.image ? undefined : options.repository?.repository ?? new SecureRepository(scope, 'Repository', {
    keepImages: options.repository?.keepImages,
    encryptionKey: options.repository?.encryptionKey,
  }).repository;
  const bootstrapImage = repository ? `${repository.repositoryUri}:${BOOTSTRAP_TAG}` : undefined;
  // An empty repository has no image yet: a service starts with no tasks rather than tasks that cannot pull one.
  const initialDesiredCount = container.image && service ? service.desiredCount : 0;
  const deployedState = service || bootstrapImage ? new DeployedState(scope, 'DeployedState', {
    handler: serviceStateFunction(platform),
    cluster: service ? platform.cluster : undefined,
    serviceName: service?.serviceName,
    containerName: CONTAINER_NAME,
    bootstrapImage,
    initialDesiredCount,
  }) : undefined;
  const image = container.image ?? ecs.ContainerImage.fromRegistry(deployedState!.image);
  const c = {
    ...container,
    ...(options.environment ? { environment: { ...container.environment, ...options.environment } } : {}),
    readonlyRootFilesystem: readonlyRoot(container, options.enableExec),
  };
  const sidecars = options.sidecars ?? [];
  const tracing = options.tracing ?? false;
  const logging = options.logging;
  const fireLens = logging?.kind === LoggingKind.FIRELENS ? logging : undefined;
  const task = buildTaskDefinition(scope, platform, c, image, CONTAINER_NAME, options.port, bootstrapImage, {
    reservedMemoryMiB: extraMemoryMiB(sidecars, tracing) + logRouterMemoryMiB(logging),
    logDriver: fireLens ? (logGroup) => fireLensDriver(fireLens, logGroup, Stack.of(scope)) : undefined,
  });
  if (fireLens) addLogRouter(task.taskDefinition, task.container, task.logGroup, fireLens);
  addSidecars(task.taskDefinition, task.container, task.logGroup, sidecars);
  checkTaskDefinitionSize(task.taskDefinition, sidecars);
  if (PlatformContext.of(platform).isolated) {
    task.taskDefinition.node.children.forEach((child) => {
      const i = sidecars.findIndex((s) => s.name === child.node.id);
      if (i >= 0) checkReachableImage(scope, (child as ecs.ContainerDefinition).imageName, `sidecars[${i}].image`);
    });
  }
  if (tracing) {
    addCollector(task.taskDefinition, task.container, task.logGroup);
    const ownVariables = Object.keys(c.environment ?? {}).length + sidecars.reduce((n, s) => n + Object.keys(s.environment ?? {}).length, 0);
    if (ownVariables === 0) {
      acknowledge(task.taskDefinition, 'AwsSolutions-ECS2',
        'The only environment variable is the tracing collector\'s configuration (AOT_CONFIG_CONTENT), which holds no secret.');
    }
  }
  acknowledgeRootHelpers(task.taskDefinition, c, sidecars);
  if (options.enableExec) allowExec(platform, task.taskDefinition);
  repository?.grantPull(task.taskDefinition.obtainExecutionRole());
  deployedState?.watch(task.taskDefinition);
  return { repository, deployedState, ...task, initialDesiredCount };
}

/**
 * Control Tower's CT.ECS.PR.3 asks every container of a task definition for a non-root `user`.
 * The platform's own helper containers run as root: the `tmp-permissions` container (chmod of
 * the /tmp that Fargate creates owned by root, containers-roadmap#938, then it exits before the
 * app starts) and the images AWS builds for tracing (the ADOT collector's has no USER) and
 * FireLens (aws-for-fluent-bit's); they are acknowledged, with which ones and why, only when every
 * container of the user's (the app's and each sidecar) names a non-root user: otherwise the finding
 * is the user's to fix, and stays.
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/ecs-rules.html
 * @see https://github.com/aws-observability/aws-otel-collector/blob/main/cmd/awscollector/Dockerfile (FROM scratch, no USER)
 * @see https://github.com/aws/aws-for-fluent-bit/blob/mainline/scripts/dockerfiles/Dockerfile.main-release (no USER)
 */
function acknowledgeRootHelpers(taskDefinition: ecs.FargateTaskDefinition, c: ContainerOptions, sidecars: readonly SidecarOptions[]): void {
  const nonRoot = (user: string | undefined): boolean => user !== undefined && !isRoot(user);
  if (!nonRoot(c.user) || !sidecars.every((s) => nonRoot(s.user))) return;
  const why: Record<string, string> = {
    [TMP_INIT_CONTAINER]: 'runs chmod 1777 /tmp as root and exits before the app starts (Fargate creates the writable /tmp of a read-only root owned by root, containers-roadmap#938)',
    [COLLECTOR_CONTAINER]: 'is the AWS Distro for OpenTelemetry collector, whose image (tracing) sets no user',
    [LOG_ROUTER_CONTAINER]: 'is the FireLens log router, AWS\'s aws-for-fluent-bit image, which sets no user',
  };
  const helpers = taskDefinition.node.children.map((child) => child.node.id).filter((id) => why[id] !== undefined);
  if (helpers.length === 0) return;
  acknowledge(taskDefinition, 'ecs_task_definition_nonroot_user_check',
    `Every container of the app's names a non-root user; the platform's own ${helpers.map((h) => `${h} container ${why[h]}`).join('; the ')}. `
    + 'For CT.ECS.PR.3 without them: readonlyRootFilesystem: false (or a root-free image), no tracing, the awslogs driver.');
}
