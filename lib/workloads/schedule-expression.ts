import { Token } from 'aws-cdk-lib';
import { Problems } from '../private/errors';

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
const AT = /^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/;
const UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86400 };
/** Each cron field: allowed characters (names such as JAN or MON-FRI included). */
const CRON_FIELDS: Array<[string, RegExp]> = [
  ['minutes', /^[\d,\-*/]+$/],
  ['hours', /^[\d,\-*/]+$/],
  ['day-of-month', /^[\d,\-*?/LW]+$/],
  ['month', /^[\dA-Za-z,\-*/]+$/],
  ['day-of-week', /^[\dA-Za-z,\-*?/L#]+$/],
  ['year', /^[\d,\-*/]+$/],
];

/**
 * Checks an EventBridge Scheduler expression: `rate(value unit)`, `cron(6 fields)` or
 * `at(yyyy-mm-ddThh:mm:ss)`, and that it runs at most once a minute.
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */
export function validateScheduleExpression(p: Problems, prop: string, expression: string): void {
  if (Token.isUnresolved(expression)) return;
  const fix = "use ScheduleExpression.rate(Duration.minutes(n)) or ScheduleExpression.cron({ minute: '0', hour: '3' })";
  const rate = RATE.exec(expression);
  if (rate) {
    const [, value, unit] = rate;
    const n = Number(value);
    const singular = !unit.endsWith('s');
    p.require(n >= 1 && singular === (n === 1), prop, expression,
      "rate(1 minute|hour|day) or rate(n minutes|hours|days) with n > 1", fix);
    p.require(n * UNIT_SECONDS[unit.replace(/s$/, '')] >= 60, prop, expression, 'at most one run a minute', 'run at most once a minute: rate(1 minute) or slower');
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
    const bad = CRON_FIELDS.filter(([, re], i) => !re.test(fields[i])).map(([name]) => name);
    p.require(bad.length === 0, prop, expression, `valid cron fields (invalid: ${bad.join(', ')})`, fix);
    p.require((fields[2] === '?') !== (fields[4] === '?'), prop, expression,
      "'?' in exactly one of day-of-month and day-of-week", "write '?' in day-of-week when you set day-of-month, and the other way round");
    return;
  }
  p.require(AT.test(expression), prop, expression, 'rate(...), cron(...) or at(yyyy-mm-ddThh:mm:ss)', fix);
}
