import { Stack, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { IConstruct } from 'constructs';
import { ContainerPlatform, Deployment, DeploymentKind, EventTask, Microservice, QueueWorker, ScheduledJob, ISharedLoadBalancer, TrafficShiftKind } from '../../lib';

/** What a node stands for: it picks the node's colour. */
export type NodeKind = 'client' | 'network' | 'loadBalancer' | 'listener' | 'targetGroup' | 'tasks' | 'delivery' | 'trigger' | 'queue' | 'dns';

export interface DiagramNode {
  readonly id: string;
  /** Lines of the label. */
  readonly lines: string[];
  readonly kind: NodeKind;
}

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  /** A dashed edge: the path of a change (pipeline, deployment) or a standby path, not of requests. */
  readonly dashed?: boolean;
}

export interface DiagramGroup {
  readonly id: string;
  readonly label: string;
  readonly nodes: string[];
  readonly groups: DiagramGroup[];
}

/** What the drawing shows, independent of how it is drawn. */
export interface Diagram {
  readonly nodes: DiagramNode[];
  readonly edges: DiagramEdge[];
  readonly groups: DiagramGroup[];
}

/** A literal value, or '?' for a value known only at deploy time. */
function plain(value: unknown): string {
  if (value === undefined || value === null) return '?';
  return Token.isUnresolved(value) ? '?' : String(value);
}

/** A node ID from a construct path: letters, digits and underscores. */
function idOf(scope: IConstruct, suffix: string): string {
  return `${scope.node.path}_${suffix}`.replace(/[^A-Za-z0-9]+/g, '_');
}

function first<T>(scope: IConstruct, test: (c: IConstruct) => c is T & IConstruct): T | undefined {
  return scope.node.findAll().find(test);
}

function taskLines(scope: IConstruct, taskDefinition: ecs.TaskDefinition, what: string): string[] {
  const cfn = taskDefinition.node.defaultChild as ecs.CfnTaskDefinition;
  const scaling = first(scope, (c): c is appscaling.CfnScalableTarget => c instanceof appscaling.CfnScalableTarget);
  const count = scaling ? `${plain(scaling.minCapacity)} to ${plain(scaling.maxCapacity)} tasks` : 'one task a run';
  return [what, `${plain(cfn.cpu)} CPU units, ${plain(cfn.memory)} MiB`, count];
}

function deploymentLines(owner: string, deployment: Deployment): string[] {
  switch (deployment.kind) {
    case DeploymentKind.BLUE_GREEN: {
      const traffic = deployment.blueGreenOptions?.traffic;
      const shift = !traffic || traffic.kind === TrafficShiftKind.ALL_AT_ONCE ? 'all at once'
        : `${traffic.kind === TrafficShiftKind.CANARY ? 'canary' : 'linear'} ${traffic.percent} % every ${traffic.interval.toMinutes()} min`;
      return [`CodeDeploy blue/green of ${owner}`, `traffic: ${shift}`];
    }
    case DeploymentKind.ECS_BLUE_GREEN:
      return [`ECS blue/green of ${owner}`, 'ECS deployment controller'];
    default:
      return [`ECS ${deployment.kind.toLowerCase().replace(/_/g, ' ')} of ${owner}`, `${deployment.minHealthyPercent} to ${deployment.maxHealthyPercent} % healthy`];
  }
}

function pipelineLines(owner: string, pipeline: codepipeline.Pipeline | undefined): string[] | undefined {
  return pipeline ? [`CodePipeline of ${owner}`, pipeline.stages.map((s) => s.stageName).join(' > ')] : undefined;
}

/** Collects the nodes, edges and groups of every ContainerPlatform under `root`. */
export class DiagramBuilder {
  private readonly nodes: DiagramNode[] = [];
  private readonly edges: DiagramEdge[] = [];
  private readonly groups: DiagramGroup[] = [];

  public static of(root: IConstruct): Diagram {
    const builder = new DiagramBuilder();
    for (const platform of root.node.findAll().filter((c): c is ContainerPlatform => c instanceof ContainerPlatform)) builder.platform(platform);
    return { nodes: builder.nodes, edges: builder.edges, groups: builder.groups };
  }

  private node(id: string, kind: NodeKind, lines: string[]): string {
    this.nodes.push({ id, kind, lines });
    return id;
  }

  private edge(from: string, to: string, label?: string, dashed?: boolean): void {
    this.edges.push({ from, to, label, dashed });
  }

  private platform(platform: ContainerPlatform): void {
    const stack = Stack.of(platform);
    const vpc = platform.vpc;
    const cidr = vpc instanceof ec2.Vpc ? plain((vpc.node.defaultChild as ec2.CfnVPC).cidrBlock) : 'imported';
    const nats = vpc.node.findAll().filter((c) => c instanceof ec2.CfnNatGateway).length;
    const vpcGroup: DiagramGroup = {
      id: idOf(platform, 'vpc'),
      label: `VPC ${cidr}, ${vpc.availabilityZones.length} AZs, ${nats} NAT gateway${nats === 1 ? '' : 's'}`,
      nodes: [this.node(idOf(platform, 'cluster'), 'network', ['ECS cluster', 'Fargate and Fargate Spot', 'Container Insights'])],
      groups: [],
    };
    const platformGroup: DiagramGroup = { id: idOf(platform, 'platform'), label: `${stack.stackName}: ${platform.node.path}`, nodes: [], groups: [vpcGroup] };
    this.groups.push(platformGroup);

    const internal = (platform.defaultLoadBalancer.loadBalancer.node.defaultChild as elbv2.CfnLoadBalancer).scheme === 'internal';
    const client = this.node(idOf(platform, 'clients'), 'client', [internal ? 'Clients in the VPC' : 'Internet']);
    platformGroup.nodes.push(client);
    if (platform.domainName) {
      platformGroup.nodes.push(this.node(idOf(platform, 'dns'), 'dns', ['Route 53 and ACM', `${platform.domainName}, *.${platform.domainName}`]));
      this.edge(client, idOf(platform, 'dns'), 'DNS');
    }
    const listeners = new Map<ISharedLoadBalancer, { production: string; test: string }>();
    for (const lb of platform.loadBalancers) {
      const lbNode = this.node(idOf(lb, 'alb'), 'loadBalancer', ['Application Load Balancer', lb.node.id]);
      const production = this.node(idOf(lb, 'production'), 'listener', ['production listener', `${lb.protocol} :${lb.productionPort}`]);
      const test = this.node(idOf(lb, 'test'), 'listener', ['test listener', `${lb.protocol} :${lb.testListenerPort}`]);
      vpcGroup.nodes.push(lbNode, production, test);
      this.edge(client, lbNode);
      this.edge(lbNode, production);
      this.edge(lbNode, test, undefined, true);
      if (lb.loadBalancer.node.tryFindChild('HttpRedirectListener')) {
        const redirect = this.node(idOf(lb, 'redirect'), 'listener', ['HTTP :80', 'redirects to HTTPS']);
        vpcGroup.nodes.push(redirect);
        this.edge(lbNode, redirect);
      }
      listeners.set(lb, { production, test });
    }
    for (const service of platform.services) if (service.loadBalancer) this.service(service, vpcGroup, platformGroup, listeners.get(service.loadBalancer)!);
    // TCP services: the platform's internal Network Load Balancer, reached from the VPC, and its
    // internet-facing one, reached from the internet.
    const tcpServices = platform.services.filter((s) => s.networkListener);
    const byLoadBalancer = new Map<elbv2.NetworkLoadBalancer, Microservice[]>();
    for (const service of tcpServices) byLoadBalancer.set(service.networkLoadBalancer!, [...byLoadBalancer.get(service.networkLoadBalancer!) ?? [], service]);
    let vpcClient: string | undefined = internal ? client : undefined;
    let internetClient: string | undefined = internal ? undefined : client;
    for (const [nlb, services] of byLoadBalancer) {
      const publicNlb = (nlb.node.defaultChild as elbv2.CfnLoadBalancer).scheme === 'internet-facing';
      const nlbNode = this.node(idOf(nlb, 'nlb'), 'loadBalancer', ['Network Load Balancer', publicNlb ? 'internet-facing' : 'internal']);
      vpcGroup.nodes.push(nlbNode);
      let from: string;
      if (publicNlb) {
        from = internetClient ??= this.node(idOf(platform, 'internetClients'), 'client', ['Internet']);
      } else {
        from = vpcClient ??= this.node(idOf(platform, 'vpcClients'), 'client', ['Clients in the VPC']);
      }
      if (!platformGroup.nodes.includes(from)) platformGroup.nodes.push(from);
      this.edge(from, nlbNode, 'TCP');
      for (const service of services) this.tcpService(service, nlbNode, vpcGroup, platformGroup);
    }
    for (const worker of platform.workers) this.worker(worker, vpcGroup, platformGroup);
    const jobs = platform.node.findAll().filter((c): c is ScheduledJob => c instanceof ScheduledJob);
    for (const job of jobs) {
      const expression = plain((job.schedule.node.defaultChild as scheduler.CfnSchedule).scheduleExpression);
      this.runTask(job, job.taskDefinition, job.pipeline?.pipeline, ['EventBridge Scheduler', expression], vpcGroup, platformGroup, 'scheduled job');
    }
    for (const task of platform.node.findAll().filter((c): c is EventTask => c instanceof EventTask)) {
      // A script may resolve: the pattern is read, never written back into a construct.
      const pattern = (stack.resolve((task.rule.node.defaultChild as events.CfnRule).eventPattern) ?? {}) as Record<string, any>;
      const list = (v: unknown): string => (Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(', ') : '');
      const prefix = pattern.detail?.object?.key?.[0]?.prefix;
      const lines = ['EventBridge rule', [list(pattern.source), list(pattern['detail-type'])].filter((v) => v).join(': ') || 'custom pattern'];
      if (typeof prefix === 'string') lines.push(`key prefix ${prefix}`);
      this.runTask(task, task.taskDefinition, task.pipeline?.pipeline, lines, vpcGroup, platformGroup, 'event task');
    }
  }

  private service(service: Microservice, vpcGroup: DiagramGroup, platformGroup: DiagramGroup, listeners: { production: string; test: string }): void {
    const group: DiagramGroup = { id: idOf(service, 'group'), label: `service ${service.node.id}`, nodes: [], groups: [] };
    vpcGroup.groups.push(group);
    const tasks = this.node(idOf(service, 'tasks'), 'tasks', taskLines(service, service.taskDefinition, 'Fargate tasks'));
    const route = [...service.routing.hosts, ...service.routing.paths].join(' ');
    const blue = this.node(idOf(service, 'blue'), 'targetGroup', [service.greenTargetGroup ? 'target group (blue)' : 'target group', `HTTP :${service.containerPort}`]);
    group.nodes.push(blue);
    this.edge(listeners.production, blue, `${route}, priority ${service.rulePriority}`);
    this.edge(blue, tasks);
    if (service.greenTargetGroup) {
      const green = this.node(idOf(service, 'green'), 'targetGroup', ['target group (green)', `HTTP :${service.containerPort}`]);
      group.nodes.push(green);
      this.edge(listeners.test, green, route, true);
      this.edge(green, tasks, undefined, true);
    }
    group.nodes.push(tasks);
    this.delivery(service, service.deployment, service.pipeline?.pipeline, tasks, platformGroup);
  }

  /** A TCP service: its listener (and test listener) on the Network Load Balancer, its target groups, its tasks. */
  private tcpService(service: Microservice, nlb: string, vpcGroup: DiagramGroup, platformGroup: DiagramGroup): void {
    const group: DiagramGroup = { id: idOf(service, 'group'), label: `service ${service.node.id}`, nodes: [], groups: [] };
    vpcGroup.groups.push(group);
    const tasks = this.node(idOf(service, 'tasks'), 'tasks', taskLines(service, service.taskDefinition, 'Fargate tasks'));
    const protocol = (listener: elbv2.NetworkListener) => plain((listener.node.defaultChild as elbv2.CfnListener).protocol);
    const port = (listener: elbv2.NetworkListener) => plain((listener.node.defaultChild as elbv2.CfnListener).port);
    const production = this.node(idOf(service, 'listener'), 'listener', ['listener', `${protocol(service.networkListener!)} :${port(service.networkListener!)}`]);
    const path = service.routing.tcpOptions?.httpHealthCheckPath;
    const check = path !== undefined ? `HTTP check ${path}` : 'TCP check';
    const blue = this.node(idOf(service, 'blue'), 'targetGroup', [service.greenNetworkTargetGroup ? 'target group (blue)' : 'target group', `TCP :${service.containerPort}`, check]);
    group.nodes.push(production, blue);
    this.edge(nlb, production);
    this.edge(production, blue);
    this.edge(blue, tasks);
    if (service.networkTestListener && service.greenNetworkTargetGroup) {
      const test = this.node(idOf(service, 'testListener'), 'listener', ['test listener', `${protocol(service.networkTestListener)} :${port(service.networkTestListener)}`, 'smoke test only']);
      const green = this.node(idOf(service, 'green'), 'targetGroup', ['target group (green)', `TCP :${service.containerPort}`, check]);
      group.nodes.push(test, green);
      this.edge(nlb, test, undefined, true);
      this.edge(test, green, undefined, true);
      this.edge(green, tasks, undefined, true);
    }
    group.nodes.push(tasks);
    this.delivery(service, service.deployment, service.pipeline?.pipeline, tasks, platformGroup);
  }

  private worker(worker: QueueWorker, vpcGroup: DiagramGroup, platformGroup: DiagramGroup): void {
    const group: DiagramGroup = { id: idOf(worker, 'group'), label: `worker ${worker.node.id}`, nodes: [], groups: [] };
    vpcGroup.groups.push(group);
    const queue = this.node(idOf(worker, 'queue'), 'queue', ['SQS queue', worker.deadLetterQueue ? 'with a dead-letter queue' : 'yours']);
    const tasks = this.node(idOf(worker, 'tasks'), 'tasks', [...taskLines(worker, worker.taskDefinition, 'Fargate tasks'), 'scaled on the backlog']);
    group.nodes.push(queue, tasks);
    this.edge(queue, tasks, 'messages');
    this.delivery(worker, worker.deployment, worker.pipeline?.pipeline, tasks, platformGroup);
  }

  private runTask(owner: IConstruct, taskDefinition: ecs.TaskDefinition, pipeline: codepipeline.Pipeline | undefined,
    trigger: string[], vpcGroup: DiagramGroup, platformGroup: DiagramGroup, kind: string): void {
    const group: DiagramGroup = { id: idOf(owner, 'group'), label: `${kind} ${owner.node.id}`, nodes: [], groups: [] };
    vpcGroup.groups.push(group);
    const triggerNode = this.node(idOf(owner, 'trigger'), 'trigger', trigger);
    const tasks = this.node(idOf(owner, 'tasks'), 'tasks', taskLines(owner, taskDefinition, 'Fargate task'));
    platformGroup.nodes.push(triggerNode);
    group.nodes.push(tasks);
    this.edge(triggerNode, tasks, 'RunTask');
    const delivery = pipelineLines(owner.node.id, pipeline);
    if (delivery) {
      const pipelineNode = this.node(idOf(owner, 'pipeline'), 'delivery', [...delivery, 'releases the next run\'s image']);
      platformGroup.nodes.push(pipelineNode);
      this.edge(pipelineNode, tasks, undefined, true);
    }
  }

  private delivery(owner: IConstruct, deployment: Deployment, pipeline: codepipeline.Pipeline | undefined, tasks: string, platformGroup: DiagramGroup): void {
    const deploymentNode = this.node(idOf(owner, 'deployment'), 'delivery', deploymentLines(owner.node.id, deployment));
    platformGroup.nodes.push(deploymentNode);
    this.edge(deploymentNode, tasks, undefined, true);
    const lines = pipelineLines(owner.node.id, pipeline);
    if (lines) {
      const pipelineNode = this.node(idOf(owner, 'pipeline'), 'delivery', lines);
      platformGroup.nodes.push(pipelineNode);
      this.edge(pipelineNode, deploymentNode, 'deploys', true);
    }
  }
}
