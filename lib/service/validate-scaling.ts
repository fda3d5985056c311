import { Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { MAX_TASKS_PER_SERVICE, validateStepIntervals, validateTaskLimits } from '../core/validate-task-count';
import { Problems } from '../private/errors';
import { validateScheduleExpression } from '../private/schedule-expression';
import { ScalingOptions } from './options';

/** The service's own children of its scalable task count: a step policy may not take their IDs. */
const RESERVED_POLICY_IDS = ['CpuScaling', 'MemoryScaling', 'RequestScaling', 'Target'];
const SCHEDULE_FIX = "use appscaling.Schedule.cron({ minute: '0', hour: '3' }) or appscaling.Schedule.rate(Duration.hours(1))";

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
