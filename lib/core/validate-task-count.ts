import { Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { normalizeIntervals } from 'aws-cdk-lib/aws-autoscaling-common';
import { Problems } from '../private/errors';

/**
 * Tasks per service: the ECS quota.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html
 */
export const MAX_TASKS_PER_SERVICE = 5000;

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

/** The fewest and most tasks, within the ECS quota, the fewest not above the most. */
export function validateTaskLimits(p: Problems, s: { readonly minTasks?: number; readonly maxTasks?: number }, minTasks: number, maxTasks: number): void {
  p.intRange('scaling.minTasks', s.minTasks, 0, MAX_TASKS_PER_SERVICE);
  p.intRange('scaling.maxTasks', s.maxTasks, 1, MAX_TASKS_PER_SERVICE);
  if (!Token.isUnresolved(minTasks) && !Token.isUnresolved(maxTasks)) {
    p.require(minTasks <= maxTasks, 'scaling.minTasks', minTasks, `at most scaling.maxTasks (${maxTasks})`, 'lower minTasks or raise maxTasks');
  }
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
