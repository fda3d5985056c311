/**
 * The custom resource behind cdk-container-platform's image ownership (bundled into
 * assets/deployed-state by `npm run bundle`; runs on Lambda with the AWS SDK it ships).
 *
 * Custom::DeployedState  reads what is deployed now: the image of the service's primary
 *                        task set or deployment and its desired count (for a task that no
 *                        service runs, the image of its family's newest ACTIVE revision).
 *                        Before anything exists it answers the bootstrap image and the
 *                        initial count.
 * Custom::LiveTargetGroups reads the target group a blue/green service's production listener
 *                        rule forwards to now (blue before the rule exists), and the other one;
 *                        for a TCP service, its production listener's default action.
 * (The ECS service of a CodeDeploy blue/green service is Custom::BlueGreenService, in
 * provider/handler.)
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, Service } from '@aws-sdk/client-ecs';
import { Action, DescribeListenersCommand, DescribeRulesCommand, ElasticLoadBalancingV2Client, Listener, Rule } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Answer, answer, CustomResourceRequest } from '../../custom-resource/handler/response';

type CfnEvent = CustomResourceRequest<Record<string, any>>;

/**
 * The SDK's adaptive retries (back-off with jitter, a client-side rate limit once throttled), up
 * to 6 attempts a call: a plain custom resource fails on any error it answers.
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 */
const RETRY = { maxAttempts: 6, retryMode: 'adaptive' } as const;

const ecs = new ECSClient(RETRY);

export async function handler(event: CfnEvent): Promise<void> {
  const unchanged: Answer = { physicalId: event.PhysicalResourceId ?? event.LogicalResourceId, data: {} };
  await answer(event, unchanged.physicalId, async () => {
    if (event.RequestType === 'Delete') return unchanged;
    if (event.ResourceType === 'Custom::DeployedState') return deployedState(event);
    if (event.ResourceType === 'Custom::LiveTargetGroups') return liveTargetGroupsResource(event);
    throw new Error(`unknown resource type ${event.ResourceType}`);
  });
}

async function describeService(cluster: string, service: string): Promise<Service | undefined> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  return out.services?.find((s) => s.status === 'ACTIVE');
}

/** The task definition serving production now. */
function liveTaskDefinition(service: Service): string | undefined {
  const taskSet = service.taskSets?.find((t) => t.status === 'PRIMARY');
  const deployment = service.deployments?.find((d) => d.status === 'PRIMARY');
  return taskSet?.taskDefinition ?? deployment?.taskDefinition ?? service.taskDefinition;
}

async function deployedState(event: CfnEvent): Promise<Answer> {
  const p = event.ResourceProperties;
  const physicalId = event.PhysicalResourceId ?? (p.ServiceName ? `${p.ClusterName}/${p.ServiceName}` : p.Family);
  const data: Record<string, string | number> = p.ServiceName ? await serviceState(p) : await familyState(p);
  return { physicalId, data };
}

/** The image and desired count of the service now; the bootstrap image and initial count before it exists. */
async function serviceState(p: Record<string, any>): Promise<Record<string, string | number>> {
  const service = await describeService(p.ClusterName, p.ServiceName);
  const arn = service && liveTaskDefinition(service);
  if (!service || !arn) return { Image: p.BootstrapImage, DesiredCount: Number(p.InitialDesiredCount), Deployed: 'false' };
  const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
  const container = td.taskDefinition?.containerDefinitions?.find((c) => c.name === p.ContainerName);
  return { Image: container?.image ?? p.BootstrapImage, DesiredCount: service.desiredCount ?? 0, Deployed: 'true' };
}

/**
 * The image of the family's newest ACTIVE revision (the pipeline's release step registers
 * one per release). DescribeTaskDefinition with a family alone describes that revision
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html)
 * and fails with ClientException "Unable to describe task definition." when the family has
 * none. An image of another repository than the bootstrap image's is a leftover of an
 * earlier stack (its repository was retained, and the task may no longer pull from it).
 */
async function familyState(p: Record<string, any>): Promise<Record<string, string | number>> {
  const bootstrap = { Image: p.BootstrapImage, DesiredCount: Number(p.InitialDesiredCount), Deployed: 'false' };
  let image: string | undefined;
  try {
    const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: p.Family }));
    image = td.taskDefinition?.containerDefinitions?.find((c) => c.name === p.ContainerName)?.image;
  } catch (e) {
    if (e instanceof Error && e.name === 'ClientException' && /Unable to describe task definition/i.test(e.message)) return bootstrap;
    throw e;
  }
  const repository = String(p.BootstrapImage).replace(/:[^:/@]+$/, '');
  if (!image || !(image.startsWith(`${repository}:`) || image.startsWith(`${repository}@`))) return bootstrap;
  return { Image: image, DesiredCount: Number(p.InitialDesiredCount), Deployed: image === p.BootstrapImage ? 'false' : 'true' };
}

/** One target group of a forward action and its weight. */
interface Forward {
  readonly arn: string;
  readonly weight: number;
}

/** Created on first use: only blue/green services read listener rules. */
let loadBalancing: ElasticLoadBalancingV2Client | undefined;

/** Every rule of a listener, page by page. */
async function listenerRules(listenerArn: string): Promise<Rule[]> {
  loadBalancing ??= new ElasticLoadBalancingV2Client(RETRY);
  const rules: Rule[] = [];
  let marker: string | undefined;
  do {
    const page = await loadBalancing.send(new DescribeRulesCommand({ ListenerArn: listenerArn, ...(marker ? { Marker: marker } : {}) }));
    rules.push(...(page.Rules ?? []));
    marker = page.NextMarker;
  } while (marker);
  return rules;
}

/** Every listener of a load balancer, page by page. */
async function listenersOf(loadBalancerArn: string): Promise<Listener[]> {
  loadBalancing ??= new ElasticLoadBalancingV2Client(RETRY);
  const listeners: Listener[] = [];
  let marker: string | undefined;
  do {
    const page = await loadBalancing.send(new DescribeListenersCommand({ LoadBalancerArn: loadBalancerArn, ...(marker ? { Marker: marker } : {}) }));
    listeners.push(...(page.Listeners ?? []));
    marker = page.NextMarker;
  } while (marker);
  return listeners;
}

/** The target groups a rule's or listener's actions forward to, with their weights (a plain forward weighs 1). */
function forwardsOf(actions: Action[] | undefined): Forward[] {
  const action = (actions ?? []).find((a) => a.Type === 'forward');
  if (!action) return [];
  const groups = action.ForwardConfig?.TargetGroups;
  if (groups && groups.length > 0) return groups.map((g) => ({ arn: g.TargetGroupArn ?? '', weight: g.Weight ?? 1 }));
  return action.TargetGroupArn ? [{ arn: action.TargetGroupArn, weight: 1 }] : [];
}

async function liveTargetGroupsResource(event: CfnEvent): Promise<Answer> {
  const p = event.ResourceProperties;
  if (p.LoadBalancerArn) {
    return { physicalId: event.PhysicalResourceId ?? `${p.LoadBalancerArn}:${p.ProductionPort}`, data: await liveListenerTargetGroups(p, event.OldResourceProperties) };
  }
  return { physicalId: event.PhysicalResourceId ?? `${p.ProductionListenerArn}/${p.Priority}`, data: await liveTargetGroups(p) };
}

/**
 * The target group production reaches now, read from the service's rule on the production
 * listener: CodeDeploy and ECS blue/green deployments move that rule to the other target
 * group (ECS as a weighted forward, the new group at 100). The service's rule is the one that
 * forwards to its blue or green group (at its priority if several do, as during a priority
 * change); before it exists, blue.
 */
async function liveTargetGroups(r: Record<string, any>): Promise<Record<string, string>> {
  const blue = String(r.BlueTargetGroupArn);
  const green = String(r.GreenTargetGroupArn);
  const ours = (f: Forward) => f.arn === blue || f.arn === green;
  const candidates = (await listenerRules(r.ProductionListenerArn)).filter((rule) => forwardsOf(rule.Actions).some(ours));
  const rule = candidates.find((c) => c.Priority === String(r.Priority)) ?? candidates[0];
  return liveOf(rule ? forwardsOf(rule.Actions) : [], blue, green);
}

/** Production is the heaviest of the service's target groups among `forwards` (blue when none); test, the other. */
function liveOf(forwards: Forward[], blue: string, green: string): Record<string, string> {
  const heaviest = forwards.filter((f) => f.arn === blue || f.arn === green)
    .reduce<Forward | undefined>((best, f) => (!best || f.weight > best.weight ? f : best), undefined);
  const production = heaviest?.arn ?? blue;
  return { ProductionTargetGroup: production, TestTargetGroup: production === blue ? green : blue };
}

/**
 * The target group production reaches now, read from the default action of a TCP service's
 * production listener on the Network Load Balancer, which CodeDeploy and ECS blue/green
 * deployments move to the other target group; before it exists, blue. The listener is found by
 * its port, the previous one when the port changes (this resource is read before the listener
 * moves to its new port), and must forward to the service's target groups.
 */
async function liveListenerTargetGroups(r: Record<string, any>, old: Record<string, any> | undefined): Promise<Record<string, string>> {
  const blue = String(r.BlueTargetGroupArn);
  const green = String(r.GreenTargetGroupArn);
  const listeners = await listenersOf(String(r.LoadBalancerArn));
  const ours = (port: unknown) => listeners.find((l) => String(l.Port) === String(port)
    && forwardsOf(l.DefaultActions).some((f) => f.arn === blue || f.arn === green));
  const listener = ours(r.ProductionPort) ?? (old?.ProductionPort !== undefined ? ours(old.ProductionPort) : undefined);
  return liveOf(forwardsOf(listener?.DefaultActions), blue, green);
}
