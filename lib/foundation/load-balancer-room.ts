import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Problems } from '../private/errors';
import type { ISharedLoadBalancer } from './platform-contract';
import { RouteRegistry } from './route-registry';
import { SharedLoadBalancer } from './shared-load-balancer';

/**
 * Default quotas of one Application Load Balancer: target groups (not adjustable), rules of
 * all its listeners together with default rules excluded, and registered targets.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 */
export const MAX_TARGET_GROUPS_PER_LOAD_BALANCER = 100;
export const MAX_RULES_PER_LOAD_BALANCER = 100;
export const MAX_TARGETS_PER_LOAD_BALANCER = 1000;

/** What a service's deployment takes of a load balancer: a second target group and rule (blue/green), and tasks at its maximum percent. */
export interface ServiceRoom {
  /** Whether the service has a green target group and a test-listener rule (either blue/green). */
  readonly twoTargetGroups: boolean;
  readonly maxHealthyPercent: number;
}

/**
 * What the services of a platform take of one of its load balancers: their routes and rule
 * priorities, and the target groups, rules and targets they use against its quotas. Held by
 * the platform's context, so that the load balancer itself is a plain construct.
 */
export class LoadBalancerRoom {
  /** The routes and listener-rule priorities of the load balancer's services. */
  public readonly routes: RouteRegistry;
  private targetGroups = 0;
  private rules = 0;
  private targets = 0;

  constructor(private readonly lb: ISharedLoadBalancer) {
    this.routes = new RouteRegistry(lb);
  }

  /**
   * Reserves what a service uses of the load balancer's quotas: a target group and a
   * production rule, a second of each (green, and its test-listener rule) for blue/green, and a
   * target for every task it can run at once (`maxTasks` at the deployment's maximum percent:
   * blue and green at full size for blue/green); records one problem when they do not fit.
   */
  public reserve(p: Problems, owner: IConstruct, deployment: ServiceRoom, maxTasks: number): void {
    const blueGreen = deployment.twoTargetGroups;
    const groups = blueGreen ? 2 : 1;
    const rules = blueGreen ? 2 : 1;
    const countable = !Token.isUnresolved(maxTasks);
    const targets = countable ? Math.ceil(maxTasks * deployment.maxHealthyPercent / 100) : 0;
    const need: string[] = [];
    const have: string[] = [];
    const quota = (what: string, used: number, max: number, note = '') => `${used} of the ${max} ${what} an Application Load Balancer holds${note}`;
    if (this.rules + rules > MAX_RULES_PER_LOAD_BALANCER) {
      need.push(blueGreen ? `${rules} more rules (a production and a test listener rule)` : '1 more rule (a production listener rule)');
      have.push(quota('rules', this.rules, MAX_RULES_PER_LOAD_BALANCER, " (every listener's, default rules excluded)"));
    }
    if (this.targetGroups + groups > MAX_TARGET_GROUPS_PER_LOAD_BALANCER) {
      need.push(`${groups} more target group${groups === 1 ? '' : 's'}`);
      have.push(quota('target groups', this.targetGroups, MAX_TARGET_GROUPS_PER_LOAD_BALANCER));
    }
    const tooManyTargets = this.targets + targets > MAX_TARGETS_PER_LOAD_BALANCER;
    if (tooManyTargets) {
      need.push(`${targets} more targets (${maxTasks} tasks at most, scaling.maxTasks or a scaling schedule's, at ${deployment.maxHealthyPercent} % during a deployment)`);
      have.push(quota('targets', this.targets, MAX_TARGETS_PER_LOAD_BALANCER));
    }
    if (need.length > 0) {
      p.add('loadBalancer', this.lb.node.path, `a load balancer with room for ${need.join(' and ')}: it has ${have.join(' and ')}`,
        `add a load balancer with platform.addLoadBalancer('LoadBalancer2') and pass it as the \`loadBalancer\` of ${owner.node.id} and the services after it`
        + (tooManyTargets ? ', or lower scaling.maxTasks (and the schedules\' maxTasks)' : ''));
      return;
    }
    this.targetGroups += groups;
    this.rules += rules;
    this.targets += targets;
    if (this.lb instanceof SharedLoadBalancer) this.lb.serviceNames.push(owner.node.id);
  }
}
