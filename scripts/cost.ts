import * as fs from 'node:fs';
import * as path from 'node:path';

/** One price of scripts/prices.json. */
export interface Price {
  readonly usd?: number;
  readonly unit: string;
  readonly page: string;
  readonly evidence: string;
}

/** scripts/prices.json: unit prices of one region, the date they were taken and where each comes from. */
export interface PriceList {
  readonly region: string;
  readonly currency: string;
  readonly taken: string;
  readonly hoursPerMonth: number;
  readonly prices: Record<string, Price>;
}

export const PRICES: PriceList = JSON.parse(fs.readFileSync(path.join(__dirname, 'prices.json'), 'utf8'));

/** One fixed cost driver counted in the templates. */
export interface CostDriver {
  /** What is counted, e.g. 'NAT gateway'. */
  readonly what: string;
  /** How many units run all month (gateways, addresses, endpoint-AZs, keys). */
  readonly count: number;
  /** The key of its unit price in prices.json. */
  readonly price: string;
  /** count x unit price for a month; undefined when the driver has no fixed price. */
  readonly monthlyUsd?: number;
  /** A note printed beside it. */
  readonly note?: string;
}

type Resource = { Type: string; Properties?: Record<string, any> };

function resourcesOf(templates: any[], type: string): Resource[] {
  return templates.flatMap((t) => Object.values((t.Resources ?? {}) as Record<string, Resource>)).filter((r) => r.Type === type);
}

/** The length of a list property, or 0 when it is absent or not a literal list. */
function lengthOf(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

/**
 * Counts the fixed monthly cost drivers of one deployment (a stack and its nested stacks):
 * NAT gateways and their Elastic IPs, Application Load Balancers and the public IPv4 addresses
 * of the internet-facing ones (one per subnet, that is per Availability Zone), interface VPC
 * endpoints per Availability Zone, KMS keys, and clusters with Container Insights (variable,
 * listed without a figure).
 */
export function costDrivers(templates: any[], prices: PriceList = PRICES): CostDriver[] {
  const month = (key: string, count: number): number | undefined => {
    const usd = prices.prices[key]?.usd;
    return usd === undefined ? undefined : count * usd * (key.endsWith('Month') ? 1 : prices.hoursPerMonth);
  };
  const driver = (what: string, count: number, price: string, note?: string): CostDriver =>
    ({ what, count, price, monthlyUsd: month(price, count), note });

  const nats = resourcesOf(templates, 'AWS::EC2::NatGateway');
  const eips = resourcesOf(templates, 'AWS::EC2::EIP');
  const albs = resourcesOf(templates, 'AWS::ElasticLoadBalancingV2::LoadBalancer')
    .filter((r) => (r.Properties?.Type ?? 'application') === 'application');
  // A load balancer without a Scheme is internet-facing: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticloadbalancingv2-loadbalancer.html
  const publicAlbAzs = albs.filter((r) => (r.Properties?.Scheme ?? 'internet-facing') === 'internet-facing')
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
    driver('public IPv4 address of the internet-facing load balancers (one per AZ at least)', publicAlbAzs, 'publicIpv4Hour'),
    driver(`interface VPC endpoint x AZ (${interfaceEndpoints.length} endpoints)`, endpointAzs, 'interfaceEndpointAzHour', 'plus data processed'),
    driver('KMS key', keys.length, 'kmsKeyMonth', rotated > 0 ? `${rotated} rotated: +$1 a month for each of the first two yearly rotations` : undefined),
    { what: 'cluster with Container Insights', count: insights, price: 'containerInsights', note: 'billed per metric ingested: grows with tasks and containers' },
  ];
}

/** The sum of the drivers that have a fixed monthly figure. */
export function monthlyTotal(drivers: CostDriver[]): number {
  return drivers.reduce((sum, d) => sum + (d.monthlyUsd ?? 0), 0);
}

/** The cost summary of one deployment as printed lines. */
export function formatCosts(name: string, region: string | undefined, drivers: CostDriver[], prices: PriceList = PRICES): string[] {
  const lines = [`${name}: fixed monthly cost drivers, ${prices.currency} on demand in ${prices.region} (${prices.hoursPerMonth} h; prices of ${prices.taken}, scripts/prices.json)`
    + (region && region !== prices.region ? ` - this stack is in ${region}: indicative only` : '')];
  for (const d of drivers.filter((x) => x.count > 0)) {
    const usd = d.monthlyUsd === undefined ? '       -' : d.monthlyUsd.toFixed(2).padStart(8);
    lines.push(`  ${String(d.count).padStart(4)}  ${usd}  ${d.what}${d.note ? ` (${d.note})` : ''}`);
  }
  lines.push(`        ${monthlyTotal(drivers).toFixed(2).padStart(8)}  a month before traffic, tasks, logs and storage`);
  return lines;
}

/** What the platform's settings cost, from the unit prices: printed once under the per-stack figures. */
export function formatLevers(prices: PriceList = PRICES): string[] {
  const month = (key: string): number => (prices.prices[key]?.usd ?? 0) * prices.hoursPerMonth;
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
