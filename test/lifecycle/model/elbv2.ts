/**
 * Elastic Load Balancing as far as the platform touches it: load balancers with private
 * addresses, listeners, rules that forward (weighted) to target groups, and the routing of
 * a request: the lowest-priority rule whose conditions match, else the default action.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html ("Rules are evaluated in priority order, from the lowest value to the highest value. The default rule is evaluated last.")
 */
import { arn, awsError } from './aws';

export interface Forward {
  readonly targetGroupArn: string;
  readonly weight: number;
}

export interface Action {
  readonly type: 'forward' | 'fixed-response' | 'redirect';
  readonly forward: Forward[];
  readonly statusCode?: number;
}

export interface Condition {
  readonly field: 'path-pattern' | 'host-header' | string;
  readonly values: string[];
}

export interface LoadBalancer { readonly arn: string; readonly name: string; readonly fullName: string; readonly addresses: string[]; readonly type: 'application' | 'network' }
export interface Listener { readonly arn: string; readonly loadBalancerArn: string; port: number; defaultActions: Action[] }
export interface Rule { readonly arn: string; readonly listenerArn: string; priority: number; conditions: Condition[]; actions: Action[] }
export interface TargetGroup {
  readonly arn: string;
  readonly name: string;
  readonly fullName: string;
  port: number;
  healthCheckPath: string;
  deregistrationDelay?: number;
}

/** A listener rule, or a listener's default actions: what a deployment rewrites to shift traffic, and the call that rewrites it. */
export interface TrafficPoint {
  readonly arn: string;
  /** The listener: the rule's, or the listener itself. */
  readonly listenerArn: string;
  readonly modify: 'elasticloadbalancing:ModifyRule' | 'elasticloadbalancing:ModifyListener';
  actions: Action[];
}

/** Actions as DescribeRules and DescribeListeners answer them. */
function renderActions(actions: Action[]): Array<Record<string, unknown>> {
  return actions.map((a, i) => a.type !== 'forward'
    ? { Type: a.type, Order: i + 1 }
    : {
      Type: 'forward',
      Order: i + 1,
      ...(a.forward.length === 1 ? { TargetGroupArn: a.forward[0].targetGroupArn } : {}),
      ForwardConfig: { TargetGroups: a.forward.map((f) => ({ TargetGroupArn: f.targetGroupArn, Weight: f.weight })) },
    });
}

export class Elbv2 {
  public readonly loadBalancers = new Map<string, LoadBalancer>();
  public readonly listeners = new Map<string, Listener>();
  public readonly rules = new Map<string, Rule>();
  public readonly targetGroups = new Map<string, TargetGroup>();
  private lbCount = 0;

  /**
   * A load balancer: `app/` or, for a Network Load Balancer, `net/` in its ARN and full name (the
   * description of its network interfaces is `ELB <full name>`).
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html (the LoadBalancer dimension: net/load-balancer-name/1234567890123456)
   */
  public createLoadBalancer(name: string, id: string, type: 'application' | 'network' = 'application'): LoadBalancer {
    this.lbCount += 1;
    const prefix = type === 'network' ? 'net' : 'app';
    // Each node of a load balancer has a private address in its subnet (198.18.0.0/15 is reserved for tests).
    const lb = { arn: arn('elasticloadbalancing', `loadbalancer/${prefix}/${name}/${id}`), name, fullName: `${prefix}/${name}/${id}`, addresses: [`198.18.${this.lbCount}.10`, `198.18.${this.lbCount}.11`], type };
    this.loadBalancers.set(lb.arn, lb);
    return lb;
  }

  public createTargetGroup(name: string, id: string, port: number, healthCheckPath: string): TargetGroup {
    const tg = { arn: arn('elasticloadbalancing', `targetgroup/${name}/${id}`), name, fullName: `targetgroup/${name}/${id}`, port, healthCheckPath };
    this.targetGroups.set(tg.arn, tg);
    return tg;
  }

  public targetGroupByName(name: string): TargetGroup {
    const tg = [...this.targetGroups.values()].find((t) => t.name === name);
    if (!tg) throw new Error(`no target group named ${name}`);
    return tg;
  }

  /** The rules of a listener, in the order they are evaluated. */
  public rulesOf(listenerArn: string): Rule[] {
    return [...this.rules.values()].filter((r) => r.listenerArn === listenerArn).sort((a, b) => a.priority - b.priority);
  }

  /** What a request to a listener is forwarded to. */
  public route(listenerArn: string, host: string, path: string): { rule?: Rule; action: Action } {
    const listener = this.listeners.get(listenerArn);
    if (!listener) throw new Error(`no listener ${listenerArn}`);
    for (const rule of this.rulesOf(listenerArn)) {
      if (rule.conditions.every((c) => matches(c, host, path))) return { rule, action: rule.actions[rule.actions.length - 1] };
    }
    return { action: listener.defaultActions[listener.defaultActions.length - 1] };
  }

  /**
   * elasticloadbalancing:DescribeRules of a listener, as the API answers it: the rules in
   * priority order (priorities as strings), then the default rule; a forward action names its
   * target groups and weights in ForwardConfig, and a single one also as TargetGroupArn.
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeRules.html
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Action.html
   */
  public describeRules(listenerArn: string): Array<Record<string, unknown>> {
    const listener = this.listeners.get(listenerArn);
    if (!listener) throw awsError('ListenerNotFoundException', 'One or more listeners not found');
    const render = renderActions;
    return [
      ...this.rulesOf(listenerArn).map((r) => ({ RuleArn: r.arn, Priority: String(r.priority), IsDefault: false, Actions: render(r.actions) })),
      { Priority: 'default', IsDefault: true, Actions: render(listener.defaultActions) },
    ];
  }

  /**
   * elasticloadbalancing:DescribeListeners of a load balancer, as the API answers it (one page).
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeListeners.html
   */
  public describeListeners(loadBalancerArn: string): Array<Record<string, unknown>> {
    if (!this.loadBalancers.has(loadBalancerArn)) throw awsError('LoadBalancerNotFoundException', 'One or more load balancers not found');
    return [...this.listeners.values()].filter((l) => l.loadBalancerArn === loadBalancerArn).map((l) => ({
      ListenerArn: l.arn, LoadBalancerArn: l.loadBalancerArn, Port: l.port, DefaultActions: renderActions(l.defaultActions),
    }));
  }

  /**
   * Where a deployment shifts traffic, by ARN: a listener rule (on an Application Load Balancer,
   * rewritten with ModifyRule), or a listener whose default action forwards (on a Network Load
   * Balancer, which has no rules: rewritten with ModifyListener).
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AdvancedConfiguration.html ("listener rule (in the case of an Application Load Balancer) or listener (in the case for an Network Load Balancer)")
   */
  public trafficPoint(arnOf: string): TrafficPoint | undefined {
    const rule = this.rules.get(arnOf);
    if (rule) return Elbv2.rulePoint(rule);
    const listener = this.listeners.get(arnOf);
    return listener ? Elbv2.listenerPoint(listener) : undefined;
  }

  /** A rule as a traffic point (rewritten with ModifyRule). */
  public static rulePoint(rule: Rule): TrafficPoint {
    return { arn: rule.arn, listenerArn: rule.listenerArn, modify: 'elasticloadbalancing:ModifyRule', get actions() { return rule.actions; }, set actions(a) { rule.actions = a; } };
  }

  /** A listener's default actions as a traffic point (rewritten with ModifyListener). */
  public static listenerPoint(listener: Listener): TrafficPoint {
    return { arn: listener.arn, listenerArn: listener.arn, modify: 'elasticloadbalancing:ModifyListener',
      get actions() { return listener.defaultActions; }, set actions(a) { listener.defaultActions = a; } };
  }

  /** Whether a listener is on a Network Load Balancer. */
  public onNetworkLoadBalancer(listenerArn: string): boolean {
    const listener = this.listeners.get(listenerArn);
    return listener !== undefined && this.loadBalancers.get(listener.loadBalancerArn)?.type === 'network';
  }

  public listenerOn(loadBalancerArn: string, port: number): Listener | undefined {
    return [...this.listeners.values()].find((l) => l.loadBalancerArn === loadBalancerArn && l.port === port);
  }

  /** The actions of a CloudFormation listener or rule (`Actions`/`DefaultActions`). */
  public static actionsOf(cfn: unknown): Action[] {
    return ((cfn ?? []) as Array<Record<string, any>>).map((a) => {
      if (a.Type === 'forward') {
        const groups = a.ForwardConfig?.TargetGroups as Array<Record<string, unknown>> | undefined;
        const forward = groups
          ? groups.map((g) => ({ targetGroupArn: String(g.TargetGroupArn), weight: g.Weight === undefined ? 1 : Number(g.Weight) }))
          : [{ targetGroupArn: String(a.TargetGroupArn), weight: 1 }];
        return { type: 'forward' as const, forward };
      }
      if (a.Type === 'fixed-response') return { type: 'fixed-response' as const, forward: [], statusCode: Number(a.FixedResponseConfig?.StatusCode ?? 503) };
      return { type: 'redirect' as const, forward: [], statusCode: 301 };
    });
  }

  public static conditionsOf(cfn: unknown): Condition[] {
    return ((cfn ?? []) as Array<Record<string, any>>).map((c) => ({
      field: c.Field,
      values: c.PathPatternConfig?.Values ?? c.HostHeaderConfig?.Values ?? c.Values ?? [],
    }));
  }
}

function matches(c: Condition, host: string, path: string): boolean {
  const subject = c.field === 'path-pattern' ? path : c.field === 'host-header' ? host : undefined;
  if (subject === undefined) return false;
  return c.values.some((pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(subject));
}
