import { Token } from 'aws-cdk-lib';
import { Problems } from './errors';

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** One cron field: its range, its names (JAN-DEC, SUN-SAT) and its special forms (? L W #). */
interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: string[];
  readonly special?: RegExp;
}

/**
 * The six fields of an EventBridge (Scheduler) and Application Auto Scaling cron expression.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html#eb-cron-expressions
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html
 */
const CRON_FIELDS: CronField[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, special: /^(\?|L|LW|([1-9]|[12]\d|3[01])W)$/ },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS, special: /^(\?|L|([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5]))$/i },
  { name: 'year', min: 1970, max: 2199 },
];
const CRON_RANGES = 'minutes 0-59, hours 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT, year 1970-2199';

/** The fix of an EventBridge Scheduler expression. */
export const SCHEDULER_FIX = "use ScheduleExpression.rate(Duration.minutes(n)) or ScheduleExpression.cron({ minute: '0', hour: '3' })";

function cronValue(field: CronField, text: string): number | undefined {
  const n = /^\d+$/.test(text) ? Number(text) : (field.names?.indexOf(text.toUpperCase()) ?? -1) + 1 || undefined;
  return n !== undefined && n >= field.min && n <= field.max ? n : undefined;
}

/** One comma-separated item of a field: `*`, a value or a range, optionally `/step` (a step of at least 1). */
function validCronItem(field: CronField, item: string): boolean {
  const [base, step, ...rest] = item.split('/');
  if (rest.length > 0 || (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1))) return false;
  if (base === '*') return true;
  const bounds = base.split('-');
  return bounds.length <= 2 && bounds.every((b) => cronValue(field, b) !== undefined);
}

function validCronField(field: CronField, text: string): boolean {
  return field.special?.test(text) === true || text.split(',').every((item) => validCronItem(field, item));
}

/**
 * Checks a schedule expression of EventBridge Scheduler or Application Auto Scaling:
 * `rate(value unit)`, `cron(6 fields)` each within its range, or `at(yyyy-mm-ddThh:mm:ss)`,
 * running at most once a minute.
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html
 */
export function validateScheduleExpression(p: Problems, prop: string, expression: string, fix: string = SCHEDULER_FIX): void {
  if (Token.isUnresolved(expression)) return;
  const rate = RATE.exec(expression);
  if (rate) {
    const [, value, unit] = rate;
    const n = Number(value);
    const singular = !unit.endsWith('s');
    p.require(n >= 1 && singular === (n === 1), prop, expression,
      'rate(1 minute|hour|day) or rate(n minutes|hours|days) with n > 1', fix);
    return;
  }
  if (/^rate\(\d+ seconds?\)$/.test(expression)) {
    p.add(prop, expression, 'at most one run a minute (EventBridge Scheduler has no rate in seconds)', 'run at most once a minute: rate(1 minute) or slower');
    return;
  }
  const cron = CRON.exec(expression);
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6) {
      p.add(prop, expression, 'cron(minutes hours day-of-month month day-of-week year): six fields', fix);
      return;
    }
    const bad = CRON_FIELDS.filter((field, i) => !validCronField(field, fields[i])).map((field) => field.name);
    p.require(bad.length === 0, prop, expression, `cron fields within their ranges: ${CRON_RANGES} (invalid: ${bad.join(', ')})`, fix);
    p.require((fields[2] === '?') !== (fields[4] === '?'), prop, expression,
      "'?' in exactly one of day-of-month and day-of-week", "write '?' in day-of-week when you set day-of-month, and the other way round");
    return;
  }
  const at = AT.exec(expression);
  if (!at) {
    p.add(prop, expression, 'rate(...), cron(...) or at(yyyy-mm-ddThh:mm:ss)', fix);
    return;
  }
  const [year, month, day, hour, minute, second] = at.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  p.require(date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    && date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second, prop, expression,
  'at(yyyy-mm-ddThh:mm:ss) with a date and time that exist', fix);
}
