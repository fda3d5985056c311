import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { EXAMPLE_ENV } from '../../examples/env';
import { ExamplePlatformStack } from '../../examples/platform-stack';
import { DEFAULTS } from '../../lib/private/defaults';
import { CostDriver, costDrivers, formatCosts, formatLevers, monthlyTotal, PRICES } from '../../scripts/cost';
import { printSummary } from '../../scripts/summary';
import { newApp, newPlatform, templateOf } from '../util';

/** The drivers of a stack, keyed by what they count. */
function driversOf(stack: Stack): Record<string, CostDriver> {
  return Object.fromEntries(costDrivers([templateOf(stack).toJSON()]).map((d) => [d.what.replace(/ \(.*\)$/, ''), d]));
}

const month = (key: string, count: number): number => count * PRICES.prices[key].usd! * PRICES.hoursPerMonth;

/** The example platform in an app of its own, built on first use and synthesized once for the tests that read it. */
let examplePlatform: Stack | undefined;
function theExamplePlatform(): Stack {
  examplePlatform ??= new ExamplePlatformStack(newApp(), 'ExamplePlatform', { env: EXAMPLE_ENV });
  return examplePlatform;
}

describe('fixed monthly cost drivers', () => {
  test('the example platform: one NAT gateway and its address, one load balancer with an address per AZ, one key, one cluster', () => {
    // GIVEN the example platform / WHEN its drivers are counted
    const drivers = driversOf(theExamplePlatform());
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

  test('the total adds the drivers with a fixed figure, and the printout shows each driver that is there', () => {
    // GIVEN
    const drivers = costDrivers([templateOf(newPlatform().stack).toJSON()]);
    // WHEN
    const lines = formatCosts('Test', 'eu-west-1', drivers);
    // THEN
    const expected = month('natGatewayHour', 1) + month('publicIpv4Hour', 1 + DEFAULTS.maxAzs) + month('applicationLoadBalancerHour', 1) + PRICES.prices.kmsKeyMonth.usd!;
    expect(monthlyTotal(drivers)).toBeCloseTo(expected, 6);
    expect(lines[0]).toBe(`Test: fixed monthly cost drivers, USD on demand in eu-west-1 (730 h; prices of ${PRICES.taken}, scripts/prices.json)`);
    expect(lines).toContain(`     1  ${month('natGatewayHour', 1).toFixed(2).padStart(8)}  NAT gateway (plus data processed)`);
    expect(lines.some((l) => l.includes('interface VPC endpoint'))).toBe(false);
    expect(lines[lines.length - 1]).toBe(`        ${expected.toFixed(2).padStart(8)}  a month before traffic, tasks, logs and storage`);
  });

  test('a stack in another region is marked indicative', () => {
    // GIVEN / WHEN
    const [first] = formatCosts('Test', 'us-east-1', []);
    // THEN
    expect(first).toContain(' - this stack is in us-east-1: indicative only');
  });

  test('every price names its AWS page and where its figure comes from', () => {
    // THEN
    for (const [key, price] of Object.entries(PRICES.prices)) {
      expect({ key, page: price.page }).toEqual({ key, page: expect.stringMatching(/^https:\/\/aws\.amazon\.com\//) });
      expect(price.evidence.length).toBeGreaterThan(40);
    }
    expect(PRICES.region).toBe('eu-west-1');
    expect(PRICES.taken).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test('the synth summary prints the drivers of each stack', () => {
    // GIVEN an app with the example platform, synthesized
    const assembly = (theExamplePlatform().node.root as App).synth();
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
    expect(out).toContain('ExamplePlatform: fixed monthly cost drivers, USD on demand in eu-west-1');
    expect(out).toContain(`     1  ${month('natGatewayHour', 1).toFixed(2).padStart(8)}  NAT gateway (plus data processed)`);
    expect(out).toContain('What the settings cost a month:');
  });
});


test('the README shows what the summary prints for the example platform', () => {
  // GIVEN the README's block under "What it costs"
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const block = /```\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('\n## What it costs\n')))![1];
  // WHEN the example platform's drivers are printed
  const lines = [...formatCosts('ExamplePlatform', 'eu-west-1', costDrivers([templateOf(theExamplePlatform()).toJSON()])), ...formatLevers()];
  // THEN they are the same
  expect(block).toBe(lines.join('\n') + '\n');
});
