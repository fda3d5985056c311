import { Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ContainerPlatform } from '../platform/container-platform';
import { Construct } from 'constructs';
import { ContainerOptions } from './options';
import { DEFAULTS } from '../private/defaults';
import { Problems } from '../private/errors';
import { EPHEMERAL_STORAGE_MAX_GIB, EPHEMERAL_STORAGE_MIN_GIB, FARGATE_CPU_VALUES, FARGATE_SIZES } from '../private/fargate';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks the task size, storage, health-check path and variable names. */
export function validateContainer(p: Problems, c: ContainerOptions): void {
  const cpu = c.cpu ?? DEFAULTS.cpu;
  const memory = c.memoryMiB ?? DEFAULTS.memoryMiB;
  if (!Token.isUnresolved(cpu)) {
    const sizes = FARGATE_SIZES.get(cpu);
    if (!sizes) {
      p.add('container.cpu', cpu, FARGATE_CPU_VALUES.join(', '), 'pick one of the Fargate CPU values');
    } else if (!Token.isUnresolved(memory) && !sizes.includes(memory)) {
      p.add('container.memoryMiB', memory, `for cpu ${cpu}: ${sizes.join(', ')} MiB`, 'pick one of these memory sizes, or change cpu');
    }
  }
  p.intRange('container.ephemeralStorageGiB', c.ephemeralStorageGiB, EPHEMERAL_STORAGE_MIN_GIB, EPHEMERAL_STORAGE_MAX_GIB,
    'omit it for the 20 GiB default, or choose 21 to 200 GiB');
  const path = c.healthCheckPath;
  if (path !== undefined && !Token.isUnresolved(path)) {
    p.require(path.startsWith('/') && path.length <= 1024 && !/\s/.test(path), 'container.healthCheckPath', path,
      "a path that starts with '/' (at most 1024 characters, no spaces)", "write it like '/health'");
  }
  for (const [prop, vars] of [['environment', c.environment], ['secrets', c.secrets]] as const) {
    for (const name of Object.keys(vars ?? {})) {
      p.require(ENV_NAME.test(name), `container.${prop}`, name, 'variable names of letters, digits and underscores, not starting with a digit', 'rename the variable');
    }
  }
  const shared = Object.keys(c.environment ?? {}).filter((k) => k in (c.secrets ?? {}));
  p.require(shared.length === 0, 'container.secrets', shared, 'names not also used in container.environment', 'keep each variable in one of the two');
}

/** The task definition, container and log group of a service. */
export interface BuiltTask {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly logGroup: logs.LogGroup;
}

/**
 * The task definition, its one container and its log group.
 * @param port the container port that receives traffic; none for workers and tasks
 */
export function buildTaskDefinition(scope: Construct, platform: ContainerPlatform, c: ContainerOptions, image: ecs.ContainerImage, name: string, port?: number): BuiltTask {
  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
    cpu: c.cpu ?? DEFAULTS.cpu,
    memoryLimitMiB: c.memoryMiB ?? DEFAULTS.memoryMiB,
    ephemeralStorageGiB: c.ephemeralStorageGiB,
    runtimePlatform: {
      cpuArchitecture: c.cpuArchitecture ?? ecs.CpuArchitecture.X86_64,
      operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
    },
  });
  const logGroup = platform._newLogGroup(scope, 'Logs', c.logRetention);
  const readonlyRootFilesystem = c.readonlyRootFilesystem ?? true;
  const container = taskDefinition.addContainer(name, {
    image,
    essential: true,
    portMappings: port === undefined ? undefined : [{ containerPort: port, name, protocol: ecs.Protocol.TCP, appProtocol: ecs.AppProtocol.http }],
    environment: c.environment,
    secrets: c.secrets,
    healthCheck: c.containerHealthCheck,
    readonlyRootFilesystem,
    memoryLimitMiB: c.memoryMiB ?? DEFAULTS.memoryMiB,
    user: c.user,
    command: c.command,
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: name, mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
  });
  if (readonlyRootFilesystem) {
    // A read-only root still leaves the task a writable, ephemeral /tmp.
    taskDefinition.addVolume({ name: 'tmp' });
    container.addMountPoints({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false });
  }
  return { taskDefinition, container, logGroup };
}
