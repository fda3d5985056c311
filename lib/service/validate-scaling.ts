import { Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { normalizeIntervals } from 'aws-cdk-lib/aws-autoscaling-common';
import { ScalingOptions } from './options';
import { Problems } from '../private/errors';
import { validateScheduleExpression } from '../private/schedule-expression';

/**
 * Tasks per service: the ECS quota.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html
 */
export const MAX_TASKS_PER_SERVICE = 5000;

/** The service's own children of its scalable task count: a step policy may not take their IDs. */
const RESERVED_POLICY_IDS = ['CpuScaling', 'MemoryScaling', 'RequestScaling', 'Target'];
const SCHEDULE_FIX = "use appscaling.Schedule.cron({ minute: '0', hour: '3' }) or appscaling.Schedule.rate(Duration.hours(1))";

/** How the step intervals of one policy are judged. */
export interface StepRules {
  /** The fewest and most intervals the user gives. */
  readonly min: number;
  readonly max: number;
  readonly countAllowed: string;
  readonly countFix: string;
  /** Intervals the construct adds to the user's before aws-cdk-lib orders them. */
  readonly implicit?: appscaling.ScalingInterval[];
  /** AdjustmentType.EXACT_CAPACITY: each change is a task count. */
  readonly exact?: boolean;
  /** Scale-out steps: each change adds at least one task. */
  readonly scaleOutOnly?: boolean;
}

/** Checks the limits, targets, schedules and step policies of a service's auto scaling. */
export function validateServiceScaling(p: Problems, s: ScalingOptions, minTasks: number, maxTasks: number, desiredCount: number | undefined): void {
  validateTaskLimits(p, s, minTasks, maxTasks);
  if (desiredCount !== undefined && !Token.isUnresolved(desiredCount)) {
    const before = p.count;
    p.intRange('desiredCount', desiredCount, 0, MAX_TASKS_PER_SERVICE);
    if (p.count === before && !Token.isUnresolved(minTasks) && !Token.isUnresolved(maxTasks) && minTasks <= maxTasks) {
      p.require(desiredCount >= minTasks && desiredCount <= maxTasks, 'desiredCount', desiredCount,
        `a count from scaling.minTasks (${minTasks}) to scaling.maxTasks (${maxTasks})`, 'move desiredCount inside the scaling range, or omit it');
    }
  }
  // Target tracking on utilization percentages.
  // @see https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html
  for (const key of ['cpuPercent', 'memoryPercent'] as const) p.intRange(`scaling.${key}`, s[key], 1, 100);
  p.intRange('scaling.requestsPerTarget', s.requestsPerTarget, 1, 1_000_000);
  validateSchedules(p, s.schedules ?? []);
  const ids = new Set<string>();
  (s.steps ?? []).forEach((policy, i) => {
    p.require(policy.id !== '' && !ids.has(policy.id) && !RESERVED_POLICY_IDS.includes(policy.id), `scaling.steps[${i}].id`, policy.id,
      `a non-empty ID that no other step policy of the service uses, and not ${RESERVED_POLICY_IDS.slice(0, -1).join(', ')} or ${RESERVED_POLICY_IDS[RESERVED_POLICY_IDS.length - 1]} (the service's own scaling constructs)`,
      'rename the policy');
    ids.add(policy.id);
    validateStepIntervals(p, `scaling.steps[${i}].steps`, policy.steps, {
      min: 2,
      max: 40,
      countAllowed: '2 to 40 intervals per step-scaling policy',
      countFix: 'give at least two intervals, such as [{ upper: 10, change: -1 }, { lower: 100, change: 1 }]',
      exact: policy.adjustmentType === appscaling.AdjustmentType.EXACT_CAPACITY,
    });
  });
}

/** The fewest and most tasks, within the ECS quota, the fewest not above the most. */
export function validateTaskLimits(p: Problems, s: { readonly minTasks?: number; readonly maxTasks?: number }, minTasks: number, maxTasks: number): void {
  p.intRange('scaling.minTasks', s.minTasks, 0, MAX_TASKS_PER_SERVICE);
  p.intRange('scaling.maxTasks', s.maxTasks, 1, MAX_TASKS_PER_SERVICE);
  if (!Token.isUnresolved(minTasks) && !Token.isUnresolved(maxTasks)) {
    p.require(minTasks <= maxTasks, 'scaling.minTasks', minTasks, `at most scaling.maxTasks (${maxTasks})`, 'lower minTasks or raise maxTasks');
  }
}

/**
 * Scheduled actions: a unique name per scalable target, at least one of the limits, min not
 * above max, and a valid schedule expression.
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_ScalableTargetAction.html
 */
function validateSchedules(p: Problems, schedules: NonNullable<ScalingOptions['schedules']>): void {
  const ids = new Set<string>();
  schedules.forEach((s, i) => {
    const at = `scaling.schedules[${i}]`;
    p.require(s.id !== '' && !ids.has(s.id), `${at}.id`, s.id,
      'a non-empty ID that no other schedule of the service uses (it names the scheduled action, which is unique per scalable target)', 'rename one of the schedules');
    ids.add(s.id);
    p.require(s.minTasks !== undefined || s.maxTasks !== undefined, at, s.id,
      'minTasks, maxTasks or both (a scheduled action sets at least one limit)', 'set minTasks or maxTasks');
    p.intRange(`${at}.minTasks`, s.minTasks, 0, MAX_TASKS_PER_SERVICE);
    p.intRange(`${at}.maxTasks`, s.maxTasks, 0, MAX_TASKS_PER_SERVICE);
    if (s.minTasks !== undefined && s.maxTasks !== undefined && !Token.isUnresolved(s.minTasks) && !Token.isUnresolved(s.maxTasks)) {
      p.require(s.minTasks <= s.maxTasks, `${at}.minTasks`, s.minTasks, `at most the schedule's maxTasks (${s.maxTasks})`, 'lower minTasks or raise maxTasks');
    }
    validateScheduleExpression(p, `${at}.schedule`, s.schedule.expressionString, SCHEDULE_FIX);
  });
}

/**
 * The intervals of a step-scaling policy, as aws-cdk-lib orders them: absolute metric values
 * from 0 up, each with a lower or an upper bound (or both), whole-number changes, no overlap
 * and at most one range of no change.
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_applicationautoscaling.BasicStepScalingPolicyProps.html (2 to 40 steps)
 */
export function validateStepIntervals(p: Problems, prop: string, steps: appscaling.ScalingInterval[], rules: StepRules): void {
  const before = p.count;
  p.require(steps.length >= rules.min && steps.length <= rules.max, prop, steps, rules.countAllowed, rules.countFix);
  let tokens = false;
  steps.forEach((step, i) => {
    const at = `${prop}[${i}]`;
    p.require(step.lower !== undefined || step.upper !== undefined, at, step, 'an interval with lower, upper or both', 'add lower or upper');
    for (const key of ['lower', 'upper'] as const) {
      const bound = step[key];
      if (bound === undefined) continue;
      if (Token.isUnresolved(bound)) {
        tokens = true;
        continue;
      }
      p.require(bound >= 0 && Number.isFinite(bound), `${at}.${key}`, bound,
        'a metric value of 0 or more (aws-cdk-lib places the intervals on the metric from 0 upward)', 'use bounds of 0 or more');
    }
    if (step.lower !== undefined && step.upper !== undefined && !Token.isUnresolved(step.lower) && !Token.isUnresolved(step.upper)) {
      p.require(step.lower < step.upper, at, step, 'lower below upper', 'swap the bounds');
    }
    if (Token.isUnresolved(step.change)) return;
    if (!Number.isInteger(step.change)) {
      p.add(`${at}.change`, step.change, 'a whole number', 'round the change');
    } else if (rules.scaleOutOnly && step.change < 1) {
      p.add(`${at}.change`, step.change,
        'a whole number of tasks to add, at least 1 (these are scale-out steps; the worker scales in by itself once nothing waits)', 'add 1 or more tasks per step');
    } else if (rules.exact && step.change < 0) {
      p.add(`${at}.change`, step.change, 'a task count of 0 or more with AdjustmentType.EXACT_CAPACITY', 'give the number of tasks to run');
    }
  });
  if (p.count > before || tokens) return;
  try {
    // The ordering aws-cdk-lib applies at synth; its complaints reach the user in this format.
    normalizeIntervals([...(rules.implicit ?? []), ...steps], rules.exact ?? false);
  } catch (e) {
    p.add(prop, steps, `intervals that do not overlap, with at most one range of no change (${(e as Error).message})`,
      'make each interval start where the one below ends');
  }
}
