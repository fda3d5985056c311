import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CONTAINER_NAME, TMP_INIT_CONTAINER } from '../private/constants';
import { DEFAULTS } from '../private/defaults';
import { LOG_ROUTER_CONTAINER } from './logging';
import { SidecarOptions } from './options';

/**
 * The sidecars of a service's tasks and the AWS Distro for OpenTelemetry collector that
 * `tracing` adds. Only the service's own container (`app`) carries the image that pipelines and
 * the deployed state replace: they find it by name, and sidecars keep the image the stack gives.
 */

/** A sidecar's memory when `memoryMiB` is not given. */
export const SIDECAR_MEMORY_MIB = DEFAULTS.sidecarMemoryMiB;

/** The name of the collector container `tracing` adds. */
export const COLLECTOR_CONTAINER = 'aws-otel-collector';

/**
 * The collector's image: the AWS Distro for OpenTelemetry collector from Amazon ECR Public, pinned.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/trace-data-containerdefinitions.html
 * @see https://gallery.ecr.aws/aws-observability/aws-otel-collector
 */
export const COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0';

/** The collector's memory (a hard limit), out of the task's. */
export const COLLECTOR_MEMORY_MIB = DEFAULTS.collectorMemoryMiB;

/**
 * The ports the collector listens on in the task: OTLP over gRPC (4317) and HTTP (4318), and the
 * X-Ray daemon protocol (UDP 2000), which the X-Ray SDKs send to by default.
 * @see https://aws-otel.github.io/docs/getting-started/collector
 * @see https://docs.aws.amazon.com/xray/latest/devguide/xray-daemon.html
 */
export const COLLECTOR_PORTS: readonly number[] = [4317, 4318, 2000];

/** The names of the containers the platform itself may add to a task. */
export const PLATFORM_CONTAINERS: readonly string[] = [CONTAINER_NAME, TMP_INIT_CONTAINER, COLLECTOR_CONTAINER, LOG_ROUTER_CONTAINER];

/** The memory the sidecars and the collector take from the task; the service's container has the rest. */
export function extraMemoryMiB(sidecars: readonly SidecarOptions[], tracing: boolean): number {
  return sidecars.reduce((n, s) => n + (s.memoryMiB ?? SIDECAR_MEMORY_MIB), 0) + (tracing ? COLLECTOR_MEMORY_MIB : 0);
}

/**
 * Adds the sidecars to the task definition, after the service's container (`app`), each logging to
 * the service's log group under its name, then their dependencies: on each other and on `app`,
 * and `app`'s on the sidecars it waits for.
 */
export function addSidecars(taskDefinition: ecs.FargateTaskDefinition, app: ecs.ContainerDefinition, logGroup: logs.ILogGroup,
  sidecars: readonly SidecarOptions[]): void {
  const byName = new Map<string, ecs.ContainerDefinition>([[CONTAINER_NAME, app]]);
  for (const s of sidecars) {
    byName.set(s.name, taskDefinition.addContainer(s.name, {
      containerName: s.name,
      image: s.image,
      essential: s.essential ?? true,
      portMappings: s.port === undefined ? undefined : [{ containerPort: s.port, name: s.name, protocol: ecs.Protocol.TCP }],
      healthCheck: s.healthCheck,
      cpu: s.cpu,
      // A hard limit on every container: Control Tower's CT.ECS.PR.7 asks for one.
      // https://docs.aws.amazon.com/controltower/latest/controlreference/ecs-rules.html#ct-ecs-pr-7-description
      memoryLimitMiB: s.memoryMiB ?? SIDECAR_MEMORY_MIB,
      environment: s.environment,
      command: s.command,
      readonlyRootFilesystem: s.readonlyRootFilesystem ?? true,
      user: s.user,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: s.name, mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
    }));
  }
  for (const s of sidecars) {
    const container = byName.get(s.name)!;
    for (const d of s.dependsOn ?? []) container.addContainerDependencies({ container: byName.get(d.container)!, condition: d.condition });
    if (s.appWaitsFor) app.addContainerDependencies({ container, condition: s.appWaitsFor });
  }
}

/**
 * The collector's configuration: traces received over OTLP and the X-Ray daemon protocol go to
 * X-Ray; metrics received over OTLP go to CloudWatch as embedded metric format logs, written to
 * the service's own log group (encrypted with the platform's key), so that the collector needs
 * neither logs:CreateLogGroup nor a log group of its own. It listens on localhost only: the
 * containers of a task share its network namespace, nothing outside the task needs it.
 * @see https://aws-otel.github.io/docs/getting-started/x-ray
 * @see https://aws-otel.github.io/docs/getting-started/cloudwatch-metrics
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
 */
export function collectorConfig(logGroupName: string): string {
  return [
    'receivers:',
    '  otlp:',
    '    protocols:',
    '      grpc:',
    '        endpoint: 127.0.0.1:4317',
    '      http:',
    '        endpoint: 127.0.0.1:4318',
    '  awsxray:',
    '    endpoint: 127.0.0.1:2000',
    '    transport: udp',
    'processors:',
    '  batch/traces:',
    '    timeout: 1s',
    '    send_batch_size: 50',
    '  batch/metrics:',
    '    timeout: 60s',
    'exporters:',
    '  awsxray: {}',
    '  awsemf:',
    '    namespace: ECS/AWSOTel/Application',
    `    log_group_name: '${logGroupName}'`,
    "    log_stream_name: 'otel-metrics/{TaskId}'",
    'service:',
    '  pipelines:',
    '    traces:',
    '      receivers: [otlp, awsxray]',
    '      processors: [batch/traces]',
    '      exporters: [awsxray]',
    '    metrics:',
    '      receivers: [otlp]',
    '      processors: [batch/metrics]',
    '      exporters: [awsemf]',
    '',
  ].join('\n');
}

/**
 * Adds the AWS Distro for OpenTelemetry collector (essential, as AWS's example has it; the
 * service's container starts after it), configured through AOT_CONFIG_CONTENT, and gives the task
 * role what the collector needs: the X-Ray actions (which have no resource types) and writing
 * the service's log group.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/trace-data-containerdefinitions.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/trace-data.html (the task role's permissions)
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html
 * @see https://aws-otel.github.io/docs/setup/ecs/config-through-ssm (AOT_CONFIG_CONTENT)
 */
export function addCollector(taskDefinition: ecs.FargateTaskDefinition, app: ecs.ContainerDefinition, logGroup: logs.ILogGroup): ecs.ContainerDefinition {
  const collector = taskDefinition.addContainer(COLLECTOR_CONTAINER, {
    containerName: COLLECTOR_CONTAINER,
    image: ecs.ContainerImage.fromRegistry(COLLECTOR_IMAGE),
    essential: true,
    memoryLimitMiB: COLLECTOR_MEMORY_MIB,
    environment: { AOT_CONFIG_CONTENT: collectorConfig(logGroup.logGroupName) },
    readonlyRootFilesystem: true,
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: COLLECTOR_CONTAINER, mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
  });
  app.addContainerDependencies({ container: collector, condition: ecs.ContainerDependencyCondition.START });
  taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({
    actions: ['xray:GetSamplingRules', 'xray:GetSamplingStatisticSummaries', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
    resources: ['*'],
  }));
  taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn],
  }));
  return collector;
}
