import { Problems } from '../private/errors';

const ARRAY_FIELDS = ['source', 'detail-type', 'account', 'region', 'resources', 'id', 'time', 'version'];

/**
 * Checks an EventBridge event pattern: a non-empty JSON object whose values are non-empty
 * arrays of matchers, or objects of the same shape.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
export function validateEventPattern(p: Problems, prop: string, json: string): unknown {
  const fix = "write a JSON object such as '{\"source\":[\"aws.s3\"],\"detail-type\":[\"Object Created\"]}'";
  let pattern: unknown;
  try {
    pattern = JSON.parse(json);
  } catch (e) {
    p.add(prop, json, `JSON text (${(e as Error).message})`, fix);
    return undefined;
  }
  if (typeof pattern !== 'object' || pattern === null || Array.isArray(pattern) || Object.keys(pattern).length === 0) {
    p.add(prop, pattern, 'a JSON object with at least one field', fix);
    return undefined;
  }
  const wrong: string[] = [];
  const walk = (node: Record<string, unknown>, path: string) => {
    for (const [key, value] of Object.entries(node)) {
      const at = path ? `${path}.${key}` : key;
      if (Array.isArray(value)) {
        if (value.length === 0) wrong.push(`${at} is an empty array`);
      } else if (typeof value === 'object' && value !== null && !ARRAY_FIELDS.includes(at)) {
        if (Object.keys(value).length === 0) wrong.push(`${at} is an empty object`);
        else walk(value as Record<string, unknown>, at);
      } else {
        wrong.push(`${at} is ${JSON.stringify(value)}, not an array`);
      }
    }
  };
  walk(pattern as Record<string, unknown>, '');
  p.require(wrong.length === 0, prop, pattern, `values that are non-empty arrays of matchers, or objects of them (${wrong.join('; ')})`,
    'wrap each value in an array, e.g. "source": ["aws.s3"]');
  return wrong.length === 0 ? pattern : undefined;
}
