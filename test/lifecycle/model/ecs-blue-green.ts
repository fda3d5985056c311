/**
 * The ECS deployment controller's own blue/green strategy: green tasks start in the target
 * group production does not reach, the test listener rule moves to it, the lifecycle hooks
 * run (a Lambda function answers a hookStatus), the production listener rule moves to it,
 * the bake time watches the alarms, and blue is stopped. A failed hook, a failed scale-up or
 * an alarm rolls back to the last successful deployment. ECS rewrites the listener rules'
 * forward actions to weighted target groups (green 100, blue 0).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-how-it-works.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-lifecycle-hooks.html
 * @see https://github.com/aws/aws-cdk/issues/36649 (the rule ECS rewrote, reset by a stack update)
 */
import { clone } from './aws';
import type { Service, TaskGroup } from './ecs';
import type { Action } from './elbv2';
import type { World } from './world';

export class EcsBlueGreen {
  constructor(private readonly world: World) {}

  /** Runs a blue/green deployment to its end; answers why it failed, if it did. */
  public async run(service: Service, green: TaskGroup): Promise<string | undefined> {
    const { ecs, elbv2 } = this.world;
    const lb = service.config.loadBalancers?.[0];
    const adv = lb?.advancedConfiguration ?? {};
    const prod = elbv2.rules.get(adv.productionListenerRule);
    const test = adv.testListenerRule ? elbv2.rules.get(adv.testListenerRule) : undefined;
    if (!prod) return 'no production listener rule';
    const blue = ecs.liveTargetGroup(service)!;
    const greenTg = green.targetGroupArn!;
    const saved: Array<[typeof prod, Action[]]> = [[prod, clone(prod.actions)], ...(test ? [[test, clone(test.actions)] as [typeof prod, Action[]]] : [])];
    const shift = (rule: typeof prod) => {
      rule.actions = [{ type: 'forward', forward: [{ targetGroupArn: greenTg, weight: 100 }, { targetGroupArn: blue, weight: 0 }] }];
    };
    const fail = (why: string) => {
      for (const [rule, actions] of saved) rule.actions = actions;
      return why;
    };
    const hooks = (service.config.deploymentConfiguration?.lifecycleHooks ?? []) as Array<{ hookTargetArn: string; lifecycleStages: string[] }>;
    const stage = async (name: string): Promise<string | undefined> => {
      for (const hook of hooks.filter((h) => h.lifecycleStages.includes(name))) {
        let status = 'IN_PROGRESS';
        // IN_PROGRESS makes ECS call the hook again after a delay.
        for (let attempt = 0; attempt < 5 && status === 'IN_PROGRESS'; attempt++) {
          const answer = await this.world.invoke(hook.hookTargetArn, {
            executionDetails: { serviceArn: service.serviceArn, targetServiceRevisionArn: `${service.serviceArn}/${green.id}` },
            executionId: `${green.id}-${name}`,
            lifecycleStage: name,
            resourceArn: `${service.serviceArn}/${green.id}`,
          }) as { hookStatus?: string } | undefined;
          status = answer?.hookStatus ?? 'FAILED';
        }
        if (status !== 'SUCCEEDED') return `lifecycle hook ${hook.hookTargetArn} answered ${status} at ${name}`;
      }
      return undefined;
    };
    let why = await stage('PRE_SCALE_UP');
    if (why) return fail(why);
    ecs.reconcile(service);
    if (!ecs.steady(service, green)) return fail('green tasks failed to start or to pass health checks');
    why = await stage('POST_SCALE_UP');
    if (why) return fail(why);
    if (test) shift(test);
    why = await stage('TEST_TRAFFIC_SHIFT') ?? await stage('POST_TEST_TRAFFIC_SHIFT');
    if (why) return fail(why);
    shift(prod);
    why = await stage('PRODUCTION_TRAFFIC_SHIFT') ?? await stage('POST_PRODUCTION_TRAFFIC_SHIFT');
    if (why) return fail(why);
    const alarms = service.config.deploymentConfiguration?.alarms;
    if (alarms?.enable && (alarms.alarmNames as string[] ?? []).some((n) => this.world.alarmFiring(n))) {
      return fail('a deployment alarm went into ALARM during the bake time');
    }
    return undefined;
  }
}
