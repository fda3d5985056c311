/**
 * CloudFormation's intrinsic functions, resolved against the physical world of the model.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
 */
import { AZS } from './aws';

/** What an expression can refer to. */
export interface ResolveContext {
  /** A parameter's value, a pseudo parameter's, or a resource's `Ref` value. */
  ref(name: string): unknown;
  getAtt(logicalId: string, attribute: string): unknown;
  condition(name: string): boolean;
  readonly mappings: Record<string, Record<string, Record<string, unknown>>>;
}

/** `AWS::NoValue` removes the property that holds it. */
export const NO_VALUE = Symbol('AWS::NoValue');

export function resolve(value: unknown, ctx: ResolveContext): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, ctx)).filter((v) => v !== NO_VALUE);
  if (!value || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) {
    const fn = keys[0];
    const arg = o[fn];
    switch (fn) {
      case 'Ref': return arg === 'AWS::NoValue' ? NO_VALUE : ctx.ref(arg as string);
      case 'Fn::GetAtt': {
        const [id, ...attr] = typeof arg === 'string' ? arg.split('.') : (arg as string[]);
        return ctx.getAtt(id, attr.join('.'));
      }
      case 'Fn::Join': {
        const [sep, list] = arg as [string, unknown];
        return (resolve(list, ctx) as unknown[]).map(String).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = resolve(list, ctx) as unknown[];
        const i = Number(resolve(index, ctx));
        if (!Array.isArray(items) || i >= items.length) throw new Error(`Fn::Select index ${i} out of range of ${JSON.stringify(items)}`);
        return items[i];
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [string, unknown];
        return String(resolve(source, ctx)).split(sep);
      }
      case 'Fn::Sub': return sub(arg, ctx);
      case 'Fn::If': {
        const [cond, yes, no] = arg as [string, unknown, unknown];
        return resolve(ctx.condition(cond) ? yes : no, ctx);
      }
      case 'Fn::Equals': {
        const [a, b] = arg as [unknown, unknown];
        return String(resolve(a, ctx)) === String(resolve(b, ctx));
      }
      case 'Fn::Not': return !truthy(resolve((arg as unknown[])[0], ctx));
      case 'Fn::And': return (arg as unknown[]).every((c) => truthy(resolve(c, ctx)));
      case 'Fn::Or': return (arg as unknown[]).some((c) => truthy(resolve(c, ctx)));
      case 'Condition': return ctx.condition(arg as string);
      case 'Fn::GetAZs': return [...AZS];
      case 'Fn::Base64': return Buffer.from(String(resolve(arg, ctx))).toString('base64');
      case 'Fn::FindInMap': {
        const [map, top, second] = (arg as unknown[]).map((a) => resolve(a, ctx)) as string[];
        const found = ctx.mappings[map]?.[top]?.[second];
        if (found === undefined) throw new Error(`Fn::FindInMap: no ${map}.${top}.${second}`);
        return found;
      }
      case 'Fn::Contains': {
        const [list, item] = arg as [unknown, unknown];
        return (resolve(list, ctx) as unknown[]).map(String).includes(String(resolve(item, ctx)));
      }
      case 'Fn::Cidr': {
        const [block, count] = (arg as unknown[]).map((a) => resolve(a, ctx));
        return Array.from({ length: Number(count) }, (_, i) => `${String(block).split('/')[0]}#${i}`);
      }
      default: throw new Error(`the lifecycle model does not resolve ${fn}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = resolve(o[k], ctx);
    if (v !== NO_VALUE) out[k] = v;
  }
  return out;
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true';
}

function sub(arg: unknown, ctx: ResolveContext): string {
  const [text, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
  const values = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, resolve(v, ctx)]));
  return text.replace(/\$\{(!?)([^}]+)\}/g, (_, literal: string, name: string) => {
    if (literal) return `\${${name}}`;
    if (name in values) return String(values[name]);
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) return String(ctx.getAtt(name.slice(0, dot), name.slice(dot + 1)));
    return String(ctx.ref(name));
  });
}

/** The logical IDs an expression refers to (`Ref`, `Fn::GetAtt`, `Fn::Sub`), pseudo parameters left out. */
export function references(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => references(v, into));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === 'Ref' && typeof v === 'string') {
        if (!v.startsWith('AWS::')) into.add(v);
      } else if (k === 'Fn::GetAtt') {
        into.add(typeof v === 'string' ? v.split('.')[0] : (v as string[])[0]);
      } else if (k === 'Fn::Sub') {
        const [text, vars] = typeof v === 'string' ? [v, {}] : (v as [string, Record<string, unknown>]);
        for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = m[1].split('.')[0];
          if (!name.startsWith('AWS::') && !(name in vars)) into.add(name);
        }
        references(vars, into);
      } else {
        references(v, into);
      }
    }
  }
  return into;
}

/**
 * CloudFormation resolves a dynamic reference whenever it creates or updates the resource
 * that holds it, and a changed parameter value alone is no change to the resource.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-ssm.html
 * @see https://repost.aws/knowledge-center/cloudformation-stack-update-secrets
 */
export function resolveDynamicReferences(value: unknown, lookup: (name: string) => string): unknown {
  if (typeof value === 'string') return value.replace(/\{\{resolve:ssm:([^}:]+)(?::\d+)?\}\}/g, (_, name: string) => lookup(name));
  if (Array.isArray(value)) return value.map((v) => resolveDynamicReferences(v, lookup));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, resolveDynamicReferences(v, lookup)]));
  }
  return value;
}
