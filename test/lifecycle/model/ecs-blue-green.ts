/**
 * The ECS deployment controller's own blue/green strategy: green tasks start in the target
 * group production does not reach, the test listener rule moves to it, the lifecycle hooks
 * run (a Lambda function answers a hookStatus), the production listener rule moves to it,
 * the bake time watches the alarms, and blue is stopped. A failed hook, a failed scale-up or
 * an alarm rolls back to the last successful deployment. ECS rewrites the listener rules'
 * forward actions to weighted target groups (green 100, blue 0) as the infrastructure role of
 * the load balancer's advanced configuration, and invokes each hook as the hook's role: ECS
 * assumes both (their trust policy must allow ecs.amazonaws.com).
 * The hooks run on the deployment that creates the service too (terraform-provider-aws#43434
 * waits for "lifecycle hooks complete during creation"; AWS documents no exception for it);
 * there is no blue then, and the rules already forward to the only target group with tasks.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-how-it-works.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-lifecycle-hooks.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-permissions.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AmazonECSInfrastructureRolePolicyForLoadBalancers.html
 * @see https://github.com/hashicorp/terraform-provider-aws/pull/43434
 * @see https://github.com/aws/aws-cdk/issues/36649 (the rule ECS rewrote, reset by a stack update)
 */
import { clone } from './aws';
import type { Service, TaskGroup } from './ecs';
import type { Action } from './elbv2';
import type { Principal } from './iam';
import type { World } from './world';

export class EcsBlueGreen {
  constructor(private readonly world: World) {}

  /** Runs a blue/green deployment to its end; answers why it failed, if it did. */
  public async run(service: Service, green: TaskGroup): Promise<string | undefined> {
    const { ecs, elbv2, iam } = this.world;
    const lb = service.config.loadBalancers?.[0];
    const adv = lb?.advancedConfiguration ?? {};
    // A listener rule on an Application Load Balancer, the listener itself on a Network Load Balancer.
    const prod = elbv2.trafficPoint(adv.productionListenerRule);
    const test = adv.testListenerRule ? elbv2.trafficPoint(adv.testListenerRule) : undefined;
    if (!prod) return 'no production listener rule';
    const first = service.groups.length === 1;
    const blue = first ? undefined : ecs.liveTargetGroup(service)!;
    const greenTg = green.targetGroupArn!;
    const saved: Array<[typeof prod, Action[]]> = [[prod, clone(prod.actions)], ...(test ? [[test, clone(test.actions)] as [typeof prod, Action[]]] : [])];
    const infrastructure = adv.roleArn ? await this.world.assume('ecs.amazonaws.com', String(adv.roleArn), 'ECS-BlueGreen', service.serviceArn) : undefined;
    if (adv.roleArn && !infrastructure) return `ECS could not assume the infrastructure role ${adv.roleArn}: ${iam.denials.at(-1)?.message}`;
    const shift = async (rule: typeof prod): Promise<string | undefined> => {
      if (!blue) return undefined;
      if (infrastructure && !await iam.allowed(infrastructure, { action: rule.modify, resource: rule.arn }, `the blue/green deployment of ${service.serviceName}`)) {
        return iam.denials.at(-1)!.message;
      }
      rule.actions = [{ type: 'forward', forward: [{ targetGroupArn: greenTg, weight: 100 }, { targetGroupArn: blue, weight: 0 }] }];
      return undefined;
    };
    const fail = (why: string) => {
      for (const [rule, actions] of saved) rule.actions = actions;
      return why;
    };
    type Hook = { hookTargetArn: string; roleArn?: string; lifecycleStages: string[] };
    const hooks = (service.config.deploymentConfiguration?.lifecycleHooks ?? []) as Hook[];
    const stage = async (name: string): Promise<string | undefined> => {
      for (const hook of hooks.filter((h) => h.lifecycleStages.includes(name))) {
        const invoker: Principal | undefined = hook.roleArn ? await this.world.assume('ecs.amazonaws.com', hook.roleArn, 'ECS-LifecycleHook', service.serviceArn) : undefined;
        if (!invoker) return `ECS could not assume the lifecycle hook role ${hook.roleArn}: ${iam.denials.at(-1)?.message}`;
        let status = 'IN_PROGRESS';
        // IN_PROGRESS makes ECS call the hook again after a delay.
        for (let attempt = 0; attempt < 5 && status === 'IN_PROGRESS'; attempt++) {
          let answer: { hookStatus?: string } | undefined;
          try {
            answer = await this.world.invoke(hook.hookTargetArn, {
              executionDetails: { serviceArn: service.serviceArn, targetServiceRevisionArn: `${service.serviceArn}/${green.id}` },
              executionId: `${green.id}-${name}`,
              lifecycleStage: name,
              resourceArn: `${service.serviceArn}/${green.id}`,
            }, invoker) as { hookStatus?: string } | undefined;
          } catch (e) {
            return `lifecycle hook ${hook.hookTargetArn} could not be invoked at ${name}: ${(e as Error).message}`;
          }
          status = answer?.hookStatus ?? 'FAILED';
        }
        if (status !== 'SUCCEEDED') return `lifecycle hook ${hook.hookTargetArn} answered ${status} at ${name}`;
      }
      return undefined;
    };
    let why = await stage('PRE_SCALE_UP');
    if (why) return fail(why);
    await ecs.reconcile(service);
    if (!ecs.steady(service, green)) return fail('green tasks failed to start or to pass health checks');
    why = await stage('POST_SCALE_UP');
    if (why) return fail(why);
    if (test) why = await shift(test);
    why ??= await stage('TEST_TRAFFIC_SHIFT') ?? await stage('POST_TEST_TRAFFIC_SHIFT');
    if (why) return fail(why);
    why = await shift(prod);
    why ??= await stage('PRODUCTION_TRAFFIC_SHIFT') ?? await stage('POST_PRODUCTION_TRAFFIC_SHIFT');
    if (why) return fail(why);
    await this.world.notifications.evaluateAlarms();
    const alarms = service.config.deploymentConfiguration?.alarms;
    if (alarms?.enable && (alarms.alarmNames as string[] ?? []).some((n) => this.world.alarmFiring(n))) {
      return fail('a deployment alarm went into ALARM during the bake time');
    }
    return undefined;
  }
}
