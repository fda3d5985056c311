import { Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { validateCapacity } from '../core/validate-capacity';
import { validateExec } from '../core/validate-container';
import { validateStepIntervals, validateTaskLimits } from '../core/validate-task-count';
import { validatePromotion } from '../core/validate-workload';
import type { ServiceStrategy } from '../deployment/strategies/strategy';
import { Problems } from '../private/errors';
import { NO_BACKLOG, WorkerScalingOptions } from './queue-scaling';
import type { QueueWorkerProps } from './queue-worker-options';
import { validateReserved, validateWorkload } from './validate-workload';

/** Checks every prop of a queue worker that can be judged at synth; records the problems in `p`. */
export function validateQueueWorker(p: Problems, owner: Construct, id: string, props: QueueWorkerProps, strategy: ServiceStrategy, minTasks: number,
  maxTasks: number): void {
  validateWorkload(p, owner, id, props, props.enableExec ?? false);
  validatePromotion(p, owner, props, props.promotion);
  validateExec(p, props);
  validateReserved(p, props, ['QUEUE_URL', 'QUEUE_NAME']);
  validateQueueScaling(p, props.scaling, minTasks, maxTasks);
  validateCapacity(p, props.capacity, props.container?.cpuArchitecture);
  const refusal = strategy.workerRefusal;
  if (refusal) p.add('deployment', refusal.value, refusal.allowed, refusal.fix);
  p.require(!(props.queue && props.queueOptions), 'queueOptions', 'set', 'nothing when `queue` is passed (the queue is yours)',
    'remove `queueOptions`, or remove `queue` to let the worker create one');
  if (props.queue) {
    // The worker scales on the queue's CloudWatch metrics, which live in the queue's Region; its
    // alarms are in the worker's: an alarm reads the metrics of its own Region only, so a queue of
    // another Region would leave the worker at minTasks whatever waits.
    // @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
    const { region } = props.queue.env;
    const here = Stack.of(owner).region;
    p.require(Token.isUnresolved(region) || Token.isUnresolved(here) || region === here, 'queue', props.queue.queueArn,
      `a queue of the worker's Region (${here}): the worker scales on the queue's metrics, which CloudWatch keeps in the queue's Region`,
      `pass a queue of ${here}, or add the worker to a platform in ${region}`);
  }
  const q = props.queueOptions ?? {};
  // @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html (maxReceiveCount, VisibilityTimeout 0-43200 s)
  p.intRange('queueOptions.maxReceiveCount', q.maxReceiveCount, 1, 1000);
  if (q.visibilityTimeout && !q.visibilityTimeout.isUnresolved()) {
    const s = q.visibilityTimeout.toSeconds({ integral: false });
    p.require(Number.isInteger(s) && s >= 0 && s <= 43200, 'queueOptions.visibilityTimeout', `${s} seconds`,
      'whole seconds from 0 to 43200 (12 hours, the SQS maximum)', 'use Duration.seconds(n) or Duration.minutes(n) within that range');
  }
}

/** Scaling on the backlog: the task limits, a target per task or the scale-out steps. */
export function validateQueueScaling(p: Problems, s: WorkerScalingOptions | undefined, minTasks: number, maxTasks: number): void {
  const o = s ?? {};
  validateTaskLimits(p, o, minTasks, maxTasks);
  if (o.messagesPerTask !== undefined) {
    p.intRange('scaling.messagesPerTask', o.messagesPerTask, 1, 1_000_000);
    p.require(Token.isUnresolved(minTasks) || minTasks >= 1, 'scaling.minTasks', minTasks,
      'at least 1 with `messagesPerTask` (backlog per task is undefined with no task running, so target tracking cannot start from zero)',
      'raise minTasks to 1, or remove `messagesPerTask` to scale from zero on the visible messages');
    p.require(o.steps === undefined, 'scaling.steps', o.steps, 'nothing with messagesPerTask (target tracking replaces the steps)',
      'remove steps, or remove messagesPerTask');
  } else if (o.steps) {
    // The worker puts a step of no change below the user's: from no message up to the first.
    validateStepIntervals(p, 'scaling.steps', o.steps, {
      min: 1,
      max: 39,
      countAllowed: '1 to 39 scale-out steps (the worker adds the step that keeps it as it is while nothing waits)',
      countFix: 'give at least one step, such as [{ lower: 1, change: 1 }], or omit steps for the default',
      implicit: [NO_BACKLOG],
      scaleOutOnly: true,
    });
  }
}
