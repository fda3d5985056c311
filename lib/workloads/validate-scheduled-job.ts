import { Construct } from 'constructs';
import { validateCapacity } from '../core/validate-capacity';
import { Problems } from '../private/errors';
import { validateScheduleExpression } from '../private/schedule-expression';
import type { ScheduledJobProps } from './scheduled-job-options';
import { validateRetry, validateWorkload } from './validate-workload';

/** Checks every prop of a scheduled job that can be judged at synth; records the problems in `p`. */
export function validateScheduledJob(p: Problems, owner: Construct, id: string, props: ScheduledJobProps): void {
  validateWorkload(p, owner, id, props);
  validateRetry(p, props);
  validateScheduleExpression(p, 'schedule', props.schedule.expressionString);
  validateCapacity(p, props.capacity, props.container?.cpuArchitecture);
}
