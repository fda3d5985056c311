import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { EXAMPLE_ENV } from '../../examples/env';
import { ContainerPlatform, Deployment, Routing, Source } from '../../lib';
import { expectSynthWarnings } from '../synth-warnings';
import { newApp } from '../util';

// Each service keeps the health check at / outside its route /svc-N/*: the smoke test requests
// /svc-N/, with this warning.
expectSynthWarnings('cdk-container-platform:smoke-test-path');

/** A platform to which blue/green services with pipelines are added, 50 per load balancer. */
class ScalePlatform {
  public readonly app: App = newApp();
  private readonly platform = new ContainerPlatform(new Stack(this.app, 'Scale', { env: EXAMPLE_ENV }), 'Platform');
  private readonly loadBalancers = [this.platform.defaultLoadBalancer];
  private count = 0;

  public addServices(n: number): this {
    for (let k = 0; k < n; k++) {
      const i = ++this.count;
      const index = Math.floor((i - 1) / 50);
      this.loadBalancers[index] ??= this.platform.addLoadBalancer(`LoadBalancer${index + 1}`);
      this.platform.addService(`Svc${i}`, {
        routing: Routing.path(`/svc-${i}/*`),
        deployment: Deployment.blueGreen(),
        source: Source.codeCommit(),
        loadBalancer: this.loadBalancers[index],
      });
    }
    return this;
  }
}

/** Synthesizes the app (again, after services were added) into a fresh folder; the templates by file name. */
function synthTemplates(app: App): Record<string, any> {
  const dir = app.synth({ force: true }).directory;
  const templates: Record<string, any> = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.template.json'))) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    templates[file] = { bytes: Buffer.byteLength(text), template: JSON.parse(text) };
  }
  return templates;
}

describe('a platform of 100 blue/green services with pipelines', () => {
  let hundred: Record<string, any>;
  let hundredAndOne: Record<string, any>;
  beforeAll(() => {
    // The same app, synthesized with 100 services, then again after a 101st is added.
    const scale = new ScalePlatform().addServices(100);
    hundred = synthTemplates(scale.app);
    hundredAndOne = synthTemplates(scale.addServices(1).app);
  });

  test('synthesizes into templates CloudFormation accepts: at most 500 resources and 1 MB each', () => {
    // THEN: the platform's stack and one nested stack per service
    expect(Object.keys(hundred)).toHaveLength(101);
    for (const [file, { bytes, template }] of Object.entries(hundred)) {
      expect({ file, resources: Object.keys(template.Resources).length <= 500, bytes: bytes <= 1_000_000 })
        .toEqual({ file, resources: true, bytes: true });
    }
  });

  test('keeps each load balancer within 100 target groups and 100 rules per listener', () => {
    // GIVEN every resource of every template
    const resources = Object.values(hundred).flatMap(({ template }) => Object.values(template.Resources) as any[]);
    const perListener = new Map<string, number>();
    for (const r of resources.filter((x) => x.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
      const listener = JSON.stringify(r.Properties.ListenerArn);
      perListener.set(listener, (perListener.get(listener) ?? 0) + 1);
    }
    const targetGroups = resources.filter((x) => x.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup').length;
    // THEN: 100 services on 2 load balancers x 2 listeners, 50 rules each; 200 target groups over 2 load balancers
    expect([...perListener.values()].every((n) => n <= 100)).toBe(true);
    expect(targetGroups).toBe(200);
    const lbs = Object.values(hundred[Object.keys(hundred).find((f) => !f.includes('nested'))!].template.Resources as Record<string, any>)
      .filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(lbs).toHaveLength(2);
  });

  test('keeps each load balancer\'s security group within the 60 rules a direction it may hold', () => {
    // GIVEN the platform's stack, where the load balancers' security groups live
    const parent = Object.entries(hundred).find(([f]) => !f.includes('nested'))![1].template.Resources as Record<string, any>;
    const groups = Object.values(parent).filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer')
      .map((lb) => lb.Properties.SecurityGroups[0]['Fn::GetAtt'][0] as string);
    expect(groups).toHaveLength(2);
    // WHEN the rules of each group are counted: inline, and separate resources in any template
    const all = Object.values(hundred).flatMap(({ template }) => Object.values(template.Resources) as any[]);
    for (const group of groups) {
      // In a nested stack the group arrives as a parameter whose name carries the group's path, as its logical ID does.
      const stem = group.replace(/[0-9A-F]{8}$/, '');
      const separate = (type: string) => all.filter((r) => r.Type === type && JSON.stringify(r.Properties.GroupId).includes(stem)).length;
      const inbound = (parent[group].Properties.SecurityGroupIngress ?? []).length + separate('AWS::EC2::SecurityGroupIngress');
      const outbound = (parent[group].Properties.SecurityGroupEgress ?? []).length + separate('AWS::EC2::SecurityGroupEgress');
      // THEN
      expect({ group, inbound: inbound <= 60, outbound: outbound <= 60 }).toEqual({ group, inbound: true, outbound: true });
    }
  });

  test('has no cross-stack exports that would block later updates', () => {
    for (const { template } of Object.values(hundred)) {
      const exported = Object.values(template.Outputs ?? {}).filter((o: any) => o.Export);
      expect(exported).toEqual([]);
    }
  });

  test('adding the 101st service changes no existing service\'s template or logical IDs', () => {
    // THEN: every nested template of the 100 is byte-for-byte the same with 101 services
    const nested = Object.keys(hundred).filter((f) => f.includes('nested'));
    expect(nested).toHaveLength(100);
    // (the second synthesis wrote the 101st service's template and the parent's new nested stack)
    expect(Object.keys(hundredAndOne)).toHaveLength(102);
    const stacksIn = (t: Record<string, any>) => Object.values(t[Object.keys(t).find((f) => !f.includes('nested'))!].template.Resources as Record<string, any>)
      .filter((r) => r.Type === 'AWS::CloudFormation::Stack').length;
    expect([stacksIn(hundred), stacksIn(hundredAndOne)]).toEqual([100, 101]);
    for (const file of nested) expect(hundredAndOne[file]?.template).toEqual(hundred[file].template);
    // AND the platform's stack only gains resources: the 100 keep their logical IDs and properties
    const parent = (t: Record<string, any>) => t[Object.keys(t).find((f) => !f.includes('nested'))!].template.Resources;
    const before = parent(hundred);
    const after = parent(hundredAndOne);
    for (const [id, resource] of Object.entries(before)) {
      if ((resource as any).Type === 'AWS::CloudFormation::Stack') continue; // compared above, through their templates
      expect({ id, resource: after[id] }).toEqual({ id, resource });
    }
    for (const id of Object.keys(before)) expect(after).toHaveProperty([id]);
  });
});
