/**
 * The ECS API requests of a `Custom::EcsService` (a service on the ECS deployment controller,
 * rolling or ECS-native blue/green), from its properties: the properties of an
 * `AWS::ECS::Service`, as aws-cdk-lib's FargateService renders them, plus the platform's own
 * (`ImageOwner`, `ContainerName`, `ServiceToken`, `ServiceTimeout`). Pure functions, bundled
 * into the provider's handler and unit-tested here.
 */

/** The properties as the handler receives them: CloudFormation passes every scalar as a string. */
export type EcsServiceProperties = Record<string, any>;

/** Properties of the platform's, not of the service (StackTags: the stack-level tags the app gives the stack). */
const OWN = new Set(['ServiceToken', 'ServiceTimeout', 'ImageOwner', 'ContainerName', 'StackTags']);

/**
 * Properties CloudFormation cannot update in place on an AWS::ECS::Service (its resource
 * schema's createOnlyProperties), nor can UpdateService.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-service.html
 */
const CREATE_ONLY = ['Cluster', 'ServiceName', 'Role', 'SchedulingStrategy', 'LaunchType', 'DeploymentController'];

/** Sent by CreateService only: the desired count belongs to auto scaling (and the pipeline's first run) afterwards. */
const CREATE_ONLY_INPUT = ['DesiredCount'];

/** Handled through TagResource and UntagResource, not UpdateService. */
const TAGS = 'Tags';

/**
 * Fields whose values are numbers or booleans in the ECS API; CloudFormation hands a custom
 * resource every scalar as a string.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
 */
const NUMBERS = new Set(['base', 'weight', 'containerPort', 'maximumPercent', 'minimumHealthyPercent', 'bakeTimeInMinutes',
  'healthCheckGracePeriodSeconds', 'desiredCount', 'port', 'ingressPortOverride', 'idleTimeoutSeconds', 'perRequestTimeoutSeconds',
  'stepPercent', 'stepBakeTimeInMinutes', 'canaryPercent', 'canaryBakeTimeInMinutes', 'sizeInGiB', 'iops', 'throughput']);
const BOOLEANS = new Set(['enable', 'rollback', 'enabled', 'enableECSManagedTags', 'enableExecuteCommand', 'encrypted']);
/** Values passed through as they are (free-form maps and documents). */
const OPAQUE = new Set(['hookDetails', 'options']);

const camel = (key: string) => key.charAt(0).toLowerCase() + key.slice(1);

/** A CloudFormation property value in the shape of the ECS API: camelCase keys, typed scalars. */
export function toApi(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => toApi(v, key));
  if (value !== null && typeof value === 'object') {
    if (OPAQUE.has(key)) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), toApi(v, camel(k))]));
  }
  if (typeof value === 'string' && NUMBERS.has(key) && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (typeof value === 'string' && BOOLEANS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

const canonical = (value: unknown) => JSON.stringify(toApi(value) ?? null);

/**
 * The CreateService request. The client token (the CloudFormation request ID) makes a retried
 * Create answer the service it created instead of failing on the existing name.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html (up to 36 characters)
 */
export function createServiceInput(p: EcsServiceProperties, clientToken: string): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (OWN.has(k) || v === undefined) continue;
    input[camel(k)] = toApi(v, camel(k));
  }
  input.desiredCount = Number(p.DesiredCount ?? 0);
  input.clientToken = clientToken.slice(0, 36);
  return input;
}

/**
 * Why the service cannot be updated in place, if it cannot: a property that only a new
 * service can change. The service keeps its name, so a replacement would fail on the name.
 */
export function createOnlyChange(old: EcsServiceProperties, next: EcsServiceProperties): string | undefined {
  const changed = CREATE_ONLY.filter((k) => canonical(old[k]) !== canonical(next[k]));
  if (changed.length === 0) return undefined;
  return `${next.ServiceName}: ${changed.join(', ')} cannot change on an existing ECS service (ECS fixes them when it creates the service). `
    + 'Keep the previous values, or give the service a new id so that a new service is created (and the old one deleted) in the next cdk deploy.';
}

/**
 * The UpdateService request for what changed between the old and the new properties, never
 * the desired count (auto scaling owns it) nor the tags: the task definition only when
 * `taskDefinition` is given (the handler decides whether production needs a new one). A
 * property the new template no longer has is not sent: UpdateService leaves it as it is.
 * Nothing to send answers undefined.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
 */
export function updateServiceInput(old: EcsServiceProperties, next: EcsServiceProperties, taskDefinition: string | undefined): Record<string,
  unknown> | undefined {
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) {
    if (OWN.has(k) || CREATE_ONLY.includes(k) || CREATE_ONLY_INPUT.includes(k) || k === TAGS || k === 'TaskDefinition' || v === undefined) continue;
    if (canonical(old[k]) !== canonical(v)) input[camel(k)] = toApi(v, camel(k));
  }
  if (taskDefinition) input.taskDefinition = taskDefinition;
  // A capacity provider strategy change alone starts no deployment: the running tasks would stay
  // where they are. Forcing one moves them (with production's task definition).
  // @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html (capacityProviderStrategy: "This parameter doesn't trigger a new service deployment.")
  if (input.capacityProviderStrategy !== undefined) input.forceNewDeployment = true;
  // ECS Exec reaches only tasks started after the change: turning it on or off (also by removing
  // the property) replaces the tasks.
  // @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
  const exec = (p: EcsServiceProperties) => String(p.EnableExecuteCommand ?? 'false') === 'true';
  if (exec(old) !== exec(next)) {
    input.enableExecuteCommand = exec(next);
    input.forceNewDeployment = true;
  }
  if (Object.keys(input).length === 0) return undefined;
  return { cluster: next.Cluster, service: next.ServiceName, ...input };
}
