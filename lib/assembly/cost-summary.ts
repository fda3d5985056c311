import { allTemplates, readAssembly, TemplateJson } from './cloud-assembly';
import { PRICES, PriceList } from './prices';

/** One fixed monthly cost driver counted in a stack's templates. */
export interface CostDriver {
  /** What is counted, such as 'NAT gateway'. */
  readonly what: string;
  /** How many units run all month (gateways, addresses, endpoint-AZs, keys). */
  readonly count: number;
  /** The key of its unit price in the package's price list (`natGatewayHour`). */
  readonly priceKey: string;
  /**
   * count x unit price for a month, in the price list's currency.
   * @default - none: the driver has no fixed price (it grows with use)
   */
  readonly monthlyUsd?: number;
  /**
   * A note printed beside it.
   * @default - none
   */
  readonly note?: string;
}

/** The fixed monthly cost drivers of one stack, its nested stacks included. */
export interface StackCost {
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /**
   * The stack's region.
   * @default - none: an environment-agnostic stack
   */
  readonly region?: string;
  /** Every driver, those counted 0 times included. */
  readonly drivers: CostDriver[];
  /** The sum of the drivers with a fixed figure. */
  readonly monthlyUsd: number;
  /** Whether the figures are only indicative: the stack is in another region than the prices'. */
  readonly indicative: boolean;
  /** How many template files the figures come from (the stack's and its nested stacks'). */
  readonly templates: number;
}

type Resource = { Type: string; Properties?: Record<string, any> };

function resourcesOf(templates: TemplateJson[], type: string): Resource[] {
  return templates.flatMap((t) => Object.values((t.Resources ?? {}) as Record<string, Resource>)).filter((r) => r.Type === type);
}

/** The length of a list property, or 0 when it is absent or not a literal list. */
function lengthOf(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

/**
 * Counts the fixed monthly cost drivers of one deployment (a stack and its nested stacks): NAT
 * gateways and their Elastic IPs, Application Load Balancers and the public IPv4 addresses of the
 * internet-facing ones (one per subnet, that is per Availability Zone), interface VPC endpoints
 * per Availability Zone, KMS keys, and clusters with Container Insights (variable, listed without
 * a figure).
 */
export function costDrivers(templates: TemplateJson[], prices: PriceList = PRICES): CostDriver[] {
  const month = (key: string, count: number): number | undefined => {
    const usd = prices.prices[key]?.usd;
    return usd === undefined ? undefined : count * usd * (key.endsWith('Month') ? 1 : prices.hoursPerMonth);
  };
  const driver = (what: string, count: number, priceKey: string, note?: string): CostDriver =>
    ({ what, count, priceKey, monthlyUsd: month(priceKey, count), note });

  const nats = resourcesOf(templates, 'AWS::EC2::NatGateway');
  const eips = resourcesOf(templates, 'AWS::EC2::EIP');
  const albs = resourcesOf(templates, 'AWS::ElasticLoadBalancingV2::LoadBalancer')
    .filter((r) => (r.Properties?.Type ?? 'application') === 'application');
  // A load balancer without a Scheme is internet-facing: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticloadbalancingv2-loadbalancer.html
  const nlbs = resourcesOf(templates, 'AWS::ElasticLoadBalancingV2::LoadBalancer').filter((r) => r.Properties?.Type === 'network');
  const publicAzs = [...albs, ...nlbs].filter((r) => (r.Properties?.Scheme ?? 'internet-facing') === 'internet-facing')
    .reduce((n, r) => n + Math.max(lengthOf(r.Properties?.Subnets), lengthOf(r.Properties?.SubnetMappings)), 0);
  const interfaceEndpoints = resourcesOf(templates, 'AWS::EC2::VPCEndpoint').filter((r) => r.Properties?.VpcEndpointType === 'Interface');
  const endpointAzs = interfaceEndpoints.reduce((n, r) => n + lengthOf(r.Properties?.SubnetIds), 0);
  const keys = resourcesOf(templates, 'AWS::KMS::Key');
  const rotated = keys.filter((k) => k.Properties?.EnableKeyRotation === true).length;
  const insights = resourcesOf(templates, 'AWS::ECS::Cluster').filter((c) => (c.Properties?.ClusterSettings ?? [])
    .some((s: any) => s.Name === 'containerInsights' && ['enabled', 'enhanced'].includes(s.Value))).length;

  return [
    driver('NAT gateway', nats.length, 'natGatewayHour', 'plus data processed'),
    driver('Elastic IP address (public IPv4)', eips.length, 'publicIpv4Hour'),
    driver('Application Load Balancer', albs.length, 'applicationLoadBalancerHour', 'plus LCUs for traffic'),
    ...(nlbs.length > 0 ? [driver('Network Load Balancer (for the TCP services)', nlbs.length, 'networkLoadBalancerHour', 'per hour plus NLCUs; not in the total')] : []),
    driver('public IPv4 address of the internet-facing load balancers (one per AZ at least)', publicAzs, 'publicIpv4Hour'),
    driver(`interface VPC endpoint x AZ (${interfaceEndpoints.length} endpoints)`, endpointAzs, 'interfaceEndpointAzHour', 'plus data processed'),
    driver('KMS key', keys.length, 'kmsKeyMonth', rotated > 0 ? `${rotated} rotated: +$1 a month for each of the first two yearly rotations` : undefined),
    { what: 'cluster with Container Insights', count: insights, priceKey: 'containerInsights', note: 'billed per metric ingested: grows with tasks and containers' },
  ];
}

/** The sum of the drivers that have a fixed monthly figure. */
function monthlyTotal(drivers: CostDriver[]): number {
  return drivers.reduce((sum, d) => sum + (d.monthlyUsd ?? 0), 0);
}

/**
 * What the stacks of a synthesized app cost a month before any traffic: the fixed cost drivers
 * (NAT gateways, load balancers and their public IPv4 addresses, interface endpoints, KMS keys)
 * counted in every template, nested stacks included, and priced with the on-demand prices the
 * package ships (one region, dated; other regions are marked indicative). Tasks, data processed,
 * LCUs, logs, metrics and storage depend on use and are not counted.
 *
 * @example
 * const summary = CostSummary.fromAssembly('cdk.out');
 * console.log(summary.toText());
 */
export class CostSummary {
  /**
   * The cost summary of the cloud assembly in `directory` (the `cdk.out` folder `cdk synth`
   * writes, or `app.synth().directory`). Reads files only: no AWS call.
   * @param directory the cloud assembly's folder
   */
  public static fromAssembly(directory: string): CostSummary {
    return new CostSummary(readAssembly(directory).map((stack) => {
      const files = allTemplates(stack.root);
      const drivers = costDrivers(files.map((f) => f.template));
      return {
        stackName: stack.stackName,
        region: stack.region,
        drivers,
        monthlyUsd: monthlyTotal(drivers),
        indicative: stack.region !== undefined && stack.region !== PRICES.region,
        templates: files.length,
      };
    }));
  }

  /** The region the prices are of. */
  public readonly pricesRegion: string = PRICES.region;
  /** The date the prices were taken (yyyy-mm-dd). */
  public readonly pricesTaken: string = PRICES.taken;
  /** The currency of every figure. */
  public readonly currency: string = PRICES.currency;
  /** The hours a month has in the figures. */
  public readonly hoursPerMonth: number = PRICES.hoursPerMonth;

  private constructor(
    /** Each stack of the assembly, in the assembly's order. */
    public readonly stacks: StackCost[],
  ) {}

  /** The summary as printed lines: each stack's drivers and total, then what the platform's settings cost. */
  public toText(): string {
    return [...this.stacks.flatMap((s) => this.stackLines(s)), ...this.leverLines()].join('\n') + '\n';
  }

  private stackLines(s: StackCost): string[] {
    const lines = [`${s.stackName}: fixed monthly cost drivers, ${this.currency} on demand in ${this.pricesRegion} (${this.hoursPerMonth} h; prices of ${this.pricesTaken})`
      + (s.indicative ? ` - this stack is in ${s.region}: indicative only` : '')];
    for (const d of s.drivers.filter((x) => x.count > 0)) {
      const usd = d.monthlyUsd === undefined ? '       -' : d.monthlyUsd.toFixed(2).padStart(8);
      lines.push(`  ${String(d.count).padStart(4)}  ${usd}  ${d.what}${d.note ? ` (${d.note})` : ''}`);
    }
    lines.push(`        ${s.monthlyUsd.toFixed(2).padStart(8)}  a month before traffic, tasks, logs and storage`);
    return lines;
  }

  /** What the platform's settings cost, from the unit prices: printed once under the per-stack figures. */
  private leverLines(): string[] {
    const month = (key: string): number => (PRICES.prices[key]?.usd ?? 0) * this.hoursPerMonth;
    const ipv4 = month('publicIpv4Hour');
    const nat = month('natGatewayHour') + ipv4;
    const endpoint = month('interfaceEndpointAzHour');
    const usd = (n: number): string => n.toFixed(2);
    return [
      'What the settings cost a month:',
      `  natGateways: each NAT gateway ${usd(nat)} with its address; 0 replaces them with the platform's interface endpoints (ECR, Logs, Secrets Manager, SSM, CodeDeploy, EC2) at ${usd(endpoint)} each per AZ`,
      `  maxAzs: each AZ more adds ${usd(ipv4)} per internet-facing load balancer, ${usd(endpoint)} per interface endpoint, and a NAT gateway if you run one per AZ`,
      `  addLoadBalancer: each load balancer ${usd(month('applicationLoadBalancerHour'))} plus ${usd(ipv4)} per AZ when internet-facing`,
    ];
  }
}
