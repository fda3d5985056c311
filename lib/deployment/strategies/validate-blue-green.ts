import { Duration, Token } from 'aws-cdk-lib';
import { DEFAULTS } from '../../private/defaults';
import { Problems } from '../../private/errors';
import { BlueGreenOptions, HookEvent } from '../policy/deployment';

/** CloudFormation's limit on the bake times of an ECS canary or linear deployment: 33 hours. */
const MAX_ECS_DEPLOYMENT_MINUTES = 33 * 60;

/** What a blue/green engine accepts of the traffic shift, the termination wait and the hooks. */
export interface BlueGreenRules {
  /** The longest termination wait (bake time), in minutes. */
  readonly maxWaitMinutes: number;
  /** Where that limit comes from, for the message. */
  readonly waitLimit: string;
  /** The longest step interval, in minutes (undefined: no maximum). */
  readonly maxIntervalMinutes?: number;
  /** The smallest percent of a LINEAR step above 1, and the message (undefined: 1). */
  readonly minLinearPercent?: { readonly percent: number; readonly allowed: string };
  /** Whether the engine runs one function per lifecycle event (CodeDeploy). */
  readonly oneHookPerEvent: boolean;
  /** Whether the bake times of a shift must add up to at most 33 hours (ECS). */
  readonly limitsTotalBakeTime: boolean;
}

/**
 * The rules of each engine.
 * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_TimeBasedCanary.html (percentage, interval in minutes)
 * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_BlueInstanceTerminationOption.html (at most 2880 minutes)
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinearConfiguration.html (3 to 100 percent, 0 to 1440 minutes)
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CanaryConfiguration.html
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html
 */
export const BLUE_GREEN_RULES: { readonly codeDeploy: BlueGreenRules; readonly ecs: BlueGreenRules } = {
  // CodeDeploy allows 48 hours of termination wait; the ECS controller 24 hours of bake time and steps.
  codeDeploy: {
    maxWaitMinutes: DEFAULTS.maxTerminationWait.toMinutes(),
    waitLimit: "CodeDeploy's maximum, 48 hours",
    oneHookPerEvent: true,
    limitsTotalBakeTime: false,
  },
  ecs: {
    maxWaitMinutes: 1440,
    waitLimit: 'the ECS bake-time maximum, 24 hours',
    maxIntervalMinutes: 1440,
    minLinearPercent: { percent: 3, allowed: 'at least 3 percent per step for the ECS LINEAR strategy' },
    oneHookPerEvent: false,
    limitsTotalBakeTime: true,
  },
};

/**
 * The traffic shift, the termination wait and the hooks of a blue/green policy, by the rules of
 * the engine that runs it.
 */
export function validateBlueGreenOptions(p: Problems, options: BlueGreenOptions, rules: BlueGreenRules): void {
  const maxWait = rules.maxWaitMinutes;
  const traffic = options.traffic;
  if (traffic && traffic.kind !== 'ALL_AT_ONCE') {
    p.intRange('deployment.traffic.percent', traffic.percent, 1, 99, 'shift between 1 and 99 percent per step');
    const minLinear = rules.minLinearPercent;
    if (minLinear && traffic.kind === 'LINEAR' && !Token.isUnresolved(traffic.percent) && traffic.percent >= 1 && traffic.percent < minLinear.percent) {
      p.add('deployment.traffic.percent', traffic.percent, minLinear.allowed, `shift ${minLinear.percent} percent or more per step`);
    }
    // TrafficShift.canary(percent, interval) and linear take the interval as an argument: JavaScript can pass a number.
    const isDuration = typeof (traffic.interval as Partial<Duration> | undefined)?.toSeconds === 'function';
    p.require(isDuration, 'deployment.traffic.interval', traffic.interval, 'a Duration', 'use Duration.minutes(n), such as TrafficShift.canary(10, Duration.minutes(5))');
    // (at once: the deployment's timing is computed from it next)
    if (!isDuration) p.throwIfAny();
    if (!traffic.interval.isUnresolved()) {
      const minutes = traffic.interval.toSeconds({ integral: false }) / 60;
      const maxInterval = rules.maxIntervalMinutes;
      p.require(Number.isInteger(minutes) && minutes >= 1 && (maxInterval === undefined || minutes <= maxInterval), 'deployment.traffic.interval', `${traffic.interval.toSeconds({ integral: false })} seconds`,
        maxInterval !== undefined ? `a whole number of minutes from 1 to ${maxInterval}` : 'a whole number of minutes, at least 1',
        maxInterval !== undefined ? `use Duration.minutes(n) with 1 <= n <= ${maxInterval}` : 'use Duration.minutes(n) with n >= 1');
    }
  }
  const wait = options.terminationWait;
  if (wait && !wait.isUnresolved()) {
    const minutes = wait.toSeconds({ integral: false }) / 60;
    p.require(Number.isInteger(minutes) && minutes >= 0 && minutes <= maxWait, 'deployment.terminationWait', `${wait.toSeconds({ integral: false })} seconds`,
      `whole minutes from 0 to ${maxWait} (${rules.waitLimit})`, 'use Duration.minutes(n) within that range');
  }
  if (rules.limitsTotalBakeTime && traffic && traffic.kind !== 'ALL_AT_ONCE') validateEcsDuration(p, traffic.kind, traffic.percent, traffic.interval, wait);
  const validEvents: string[] = Object.values(HookEvent);
  const smokeTest = options.smokeTest?.enabled ?? true;
  const onePerEvent = 'CodeDeploy runs one function per lifecycle event of an ECS deployment';
  const used = new Set<string>();
  (options.hooks ?? []).forEach((hook, i) => {
    const prop = `deployment.hooks[${i}].lifecycleEvent`;
    // (an event HookEvent does not have is refused with its values where the options' keys are checked)
    if (!validEvents.includes(hook.lifecycleEvent)) return;
    if (rules.oneHookPerEvent && smokeTest && hook.lifecycleEvent === HookEvent.AFTER_ALLOW_TEST_TRAFFIC) {
      p.warn('hook-beside-smoke-test', `${prop} is AfterAllowTestTraffic, where the built-in smoke test also runs; `
        + `${onePerEvent}. Move the hook to another event, or turn the smoke test off with smokeTest: { enabled: false }.`);
    } else if (rules.oneHookPerEvent && used.has(hook.lifecycleEvent)) {
      p.add(prop, hook.lifecycleEvent, `an event no other hook uses (${onePerEvent})`, 'call both from one function, or move one to another event');
    }
    used.add(hook.lifecycleEvent);
  });
}

/**
 * CloudFormation refuses an ECS canary or linear deployment whose bake times add up to more than
 * 33 hours: bake time + canary bake time, or bake time + step bake time x steps (100 / percent - 1
 * when the percent divides 100, else its floor).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-linearconfiguration.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-canaryconfiguration.html
 */
function validateEcsDuration(p: Problems, kind: string, percent: number, interval: Duration, wait: Duration | undefined): void {
  const bake = wait ?? DEFAULTS.terminationWait;
  if (Token.isUnresolved(percent) || interval.isUnresolved() || bake.isUnresolved() || percent < 1 || percent > 99) return;
  const steps = kind === 'CANARY' ? 1 : 100 % percent === 0 ? 100 / percent - 1 : Math.floor(100 / percent);
  const total = bake.toSeconds({ integral: false }) / 60 + (interval.toSeconds({ integral: false }) / 60) * steps;
  p.require(total <= MAX_ECS_DEPLOYMENT_MINUTES, 'deployment', `${total} minutes of bake time`,
    `an ECS-native shift whose bake times add up to at most 33 hours (${MAX_ECS_DEPLOYMENT_MINUTES} minutes): terminationWait + traffic.interval`
    + (kind === 'CANARY' ? '' : ` x ${steps} steps`), 'shorten terminationWait or traffic.interval, or shift more percent per step');
}
