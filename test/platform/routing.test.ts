import { Template } from 'aws-cdk-lib/assertions';
import { Deployment, Routing } from '../../lib';
import { derivedPriority, shadowedPath } from '../../lib/foundation/route-registry';
import { servicePathHeader } from '../service/helpers';
import { errorOf, newPlatform, templateOf } from '../util';

/** The listener rules of the template, with their listener's logical ID reduced to Production/Test. */
function rules(template: Template): Array<{ listener: string; priority: number; conditions: unknown; targetGroup: string }> {
  return Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule')).map((r: any) => ({
    listener: /TestListener/.test(r.Properties.ListenerArn.Ref) ? 'Test' : 'Production',
    priority: r.Properties.Priority,
    conditions: r.Properties.Conditions,
    // A target group's Ref, or for a blue/green service the deployed state's attribute (the live target group).
    targetGroup: r.Properties.Actions[0].TargetGroupArn.Ref ?? r.Properties.Actions[0].TargetGroupArn['Fn::GetAtt'].join('.'),
  }));
}

describe('routing on the shared load balancer', () => {
  test('Routing.path: one production rule on the path pattern, forwarding to the service\'s target group', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    // WHEN
    platform.addService('Orders', { routing: Routing.path('/orders/*') });
    // THEN
    expect(rules(templateOf(stack))).toEqual([{
      listener: 'Production',
      priority: derivedPriority('Orders'),
      conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/orders/*'] } }],
      targetGroup: expect.stringMatching(/OrdersTargetGroup/),
    }]);
  });

  test('Routing.host: one production rule on the host header', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    // WHEN
    platform.addService('Catalog', { routing: Routing.host('catalog.example.com') });
    // THEN
    expect(rules(templateOf(stack))).toEqual([{
      listener: 'Production',
      priority: derivedPriority('Catalog'),
      conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['catalog.example.com'] } }],
      targetGroup: expect.stringMatching(/CatalogTargetGroup/),
    }]);
  });

  test('Routing.rule with hosts, paths and a priority: both conditions and exactly that priority', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    // WHEN
    const service = platform.addService('Api', { routing: Routing.rule({ hosts: ['api.example.com'], paths: ['/v1/*', '/v2/*'], priority: 42 }) });
    // THEN
    expect(service.rulePriority).toBe(42);
    expect(rules(templateOf(stack))).toEqual([{
      listener: 'Production',
      priority: 42,
      conditions: [
        { Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } },
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/v1/*', '/v2/*'] } },
      ],
      targetGroup: expect.stringMatching(/ApiTargetGroup/),
    }]);
  });

  test('blue/green: two target groups, and a test-listener rule with the same priority and conditions forwarding to the one production does not reach (green at first)', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    // WHEN
    platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen({ smokeTest: { enabled: false } }) });
    const template = templateOf(stack);
    // THEN
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
    const conditions = [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/orders/*'] } }];
    expect(rules(template)).toEqual([
      { listener: 'Production', priority: derivedPriority('Orders'), conditions, targetGroup: expect.stringMatching(/OrdersDeployedStateLiveTargetGroups[0-9A-F]+\.ProductionTargetGroup$/) },
      { listener: 'Test', priority: derivedPriority('Orders'), conditions, targetGroup: expect.stringMatching(/OrdersDeployedStateLiveTargetGroups[0-9A-F]+\.TestTargetGroup$/) },
    ]);
  });

  test('a rolling service has no test-listener rule and no green target group', () => {
    // GIVEN
    const { platform } = newPlatform();
    // WHEN
    const service = platform.addService('Orders', { routing: Routing.path('/orders/*') });
    // THEN
    expect(service.testRule).toBeUndefined();
    expect(service.greenTargetGroup).toBeUndefined();
    expect(service.targetGroups).toEqual([service.targetGroup]);
  });
});

describe('rule priorities', () => {
  test('a derived priority lies in 1000..49999', () => {
    // GIVEN / WHEN
    const priorities = ['Orders', 'Catalog', 'Payments', 'A', 'a-very-long-service-name-of-32ch'].map(derivedPriority);
    // THEN
    for (const p of priorities) {
      expect(Number.isInteger(p)).toBe(true);
      expect(p).toBeGreaterThanOrEqual(1000);
      expect(p).toBeLessThanOrEqual(49999);
    }
  });

  test('the same service ID gets the same priority in two different apps', () => {
    // GIVEN
    const first = newPlatform().platform.addService('Orders', { routing: Routing.path('/orders/*') });
    // WHEN
    const second = newPlatform({ testListenerPort: 9443 }).platform.addService('Orders', { routing: Routing.host('orders.example.com') });
    // THEN
    expect(first.rulePriority).toBe(second.rulePriority);
    expect(first.rulePriority).toBe(derivedPriority('Orders'));
  });

  test('the priority is pinned: it never changes across releases', () => {
    // GIVEN / WHEN / THEN: a change here renumbers every deployed rule
    expect(derivedPriority('Orders')).toBe(48133);
  });

  test('adding a second service does not change the first one\'s priority', () => {
    // GIVEN
    const { platform } = newPlatform();
    const orders = platform.addService('Orders', { routing: Routing.path('/orders/*') });
    const before = orders.rulePriority;
    // WHEN
    const catalog = platform.addService('Catalog', { routing: Routing.path('/catalog/*') });
    // THEN
    expect(orders.rulePriority).toBe(before);
    expect(catalog.rulePriority).not.toBe(before);
  });

  test('the order in which services are added does not matter', () => {
    // GIVEN
    const a = newPlatform().platform;
    const b = newPlatform().platform;
    // WHEN
    const ordersFirst = [a.addService('Orders', { routing: Routing.path('/orders/*') }), a.addService('Catalog', { routing: Routing.path('/catalog/*') })];
    const catalogFirst = [b.addService('Catalog', { routing: Routing.path('/catalog/*') }), b.addService('Orders', { routing: Routing.path('/orders/*') })];
    // THEN
    expect(ordersFirst.map((s) => s.rulePriority)).toEqual([catalogFirst[1].rulePriority, catalogFirst[0].rulePriority]);
  });

  test('removing a service does not change the others\' priorities', () => {
    // GIVEN
    const three = newPlatform().platform;
    const withAll = ['Orders', 'Catalog', 'Payments'].map((id) => three.addService(id, { routing: Routing.path(`/${id.toLowerCase()}/*`) }));
    // WHEN
    const two = newPlatform().platform;
    const withoutCatalog = ['Orders', 'Payments'].map((id) => two.addService(id, { routing: Routing.path(`/${id.toLowerCase()}/*`) }));
    // THEN
    expect(withoutCatalog.map((s) => s.rulePriority)).toEqual([withAll[0].rulePriority, withAll[2].rulePriority]);
  });
});

describe('route collisions', () => {
  test('two services with the same route fail, and the error names the other service', () => {
    // GIVEN
    const { platform } = newPlatform();
    platform.addService('Orders', { routing: Routing.path('/orders/*') });
    // WHEN
    const message = errorOf(() => platform.addService('Orders2', { routing: Routing.path('/orders/*') }));
    // THEN
    expect(message).toMatch(servicePathHeader('Orders2'));
    expect(message).toMatch(/\n {2}- routing: received \{"paths":\["\/orders\/\*"\],"hosts":\[\]\}; allowed: a route no other service on Test\/Platform(\/LoadBalancer)? uses\. Fix: /);
    expect(message).toMatch(/Fix: Test\/Platform\/(OrdersStack\/)?Orders already routes exactly these paths and hosts; give one service a different path or host\./);
  });

  test('the same hosts in another case and order are the same route', () => {
    // GIVEN
    const { platform } = newPlatform();
    platform.addService('Orders', { routing: Routing.rule({ hosts: ['a.example.com', 'B.example.com'] }) });
    // WHEN
    const message = errorOf(() => platform.addService('Other', { routing: Routing.rule({ hosts: ['b.example.com', 'A.EXAMPLE.COM'] }) }));
    // THEN
    expect(message).toMatch(servicePathHeader('Other'));
    expect(message).toContain('  - routing: received {"paths":[],"hosts":["b.example.com","A.EXAMPLE.COM"]}');
  });

  test('two services with the same explicit priority fail, naming the other service and the fix', () => {
    // GIVEN
    const { platform } = newPlatform();
    platform.addService('Orders', { routing: Routing.rule({ paths: ['/orders/*'], priority: 10 }) });
    // WHEN
    const message = errorOf(() => platform.addService('Catalog', { routing: Routing.rule({ paths: ['/catalog/*'], priority: 10 }) }));
    // THEN
    expect(message).toMatch(servicePathHeader('Catalog'));
    expect(message).toMatch(/ {2}- routing\.priority: received 10; allowed: a listener-rule priority no other service uses\. Fix: Test\/Platform\/(OrdersStack\/)?Orders already has priority 10; set Routing\.rule\(\{ \.\.\., priority \}\) to another free number on one of them\./);
  });

  test('an explicit priority that equals another service\'s derived priority fails', () => {
    // GIVEN
    const { platform } = newPlatform();
    platform.addService('Orders', { routing: Routing.path('/orders/*') });
    // WHEN
    const message = errorOf(() => platform.addService('Catalog', { routing: Routing.rule({ paths: ['/catalog/*'], priority: derivedPriority('Orders') }) }));
    // THEN
    expect(message).toContain(`  - routing.priority: received ${derivedPriority('Orders')}; allowed: a listener-rule priority no other service uses.`);
  });
});

describe('a broader route evaluated before a narrower one', () => {
  test('/api/* before /api/orders/* fails at synth, naming both services and a free priority for the narrower one', () => {
    // GIVEN /api/* and /api/orders/* under an ID whose derived priority is higher
    const { platform } = newPlatform();
    const api = platform.addService('Api', { routing: Routing.path('/api/*') });
    expect(derivedPriority('Orders')).toBeGreaterThan(api.rulePriority!);
    // WHEN
    const message = errorOf(() => platform.addService('Orders', { routing: Routing.path('/api/orders/*') }));
    // THEN
    expect(message).toBe(`[Test/Platform/OrdersStack/Orders] 1 invalid prop:\n  - routing: received {"paths":["/api/orders/*"],"hosts":[],"priority":${derivedPriority('Orders')}}; `
      + `allowed: a route that no broader route evaluated before it takes: '/api/*' of Test/Platform/ApiStack/Api (priority ${api.rulePriority}) is evaluated before `
      + `'/api/orders/*' of Test/Platform/OrdersStack/Orders (priority ${derivedPriority('Orders')}) and would receive every request for '/api/orders/*'. `
      + "Fix: evaluate the narrower route first: give Test/Platform/OrdersStack/Orders routing: Routing.rule({ paths: ['/api/orders/*'], priority: 999 }) "
      + `(a priority below ${api.rulePriority} that no service uses), or make the routes not overlap.`);
  });

  test('the fix works: with the priority it names, both services synthesize, the narrower rule first', () => {
    // GIVEN
    const { platform } = newPlatform();
    const api = platform.addService('Api', { routing: Routing.path('/api/*') });
    // WHEN
    const orders = platform.addService('Orders', { routing: Routing.rule({ paths: ['/api/orders/*'], priority: 999 }) });
    // THEN
    expect(orders.rulePriority).toBeLessThan(api.rulePriority!);
  });

  test('added the other way round it fails too, on the broader service', () => {
    // GIVEN
    const { platform } = newPlatform();
    platform.addService('Orders', { routing: Routing.path('/api/orders/*') });
    // WHEN
    const message = errorOf(() => platform.addService('Api', { routing: Routing.path('/api/*') }));
    // THEN
    expect(message).toMatch(servicePathHeader('Api'));
    expect(message).toContain("Fix: evaluate the narrower route first: give Test/Platform/OrdersStack/Orders routing: Routing.rule({ paths: ['/api/orders/*'], priority: 999 })");
  });

  test('a narrower route already evaluated first is fine', () => {
    // GIVEN / WHEN
    const { platform } = newPlatform();
    const add = () => {
      platform.addService('Orders', { routing: Routing.rule({ paths: ['/api/orders/*'], priority: 10 }) });
      platform.addService('Api', { routing: Routing.path('/api/*') });
    };
    // THEN
    expect(add).not.toThrow();
  });

  test.each([
    ['/api/* covers /api/orders/*', Routing.path('/api/*'), Routing.path('/api/orders/*'), '/api/orders/*'],
    ['/api* covers /api/*', Routing.path('/api*'), Routing.path('/api/*'), '/api/*'],
    ['/* covers an exact path', Routing.path('/*'), Routing.path('/health'), '/health'],
    ['a narrower path covers nothing broader', Routing.path('/api/orders/*'), Routing.path('/api/*'), undefined],
    ['paths do not cover a host-only route', Routing.path('/orders/*'), Routing.host('catalog.example.com'), undefined],
    ['a host covers a path on it', Routing.host('catalog.example.com'), Routing.rule({ hosts: ['catalog.example.com'], paths: ['/admin/*'] }), '/admin/*'],
    ['a wildcard host covers a host, in any case', Routing.host('*.example.com'), Routing.host('Catalog.example.com'), '*'],
    ['a route on one host covers nothing on any host', Routing.rule({ hosts: ['a.example.com'], paths: ['/api/*'] }), Routing.path('/api/x/*'), undefined],
    ['unrelated paths', Routing.path('/orders/*'), Routing.path('/catalog/*'), undefined],
  ])('%s', (_, broad, narrow, expected) => {
    expect(shadowedPath(broad, narrow)).toBe(expected);
  });
});
