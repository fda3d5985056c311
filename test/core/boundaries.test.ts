import * as fs from 'node:fs';
import * as path from 'node:path';

const LIB = path.join(__dirname, '..', '..', 'lib');

/**
 * The folders of lib/, lowest first: a folder imports only from folders before it (README, "How
 * it is built"). `testing` stands alone; `index.ts` at the top exports from all of them.
 */
const LAYERS = ['private', 'registry', 'testing', 'foundation', 'observability', 'deployment', 'pipeline', 'core', 'service', 'workloads', 'platform', 'assembly'];

/**
 * The feature folders of lib/deployment, lowest first, held the same way: the policies users
 * choose, what the plain custom-resource handlers share, the platform's claims, the deployed
 * state, the smoke test, the CodeDeploy side, the service provider, and the
 * strategies that put them together.
 */
const DEPLOYMENT_LAYERS = ['policy', 'custom-resource', 'claims', 'deployed-state', 'smoke-test', 'codedeploy', 'provider', 'strategies'];

interface Import {
  /** The importing file, relative to lib/. */
  readonly file: string;
  /** The imported file, relative to lib/. */
  readonly target: string;
}

/** Every relative import (and re-export) of the TypeScript files of lib/, type-only ones included. */
function libImports(): Import[] {
  const found: Import[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const source = fs.readFileSync(full, 'utf8');
        for (const match of source.matchAll(/^(?:import|export)\s[^;]*?from '(\.{1,2}\/[^']+)'/gms)) {
          const resolved = path.resolve(path.dirname(full), match[1]);
          const target = fs.existsSync(`${resolved}.ts`) ? `${resolved}.ts` : path.join(resolved, 'index.ts');
          found.push({ file: path.relative(LIB, full), target: path.relative(LIB, target) });
        }
      }
    }
  };
  walk(LIB);
  return found;
}

const folderOf = (file: string): string => file.split(path.sep)[0];
/** The feature folder of a file of lib/deployment, or undefined for a file elsewhere. */
const featureOf = (file: string): string | undefined => (folderOf(file) === 'deployment' ? file.split(path.sep)[1] : undefined);
/** Whether a file is Lambda code: in a handler/ folder, bundled into assets/ and left out of the package. */
const isHandler = (file: string): boolean => file.split(path.sep).includes('handler');

/** The imports of `folder` that reach into one of `forbidden`. */
function crossings(imports: Import[], folder: string, forbidden: string[]): string[] {
  return imports.filter((i) => folderOf(i.file) === folder && forbidden.includes(folderOf(i.target)))
    .map((i) => `${i.file} -> ${folderOf(i.target)}/`);
}

/** The cycles of a directed graph: its strongly connected components of more than one node (Tarjan). */
function cycles(edges: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

function graph(pairs: Array<[string, string]>): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const [from, to] of pairs) {
    if (!edges.has(from)) edges.set(from, new Set());
    if (!edges.has(to)) edges.set(to, new Set());
    edges.get(from)!.add(to);
  }
  return edges;
}

const imports = libImports();

describe('the reader of the import graph', () => {
  test('finds the imports it judges', () => {
    // GIVEN lib/service, which builds on the workload core
    // WHEN its imports are read
    const folders = imports.filter((i) => folderOf(i.file) === 'service').map((i) => folderOf(i.target));
    // THEN the core is among them, and type-only imports count too (so an empty answer below is
    // not a reader that finds nothing)
    expect(folders).toContain('core');
    expect(imports).toContainEqual({ file: path.join('service', 'options.ts'), target: path.join('foundation', 'platform-contract.ts') });
  });

  test('finds a cycle where there is one, and none where there is none', () => {
    // GIVEN a graph with a circle of three beside a chain
    const circle = graph([['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd'], ['d', 'e']]);
    // THEN the circle is found, and the chain is not part of it
    expect(cycles(circle)).toEqual([['a', 'b', 'c']]);
    expect(cycles(graph([['a', 'b'], ['b', 'c'], ['a', 'c']]))).toEqual([]);
  });
});

describe('the dependencies between parts', () => {
  test('every folder imports only from the folders below it: no circle between feature folders', () => {
    // GIVEN every import from one folder of lib/ into another
    const between = imports.filter((i) => i.file !== 'index.ts' && folderOf(i.file) !== folderOf(i.target));
    // THEN every folder is in the documented order, and each import goes down it
    const folders = new Set(between.flatMap((i) => [folderOf(i.file), folderOf(i.target)]));
    expect([...folders].filter((f) => !LAYERS.includes(f))).toEqual([]);
    const upward = between.filter((i) => LAYERS.indexOf(folderOf(i.target)) >= LAYERS.indexOf(folderOf(i.file)));
    expect(upward.map((i) => `${i.file} -> ${i.target}`)).toEqual([]);
  });

  test('no file imports itself through others, within a folder or across folders', () => {
    // GIVEN the import graph of every file of lib/
    const files = graph(imports.map((i) => [i.file, i.target]));
    // THEN it has no cycle
    expect(cycles(files)).toEqual([]);
  });

  test('services and workloads share the workload core, and neither reaches into the other', () => {
    // GIVEN the three folders of Fargate workloads
    // THEN services import nothing from workloads, workloads nothing from services, and the core neither
    expect(crossings(imports, 'service', ['workloads'])).toEqual([]);
    expect(crossings(imports, 'workloads', ['service'])).toEqual([]);
    expect(crossings(imports, 'core', ['service', 'workloads'])).toEqual([]);
  });

  test('no part below the platform knows the ContainerPlatform class: they are given the IContainerPlatform contract', () => {
    // GIVEN every import of lib/platform/container-platform.ts
    const users = imports.filter((i) => i.target === path.join('platform', 'container-platform.ts')).map((i) => i.file);
    // THEN only the platform folder and the package's index import it
    expect(users.filter((f) => f !== 'index.ts' && folderOf(f) !== 'platform')).toEqual([]);
  });

  test('no part is given the whole Microservice: only the platform imports it', () => {
    // GIVEN every import of lib/service/microservice.ts
    const users = imports.filter((i) => i.target === path.join('service', 'microservice.ts')).map((i) => i.file);
    // THEN the service folder, the platform that adds services and the index are the only importers
    expect(users.filter((f) => f !== 'index.ts' && !['service', 'platform'].includes(folderOf(f)))).toEqual([]);
  });
});

describe('the feature folders of lib/deployment', () => {
  const deployment = imports.filter((i) => featureOf(i.file) !== undefined);

  test('every file is in a feature folder, each folder in the documented order', () => {
    // GIVEN every TypeScript file of lib/deployment
    const files = new Set(deployment.flatMap((i) => [i.file, i.target]).filter((f) => featureOf(f) !== undefined));
    // THEN none lies loose in lib/deployment, and each folder is a layer
    expect([...files].filter((f) => !DEPLOYMENT_LAYERS.includes(featureOf(f)!))).toEqual([]);
  });

  test('each folder imports only from the folders below it', () => {
    // GIVEN every import from one feature folder into another
    const between = deployment.filter((i) => featureOf(i.target) !== undefined && featureOf(i.file) !== featureOf(i.target));
    // THEN each goes down the order
    const upward = between.filter((i) => DEPLOYMENT_LAYERS.indexOf(featureOf(i.target)!) >= DEPLOYMENT_LAYERS.indexOf(featureOf(i.file)!));
    expect(upward.map((i) => `${i.file} -> ${i.target}`)).toEqual([]);
    expect(between.length).toBeGreaterThan(0);
  });

  test('no code outside a handler/ folder imports one: the package never loads Lambda code', () => {
    // GIVEN every import of a file in a handler/ folder
    const intoHandlers = imports.filter((i) => isHandler(i.target) && !isHandler(i.file));
    // THEN only other handler code imports it (jsii leaves handler/ folders out of the package)
    expect(intoHandlers.map((i) => `${i.file} -> ${i.target}`)).toEqual([]);
    expect(imports.some((i) => isHandler(i.file) && isHandler(i.target))).toBe(true);
  });

  test('the package leaves out exactly the handler/ folders, and ESLint lints them as handlers', () => {
    // GIVEN the package's jsii settings and the ESLint configuration
    const root = path.join(LIB, '..');
    const jsii = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).jsii;
    const eslint = fs.readFileSync(path.join(root, 'eslint.config.mjs'), 'utf8');
    // THEN both name the handler/ folders by glob, and nothing else of lib/
    expect(jsii.excludeTypescript.filter((g: string) => g.startsWith('lib/'))).toEqual(['lib/**/handler/**']);
    expect(eslint).toContain("const HANDLERS = 'lib/**/handler/**/*.ts';");
  });
});
