import { Duration, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PlatformContext } from '../foundation/platform-context';
import type { IContainerPlatform } from '../foundation/platform-contract';
import { inPlatformRolePath, isPrivateEcrImage, platformLogGroup } from '../foundation/platform-resources';
import { TMP_INIT_CONTAINER, TMP_INIT_MEMORY_MIB } from '../private/constants';
import { DEFAULTS } from '../private/defaults';
import { Problems } from '../private/errors';
import { ContainerOptions } from './options';

/**
 * Refuses an image that the tasks of an isolated platform (natGateways 0) cannot pull: their
 * subnets reach Amazon ECR through its endpoints and nothing else; ECR Public has no endpoint,
 * and even an ECR pull through cache needs internet access for its first pull of an image.
 * Image names that are tokens (an ECR repository of the app) are not judged.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
 */
export function checkReachableImage(scope: Construct, imageName: string, prop = 'container.image'): void {
  if (Token.isUnresolved(imageName) || isPrivateEcrImage(imageName)) return;
  const p = new Problems(scope);
  p.add(prop, imageName,
    'an image in Amazon ECR: with natGateways 0 the tasks\' subnets reach AWS services through VPC endpoints only, and no endpoint reaches another registry',
    'copy the image into Amazon ECR (an ECR pull through cache rule, such as prefix ecr-public for public.ecr.aws, filled by one pull from outside the VPC; '
    + 'or ecs.ContainerImage.fromAsset) and pass it with ecs.ContainerImage.fromEcrRepository, or give the platform a NAT gateway (natGateways: 1)');
  p.throwIfAny();
}

/** The task definition, container and log group of a workload. */
export interface BuiltTask {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly logGroup: logs.LogGroup;
}

/** What a task holds besides its container. */
export interface TaskExtras {
  /** The memory the task's other containers take. */
  readonly reservedMemoryMiB?: number;
  /** The container's log driver, given its log group. */
  readonly logDriver?: (logGroup: logs.ILogGroup) => ecs.LogDriver;
}

/**
 * Whether the workload's container has a read-only root filesystem: as given, else unless ECS
 * Exec is on (the SSM agent it runs in the container writes to its filesystem).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-considerations
 */
export function readonlyRoot(container: { readonly readonlyRootFilesystem?: boolean }, enableExec: boolean | undefined): boolean {
  return container.readonlyRootFilesystem ?? !enableExec;
}

/** Whether a container `user` (name, uid, name:group or uid:gid) is root, who can write a root-owned directory. */
export function isRoot(user: string | undefined): boolean {
  if (user === undefined || Token.isUnresolved(user)) return false;
  const name = user.split(':')[0];
  return name === '0' || name === 'root';
}

/**
 * The task definition, its container and its log group; with a read-only root, a writable
 * ephemeral /tmp and, unless the container runs as root, a first container that opens it.
 * @param port the container port that receives traffic; none for workers and tasks
 * @param bootstrapImage the image tagged `bootstrap` of a pipeline-built workload, which never
 *   expires and which no pipeline replaces: it opens /tmp (a fixed `container.image` does that itself)
 * @param extras what the task holds besides the container: the memory its other containers take (the
 *   container's hard limit is the rest), and the container's log driver if not awslogs into the log group
 */
export function buildTaskDefinition(scope: Construct, platform: IContainerPlatform, c: ContainerOptions, image: ecs.ContainerImage, name: string,
  port?: number, bootstrapImage?: string, extras: TaskExtras = {}): BuiltTask {
  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
    cpu: c.cpu ?? DEFAULTS.cpu,
    memoryLimitMiB: c.memoryMiB ?? DEFAULTS.memoryMiB,
    ephemeralStorageGiB: c.ephemeralStorageGiB,
    runtimePlatform: {
      cpuArchitecture: c.cpuArchitecture ?? ecs.CpuArchitecture.X86_64,
      operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
    },
  });
  const logGroup = platformLogGroup(platform, scope, 'Logs', c.logRetention);
  const readonlyRootFilesystem = c.readonlyRootFilesystem ?? true;
  const opensTmp = readonlyRootFilesystem && !isRoot(c.user);
  // The container's hard limit: the task's memory but what its other containers take.
  const memory = (c.memoryMiB ?? DEFAULTS.memoryMiB) - (extras.reservedMemoryMiB ?? 0);
  const container = taskDefinition.addContainer(name, {
    image,
    essential: true,
    portMappings: port === undefined ? undefined : [{ containerPort: port, name, protocol: ecs.Protocol.TCP, appProtocol: ecs.AppProtocol.http }],
    environment: c.environment,
    secrets: c.secrets,
    healthCheck: resolvedHealthCheck(c.containerHealthCheck),
    readonlyRootFilesystem,
    memoryLimitMiB: memory,
    // Every container has a hard limit (Control Tower CT.ECS.PR.7), and what the containers
    // reserve together fits the task's memory ("The total amount of memory reserved for all
    // containers within a task must be lower than the task memory value"; a container reserves
    // its memoryReservation, else its memory): the app reserves the task's memory but what the
    // tmp-permissions container holds while it runs, before the app starts, and may use all of it.
    // @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
    memoryReservationMiB: opensTmp && !Token.isUnresolved(memory) ? memory - TMP_INIT_MEMORY_MIB : undefined,
    user: c.user,
    command: c.command,
    logging: extras.logDriver?.(logGroup) ?? ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: name, mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
  });
  overrideUnresolvedHealthCheck(taskDefinition, c.containerHealthCheck);
  if (c.image !== undefined && PlatformContext.of(platform).isolated) checkReachableImage(scope, container.imageName);
  if (readonlyRootFilesystem) {
    // A read-only root still leaves the task a writable, ephemeral /tmp: a bind mount on the
    // task's ephemeral storage (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html).
    const tmp: ecs.MountPoint = { sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false };
    taskDefinition.addVolume({ name: 'tmp' });
    container.addMountPoints(tmp);
    if (opensTmp) {
      // Fargate creates the bind mount owned by root with mode 0755, which a non-root user
      // cannot write; AWS's answer is a non-essential container that sets its permissions first
      // (https://github.com/aws/containers-roadmap/issues/938). It runs the app's own image (or
      // its bootstrap image), so it needs no other registry; the app starts once it has
      // finished, whatever its exit code, so an image without chmod behaves as before.
      const init = taskDefinition.addContainer(TMP_INIT_CONTAINER, {
        image: c.image ?? (bootstrapImage ? ecs.ContainerImage.fromRegistry(bootstrapImage) : image),
        essential: false,
        user: '0',
        entryPoint: ['chmod'],
        command: ['1777', '/tmp'],
        readonlyRootFilesystem: true,
        memoryLimitMiB: TMP_INIT_MEMORY_MIB,
        logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: TMP_INIT_CONTAINER, mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
      });
      init.addMountPoints(tmp);
      container.addContainerDependencies({ container: init, condition: ecs.ContainerDependencyCondition.COMPLETE });
    }
  }
  // ECS receives both roles from the platform's provider (a revision with production's image), its
  // pipelines and triggers: they sit under the platform's role path.
  inPlatformRolePath(platform, taskDefinition.taskRole);
  inPlatformRolePath(platform, taskDefinition.obtainExecutionRole());
  return { taskDefinition, container, logGroup };
}

/**
 * The health check without an unresolved interval or timeout: aws-cdk-lib compares them with
 * numbers at synth and would refuse a token, which the template then gets as an override.
 */
function resolvedHealthCheck(hc: ecs.HealthCheck | undefined): ecs.HealthCheck | undefined {
  if (!hc) return undefined;
  return {
    ...hc,
    interval: hc.interval?.isUnresolved() ? undefined : hc.interval,
    timeout: hc.timeout?.isUnresolved() ? undefined : hc.timeout,
  };
}

function overrideUnresolvedHealthCheck(taskDefinition: ecs.FargateTaskDefinition, hc: ecs.HealthCheck | undefined): void {
  const cfn = taskDefinition.node.defaultChild as ecs.CfnTaskDefinition;
  for (const [key, value] of [['Interval', hc?.interval], ['Timeout', hc?.timeout]] as Array<[string, Duration | undefined]>) {
    if (value?.isUnresolved()) cfn.addPropertyOverride(`ContainerDefinitions.0.HealthCheck.${key}`, value.toSeconds());
  }
}
