import * as fs from 'node:fs';
import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Deployment, Routing, TrafficShift } from '../../lib';
import { drawExamplePlatform, MERMAID_FILE, SVG_FILE } from '../../scripts/diagram';
import { DiagramBuilder, DiagramGroup } from '../../scripts/diagram/model';
import { toDot, toMermaid } from '../../scripts/diagram/render';
import { newPlatform } from '../util';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27');

function allGroups(groups: DiagramGroup[]): DiagramGroup[] {
  return groups.flatMap((g) => [g, ...allGroups(g.groups)]);
}

test('the committed drawing of the example platform is what `npm run diagram` draws now', async () => {
  // GIVEN the committed files / WHEN the drawing is made again in memory
  const { svg, mermaid } = await drawExamplePlatform();
  // THEN they are the same (if not: run `npm run diagram` and commit docs/)
  expect(fs.readFileSync(MERMAID_FILE, 'utf8')).toBe(mermaid);
  expect(fs.readFileSync(SVG_FILE, 'utf8')).toBe(svg);
}, 60_000);

describe('the diagram model', () => {
  test('a blue/green service: both target groups behind their listeners, its tasks, its deployment', () => {
    // GIVEN a platform with a blue/green service on a path
    const { stack, platform } = newPlatform();
    platform.addService('Orders', {
      routing: Routing.path('/orders/*'),
      container: { image: IMAGE, cpu: 512, memoryMiB: 1024 },
      deployment: Deployment.blueGreen({ traffic: TrafficShift.linear(20, Duration.minutes(2)) }),
      scaling: { minTasks: 3, maxTasks: 7 },
    });
    // WHEN
    const diagram = DiagramBuilder.of(stack);
    const label = (suffix: string): string[] => diagram.nodes.find((n) => n.id.endsWith(`_Orders_${suffix}`))!.lines;
    const edge = (from: string, to: string) => diagram.edges.find((e) => e.from.endsWith(from) && e.to.endsWith(to));
    // THEN
    expect(allGroups(diagram.groups).map((g) => g.label)).toEqual(['Test: Test/Platform', 'VPC 10.0.0.0/16, 2 AZs, 1 NAT gateway', 'service Orders']);
    expect(label('tasks')).toEqual(['Fargate tasks', '512 CPU units, 1024 MiB', '3 to 7 tasks']);
    expect(label('blue')).toEqual(['target group (blue)', 'HTTP :8080']);
    expect(label('deployment')).toEqual(['CodeDeploy blue/green of Orders', 'traffic: linear 20 % every 2 min']);
    expect(edge('_LoadBalancer_production', '_Orders_blue')).toEqual(expect.objectContaining({ label: `/orders/*, priority ${platform.services[0].rulePriority}` }));
    expect(edge('_LoadBalancer_test', '_Orders_green')).toEqual(expect.objectContaining({ label: '/orders/*', dashed: true }));
    expect(diagram.nodes.some((n) => n.id.endsWith('_Orders_pipeline'))).toBe(false);
  });

  test('TCP services: the Network Load Balancer, each listener with its port, target groups and tasks; a blue/green one\'s test listener and green', () => {
    // GIVEN a rolling TCP service and a blue/green one with an HTTP health check, on a platform with an internet-facing ALB
    const { stack, platform } = newPlatform();
    platform.addService('Ledger', { routing: Routing.tcp(5432), container: { image: IMAGE, port: 5432 } });
    platform.addService('Cache', {
      routing: Routing.tcp(6379, { testPort: 16379, httpHealthCheckPath: '/health' }), container: { image: IMAGE, port: 6000 },
      deployment: Deployment.ecsBlueGreen(),
    });
    // WHEN
    const diagram = DiagramBuilder.of(stack);
    const label = (suffix: string): string[] | undefined => diagram.nodes.find((n) => n.id.endsWith(suffix))?.lines;
    const edge = (from: string, to: string) => diagram.edges.find((e) => e.from.endsWith(from) && e.to.endsWith(to));
    // THEN
    expect(allGroups(diagram.groups).map((g) => g.label)).toEqual(['Test: Test/Platform', 'VPC 10.0.0.0/16, 2 AZs, 1 NAT gateway', 'service Ledger', 'service Cache']);
    expect(label('_NetworkLoadBalancer_Resource_nlb')).toEqual(['Network Load Balancer', 'internal']);
    expect(label('_vpcClients')).toEqual(['Clients in the VPC']);
    expect(edge('_vpcClients', '_nlb')).toEqual(expect.objectContaining({ label: 'TCP' }));
    expect(label('_Ledger_listener')).toEqual(['listener', 'TCP :5432']);
    expect(label('_Ledger_blue')).toEqual(['target group', 'TCP :5432', 'TCP check']);
    expect(label('_Ledger_testListener')).toBeUndefined();
    expect(edge('_nlb', '_Ledger_listener')).toBeDefined();
    expect(edge('_Ledger_blue', '_Ledger_tasks')).toBeDefined();
    expect(label('_Cache_listener')).toEqual(['listener', 'TCP :6379']);
    expect(label('_Cache_testListener')).toEqual(['test listener', 'TCP :16379', 'smoke test only']);
    expect(label('_Cache_green')).toEqual(['target group (green)', 'TCP :6000', 'HTTP check /health']);
    expect(edge('_Cache_testListener', '_Cache_green')).toEqual(expect.objectContaining({ dashed: true }));
    expect(label('_Cache_deployment')).toEqual(['ECS blue/green of Cache', 'ECS deployment controller']);
  });

  test('an internet-facing TCP service: its own Network Load Balancer, reached from the internet; the internal one from the VPC', () => {
    // GIVEN an internal ALB, an internal TCP service and an internet-facing one
    const { stack, platform } = newPlatform({ internetFacing: false });
    platform.addService('Ledger', { routing: Routing.tcp(5432), container: { image: IMAGE, port: 5432 } });
    platform.addService('Broker', { routing: Routing.tcp(8883, { internetFacing: true }), container: { image: IMAGE, port: 1883 } });
    // WHEN
    const diagram = DiagramBuilder.of(stack);
    const label = (suffix: string): string[] | undefined => diagram.nodes.find((n) => n.id.endsWith(suffix))?.lines;
    const edge = (from: string, to: string) => diagram.edges.find((e) => e.from.endsWith(from) && e.to.endsWith(to));
    // THEN
    expect(label('_NetworkLoadBalancer_Resource_nlb')).toEqual(['Network Load Balancer', 'internal']);
    expect(label('_PublicNetworkLoadBalancer_Resource_nlb')).toEqual(['Network Load Balancer', 'internet-facing']);
    expect(label('_clients')).toEqual(['Clients in the VPC']);
    expect(label('_internetClients')).toEqual(['Internet']);
    expect(edge('_clients', '_NetworkLoadBalancer_Resource_nlb')).toEqual(expect.objectContaining({ label: 'TCP' }));
    expect(edge('_internetClients', '_PublicNetworkLoadBalancer_Resource_nlb')).toEqual(expect.objectContaining({ label: 'TCP' }));
    expect(edge('_PublicNetworkLoadBalancer_Resource_nlb', '_Broker_listener')).toBeDefined();
    expect(edge('_NetworkLoadBalancer_Resource_nlb', '_Broker_listener')).toBeUndefined();
    expect(label('_Broker_listener')).toEqual(['listener', 'TCP :8883']);
  });

  test('the renderings name every node once and draw every edge', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    platform.addService('Catalog', { routing: Routing.host('catalog.example.com'), container: { image: IMAGE } });
    const diagram = DiagramBuilder.of(stack);
    // WHEN
    const dot = toDot(diagram);
    const mermaid = toMermaid(diagram);
    // THEN
    for (const n of diagram.nodes) {
      expect(dot.split('\n').filter((l) => l.trim().startsWith(`${n.id} [label=`))).toHaveLength(1);
      expect(mermaid.split('\n').filter((l) => l.trim().startsWith(`${n.id}[`) || l.trim().startsWith(`${n.id}((`))).toHaveLength(1);
    }
    expect(dot.split('\n').filter((l) => l.includes(' -> '))).toHaveLength(diagram.edges.length);
    expect(mermaid.split('\n').filter((l) => / (-->|-\.->)/.test(l))).toHaveLength(diagram.edges.length);
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
  });
});
