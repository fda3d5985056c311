import { NAME_RULES, NameRule, rulesOf } from './name-rules';
import { Template, TemplateContext, TemplateProblem } from './types';

/**
 * What is known at synth about a value: its length when every part of it is known, or the
 * length of its known parts and what the rest is made of.
 */
export interface NameValue {
  /** The value itself, when every part of it is known. */
  readonly text?: string;
  /** The length of the known parts (the whole length when `unknown` is empty). */
  readonly length: number;
  /** The parts whose value synth cannot know, described for a message. */
  readonly unknown: string[];
  /** The known characters the value starts with. */
  readonly head?: string;
}

/**
 * The length of a pseudo parameter's value. The account ID always has 12 digits; the Region,
 * partition and URL suffix are known when the stack has an explicit Region, otherwise their
 * longest value counts; the stack name of a top-level stack is the one in the manifest.
 * `AWS::StackName` of a nested stack is unknown: CloudFormation names a nested stack
 * `<parent>-<logical id>-<random suffix>`, so anything derived from it can be longer than any
 * limit (issue 10). `AWS::StackId` and `AWS::NotificationARNs` are unknown everywhere.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html
 */
function pseudo(name: string, ctx: TemplateContext): NameValue | undefined {
  const known = (text: string): NameValue => ({ text, length: text.length, unknown: [] });
  // The longest value it can have: the length is an upper bound, the text unknown.
  const bounded = (length: number): NameValue => ({ length, unknown: [] });
  switch (name) {
    case 'AWS::AccountId': return ctx.account ? known(ctx.account) : bounded(12);
    case 'AWS::Region': return ctx.region ? known(ctx.region) : bounded(LONGEST_REGION);
    case 'AWS::Partition': return ctx.region ? known(partitionOf(ctx.region)) : bounded('aws-us-gov'.length);
    case 'AWS::URLSuffix': return ctx.region ? known(ctx.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com') : bounded('amazonaws.com.cn'.length);
    case 'AWS::NoValue': return known('');
    case 'AWS::StackName':
      if (ctx.stackName) return known(ctx.stackName);
      return { length: 0, unknown: ['Ref AWS::StackName of a nested stack'] };
    case 'AWS::StackId':
    case 'AWS::NotificationARNs':
      return { length: 0, unknown: [`Ref ${name}`] };
    default: return undefined;
  }
}

/** The longest Region code in use (such as ap-southeast-5), counted when a stack has no explicit Region. */
const LONGEST_REGION = 'ap-southeast-5'.length;

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function join(parts: NameValue[], separator = ''): NameValue {
  const texts = parts.map((p) => p.text);
  const allKnown = texts.every((t) => t !== undefined);
  const firstUnknown = texts.findIndex((t) => t === undefined);
  const head = allKnown ? undefined
    : [...texts.slice(0, firstUnknown), parts[firstUnknown].head ?? ''].join(separator);
  return {
    head,
    text: allKnown ? texts.join(separator) : undefined,
    length: parts.reduce((n, p) => n + p.length, 0) + separator.length * Math.max(parts.length - 1, 0),
    unknown: parts.flatMap((p) => p.unknown),
  };
}

const literal = (text: string): NameValue => ({ text, length: text.length, unknown: [] });
const unknownValue = (what: string): NameValue => ({ length: 0, unknown: [what] });

/**
 * Evaluates a name as far as synth can: literals and Fn::Join / Fn::Sub of literals and
 * pseudo parameters are known; a Ref to a parameter or a resource, Fn::GetAtt, Fn::ImportValue,
 * Fn::Select (but for the 8 characters of the stack ID's GUID that names of retained resources
 * end with) and dynamic references (`{{resolve:...}}`) are not. Fn::If takes the longer branch.
 */
export function evaluateName(value: unknown, template: Template, ctx: TemplateContext, depth = 0): NameValue {
  if (typeof value === 'string') return value.includes('{{resolve:') ? unknownValue('a dynamic reference {{resolve:...}}') : literal(value);
  if (typeof value === 'number' || typeof value === 'boolean') return literal(String(value));
  if (!value || typeof value !== 'object' || Array.isArray(value)) return unknownValue('a value that is not a string');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) return unknownValue('an object');
  const [fn, args] = entries[0];
  switch (fn) {
    case 'Ref': {
      const name = String(args);
      const p = pseudo(name, ctx);
      if (p) return p;
      if (template.Parameters?.[name]) return unknownValue(`Ref to parameter ${name}`);
      return refToResource(name, template, ctx, depth);
    }
    case 'Fn::Join': {
      if (!Array.isArray(args) || typeof args[0] !== 'string' || !Array.isArray(args[1])) return unknownValue('Fn::Join of a list that is not literal');
      return join(args[1].map((part) => evaluateName(part, template, ctx, depth)), args[0]);
    }
    case 'Fn::Sub': return evaluateSub(args, template, ctx, depth);
    case 'Fn::If': {
      if (!Array.isArray(args) || args.length !== 3) return unknownValue('a malformed Fn::If');
      const [a, b] = [evaluateName(args[1], template, ctx, depth), evaluateName(args[2], template, ctx, depth)];
      const longer = a.length >= b.length ? a : b;
      return { length: longer.length, unknown: [...a.unknown, ...b.unknown] };
    }
    case 'Fn::FindInMap': {
      if (Array.isArray(args) && args.every((a) => typeof a === 'string')) {
        const found = (template.Mappings as any)?.[args[0]]?.[args[1]]?.[args[2]];
        if (typeof found === 'string') return literal(found);
      }
      return unknownValue('Fn::FindInMap with keys unknown at synth');
    }
    case 'Fn::Select':
      // The first group of the GUID that ends the stack's ID: 8 hex digits.
      if (isStackIdGuidHead(args)) return { length: 8, unknown: [] };
      return unknownValue(fn);
    default: return unknownValue(fn === 'Fn::GetAtt' ? `Fn::GetAtt ${Array.isArray(args) ? args.join('.') : String(args)}` : fn);
  }
}

/**
 * `Fn::Select [0, Fn::Split ['-', Fn::Select [2, Fn::Split ['/', Ref AWS::StackId]]]]`: the
 * stack ID is `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<guid>` (such as
 * `.../stack/teststack/51af3dc0-da77-11e4-872e-1234567db123`), so this is the GUID's first group
 * of 8 hex digits.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html
 */
function isStackIdGuidHead(args: unknown): boolean {
  const select = (a: unknown, index: number, delimiter: string): unknown => {
    if (!Array.isArray(a) || a.length !== 2 || a[0] !== index) return undefined;
    const split = (a[1] as Record<string, unknown> | undefined)?.['Fn::Split'];
    return Array.isArray(split) && split.length === 2 && split[0] === delimiter ? split[1] : undefined;
  };
  const guid = select(args, 0, '-') as Record<string, unknown> | undefined;
  const stackId = select(guid?.['Fn::Select'], 2, '/') as Record<string, unknown> | undefined;
  return stackId?.Ref === 'AWS::StackId';
}

/**
 * A Ref to a resource of the template whose Ref is its name: the name it sets, or else the
 * name CloudFormation generates, which fits the service's limit (counted as that limit).
 */
function refToResource(name: string, template: Template, ctx: TemplateContext, depth: number): NameValue {
  const resource = template.Resources?.[name];
  const rule = resource && NAME_RULES.find((r) => r.type === resource.Type && r.refIsName);
  if (!rule || depth > 5) return unknownValue(`Ref ${name}`);
  const own = resource.Properties?.[rule.property];
  if (own === undefined) return { length: rule.max, unknown: [] };
  return evaluateName(own, template, ctx, depth + 1);
}

function evaluateSub(args: unknown, template: Template, ctx: TemplateContext, depth: number): NameValue {
  const [body, vars] = Array.isArray(args) ? [args[0], (args[1] ?? {}) as Record<string, unknown>] : [args, {}];
  if (typeof body !== 'string') return unknownValue('Fn::Sub of a value that is not a string');
  const parts: NameValue[] = [];
  let last = 0;
  for (const m of body.matchAll(/\$\{([^}]*)\}/g)) {
    parts.push(literal(body.slice(last, m.index)));
    last = m.index! + m[0].length;
    const name = m[1];
    if (name.startsWith('!')) { parts.push(literal(`\${${name.slice(1)}}`)); continue; }
    if (name in vars) { parts.push(evaluateName(vars[name], template, ctx, depth)); continue; }
    parts.push(name.includes('.') ? unknownValue(`\${${name}}`) : evaluateName({ Ref: name }, template, ctx, depth));
  }
  parts.push(literal(body.slice(last)));
  return join(parts);
}

/** The length of the ARN that SSM counts before a parameter's name. */
function arnPrefixLength(rule: NameRule, name: NameValue, ctx: TemplateContext): number {
  if (!rule.countsArnPrefix) return 0;
  const [service, resource] = rule.countsArnPrefix.split(':');
  const region = ctx.region ?? 'x'.repeat(LONGEST_REGION);
  const partition = ctx.region ? partitionOf(ctx.region) : 'aws-us-gov';
  const slash = (name.text ?? name.head ?? '').startsWith('/') ? '' : '/';
  return `arn:${partition}:${service}:${region}:${'0'.repeat(12)}:${resource}${slash}`.length;
}

/** A physical name of a resource, evaluated, for the duplicate check. */
export interface PhysicalName {
  readonly file: string;
  readonly logicalId: string;
  readonly rule: NameRule;
  readonly value: NameValue;
  readonly scope: string;
}

/**
 * Checks every physical name a template sets against its service's limit. A name whose
 * every part is known must fit; a name with a part unknown at synth is a problem of its own
 * (its length cannot be checked, and the platform must derive names from values it knows).
 */
export function checkPhysicalNames(template: Template, ctx: TemplateContext, found: PhysicalName[]): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    for (const rule of rulesOf(resource.Type)) {
      const raw = resource.Properties?.[rule.property];
      if (raw === undefined) continue;
      const value = evaluateName(raw, template, ctx);
      const what = `${rule.type} ${rule.property}`;
      const arn = arnPrefixLength(rule, value, ctx);
      const limit = arn ? `${rule.service} allows ${rule.max} characters including the ${arn} of the ARN before the name` : `${rule.service} allows ${rule.min} to ${rule.max} characters`;
      const problem = (message: string) => problems.push({ file: ctx.file, logicalId, check: 'physical-name', message });
      if (value.unknown.length > 0) {
        problem(`${what} is derived from a value unknown at synth (${[...new Set(value.unknown)].join(', ')}), so its length cannot be checked: ` +
          `the known part is ${value.length} characters and ${limit} (${rule.source})`);
      } else if (value.length + arn > rule.max || value.length < rule.min) {
        problem(`${what} ${value.text !== undefined ? `'${value.text}' ` : ''}is ${value.length} characters; ${limit} (${rule.source})`);
      }
      if (value.text !== undefined && value.unknown.length === 0 && rule.unique !== 'parent') {
        found.push({ file: ctx.file, logicalId, rule, value, scope: scopeKey(rule, ctx) });
      }
    }
  }
  return problems;
}

function scopeKey(rule: NameRule, ctx: TemplateContext): string {
  const account = ctx.account ?? '?';
  if (rule.unique === 'partition') return partitionOf(ctx.region ?? '');
  if (rule.unique === 'account') return account;
  return `${account}/${ctx.region ?? '?'}`;
}

/** Two resources of the assembly that set the same name where the service needs it unique. */
export function checkDuplicateNames(found: PhysicalName[]): TemplateProblem[] {
  const first = new Map<string, PhysicalName>();
  const problems: TemplateProblem[] = [];
  for (const n of found) {
    const key = `${n.rule.type}|${n.rule.property}|${n.scope}|${n.value.text}`;
    const earlier = first.get(key);
    if (!earlier) { first.set(key, n); continue; }
    problems.push({
      file: n.file, logicalId: n.logicalId, check: 'duplicate-name',
      message: `${n.rule.type} ${n.rule.property} '${n.value.text}' is also set by ${earlier.logicalId} in ${earlier.file}; ` +
        `${n.rule.service} names must be unique in the ${n.rule.unique === 'region' ? 'account and Region' : n.rule.unique}`,
    });
  }
  return problems;
}
