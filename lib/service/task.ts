import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ContainerPlatform } from '../platform/container-platform';
import { Construct } from 'constructs';
import { ContainerOptions } from './options';
import { DEFAULTS } from '../private/defaults';

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
    healthCheck: resolvedHealthCheck(c.containerHealthCheck),
    readonlyRootFilesystem,
    memoryLimitMiB: c.memoryMiB ?? DEFAULTS.memoryMiB,
    user: c.user,
    command: c.command,
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: name, mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
  });
  overrideUnresolvedHealthCheck(taskDefinition, c.containerHealthCheck);
  if (readonlyRootFilesystem) {
    // A read-only root still leaves the task a writable, ephemeral /tmp.
    taskDefinition.addVolume({ name: 'tmp' });
    container.addMountPoints({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false });
  }
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
