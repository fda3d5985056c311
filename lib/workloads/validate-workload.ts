import { Construct } from 'constructs';
import { validateContainer } from '../core/validate-container';
import { validateTaskContents } from '../core/validate-task';
import { validateOwnRepository, validateRepositoryOptions, validateSourceImage, validateWorkloadId } from '../core/validate-workload';
import { PlatformContext } from '../foundation/platform-context';
import { validatePipeline } from '../pipeline/validate-pipeline';
import { Problems } from '../private/errors';
import { RunRetryOptions, WorkloadProps } from './workload-options';

/** The checks every workload shares: its ID, container, sidecars, storage and pipeline options. */
export function validateWorkload(p: Problems, owner: Construct, id: string, props: WorkloadProps, enableExec = false): void {
  validateWorkloadId(p, id, "it names the workload's resources", 'Thumbnails');
  PlatformContext.of(props.platform).claimWorkload(p, owner, id);
  const c = props.container ?? {};
  validateContainer(p, c);
  p.require(c.port === undefined, 'container.port', c.port, 'nothing: nothing connects to a worker or a task', 'remove it');
  p.require(c.healthCheckPath === undefined, 'container.healthCheckPath', c.healthCheckPath,
    'nothing: no load balancer checks a worker or a task', 'remove it, or use `container.containerHealthCheck` (a command run in the container)');
  validateTaskContents(p, props, { enableExec });
  validatePipeline(p, props.source, props.pipeline);
  validateRepositoryOptions(p, props.repository, props.container?.image);
  validateSourceImage(p, props, 'workload');
  validateOwnRepository(p, owner, props, 'workload');
}

/** Refuses environment variables that the platform sets itself. */
export function validateReserved(p: Problems, props: WorkloadProps, reserved: string[]): void {
  const env = props.container?.environment ?? {};
  const clash = reserved.filter((name) => name in env || name in (props.container?.secrets ?? {}));
  p.require(clash.length === 0, 'container.environment', clash, `names other than ${reserved.join(', ')} (the platform sets them)`,
    'rename your variables');
}

/**
 * Retries 0-185, event age 60-86400 seconds, and a standard dead-letter queue: neither
 * EventBridge Scheduler ("does not support using a FIFO queue as your schedule's DLQ") nor an
 * EventBridge rule's target ("SQS FIFO is not supported by Dead Letter Queues") takes a FIFO
 * queue, and the deploy would fail. An imported queue is FIFO when its name ends in `.fifo`.
 * @see https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html
 */
export function validateRetry(p: Problems, r: RunRetryOptions): void {
  p.intRange('retryAttempts', r.retryAttempts, 0, 185);
  p.require(r.deadLetterQueue?.fifo !== true, 'deadLetterQueue', `the FIFO queue ${r.deadLetterQueue?.node.path}`,
    'a standard queue: EventBridge delivers runs that could not be started to a standard SQS queue, never a FIFO one',
    'pass a standard (non-FIFO) queue, or leave deadLetterQueue out for a new encrypted one');
  if (r.maxEventAge && !r.maxEventAge.isUnresolved()) {
    const s = r.maxEventAge.toSeconds({ integral: false });
    p.require(Number.isInteger(s) && s >= 60 && s <= 86400, 'maxEventAge', `${s} seconds`,
      'whole seconds from 60 (1 minute) to 86400 (24 hours)', 'use Duration.minutes(n) or Duration.hours(n) within that range');
  }
}
