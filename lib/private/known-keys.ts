import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Problems } from './errors';
import { KNOWN_STRUCTS } from './known-keys.data';

/**
 * Unknown keys of props and options. TypeScript refuses `container: { memory: 2048 }`, but
 * JavaScript, tsx (which does not type-check), generated code and the other jsii languages hand
 * such a key over, and it would be ignored. Every construct of the library checks its props here,
 * once, with the keys of the jsii assembly (known-keys.data.ts, generated): nested structs, lists of
 * structs and the options given to the factories of its classes (`Deployment.blueGreen({...})`,
 * `Routing.rule({...})`, `Source.codeCommit({...})`) included.
 */

/** The options a factory was given, and the struct they are. */
interface Remembered {
  readonly type: string;
  readonly factory: string;
  readonly options: object;
}

const REMEMBERED = new WeakMap<object, Remembered>();

/**
 * Records the options a factory of the library was given, so that the construct the result is
 * passed to checks their keys too (a factory has no construct to report to). Returns `instance`.
 */
export function rememberOptions<T extends object>(instance: T, type: string, factory: string, options: object | undefined): T {
  // Options left out are an empty object: their required keys (if any) are then missing.
  if (options === undefined || options === null || typeof options === 'object') REMEMBERED.set(instance, { type, factory, options: options ?? {} });
  return instance;
}

/**
 * Names users try, from AWS Copilot manifests and from other tools, and the key of this library
 * they mean (the nearest key of that name is suggested: `memory` becomes `container.memoryMiB`
 * at the top of a service's options and `memoryMiB` inside `container`).
 */
const ALIASES: Readonly<Record<string, string>> = {
  count: 'desiredCount',
  memory: 'memoryMiB',
  mem: 'memoryMiB',
  variables: 'environment',
  env: 'environment',
  exec: 'enableExec',
  execCommand: 'enableExec',
  enableExecuteCommand: 'enableExec',
  http: 'routing',
  path: 'routing',
  alias: 'routing',
  healthcheck: 'healthCheckPath',
  autoscaling: 'scaling',
  min: 'minTasks',
  max: 'maxTasks',
  cpu_percentage: 'cpuPercent',
  cpuPercentage: 'cpuPercent',
  storage: 'ephemeralStorageGiB',
  entrypoint: 'command',
  deploymentStrategy: 'deployment',
  strategy: 'deployment',
  pipelines: 'pipeline',
};

/** Edit distance between two strings (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/**
 * The known key (or `nested.key` one level down) that `key` most likely means: an alias, the same
 * name in another case or with its unit, or a name a few letters away. Keys of the struct itself
 * win over keys one level down.
 */
export function nearestKey(key: string, type: string): string | undefined {
  const struct = KNOWN_STRUCTS[type];
  if (!struct) return undefined;
  const candidates = [
    ...struct.keys.map((k) => ({ path: k, name: k, depth: 0 })),
    ...Object.entries(struct.nested).flatMap(([k, nested]) =>
      (KNOWN_STRUCTS[nested]?.keys ?? []).map((n) => ({ path: `${k}.${n}`, name: n, depth: 1 }))),
  ];
  const lower = key.toLowerCase();
  const alias = ALIASES[key] ?? ALIASES[lower];
  const rank = (c: { name: string; depth: number }): number => {
    const name = c.name.toLowerCase();
    if (alias !== undefined && c.name === alias) return c.depth;
    if (name === lower) return 2 + c.depth;
    if (lower.length >= 3 && (name.startsWith(lower) || lower.startsWith(name) || name.endsWith(lower))) return 4 + c.depth;
    const d = distance(lower, name);
    return d <= Math.max(1, Math.floor(Math.min(lower.length, name.length) / 3)) ? 6 + d * 2 + c.depth : Infinity;
  };
  const best = candidates.map((c) => ({ c, r: rank(c) })).filter((x) => x.r !== Infinity).sort((a, b) => a.r - b.r)[0];
  return best?.c.path;
}

/** Whether `value` is an object literal (what a struct is at run time), not a class instance, list or token. */
function isLiteral(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Token.isUnresolved(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** How to make a value of each type the library takes, for the fix of a value of the wrong kind. */
const MAKE: Readonly<Record<string, string>> = {
  'Duration': 'use Duration.seconds(n), Duration.minutes(n) or another Duration factory',
  'ecs.ContainerImage': "use ecs.ContainerImage.fromRegistry('<image>') (or fromEcrRepository, fromAsset)",
  'ecs.Secret': 'use ecs.Secret.fromSecretsManager(secret) or ecs.Secret.fromSsmParameter(parameter)',
  'ecs.CpuArchitecture': 'use ecs.CpuArchitecture.X86_64 or ecs.CpuArchitecture.ARM64',
  'scheduler.ScheduleExpression': 'use scheduler.ScheduleExpression.rate(Duration.hours(1)), .cron({ ... }) or .expression(\'<expression>\')',
  'applicationautoscaling.Schedule': 'use appscaling.Schedule.rate(...), .cron({ ... }) or .expression(\'<expression>\')',
  'Routing': "use Routing.path('/orders/*'), Routing.host('orders.example.com') or Routing.rule({ ... })",
  'Deployment': 'use Deployment.rolling(), Deployment.blueGreen() or another Deployment factory',
  'Source': 'use Source.codeCommit(), Source.connection({ ... }) or Source.s3({ ... })',
  'Capacity': 'use Capacity.onDemand() or Capacity.spot()',
  'TrafficShift': 'use TrafficShift.allAtOnce(), TrafficShift.canary(percent, interval) or TrafficShift.linear(percent, interval)',
  'EventTrigger': 'use EventTrigger.s3ObjectCreated(bucket) or EventTrigger.fromJson(pattern)',
};

const PRIMITIVES = ['string', 'number', 'boolean'];

/** An enum as messages name it, its values, and whether they are numbers. */
interface EnumInfo {
  readonly display: string;
  readonly values: unknown[];
  readonly names: string[];
  readonly numeric: boolean;
}

/** What a value of a kind is, in a message: `a Duration`, `a list of ecs.Secret`. */
function describeKind(kind: string): string {
  if (kind.startsWith('enum:')) {
    const e = enumOf(kind.slice(5));
    return e ? `a value of ${e.display}` : 'a value of its enum';
  }
  const plural = (k: string) => (PRIMITIVES.includes(k) ? `${k}s` : describeKind(k).replace(/^an? /, ''));
  if (kind.startsWith('list:')) return `a list of ${plural(kind.slice(5))}`;
  if (kind.startsWith('map:')) return `an object of names to ${plural(kind.slice(4))}`;
  const name = kind.startsWith('object:') ? kind.slice(7) : kind;
  if (KNOWN_STRUCTS[name]) return `an object of ${name} (${KNOWN_STRUCTS[name].keys.join(', ')})`;
  return `${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}`;
}

/** The values of an enum, by its jsii fqn: this package's own or aws-cdk-lib's (as installed), looked up on first use. */
const ENUMS = new Map<string, EnumInfo | undefined>();

function enumOf(fqn: string): EnumInfo | undefined {
  if (ENUMS.has(fqn)) return ENUMS.get(fqn);
  const [pkg, ...names] = fqn.split('.');
  let found: Record<string, unknown> | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved lazily: the package's index imports this file
    const root = pkg === 'aws-cdk-lib' ? require('aws-cdk-lib') : require('../index');
    found = names.reduce<unknown>((m, k) => (m as Record<string, unknown> | undefined)?.[k], root) as Record<string, unknown> | undefined;
  } catch {
    found = undefined;
  }
  let result: EnumInfo | undefined;
  if (found && typeof found === 'object') {
    // A numeric enum maps its numbers back to its names: its values are the numbers.
    const entries = Object.entries(found).filter(([name]) => !/^\d+$/.test(name));
    const display = pkg === 'aws-cdk-lib' ? names.map((n) => n.replace(/^aws_/, '').replace(/_/g, '')).join('.') : names.join('.');
    const values = entries.map(([, v]) => v);
    result = { display, values, names: entries.map(([n]) => `${display}.${n}`), numeric: values.some((v) => typeof v === 'number') };
  }
  ENUMS.set(fqn, result);
  return result;
}

/**
 * Whether `value` cannot be of `kind`: an object expected and something else given (a string for
 * an image, a number for a Duration), a list or a map expected and not given, or a string, number
 * or boolean of another type (`enableExec: 'false'` is a string, and JavaScript would read it as
 * true), or a string that is no value of its enum. The values a primitive may take (and the
 * numbers of a numeric enum) are left to the library's validation, which names them; tokens are
 * not judged.
 */
function wrongKind(value: unknown, kind: string, element = false): boolean {
  if (value === undefined || value === null || Token.isUnresolved(value)) return false;
  // The items of a list or a map of strings are judged by the validation of that prop, which
  // names the item (the scalar ones are judged here, before code that reads them as strings).
  if (PRIMITIVES.includes(kind)) return !element && typeof value !== kind;
  if (kind.startsWith('enum:')) {
    const e = enumOf(kind.slice(5));
    if (e === undefined) return false;
    // A number for a numeric enum (days of log retention) is judged by that prop's validation,
    // which names the numbers allowed; a value of another type, or a string not of the enum, here.
    return e.numeric ? typeof value !== 'number' : !e.values.includes(value);
  }
  if (kind.startsWith('object:')) return typeof value !== 'object' || Array.isArray(value);
  if (kind.startsWith('list:')) return !Array.isArray(value) || value.some((v) => wrongKind(v, kind.slice(5), true));
  if (kind.startsWith('map:')) return !isLiteral(value) || Object.values(value).some((v) => wrongKind(v, kind.slice(4), true));
  return false;
}

/**
 * What a required key takes and how to give it, where the kind alone says too little: by key
 * (any struct) or by `Struct.key`. The checks of those props use the same words.
 */
export const REQUIRED: Readonly<Record<string, { readonly allowed: string; readonly fix: string }>> = {
  'platform': { allowed: 'an IContainerPlatform, such as a ContainerPlatform', fix: 'pass the platform made with `new ContainerPlatform(...)`' },
  'routing': {
    allowed: 'a Routing: a service sits behind the shared load balancer, which blue/green deployments need for their traffic shift',
    fix: "add routing: Routing.path('/orders/*'); for a service without a load balancer use a QueueWorker",
  },
  'TcpTlsOptions.certificate': {
    allowed: 'an ACM certificate (a TLS listener presents one)',
    fix: "pass tls: { certificate: acm.Certificate.fromCertificateArn(this, 'Cert', arn) }, or leave tls out for a TCP listener",
  },
};

/** How to write a value as `kind`, a primitive. */
function primitiveFix(value: unknown, kind: string): string {
  if (kind === 'boolean') return 'write true or false, without quotes';
  if (kind === 'number') return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? `write the number without quotes: ${Number(value)}` : 'write a number, without quotes';
  return typeof value === 'number' || typeof value === 'boolean' ? `write it as a string: '${value}'` : 'write a string';
}

/** The fix for a value of the wrong kind. */
function makeFix(value: unknown, kind: string): string {
  if (PRIMITIVES.includes(kind)) return primitiveFix(value, kind);
  if (kind.startsWith('enum:')) {
    const names = enumOf(kind.slice(5))?.names ?? [];
    return `use ${names.length <= 6 ? names.join(', ') : `one of ${names.slice(0, 4).join(', ')} and the others of its kind`}`;
  }
  const element = kind.replace(/^(list|map):/, '').replace(/^object:/, '');
  if (element === 'scheduler.ScheduleExpression' && typeof value === 'string') return `wrap it: scheduler.ScheduleExpression.expression('${value}')`;
  if (kind.startsWith('list:') && !Array.isArray(value)) return `pass a list, such as [${JSON.stringify(value)}]`;
  if (KNOWN_STRUCTS[element]) return `pass an object with some of these keys, such as { ${KNOWN_STRUCTS[element].keys[0]}: ... }`;
  const make = MAKE[element];
  return make ?? `pass ${describeKind(kind)}`;
}

/**
 * Records a problem for each key of `value` (a `type` struct) that the struct does not have,
 * naming the nearest known key, and checks nested structs, lists of structs and the remembered
 * options of the library's classes the same way. A value of the wrong kind (a string where an
 * image or a Routing goes) is recorded too, and then the error is thrown at once: nothing after
 * could judge that prop (aws-cdk-lib would fail on it without naming it). `prop` is the path of
 * `value` in the props.
 */
export function checkKnownKeys(p: Problems, value: unknown, type: string, prop = '', what?: string): void {
  const before = p.count;
  const wrong = checkStruct(p, value, type, prop, what);
  if (wrong > 0 && p.count > before) p.throwIfAny();
}

/** Records the problems of one struct and what it holds; returns how many values were of the wrong kind. */
function checkStruct(p: Problems, value: unknown, type: string, prop: string, what?: string): number {
  const struct = KNOWN_STRUCTS[type];
  if (!struct) return 0;
  if ((value === undefined || value === null) && struct.required.length > 0) {
    // A constructor or factory called without the props it needs (JavaScript can).
    p.add(prop || 'props', value, `${describeKind(`object:${type}`)}; ${struct.required.join(', ')} required`,
      `pass { ${struct.required.map((k) => `${k}: ...`).join(', ')} }`);
    return 1;
  }
  if (value === null && !prop) {
    // Props that may be left out, passed as null (JavaScript can): the code after reads them as an object.
    p.add('props', value, `${describeKind(`object:${type}`)}, or nothing`, `pass {} or leave the props out`);
    return 1;
  }
  if (!isLiteral(value)) return 0;
  let wrong = 0;
  const at = (key: string): string => (prop ? `${prop}.${key}` : key);
  for (const key of struct.required) {
    if (value[key] !== undefined && value[key] !== null) continue;
    // Left out: the code after would read it (as JavaScript lets a caller leave it out).
    const kind = struct.kinds[key];
    const hint = REQUIRED[`${type}.${key}`] ?? REQUIRED[key];
    const fix = PRIMITIVES.includes(kind) ? `give ${at(key)}` : `give ${at(key)}: ${makeFix(undefined, kind)}`;
    p.add(at(key), value[key], hint?.allowed ?? `${describeKind(kind)} (required)`, hint?.fix ?? fix);
    wrong++;
  }
  for (const [key, v] of Object.entries(value)) {
    if (!struct.keys.includes(key)) {
      const near = nearestKey(key, type);
      p.add(at(key), v, `a key of ${what ?? type}: ${struct.keys.join(', ')}`,
        near ? `did you mean ${at(near)}? Rename the key to that, or remove it` : `remove ${key}: it is not an option here, so it would be ignored`);
      continue;
    }
    const kind = struct.kinds[key];
    if (kind && wrongKind(v, kind)) {
      p.add(at(key), v, describeKind(kind), makeFix(v, kind));
      // A string that is not of its enum is compared, never read: the other problems of the
      // call are still reported with it. Anything else of the wrong kind stops the check here.
      if (!kind.startsWith('enum:')) wrong++;
      continue;
    }
    const nested = struct.nested[key];
    if (nested === undefined || v === undefined || v === null) continue;
    if (nested.endsWith('[]')) {
      if (Array.isArray(v)) v.forEach((item, i) => { wrong += checkStruct(p, item, nested.slice(0, -2), `${at(key)}[${i}]`); });
    } else if (KNOWN_STRUCTS[nested]) {
      wrong += checkStruct(p, v, nested, at(key));
    } else if (typeof v === 'object') {
      const remembered = REMEMBERED.get(v as object);
      if (remembered) wrong += checkStruct(p, remembered.options, remembered.type, at(key), `${remembered.factory}'s options (${remembered.type})`);
    }
  }
  return wrong;
}

/** Throws the library's error when `props` (a `type` struct) has keys it does not know: for constructs with nothing else to check. */
export function refuseUnknownKeys(scope: IConstruct, props: unknown, type: string): void {
  const p = new Problems(scope);
  checkKnownKeys(p, props, type);
  p.throwIfAny();
}
