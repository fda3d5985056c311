import { Duration, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Capacity, EventTask, EventTrigger, QueueWorker, QueueWorkerOptions, ScheduledJob, ScheduledJobOptions, Source } from '../../lib';
import { errorOf, newPlatform } from '../util';
import { IMAGE, messageOf } from './helpers';

/** Bad input to workers, scheduled jobs and event tasks fails with the library's message. */

const CRON_ALLOWED = 'cron fields within their ranges: minutes 0-59, hours 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, '
  + 'day-of-week 1-7 or SUN-SAT, year 1970-2199';
const SCHEDULE_FIX = "use ScheduleExpression.rate(Duration.minutes(n)) or ScheduleExpression.cron({ minute: '0', hour: '3' })";
const nightly = scheduler.ScheduleExpression.cron({ minute: '0', hour: '2' });

function workerError(options: QueueWorkerOptions | ((stack: Stack) => QueueWorkerOptions)): string {
  const { stack, platform } = newPlatform();
  return errorOf(() => new QueueWorker(stack, 'Resizer', { platform, ...(typeof options === 'function' ? options(stack) : options) }));
}

function jobError(options: Partial<ScheduledJobOptions>): string {
  const { stack, platform } = newPlatform();
  return errorOf(() => new ScheduledJob(stack, 'Report', { platform, schedule: nightly, container: { image: IMAGE }, ...options }));
}

describe('queue workers', () => {
  const cases: Array<[string, QueueWorkerOptions | ((stack: Stack) => QueueWorkerOptions), string[]]> = [
    ['a container port', { container: { image: IMAGE, port: 8080 } },
      ['container.port: received 8080; allowed: nothing: nothing connects to a worker or a task. Fix: remove it.']],
    ['no scale-out steps', { container: { image: IMAGE }, scaling: { steps: [] } },
      ['scaling.steps: received []; allowed: 1 to 39 scale-out steps (the worker adds the step that keeps it as it is while nothing waits). Fix: give at least one step, such as [{ lower: 1, change: 1 }], or omit steps for the default.']],
    ['a step below 0 messages', { container: { image: IMAGE }, scaling: { steps: [{ lower: -1, change: 1 }] } },
      ['scaling.steps[0].lower: received -1; allowed: a metric value of 0 or more (aws-cdk-lib places the intervals on the metric from 0 upward). Fix: use bounds of 0 or more.']],
    ['a scale-out step that removes tasks', { container: { image: IMAGE }, scaling: { steps: [{ lower: 1, change: -1 }] } },
      ['scaling.steps[0].change: received -1; allowed: a whole number of tasks to add, at least 1 (these are scale-out steps; the worker scales in by itself once nothing waits). Fix: add 1 or more tasks per step.']],
    ['steps together with messagesPerTask', { container: { image: IMAGE }, scaling: { messagesPerTask: 10, steps: [{ lower: 1, change: 1 }] } },
      ['scaling.steps: received [{"lower":1,"change":1}]; allowed: nothing with messagesPerTask (target tracking replaces the steps). Fix: remove steps, or remove messagesPerTask.']],
    ['ARM64 tasks on Fargate Spot', { container: { image: IMAGE, cpuArchitecture: ecs.CpuArchitecture.ARM64 }, capacity: Capacity.spot() },
      ['capacity: received ["FARGATE","FARGATE_SPOT"]; allowed: Capacity.onDemand() for ARM64 tasks (Fargate Spot runs only X86_64 Linux tasks). Fix: use Capacity.onDemand(), or build the image for X86_64 to run it on Spot.']],
    ['a repository together with an encryption key', (stack) => ({
      repository: { repository: ecr.Repository.fromRepositoryName(stack, 'Repo', 'resizer'), encryptionKey: new kms.Key(stack, 'Key') },
    }), ['repository.encryptionKey: received "Test/Key"; allowed: nothing with `repository.repository` (a repository you pass keeps its own encryption). Fix: remove encryptionKey.']],
    ['an approval address that is not an email', { source: Source.codeCommit(), pipeline: { approval: { emails: ['ops'] } } },
      ['pipeline.approval.emails[0]: received "ops"; allowed: an email address such as ops@example.com. Fix: write the whole address, name@domain.']],
  ];

  test.each(cases)('%s', (_name, options, lines) => {
    // GIVEN / WHEN
    const message = workerError(options);
    // THEN
    expect(message).toBe(messageOf('Test/Resizer', lines));
  });
});

test('a worker\'s queue of another Region is refused: its metrics, which the worker scales on, stay in that Region', () => {
  // GIVEN
  const arn = 'arn:aws:sqs:us-east-1:111111111111:jobs';
  // WHEN
  const message = workerError((stack) => ({ container: { image: IMAGE }, queue: sqs.Queue.fromQueueArn(stack, 'Jobs', arn) }));
  // THEN
  expect(message).toBe(messageOf('Test/Resizer', [
    `queue: received "${arn}"; allowed: a queue of the worker's Region (eu-west-1): the worker scales on the queue's metrics, which CloudWatch keeps in the queue's Region. `
    + 'Fix: pass a queue of eu-west-1, or add the worker to a platform in us-east-1.',
  ]));
  // AND a queue of the same Region passes
  expect(() => workerError((stack) => ({ container: { image: IMAGE }, queue: sqs.Queue.fromQueueArn(stack, 'Jobs', 'arn:aws:sqs:eu-west-1:111111111111:jobs') })))
    .toThrow('expected an error, but none was thrown');
});

describe('dead-letter queues of scheduled jobs and event tasks', () => {
  const FIFO = 'allowed: a standard queue: EventBridge delivers runs that could not be started to a standard SQS queue, never a FIFO one. '
    + 'Fix: pass a standard (non-FIFO) queue, or leave deadLetterQueue out for a new encrypted one.';

  test('a FIFO queue of the app is refused for a scheduled job', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    const deadLetterQueue = new sqs.Queue(stack, 'Failed', { fifo: true });
    // WHEN
    const message = errorOf(() => new ScheduledJob(stack, 'Report', { platform, schedule: nightly, container: { image: IMAGE }, deadLetterQueue }));
    // THEN
    expect(message).toBe(messageOf('Test/Report', [`deadLetterQueue: received "the FIFO queue Test/Failed"; ${FIFO}`]));
  });

  test('an imported FIFO queue (its name ends in .fifo) is refused for an event task; a standard one passes', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    const fifo = sqs.Queue.fromQueueArn(stack, 'Fifo', 'arn:aws:sqs:eu-west-1:123456789012:failed.fifo');
    const standard = sqs.Queue.fromQueueArn(stack, 'Standard', 'arn:aws:sqs:eu-west-1:123456789012:failed');
    const trigger = EventTrigger.fromPattern({ source: ['shop.orders'] });
    // WHEN / THEN
    expect(errorOf(() => new EventTask(stack, 'Invoice', { platform, trigger, container: { image: IMAGE }, deadLetterQueue: fifo })))
      .toBe(messageOf('Test/Invoice', [`deadLetterQueue: received "the FIFO queue Test/Fifo"; ${FIFO}`]));
    expect(() => new EventTask(stack, 'Receipt', { platform, trigger, container: { image: IMAGE }, deadLetterQueue: standard })).not.toThrow();
  });
});

describe('scheduled jobs', () => {
  const cases: Array<[string, Partial<ScheduledJobOptions>, string[]]> = [
    ['a cron minute of 61', { schedule: scheduler.ScheduleExpression.cron({ minute: '61', hour: '1' }) },
      [`schedule: received "cron(61 1 * * ? *)"; allowed: ${CRON_ALLOWED} (invalid: minutes). Fix: ${SCHEDULE_FIX}.`]],
    ['hour 24 on day-of-week 8', { schedule: scheduler.ScheduleExpression.expression('cron(0 24 ? * 8 *)') },
      [`schedule: received "cron(0 24 ? * 8 *)"; allowed: ${CRON_ALLOWED} (invalid: hours, day-of-week). Fix: ${SCHEDULE_FIX}.`]],
    ['a step of 0 and hour 25', { schedule: scheduler.ScheduleExpression.expression('cron(0/0 25 ? * MON-FRI *)') },
      [`schedule: received "cron(0/0 25 ? * MON-FRI *)"; allowed: ${CRON_ALLOWED} (invalid: minutes, hours). Fix: ${SCHEDULE_FIX}.`]],
    ['a year before 1970', { schedule: scheduler.ScheduleExpression.expression('cron(0 2 1 * ? 1969)') },
      [`schedule: received "cron(0 2 1 * ? 1969)"; allowed: ${CRON_ALLOWED} (invalid: year). Fix: ${SCHEDULE_FIX}.`]],
    ['a date that does not exist', { schedule: scheduler.ScheduleExpression.expression('at(2026-02-30T10:00:00)') },
      [`schedule: received "at(2026-02-30T10:00:00)"; allowed: at(yyyy-mm-ddThh:mm:ss) with a date and time that exist. Fix: ${SCHEDULE_FIX}.`]],
    ['a rate of 0 minutes', { schedule: scheduler.ScheduleExpression.expression('rate(0 minutes)') },
      [`schedule: received "rate(0 minutes)"; allowed: rate(1 minute|hour|day) or rate(n minutes|hours|days) with n > 1. Fix: ${SCHEDULE_FIX}.`]],
    ['a connection source without owner', { container: {}, source: Source.connection({ connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/abc', owner: '', repo: 'report' }) },
      ["source.owner: received \"\"; allowed: the user or organization that owns the repository, without spaces. Fix: write it as in the repository's URL, e.g. 'my-org' in github.com/my-org/orders."]],
    ['Spot weights above 1000', { capacity: Capacity.spot({ onDemandWeight: 2000 }) },
      ['capacity.onDemandWeight: received 2000; allowed: an integer from 0 to 1000. Fix: set capacity.onDemandWeight to a whole number between 0 and 1000.']],
  ];

  test.each(cases)('%s', (_name, options, lines) => {
    // GIVEN / WHEN
    const message = jobError(options);
    // THEN
    expect(message).toBe(messageOf('Test/Report', lines));
  });

  test.each([
    'cron(15 10 ? * 6L 2026)', 'cron(0 8 L * ? *)', 'cron(0 8 15W * ? *)', 'cron(0/15 8-17 ? JAN-MAR MON-FRI *)', 'cron(0 2 ? * 3#2 *)', 'cron(5,35 */2 1-7 * ? 2026-2030)',
  ])('the valid cron expression %s passes', (expression) => {
    // GIVEN
    const { stack, platform } = newPlatform();
    // WHEN / THEN
    expect(() => new ScheduledJob(stack, 'Report', { platform, schedule: scheduler.ScheduleExpression.expression(expression), container: { image: IMAGE } })).not.toThrow();
  });
});

describe('event tasks', () => {
  test('an S3 trigger with an empty prefix fails instead of matching every object', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    const bucket = new s3.Bucket(stack, 'Uploads');
    // WHEN
    const message = errorOf(() => new EventTask(stack, 'Thumbnails', { platform, trigger: EventTrigger.s3ObjectCreated(bucket, { prefix: '' }), container: { image: IMAGE } }));
    // THEN
    expect(message).toBe(messageOf('Test/Thumbnails', [
      "trigger.prefix: received \"\"; allowed: a key prefix of 1 or more characters. Fix: omit prefix to start a task for every object, or write one such as 'uploads/'.",
    ]));
  });

  test('a container port fails', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    // WHEN
    const message = errorOf(() => new EventTask(stack, 'Importer', { platform, trigger: EventTrigger.fromJson('{"source":["shop"]}'), container: { image: IMAGE, port: 80 } }));
    // THEN
    expect(message).toBe(messageOf('Test/Importer', ['container.port: received 80; allowed: nothing: nothing connects to a worker or a task. Fix: remove it.']));
  });

  test('tasks added through the platform report under their own path', () => {
    // GIVEN
    const { platform } = newPlatform();
    // WHEN
    const message = errorOf(() => platform.addScheduledJob('Report', { schedule: nightly, container: { image: IMAGE }, maxEventAge: Duration.seconds(30) }));
    // THEN
    expect(message).toMatch(/^\[Test\/Platform\/ReportStack\/Report\] 1 invalid prop:\n {2}- maxEventAge: received "30 seconds"/);
  });
});
