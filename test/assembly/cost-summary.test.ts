import { Stack } from 'aws-cdk-lib';
import { EXAMPLE_ENV } from '../../examples/env';
import { ExamplePlatformStack } from '../../examples/platform-stack';
import { CostSummary, Routing } from '../../lib';
import { CostDriver, costDrivers } from '../../lib/assembly/cost-summary';
import { PRICES } from '../../lib/assembly/prices';
import { DEFAULTS } from '../../lib/private/defaults';
import { printSummary } from '../../scripts/summary';
import { IMAGE } from '../service/helpers';
import { newApp, newPlatform, templateOf } from '../util';
import { examplePlatform, readmeOutputBlock } from './helpers';

/** The drivers of a stack, keyed by what they count. */
function driversOf(stack: Stack): Record<string, CostDriver> {
  return Object.fromEntries(costDrivers([templateOf(stack).toJSON()]).map((d) => [d.what.replace(/ \(.*\)$/, ''), d]));
}

const month = (key: string, count: number): number => count * PRICES.prices[key].usd! * PRICES.hoursPerMonth;

describe('fixed monthly cost drivers', () => {
  test('the example platform: one NAT gateway and its address, one load balancer with an address per AZ, one key, one cluster', () => {
    // GIVEN the example platform / WHEN its drivers are counted
    const drivers = driversOf(new ExamplePlatformStack(newApp(), 'ExamplePlatform', { env: EXAMPLE_ENV }));
    // THEN
    expect(drivers['NAT gateway']).toMatchObject({ count: DEFAULTS.natGateways, monthlyUsd: month('natGatewayHour', DEFAULTS.natGateways) });
    expect(drivers['Elastic IP address']).toMatchObject({ count: DEFAULTS.natGateways, monthlyUsd: month('publicIpv4Hour', DEFAULTS.natGateways) });
    expect(drivers['Application Load Balancer']).toMatchObject({ count: 1, monthlyUsd: month('applicationLoadBalancerHour', 1) });
    expect(drivers['public IPv4 address of the internet-facing load balancers']).toMatchObject({ count: DEFAULTS.maxAzs, monthlyUsd: month('publicIpv4Hour', DEFAULTS.maxAzs) });
    expect(drivers['interface VPC endpoint x AZ']).toMatchObject({ count: 0, monthlyUsd: 0 });
    expect(drivers['KMS key']).toMatchObject({ count: 1, monthlyUsd: PRICES.prices.kmsKeyMonth.usd });
    expect(drivers['cluster with Container Insights'].count).toBe(1);
    expect(drivers['cluster with Container Insights'].monthlyUsd).toBeUndefined();
  });

  test('TCP services add one internal Network Load Balancer, counted but not priced; the ALB count and public addresses stay', () => {
    // GIVEN a platform with two TCP services
    const { stack, platform } = newPlatform();
    platform.addService('Ledger', { routing: Routing.tcp(5432), container: { image: IMAGE } });
    platform.addService('Cache', { routing: Routing.tcp(6379), container: { image: IMAGE } });
    // WHEN its drivers are counted
    const drivers = driversOf(stack);
    // THEN
    expect(drivers['Network Load Balancer']).toMatchObject({ count: 1, priceKey: 'networkLoadBalancerHour', monthlyUsd: undefined });
    expect(drivers['Application Load Balancer'].count).toBe(1);
    expect(drivers['public IPv4 address of the internet-facing load balancers'].count).toBe(DEFAULTS.maxAzs);
  });

  test('an internet-facing TCP service adds the internet-facing Network Load Balancer and its public addresses, one per AZ', () => {
    // GIVEN a platform with an internal and an internet-facing TCP service
    const { stack, platform } = newPlatform();
    platform.addService('Ledger', { routing: Routing.tcp(5432), container: { image: IMAGE } });
    platform.addService('Broker', { routing: Routing.tcp(8883, { internetFacing: true }), container: { image: IMAGE } });
    // WHEN its drivers are counted
    const drivers = driversOf(stack);
    // THEN two Network Load Balancers, and the public addresses of the ALB and of the internet-facing one
    expect(drivers['Network Load Balancer']).toMatchObject({ count: 2, priceKey: 'networkLoadBalancerHour', monthlyUsd: undefined });
    expect(drivers['public IPv4 address of the internet-facing load balancers']).toMatchObject({
      count: 2 * DEFAULTS.maxAzs, monthlyUsd: month('publicIpv4Hour', 2 * DEFAULTS.maxAzs),
    });
  });

  test('a platform without TCP services has no Network Load Balancer driver', () => {
    const { stack } = newPlatform();
    expect(driversOf(stack)['Network Load Balancer']).toBeUndefined();
  });

  test('no NAT gateway, three AZs and a second load balancer: interface endpoints per AZ, two load balancers with three addresses each', () => {
    // GIVEN
    const { stack, platform } = newPlatform({ natGateways: 0, maxAzs: 3 });
    platform.addLoadBalancer('LoadBalancer2');
    // WHEN
    const template = templateOf(stack);
    const drivers = driversOf(stack);
    // THEN
    const interfaceEndpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } })).length;
    expect(interfaceEndpoints).toBeGreaterThan(0);
    expect(drivers['NAT gateway'].count).toBe(0);
    expect(drivers['Elastic IP address'].count).toBe(0);
    expect(drivers['Application Load Balancer']).toMatchObject({ count: 2, monthlyUsd: month('applicationLoadBalancerHour', 2) });
    expect(drivers['public IPv4 address of the internet-facing load balancers'].count).toBe(6);
    expect(drivers['interface VPC endpoint x AZ']).toMatchObject({ count: 3 * interfaceEndpoints, monthlyUsd: month('interfaceEndpointAzHour', 3 * interfaceEndpoints) });
  });

  test('an internal load balancer has no public addresses', () => {
    // GIVEN / WHEN
    const drivers = driversOf(newPlatform({ internetFacing: false }).stack);
    // THEN
    expect(drivers['Application Load Balancer'].count).toBe(1);
    expect(drivers['public IPv4 address of the internet-facing load balancers'].count).toBe(0);
  });

  test('every price names its AWS page and where its figure comes from', () => {
    for (const [key, price] of Object.entries(PRICES.prices)) {
      expect({ key, page: price.page }).toEqual({ key, page: expect.stringMatching(/^https:\/\/aws\.amazon\.com\//) });
      expect(price.evidence.length).toBeGreaterThan(40);
    }
    expect(PRICES.region).toBe('eu-west-1');
    expect(PRICES.taken).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('CostSummary.fromAssembly: a cdk.out, nested stacks included', () => {
  test('reads the stacks of the assembly and the templates of their nested stacks, with the total and the prices\' date', () => {
    // GIVEN the example platform's assembly (two services, each in a nested stack)
    const dir = examplePlatform();
    // WHEN
    const summary = CostSummary.fromAssembly(dir);
    // THEN
    expect(summary.pricesTaken).toBe(PRICES.taken);
    expect(summary.pricesRegion).toBe('eu-west-1');
    expect(summary.stacks).toHaveLength(1);
    const [stack] = summary.stacks;
    expect(stack).toMatchObject({ stackName: 'ExamplePlatform', region: 'eu-west-1', indicative: false, templates: 3 });
    const expected = month('natGatewayHour', 1) + month('publicIpv4Hour', 1 + DEFAULTS.maxAzs) + month('applicationLoadBalancerHour', 1) + PRICES.prices.kmsKeyMonth.usd!;
    expect(stack.monthlyUsd).toBeCloseTo(expected, 6);
  });

  test('finds nested templates by the asset metadata the CLI writes, and without it by their asset manifest', () => {
    // GIVEN the same app with and without asset metadata
    const withMetadata = CostSummary.fromAssembly(examplePlatform(undefined, { 'aws:cdk:enable-asset-metadata': true }));
    const without = CostSummary.fromAssembly(examplePlatform());
    // THEN both read the three templates
    expect(withMetadata.stacks[0].templates).toBe(3);
    expect(without.stacks[0].templates).toBe(3);
  });

  test('the text: one line per driver that is there, the total, the prices\' date, and what the settings cost', () => {
    // GIVEN / WHEN
    const text = CostSummary.fromAssembly(examplePlatform()).toText();
    // THEN
    const lines = text.split('\n');
    expect(lines[0]).toBe(`ExamplePlatform: fixed monthly cost drivers, USD on demand in eu-west-1 (730 h; prices of ${PRICES.taken})`);
    expect(lines).toContain(`     1  ${month('natGatewayHour', 1).toFixed(2).padStart(8)}  NAT gateway (plus data processed)`);
    expect(text).not.toContain('interface VPC endpoint');
    expect(text).toContain('What the settings cost a month:');
  });

  test('a stack in another region is marked indicative', () => {
    // GIVEN
    const app = newApp();
    new Stack(app, 'Elsewhere', { env: { account: '111111111111', region: 'us-east-1' } }).node.addMetadata('x', 1);
    // WHEN
    const summary = CostSummary.fromAssembly(app.synth().directory);
    // THEN
    expect(summary.stacks[0].indicative).toBe(true);
    expect(summary.toText()).toContain(' - this stack is in us-east-1: indicative only');
  });

  test('a folder that is not a cloud assembly fails with what to do', () => {
    expect(() => CostSummary.fromAssembly(__dirname)).toThrow(`${__dirname} is not a cloud assembly (it has no manifest.json): run \`cdk synth\` first, or name the cdk.out folder`);
  });
});

test('the repository\'s synth summary prints the package\'s cost summary', () => {
  // GIVEN an app with the example platform, synthesized
  const app = newApp();
  new ExamplePlatformStack(app, 'ExamplePlatform', { env: EXAMPLE_ENV });
  const assembly = app.synth();
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => { written.push(String(chunk)); return true; });
  // WHEN
  try {
    printSummary(assembly);
  } finally {
    spy.mockRestore();
  }
  // THEN
  const out = written.join('');
  expect(out).toMatch(/\nExamplePlatform: \d+ resources\n {2}nested ExamplePlatformOrdersStack[0-9A-F]{8}: \d+ resources\n/);
  expect(out).toContain(CostSummary.fromAssembly(assembly.directory).toText());
});

test('the README shows what the summary prints for the example platform', () => {
  // GIVEN the README's block under "What it costs"
  const block = readmeOutputBlock('## What it costs');
  // WHEN the example platform's summary is printed
  const text = CostSummary.fromAssembly(examplePlatform()).toText();
  // THEN they are the same
  expect(block).toBe(text);
});
