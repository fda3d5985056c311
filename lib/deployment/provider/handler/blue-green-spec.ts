/**
 * What the Custom::BlueGreenService handler decides, as pure functions of the resource's
 * properties and of what ECS reports (no AWS calls here; the handler makes them).
 * CloudFormation passes every scalar property to a custom resource as a string.
 */
import { createHash } from 'node:crypto';
import { renderAppSpec } from '../../codedeploy/appspec';

/** One capacity provider of the resource's `CapacityProviderStrategy`. */
export interface CapacityProperty {
  readonly CapacityProvider: string;
  readonly Base?: string;
  readonly Weight?: string;
}

/** One hook of the appspec: a CodeDeploy lifecycle event and the function it invokes. */
export interface HookProperty {
  readonly Event: string;
  readonly FunctionArn: string;
}

/** One tag of the service. */
export interface TagProperty {
  readonly Key: string;
  readonly Value: string;
}

/** The properties of a Custom::BlueGreenService. */
export interface ServiceProperties {
  readonly ClusterName: string;
  readonly ServiceName: string;
  readonly TaskDefinition: string;
  /** Used by CreateService only: afterwards auto scaling owns the count. */
  readonly DesiredCount?: string;
  readonly ContainerName: string;
  readonly ContainerPort: string;
  /** The blue target group, the one the service is created with. */
  readonly TargetGroupArn: string;
  readonly Subnets: string[];
  readonly SecurityGroups: string[];
  /** ENABLED or DISABLED (default). */
  readonly AssignPublicIp?: string;
  /** Without one, the service runs on the FARGATE launch type. */
  readonly CapacityProviderStrategy?: CapacityProperty[];
  readonly PlatformVersion?: string;
  readonly HealthCheckGracePeriodSeconds?: string;
  readonly MinimumHealthyPercent?: string;
  readonly MaximumPercent?: string;
  readonly PropagateTags?: string;
  readonly EnableECSManagedTags?: string;
  /** Whether ECS Exec sessions may enter the tasks: fixed when the service is created. */
  readonly EnableExecuteCommand?: string;
  readonly Tags?: TagProperty[];
  /** The stack-level tags the app gives the stack (so that a change of them updates the resource); what counts is what DescribeStacks answers. */
  readonly StackTags?: TagProperty[];
  readonly ApplicationName: string;
  readonly DeploymentGroupName: string;
  readonly Hooks?: HookProperty[];
  /** `pipeline` when the container's image is whatever the pipeline deployed, `stack` when the template fixes it. */
  readonly ImageOwner?: string;
  /** What a cdk deploy waits for: DEPLOYMENT_END or TRAFFIC_SHIFTED (see ../limits.ts). */
  readonly Confirm?: string;
  /** How long the deployment is expected to take, in minutes. */
  readonly ExpectedMinutes?: string;
}

/** The awsvpc configuration ECS reports for a service or a task set. */
export interface LiveAwsVpc {
  readonly subnets?: string[];
  readonly securityGroups?: string[];
  readonly assignPublicIp?: string;
}

/** A network configuration as ECS reports it. */
export interface LiveNetwork {
  readonly awsvpcConfiguration?: LiveAwsVpc;
}

/** A capacity provider as ECS reports it. */
export interface LiveCapacity {
  readonly capacityProvider?: string;
  readonly base?: number;
  readonly weight?: number;
}

/** What runs: the PRIMARY task set of a CODE_DEPLOY service (or the service itself). */
export interface LiveTaskSet {
  readonly taskDefinition?: string;
  readonly networkConfiguration?: LiveNetwork;
  readonly capacityProviderStrategy?: LiveCapacity[];
  readonly launchType?: string;
  readonly platformVersion?: string;
}

/** The fields of an UpdateService call that ECS accepts for a CODE_DEPLOY service. */
export interface ServiceUpdate {
  readonly deploymentConfiguration?: { minimumHealthyPercent: number; maximumPercent: number };
  readonly healthCheckGracePeriodSeconds?: number;
  readonly propagateTags?: string;
  readonly enableECSManagedTags?: boolean;
}

/** Tags to add and tag keys to remove. */
export interface TagChanges {
  readonly add: Array<{ key: string; value: string }>;
  readonly remove: string[];
}

const sorted = (values: readonly string[] | undefined) => JSON.stringify([...(values ?? [])].sort());
const capacityOf = (p: ServiceProperties) => (p.CapacityProviderStrategy ?? []).map((c) => ({
  capacityProvider: c.CapacityProvider, base: Number(c.Base ?? 0), weight: Number(c.Weight ?? 0),
}));
const capacityKey = (list: LiveCapacity[]) => sorted(list.map((c) => `${c.capacityProvider}/${c.base ?? 0}/${c.weight ?? 0}`));
const assignPublicIp = (p: ServiceProperties) => p.AssignPublicIp ?? 'DISABLED';
const tagsOf = (p: { readonly Tags?: TagProperty[] }) => new Map((p.Tags ?? []).map((t) => [t.Key, t.Value]));

/** Whether the service is another one (another name or cluster): CloudFormation replaces it. */
export function isReplacement(old: ServiceProperties, next: ServiceProperties): boolean {
  return old.ClusterName !== next.ClusterName || old.ServiceName !== next.ServiceName;
}

/**
 * Why the load balancer settings cannot change, if they did. ECS fixes them when it creates
 * a CODE_DEPLOY service, and CodeDeploy deploys only into the target groups of the deployment group.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
 */
export function loadBalancerChange(old: ServiceProperties, next: ServiceProperties): string | undefined {
  const changed = (['TargetGroupArn', 'ContainerName', 'ContainerPort'] as const).filter((k) => String(old[k]) !== String(next[k]));
  if (changed.length === 0) return undefined;
  return `${next.ServiceName}: ${changed.join(', ')} cannot change on a service deployed by CodeDeploy (ECS keeps the target group, `
    + 'container name and port the service was created with, and CodeDeploy deploys only into its deployment group\'s target groups). '
    + 'Keep the previous values, or give the service a new id so that a new service is created (and the old one deleted) in the next cdk deploy.';
}

/**
 * Why ECS Exec cannot be turned on or off, if it changed. ECS takes `enableExecuteCommand` in
 * CreateService; UpdateService of a CODE_DEPLOY service takes only the desired count, deployment
 * configuration, grace period, placement and tags, and a CodeDeploy deployment's task set takes
 * the service's setting. The update fails before anything changes, so CloudFormation rolls back
 * with nothing to undo.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateTaskSet.html
 */
export function execChange(old: ServiceProperties, next: ServiceProperties): string | undefined {
  const before = String(old.EnableExecuteCommand ?? 'false') === 'true';
  const after = String(next.EnableExecuteCommand ?? 'false') === 'true';
  if (before === after) return undefined;
  return `${next.ServiceName}: ECS Exec (enableExec) cannot be turned ${after ? 'on' : 'off'} on a service deployed by CodeDeploy: ECS sets it when it `
    + 'creates the service, and neither UpdateService nor a CodeDeploy deployment changes it for a CODE_DEPLOY service. '
    + `Keep enableExec ${before}, or give the service a new id so that a new service is created with it (and the old one deleted) in the next cdk deploy.`;
}

/**
 * The UpdateService fields that changed between the old and the new properties, among those
 * ECS accepts for a CODE_DEPLOY service; never the desired count (auto scaling owns it).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
 */
export function serviceUpdate(old: ServiceProperties, next: ServiceProperties): ServiceUpdate | undefined {
  const update: Record<string, unknown> = {};
  if (old.MinimumHealthyPercent !== next.MinimumHealthyPercent || old.MaximumPercent !== next.MaximumPercent) {
    update.deploymentConfiguration = { minimumHealthyPercent: Number(next.MinimumHealthyPercent ?? 100), maximumPercent: Number(next.MaximumPercent ?? 200) };
  }
  if (old.HealthCheckGracePeriodSeconds !== next.HealthCheckGracePeriodSeconds) {
    update.healthCheckGracePeriodSeconds = Number(next.HealthCheckGracePeriodSeconds ?? 0);
  }
  if (old.PropagateTags !== next.PropagateTags) update.propagateTags = next.PropagateTags ?? 'NONE';
  if (old.EnableECSManagedTags !== next.EnableECSManagedTags) update.enableECSManagedTags = next.EnableECSManagedTags === 'true';
  return Object.keys(update).length > 0 ? update as ServiceUpdate : undefined;
}

/** The tags to add (new or changed values) and the keys to remove, between the properties of any of the platform's service resources. */
export function tagChanges(old: { readonly Tags?: TagProperty[] }, next: { readonly Tags?: TagProperty[] }): TagChanges {
  const before = tagsOf(old);
  const after = tagsOf(next);
  return {
    add: [...after].filter(([k, v]) => before.get(k) !== v).map(([key, value]) => ({ key, value })),
    remove: [...before.keys()].filter((k) => !after.has(k)),
  };
}

/**
 * The tags a service of the platform carries, as CloudFormation tags the resources it creates:
 * the stack's tags, then the resource's own (which win on the same key). Keys starting with
 * `aws:` are AWS's (CloudFormation's own stack tags among them) and cannot be set.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TagResource.html ("Tags with this prefix ... can't be edited or deleted")
 */
export function serviceTags(stack: readonly TagProperty[], own: readonly TagProperty[] | undefined): TagProperty[] {
  const merged = new Map<string, string>();
  for (const t of [...stack, ...(own ?? [])]) if (!t.Key.toLowerCase().startsWith('aws:')) merged.set(t.Key, t.Value);
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}

/** Whether the template changed what only a CodeDeploy deployment can change. */
export function deployableChanged(old: ServiceProperties, next: ServiceProperties): boolean {
  return old.TaskDefinition !== next.TaskDefinition
    || sorted(old.Subnets) !== sorted(next.Subnets)
    || sorted(old.SecurityGroups) !== sorted(next.SecurityGroups)
    || assignPublicIp(old) !== assignPublicIp(next)
    || capacityKey(capacityOf(old)) !== capacityKey(capacityOf(next))
    || (old.PlatformVersion ?? '') !== (next.PlatformVersion ?? '');
}

/** Whether what runs has the network, capacity and platform version of the properties. */
export function placementMatches(next: ServiceProperties, live: LiveTaskSet): boolean {
  const vpc = live.networkConfiguration?.awsvpcConfiguration ?? {};
  const capacity = capacityOf(next);
  const capacityMatches = capacity.length > 0
    ? capacityKey(capacity) === capacityKey(live.capacityProviderStrategy ?? [])
    : (live.capacityProviderStrategy ?? []).length === 0;
  return sorted(vpc.subnets) === sorted(next.Subnets)
    && sorted(vpc.securityGroups) === sorted(next.SecurityGroups)
    && (vpc.assignPublicIp ?? 'DISABLED') === assignPublicIp(next)
    && capacityMatches
    && (next.PlatformVersion === undefined || live.platformVersion === next.PlatformVersion);
}

/**
 * The CreateService request. The client token (the CloudFormation request ID) makes a retried
 * Create return the same service instead of failing on the existing name.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html (up to 36 characters)
 */
export function createServiceInput(p: ServiceProperties, clientToken: string): Record<string, unknown> {
  const capacity = capacityOf(p);
  const tags = p.Tags ?? [];
  return {
    cluster: p.ClusterName,
    serviceName: p.ServiceName,
    taskDefinition: p.TaskDefinition,
    desiredCount: Number(p.DesiredCount ?? 0),
    clientToken: clientToken.slice(0, 36),
    deploymentController: { type: 'CODE_DEPLOY' },
    // No `role`: with awsvpc networking ECS uses its service-linked role for the load balancer.
    loadBalancers: [{ targetGroupArn: p.TargetGroupArn, containerName: p.ContainerName, containerPort: Number(p.ContainerPort) }],
    networkConfiguration: { awsvpcConfiguration: { subnets: p.Subnets, securityGroups: p.SecurityGroups, assignPublicIp: assignPublicIp(p) } },
    // A capacity provider strategy and a launch type exclude each other.
    ...(capacity.length > 0 ? { capacityProviderStrategy: capacity } : { launchType: 'FARGATE' }),
    ...(p.PlatformVersion ? { platformVersion: p.PlatformVersion } : {}),
    ...(p.HealthCheckGracePeriodSeconds !== undefined ? { healthCheckGracePeriodSeconds: Number(p.HealthCheckGracePeriodSeconds) } : {}),
    deploymentConfiguration: { minimumHealthyPercent: Number(p.MinimumHealthyPercent ?? 100), maximumPercent: Number(p.MaximumPercent ?? 200) },
    schedulingStrategy: 'REPLICA',
    propagateTags: p.PropagateTags ?? 'NONE',
    enableECSManagedTags: p.EnableECSManagedTags === 'true',
    ...(String(p.EnableExecuteCommand ?? 'false') === 'true' ? { enableExecuteCommand: true } : {}),
    ...(tags.length > 0 ? { tags: tags.map((t) => ({ key: t.Key, value: t.Value })) } : {}),
  };
}

/** The appspec of the deployment: task definition, network, capacity, platform version and hooks. */
export function appSpecOf(p: ServiceProperties, taskDefinition = p.TaskDefinition): string {
  return renderAppSpec({
    taskDefinition,
    containerName: p.ContainerName,
    containerPort: Number(p.ContainerPort),
    capacity: capacityOf(p),
    hooks: (p.Hooks ?? []).map((h) => ({ event: h.Event, functionArn: h.FunctionArn })),
    network: { subnets: p.Subnets, securityGroups: p.SecurityGroups, assignPublicIp: assignPublicIp(p) },
    platformVersion: p.PlatformVersion,
  });
}

/** How the deployments this handler starts are marked (their description). */
export const DEPLOYMENT_MARKER = 'cdk-container-platform';

/**
 * A short digest of a template's task definition ARN, which a deployment's description carries
 * in place of the ARN itself (up to 255 characters of family alone).
 */
export function templateDigest(taskDefinitionArn: string): string {
  return createHash('sha256').update(taskDefinitionArn).digest('hex').slice(0, 20);
}

/**
 * The description of the deployment a CloudFormation request starts: the request finds it again
 * by it, and it names the template's task definition (the deployment may run a revision of it
 * with the live image, see {@link withImage}) by its digest. CodeDeploy's quotas page allows 256
 * characters today and allowed 100 before: this one has 83 (the marker, the request's ID, which
 * CloudFormation makes a UUID, and the digest).
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html ("Maximum number of characters in a deployment description")
 * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeployment.html (DescriptionTooLongException)
 */
export function deploymentDescription(requestId: string, templateTaskDefinition: string): string {
  return `${DEPLOYMENT_MARKER} ${requestId} of ${templateDigest(templateTaskDefinition)}`;
}

/** Whether a deployment was started by this request. */
export function startedBy(description: string | undefined, requestId: string): boolean {
  return description?.startsWith(`${DEPLOYMENT_MARKER} ${requestId} `) ?? false;
}

/**
 * Whether a deployment of this handler was started for the template's task definition: its
 * description names it by digest (or, started by an earlier version, by its ARN).
 */
export function describesTemplate(description: string | undefined, taskDefinitionArn: string): boolean {
  if (!description?.startsWith(`${DEPLOYMENT_MARKER} `)) return false;
  const named = / of (\S+)$/.exec(description)?.[1];
  return named === templateDigest(taskDefinitionArn) || named === taskDefinitionArn;
}

/** The image of a container of a registered task definition. */
export function imageOf(td: Record<string, unknown>, containerName: string): string | undefined {
  const containers = (td.containerDefinitions ?? []) as Array<Record<string, unknown>>;
  const image = containers.find((c) => c.name === containerName)?.image;
  return typeof image === 'string' ? image : undefined;
}

/** The repository part of an image reference (before the tag or digest). */
function repositoryOf(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(0, at);
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? image.slice(0, colon) : image;
}

/**
 * The RegisterTaskDefinition input of the template's settings with the image that runs in
 * production, or nothing when the template's revision already carries it. The template's
 * image is what Custom::DeployedState read when the `cdk deploy` began; when the pipeline
 * deployed a newer image while the deploy waited for that deployment, deploying the template's
 * revision would put the older image back. Only an image of the template image's repository
 * counts: anything else is not the pipeline's.
 * Tags are not carried (a revision's tags are not its settings; tasks take the service's tags).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
 */
export function withImage(template: Record<string, unknown>, liveImage: string | undefined, containerName: string): Record<string, unknown> | undefined {
  const templateImage = imageOf(template, containerName);
  if (!liveImage || !templateImage || liveImage === templateImage || repositoryOf(liveImage) !== repositoryOf(templateImage)) return undefined;
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(template)) if (!REGISTRATION_FIELDS.has(k)) input[k] = v;
  input.containerDefinitions = ((template.containerDefinitions ?? []) as Array<Record<string, unknown>>)
    .map((c) => (c.name === containerName ? { ...c, image: liveImage } : c));
  return input;
}

/** The task definition an appspec deploys. */
export function appSpecTaskDefinition(content: string | undefined): string | undefined {
  return /TaskDefinition:\s*"?([^"\s]+)"?/.exec(content ?? '')?.[1];
}

/** Fields of DescribeTaskDefinition that describe the registration, not the settings. */
const REGISTRATION_FIELDS = new Set(['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities',
  'registeredAt', 'registeredBy', 'deregisteredAt', 'deleteRequestedAt']);

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(canonical);
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = canonical((value as Record<string, unknown>)[key]);
    if (v !== undefined) out[key] = v;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * Whether two registered task definitions have the same settings, apart from the image of the
 * container whose image the pipeline owns: the pipeline registers revisions that differ from
 * CloudFormation's only there.
 */
export function sameSettings(a: Record<string, unknown>, b: Record<string, unknown>, containerName: string): boolean {
  const settings = (td: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(td)) if (!REGISTRATION_FIELDS.has(k)) out[k] = v;
    out.containerDefinitions = ((td.containerDefinitions ?? []) as Array<Record<string, unknown>>)
      .map((c) => (c.name === containerName ? { ...c, image: undefined } : c));
    return JSON.stringify(canonical(out));
  };
  return settings(a) === settings(b);
}
