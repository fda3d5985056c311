/**
 * What every part of the lifecycle model shares: the account that acts now and the region the
 * examples use, AWS-shaped errors (the SDK v3 exposes a service exception's code as `name`), and
 * deterministic identifiers.
 */

/** The account of a model with one account (the examples' account). */
export const DEFAULT_ACCOUNT = '111111111111';

/**
 * The account whose world acts now: what `AWS::AccountId` resolves to and the account of the
 * ARNs the services make. A scenario of several accounts switches it as it enters each account's
 * world (Organization.run); with one account it never changes.
 */
export let ACCOUNT = DEFAULT_ACCOUNT;

/** Makes `account` the one that acts; answers the one that acted before. */
export function setAccount(account: string): string {
  const previous = ACCOUNT;
  ACCOUNT = account;
  return previous;
}

/** The account an ARN names (its fifth field), if it names one (an S3 ARN does not). */
export function accountOf(resourceArn: string): string | undefined {
  const account = String(resourceArn).split(':')[4];
  return /^\d{12}$/.test(account ?? '') ? account : undefined;
}
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
