import { Annotations, Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** One rejected input: where it came from, what was received, what is allowed and the fix. */
interface Problem {
  readonly prop: string;
  readonly received: unknown;
  readonly allowed: string;
  readonly fix: string;
}

const VALIDATION_ERROR = Symbol.for('cdk-container-platform.ValidationError');

/** The library's warnings: `cdk-container-platform:` and a kebab-case ID. */
const WARNING_PREFIX = 'cdk-container-platform:';
const WARNING_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Thrown at synth (construction) time when the props of a construct are invalid. Internal:
 * jsii cannot export a subclass of `Error`; users test an error with
 * `PlatformErrors.isValidationError`.
 */
export class ContainerPlatformValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerPlatformValidationError';
    Object.defineProperty(this, VALIDATION_ERROR, { value: true });
  }
}

/**
 * Tells the errors of this library apart from others, for code that builds platforms from
 * user input and wants to show the message without a stack trace.
 *
 * @example
 * try {
 *   platform.addService('Orders', props);
 * } catch (e) {
 *   if (!PlatformErrors.isValidationError(e)) throw e;
 *   console.error((e as Error).message);
 * }
 */
export class PlatformErrors {
  /**
   * Whether `x` is the error the library throws when props are invalid: its message names
   * the construct path, each rejected prop, the value received, what is allowed and the fix.
   */
  public static isValidationError(x: unknown): boolean {
    return x instanceof Error && (x as unknown as Record<symbol, unknown>)[VALIDATION_ERROR] === true;
  }

  private constructor() {}
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  // JSON has no NaN or Infinity (it would print null).
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * Collects every problem of one construct's props, then throws them all at once.
 * Unresolved tokens are never judged: use the `check*` helpers, which skip them.
 */
export class Problems {
  private readonly problems: Problem[] = [];

  constructor(public readonly scope: IConstruct) {}

  /** Records a problem unconditionally. */
  public add(prop: string, received: unknown, allowed: string, fix: string): void {
    this.problems.push({ prop, received, allowed, fix });
  }

  /** Records a problem when `ok` is false. */
  public require(ok: boolean, prop: string, received: unknown, allowed: string, fix: string): void {
    if (!ok) this.add(prop, received, allowed, fix);
  }

  /** An integer in [min, max]; tokens and undefined pass. */
  public intRange(prop: string, value: number | undefined, min: number, max: number, fix?: string): void {
    if (value === undefined || Token.isUnresolved(value)) return;
    this.require(Number.isInteger(value) && value >= min && value <= max, prop, value,
      `an integer from ${min} to ${max}`, fix ?? `set ${prop} to a whole number between ${min} and ${max}`);
  }

  /**
   * A removal policy for the stateful resources the library makes (KMS keys, buckets, log
   * groups, repositories): none of them takes Snapshot, which only some resource types support
   * (CloudFormation refuses it elsewhere, cfn-lint E3035).
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
   */
  public removalPolicy(prop: string, value: RemovalPolicy | undefined): void {
    // (a value that is no RemovalPolicy is refused with the enum's values where the keys are checked)
    if (value === undefined || !(Object.values(RemovalPolicy) as unknown[]).includes(value)) return;
    this.require(value !== RemovalPolicy.SNAPSHOT, prop, value,
      'RemovalPolicy.RETAIN, RemovalPolicy.DESTROY or RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE (the key, buckets, log groups and repositories take no snapshot)',
      'use RemovalPolicy.RETAIN to keep them, or RemovalPolicy.DESTROY to delete them with the stack');
  }

  /** Whole seconds in [min, max]; tokens and undefined pass. */
  public seconds(prop: string, value: Duration | undefined, min: number, max: number): void {
    if (!value || value.isUnresolved()) return;
    const s = value.toSeconds({ integral: false });
    this.require(Number.isInteger(s) && s >= min && s <= max, prop, `${s} seconds`, `whole seconds from ${min} to ${max}`,
      'use Duration.seconds(n) within that range');
  }

  /** A non-empty string without whitespace; tokens and undefined pass. */
  public word(prop: string, value: string | undefined, allowed: string, fix: string): void {
    if (value === undefined || Token.isUnresolved(value)) return;
    this.require(value.length > 0 && !/\s/.test(value), prop, value, allowed, fix);
  }

  /**
   * The name of an environment variable: letters, digits and underscores, not starting with a
   * digit. A name is a key of the task definition's list, so it must be known at synth (a value
   * may be a token; a name may not).
   */
  public envName(prop: string, name: string): void {
    if (Token.isUnresolved(name)) {
      this.add(prop, 'an unresolved token', 'a variable name known at synth (names are written into the task definition; only values may come from parameters)',
        'write the name literally, and pass the parameter as its value');
      return;
    }
    this.require(/^[A-Za-z_][A-Za-z0-9_]*$/.test(name), prop, name, 'variable names of letters, digits and underscores, not starting with a digit', 'rename the variable');
  }

  /**
   * Environment variables: each name as {@link envName} judges it, each value a string (a token
   * passes): JavaScript can pass a number, which CloudFormation would refuse without a prop path.
   */
  public environment(prop: string, vars: Readonly<Record<string, string>> | undefined): void {
    for (const [name, value] of Object.entries(vars ?? {})) {
      this.envName(prop, name);
      if (typeof value !== 'string' && !Token.isUnresolved(value)) {
        this.add(`${prop}.${name}`, value, 'a string (the values of environment variables are text)', `write it as text, such as '${String(value)}'`);
      }
    }
  }

  /**
   * Records advice that does not stop synthesis, as a warning on the construct: the one way the
   * library warns. `id` is kebab-case; users acknowledge it as `cdk-container-platform:<id>`.
   */
  public warn(id: string, message: string): void {
    if (!WARNING_ID.test(id)) throw new Error(`cdk-container-platform: a warning ID is kebab-case, not '${id}'`);
    Annotations.of(this.scope).addWarningV2(`${WARNING_PREFIX}${id}`, message);
  }

  /**
   * Acknowledges a warning that aws-cdk-lib gives the construct, where the library has decided
   * otherwise on purpose; `reason` says why.
   */
  public acknowledgeWarning(id: string, reason: string): void {
    Annotations.of(this.scope).acknowledgeWarning(id, reason);
  }

  public get count(): number {
    return this.problems.length;
  }

  /** Throws one error that lists every recorded problem, or does nothing. */
  public throwIfAny(): void {
    const [message] = this.messages();
    if (message !== undefined) throw new ContainerPlatformValidationError(message);
  }

  /**
   * The recorded problems as one message, or none. `validation: true` gives what a validation
   * that runs at synth (`node.addValidation`) returns: aws-cdk-lib puts the construct's path in
   * front of it; otherwise the message starts with the path (the text {@link throwIfAny} throws).
   */
  public messages(options: { readonly validation?: boolean } = {}): string[] {
    if (this.problems.length === 0) return [];
    const lines = this.problems.map((p) =>
      `  - ${p.prop}: received ${show(p.received)}; allowed: ${p.allowed}. Fix: ${p.fix}.`);
    const n = this.problems.length;
    const text = `${n} invalid prop${n === 1 ? '' : 's'}:\n${lines.join('\n')}`;
    return [options.validation ? text : `[${this.scope.node.path || '(root)'}] ${text}`];
  }
}
