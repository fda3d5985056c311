/**
 * What every part of the lifecycle model shares: the account and region the examples use,
 * AWS-shaped errors (the SDK v3 exposes a service exception's code as `name`), and
 * deterministic identifiers.
 */
export const ACCOUNT = '111111111111';
export const REGION = 'eu-west-1';
export const PARTITION = 'aws';
export const URL_SUFFIX = 'amazonaws.com';
export const AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

/** An error as an AWS API returns it: `name` is the exception's code, `message` its text. */
export class AwsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** The caller may not invoke a function (lambda:InvokeFunction denied): the function did not run. */
export class InvokeDenied extends AwsError {
  constructor(message: string) {
    super('AccessDeniedException', message);
  }
}

export function awsError(name: string, message: string): AwsError {
  return new AwsError(name, message);
}

/** Deterministic identifiers: the same sequence of calls yields the same ids. */
export class Ids {
  private counter = 0;

  /** A short lower-case hex suffix such as CloudFormation appends to generated names. */
  public suffix(): string {
    this.counter += 1;
    return this.counter.toString(16).padStart(8, '0');
  }

  public next(): number {
    this.counter += 1;
    return this.counter;
  }
}

export function arn(service: string, resource: string, region = REGION): string {
  return `arn:${PARTITION}:${service}:${region}:${ACCOUNT}:${resource}`;
}

/** A deep copy of JSON data. */
export function clone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value)) as T;
}

/** Structural equality of JSON data. */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}
