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
  if (options !== undefined && options !== null && typeof options === 'object') REMEMBERED.set(instance, { type, factory, options });
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

/**
 * Records a problem for each key of `value` (a `type` struct) that the struct does not have,
 * naming the nearest known key, and checks nested structs, lists of structs and the remembered
 * options of the library's classes the same way. `prop` is the path of `value` in the props.
 */
export function checkKnownKeys(p: Problems, value: unknown, type: string, prop = '', what?: string): void {
  const struct = KNOWN_STRUCTS[type];
  if (!struct || !isLiteral(value)) return;
  const at = (key: string): string => (prop ? `${prop}.${key}` : key);
  for (const [key, v] of Object.entries(value)) {
    if (!struct.keys.includes(key)) {
      const near = nearestKey(key, type);
      p.add(at(key), v, `a key of ${what ?? type}: ${struct.keys.join(', ')}`,
        near ? `did you mean ${at(near)}? Rename the key to that, or remove it` : `remove ${key}: it is not an option here, so it would be ignored`);
      continue;
    }
    const nested = struct.nested[key];
    if (nested === undefined || v === undefined || v === null) continue;
    if (nested.endsWith('[]')) {
      if (Array.isArray(v)) v.forEach((item, i) => checkKnownKeys(p, item, nested.slice(0, -2), `${at(key)}[${i}]`));
    } else if (KNOWN_STRUCTS[nested]) {
      checkKnownKeys(p, v, nested, at(key));
    } else if (typeof v === 'object') {
      const remembered = REMEMBERED.get(v as object);
      if (remembered) checkKnownKeys(p, remembered.options, remembered.type, at(key), `${remembered.factory}'s options (${remembered.type})`);
    }
  }
}

/** Throws the library's error when `props` (a `type` struct) has keys it does not know: for constructs with nothing else to check. */
export function refuseUnknownKeys(scope: IConstruct, props: unknown, type: string): void {
  const p = new Problems(scope);
  checkKnownKeys(p, props, type);
  p.throwIfAny();
}
