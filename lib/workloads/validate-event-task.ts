import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Problems } from '../private/errors';
import type { EventTaskProps } from './event-task-options';
import { isBucket } from './event-trigger';
import { validateReserved, validateRetry, validateWorkload } from './validate-workload';

/** Variables an EventBridge input transformer fills: InputPathsMap takes at most 100. */
const MAX_INPUT_PATHS = 100;
const ARRAY_FIELDS = ['source', 'detail-type', 'account', 'region', 'resources', 'id', 'time', 'version'];

/**
 * Checks an EventBridge event pattern: a non-empty JSON object whose values are non-empty
 * arrays of matchers, or objects of the same shape.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
function validateEventPattern(p: Problems, prop: string, json: string): unknown {
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

/**
 * Checks every prop of an event task that can be judged at synth; records the problems in `p`.
 * @returns the trigger's event pattern, when it is valid
 */
export function validateEventTask(p: Problems, owner: Construct, id: string, props: EventTaskProps): unknown {
  const trigger = props.trigger;
  validateWorkload(p, owner, id, props);
  validateRetry(p, props);
  const pattern = validateEventPattern(p, 'trigger.pattern', trigger.patternJson);
  for (const [name, path] of Object.entries(trigger.environment)) {
    p.envName('trigger.environment', name);
    p.require(Token.isUnresolved(path) || /^\$(\.[A-Za-z0-9_-]+)+$/.test(path), `trigger.environment.${name}`, path,
      "a JSON path into the event such as '$.detail.object.key'", "start the path with '$.'");
  }
  // "InputPathsMap ... Map Entries: Maximum number of 100 items."
  // @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html
  const variables = Object.keys(trigger.environment).length;
  p.require(variables <= MAX_INPUT_PATHS, 'trigger.environment', `${variables} variables`,
    `at most ${MAX_INPUT_PATHS} variables (EventBridge's input transformer takes ${MAX_INPUT_PATHS} paths)`,
    'pass fewer fields, or read the whole event in the container');
  validateReserved(p, props, Object.keys(trigger.environment));
  if (trigger._s3) {
    p.require(isBucket(trigger.bucket), 'trigger.bucket', trigger.bucket, 'an s3.IBucket',
      "pass the bucket construct, such as s3.Bucket.fromBucketName(this, 'Uploads', 'my-uploads')");
  }
  const prefix = trigger.prefix;
  p.require(prefix !== '', 'trigger.prefix', prefix, 'a key prefix of 1 or more characters',
    "omit prefix to start a task for every object, or write one such as 'uploads/'");
  if (typeof prefix === 'string' && prefix !== '' && !Token.isUnresolved(prefix)) {
    // EventBridge's prefix matching compares the start of the key as written: '*' is no wildcard
    // there. A key is written without the '/' that follows the bucket in a URL (the key of
    // s3://bucket/uploads/a.csv is uploads/a.csv).
    // @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-prefix-matching
    // @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
    p.require(!prefix.includes('*') && !prefix.startsWith('/'), 'trigger.prefix', prefix,
      "the start of the object keys as they are written: no '*' (EventBridge matches the prefix literally, with no wildcards) and no leading '/' (the key of s3://bucket/uploads/a.csv is 'uploads/a.csv')",
      `write '${prefix.replace(/^\/+/, '').replace(/\*.*$/, '') || 'uploads/'}'`);
  }
  return pattern;
}
