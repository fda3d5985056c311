// Writes lib/private/known-keys.data.ts from the jsii assembly (.jsii, made by `npm run build`):
// every key of every props and options struct of the package, and which keys hold another
// struct (or a class whose factory takes one) of the package. The library refuses unknown keys
// with that list; test/core/known-keys.test.ts fails when the file is not what this writes.
//
//   npm run build && node --import tsx scripts/known-keys.ts
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ASSEMBLY = path.join(__dirname, '..', '.jsii');
export const DATA_FILE = path.join(__dirname, '..', 'lib', 'private', 'known-keys.data.ts');

interface TypeRef {
  readonly fqn?: string;
  readonly primitive?: string;
  readonly collection?: { readonly kind: string; readonly elementtype: TypeRef };
}

interface AssemblyType {
  readonly kind: string;
  readonly name: string;
  readonly datatype?: boolean;
  readonly interfaces?: string[];
  readonly properties?: Array<{ readonly name: string; readonly type: TypeRef; readonly optional?: boolean }>;
}

/** The types of the package's own jsii assembly. */
export function assemblyTypes(file = ASSEMBLY): Record<string, AssemblyType> {
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  return JSON.parse(fs.readFileSync(file, 'utf8')).types;
}

/** What the library knows of one struct: every key (inherited ones too), the package type each nested one holds, and each key's kind. */
export interface KnownStruct {
  readonly keys: string[];
  readonly nested: Record<string, string>;
  /**
   * What each key holds, to refuse a value of the wrong kind before aws-cdk-lib fails on it without
   * naming the prop: `string`, `number`, `boolean`, `any` (not judged), `enum:<fqn>` (a member of that enum),
   * `object:<Type>` (an instance: a class, an interface or a struct), `list:<kind>`, `map:<kind>`.
   */
  readonly kinds: Record<string, string>;
  /** The keys that must be given (not optional in the interface): JavaScript can leave them out. */
  readonly required: string[];
}

/** The type of a jsii fqn as code names it: `ecs.ContainerImage`, `Duration`, `Routing`. */
function displayName(fqn: string): string {
  const parts = fqn.split('.');
  if (parts[0] !== 'aws-cdk-lib') return parts.slice(1).join('.');
  return parts.slice(1).map((p) => p.replace(/^aws_/, '').replace(/_/g, '')).join('.');
}

/** Whether an fqn of another package names an enum, found from the package's exports: a TS enum is a plain object, a class a function, an interface nothing. */
function isForeignEnum(fqn: string): boolean {
  const [pkg, ...path] = fqn.split('.');
  let value: unknown;
  try {
    value = path.reduce<any>((m, k) => m?.[k], require(pkg));
  } catch {
    return false;
  }
  return value !== null && typeof value === 'object';
}

function kindOf(t: TypeRef, types: Record<string, AssemblyType>): string {
  if (t.primitive) return ['string', 'number', 'boolean'].includes(t.primitive) ? t.primitive : 'any';
  if (t.collection) return `${t.collection.kind === 'array' ? 'list' : 'map'}:${kindOf(t.collection.elementtype, types)}`;
  if (t.fqn) {
    const own = types[t.fqn];
    if (own ? own.kind === 'enum' : isForeignEnum(t.fqn)) return `enum:${t.fqn}`;
    return `object:${displayName(t.fqn)}`;
  }
  return 'any';
}

/** Every struct of the assembly, by name, with its keys and nested package types (`Name`, or `Name[]` for a list). */
export function knownStructs(types: Record<string, AssemblyType>): Record<string, KnownStruct> {
  // Structs are checked key by key; a class (Deployment, Routing, Source...) by the options its factory was given.
  const own = (fqn: string | undefined): string | undefined =>
    (fqn && types[fqn] && (types[fqn].datatype || types[fqn].kind === 'class') ? types[fqn].name : undefined);
  const propertiesOf = (fqn: string): Array<{ name: string; type: TypeRef; optional?: boolean }> => {
    const t = types[fqn];
    return [...(t.interfaces ?? []).filter((i) => types[i]).flatMap(propertiesOf), ...(t.properties ?? [])];
  };
  const result: Record<string, KnownStruct> = {};
  for (const [fqn, t] of Object.entries(types).filter(([, x]) => x.datatype).sort(([, a], [, b]) => a.name.localeCompare(b.name))) {
    const nested: Record<string, string> = {};
    const kinds: Record<string, string> = {};
    const keys = new Set<string>();
    const required = new Set<string>();
    for (const p of propertiesOf(fqn)) {
      keys.add(p.name);
      if (!p.optional) required.add(p.name);
      kinds[p.name] = kindOf(p.type, types);
      const single = own(p.type.fqn);
      const listed = p.type.collection?.kind === 'array' ? own(p.type.collection.elementtype.fqn) : undefined;
      if (single) nested[p.name] = single;
      else if (listed) nested[p.name] = `${listed}[]`;
    }
    const sortedKinds = Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => a.localeCompare(b)));
    result[t.name] = { keys: [...keys].sort(), nested, kinds: sortedKinds, required: [...required].sort() };
  }
  return result;
}

/** The source of lib/private/known-keys.data.ts. */
export function knownKeysSource(types: Record<string, AssemblyType> = assemblyTypes()): string {
  const structs = knownStructs(types);
  const lines = [
    '// Generated by scripts/known-keys.ts from the jsii assembly: do not edit. After changing a props or',
    '// options interface, run `npm run build && node --import tsx scripts/known-keys.ts` (test/core/known-keys.test.ts',
    '// fails until this file says what the assembly does).',
    '',
    '/** Every key of each props and options struct of the package, and the package type each nested one holds. */',
    'export const KNOWN_STRUCTS: Record<string, {',
    '  readonly keys: readonly string[];',
    '  readonly nested: Readonly<Record<string, string>>;',
    '  readonly kinds: Readonly<Record<string, string>>;',
    '  readonly required: readonly string[];',
    '}> = {',
  ];
  for (const [name, s] of Object.entries(structs)) {
    const nested = Object.entries(s.nested).map(([k, v]) => `${k}: '${v}'`).join(', ');
    const kinds = Object.entries(s.kinds).map(([k, v]) => `${k}: '${v}'`).join(', ');
    lines.push(`  ${name}: {`, `    keys: [${s.keys.map((k) => `'${k}'`).join(', ')}],`, `    nested: { ${nested} },`.replace('{  }', '{}'),
      `    kinds: { ${kinds} },`.replace('{  }', '{}'), `    required: [${s.required.map((k) => `'${k}'`).join(', ')}],`, '  },');
  }
  lines.push('};', '');
  return lines.join('\n');
}

if (require.main === module) {
  fs.writeFileSync(DATA_FILE, knownKeysSource());
  console.log(`wrote ${path.relative(process.cwd(), DATA_FILE)}`);
}
