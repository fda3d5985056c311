// The unit prices behind the cost summary (CostSummary): on-demand list prices of one region, the
// date they were taken, and for each the AWS pricing page and where the figure was read. Shipped in
// the package as code. Update the figures and `taken` together, from the pages named.

/** One unit price. */
export interface Price {
  /** US dollars per unit; undefined for what has no fixed price (billed by use). */
  readonly usd?: number;
  /** What one unit is. */
  readonly unit: string;
  /** The AWS pricing page to check the figure against. */
  readonly page: string;
  /** Where the figure itself was read. */
  readonly evidence: string;
}

/** Unit prices of one region, the date they were taken and where each comes from. */
export interface PriceList {
  readonly region: string;
  readonly currency: string;
  /** The date the prices were taken (yyyy-mm-dd). */
  readonly taken: string;
  readonly hoursPerMonth: number;
  readonly about: string;
  readonly prices: Readonly<Record<string, Price>>;
}

export const PRICES: PriceList = {
  region: 'eu-west-1',
  currency: 'USD',
  taken: '2026-11-30',
  hoursPerMonth: 730,
  about: 'On-demand list prices in eu-west-1 (Europe, Ireland), without tax, free tier or savings plans. The AWS pricing pages draw their per-region tables in the browser, so the copies that could be read when these figures were taken (2026-11-30, without web access) do not show the eu-west-1 rows. Each figure therefore names the AWS page to check it against (`page`) and where the eu-west-1 figure itself was read (`evidence`). Check them on the pages before relying on them, and update `taken` when you do.',
  prices: {
    natGatewayHour: {
      usd: 0.048,
      unit: 'NAT gateway-hour',
      page: 'https://aws.amazon.com/vpc/pricing/',
      evidence: 'AWS Price List API offer file for AmazonEC2 in eu-west-1 (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/20260925174521/eu-west-1/index.json, published 2026-09-25), usage type EU-NatGateway-Hours: $0.048/Hrs, as excerpted verbatim in a public repository\'s test data. Data processing ($0.048/GB, same file) is not fixed and not counted.',
    },
    publicIpv4Hour: {
      usd: 0.005,
      unit: 'public IPv4 address-hour (in use or idle)',
      page: 'https://aws.amazon.com/vpc/pricing/',
      evidence: 'AWS charges $0.005 per hour for every AWS-provided public IPv4 address since 2024-02-01, service-managed ones (NAT gateway Elastic IPs, internet-facing load balancers) included: https://aws.amazon.com/blogs/networking-and-content-delivery/identify-and-optimize-public-ipv4-address-usage-on-aws/ . eu-west-1 usage type EU-PublicIPv4:InUseAddress billed $8.91 for 1,783 address-hours (a Cost Explorer export for July 2026 in a public repository): $0.0050.',
    },
    applicationLoadBalancerHour: {
      usd: 0.0252,
      unit: 'Application Load Balancer-hour',
      page: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
      evidence: 'eu-west-1 usage type EU-LoadBalancerUsage billed $15.00 for 595 hours (a Cost Explorer export for July 2026 in a public repository): $0.0252 an hour; a calculator page lists Europe (Ireland) at $0.0252 too.',
    },
    loadBalancerCapacityUnitHour: {
      usd: 0.008,
      unit: 'LCU-hour (traffic; not a fixed cost, not in the totals)',
      page: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
      evidence: 'AWS Price List API AWSELB offer for eu-west-1 (offer 20260911124544), usage type EU-LCUUsage: $0.008 per LCU-Hrs, as quoted in a public repository\'s test data.',
    },
    interfaceEndpointAzHour: {
      usd: 0.01,
      unit: 'interface VPC endpoint-hour in one Availability Zone',
      page: 'https://aws.amazon.com/privatelink/pricing/',
      evidence: 'The PrivateLink page: \'You will be billed for each hour that your VPC endpoint remains provisioned in each Availability Zone\'. eu-west-1 usage type EU-VpcEndpoint-Hours billed $352.42 for 34,824 endpoint-AZ hours (a cost report in a public repository): $0.0101. Gateway endpoints (S3) are free.',
    },
    kmsKeyMonth: {
      usd: 1,
      unit: 'customer managed KMS key-month',
      page: 'https://aws.amazon.com/kms/pricing/',
      evidence: 'The KMS pricing page: \'Each AWS KMS key that you create in KMS costs $1/month\' and \'If you enable automatic key rotation, each newly generated backing key costs an additional $1/month\' (AWS capped this at the second rotation in 2024). Requests past the free tier (20,000 a month) are not counted.',
    },
    networkLoadBalancerHour: {
      unit: 'Network Load Balancer-hour, plus NLCUs for traffic: a platform with TCP services has one; no verified figure here, so not in the totals',
      page: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
      evidence: 'Network Load Balancers are billed per hour and per Network Load Balancer Capacity Unit (NLCU): https://aws.amazon.com/elasticloadbalancing/pricing/',
    },
    containerInsights: {
      unit: 'per cluster with Container Insights: priced per metric or observation ingested, so it grows with services, tasks and containers; not a fixed figure and not in the totals',
      page: 'https://aws.amazon.com/cloudwatch/pricing/',
      evidence: 'Container Insights with enhanced observability for Amazon ECS (launched 2024-12-02) collects metrics down to each task and container: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-container-insights.html',
    },
  },
};
