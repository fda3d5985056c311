import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The repository stands alone: a user's clone has nothing beside it, so no source, test,
 * script or example may name a path outside it. The one exception is where
 * `npm run lint:templates` looks for cfn-lint (a copy beside the repository, on CI machines),
 * which it does not need.
 */
const ROOT = path.resolve(__dirname, '..');
const FOLDERS = ['lib', 'test', 'scripts', 'bench', 'bin', 'examples'];
// The cfn-lint lookup, and this test's own examples of paths that leave the repository.
const ALLOWED = new Set(['scripts/lint-templates.mjs', 'test/self-contained.test.ts']);
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs|json)$/;

/**
 * Where a path built from the string literals of `text` (a file at `file`, relative to `root`,
 * the repository's root) leaves the repository.
 */
export function outsidePaths(text: string, file: string, root: string = ROOT): string[] {
  const dir = path.dirname(path.join(root, file));
  const found: string[] = [];
  const outside = (p: string) => {
    const rel = path.relative(root, p);
    return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  };
  // Absolute host paths: the usual places of other machines' files.
  for (const m of text.matchAll(/['"`]((?:\/(?:work|home|root|Users|mnt|opt|srv|var\/lib)\/|[A-Za-z]:\\)[^'"`\s]*)/g)) found.push(m[1]);
  // The folder that holds this clone, wherever it is: the clone's own absolute path, or anything
  // that is beside it on this machine. Not the folder's name alone: a clone under /tmp must not
  // take a container's /tmp/cache for a host path.
  const parent = path.dirname(root);
  if (parent !== path.dirname(parent)) {
    const escaped = parent.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const m of text.matchAll(new RegExp(`(?<![\\w.-])${escaped}/([\\w.-]+)`, 'g'))) {
      const beside = path.join(parent, m[1]);
      if (beside === root || fs.existsSync(beside)) found.push(m[0]);
    }
  }
  // Relative paths in literals (imports and requires included), resolved from the file's folder.
  for (const m of text.matchAll(/['"`](\.\.\/[^'"`\s]*)['"`]/g)) {
    if (outside(path.resolve(dir, m[1]))) found.push(m[1]);
  }
  // Paths joined from the file's folder or the repository's root: join(__dirname, '..', 'x').
  const bases: Record<string, string> = { __dirname: dir, 'import.meta.dirname': dir, ROOT, root: ROOT };
  for (const m of text.matchAll(/\b(?:join|resolve)\(\s*(__dirname|import\.meta\.dirname|ROOT|root)\s*,([^)]*)\)/g)) {
    const parts = [...m[2].matchAll(/'([^']*)'|"([^"]*)"/g)].map((s) => s[1] ?? s[2]);
    const joined = path.join(bases[m[1]], ...parts);
    if (outside(joined)) found.push(`${m[1]}, ${parts.map((x) => `'${x}'`).join(', ')}`);
  }
  return found;
}

function filesUnder(rel: string): string[] {
  const abs = path.join(ROOT, rel);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const child = path.posix.join(rel, e.name);
    if (e.isDirectory()) return ['node_modules', '.work', '__snapshots__'].includes(e.name) ? [] : filesUnder(child);
    return SOURCE.test(e.name) ? [child] : [];
  });
}

test('GIVEN every source, test, script, bench file and example WHEN read THEN none names a path outside the repository', () => {
  const offenders = FOLDERS.flatMap(filesUnder)
    .filter((file) => !ALLOWED.has(file))
    .flatMap((file) => outsidePaths(fs.readFileSync(path.join(ROOT, file), 'utf8'), file).map((p) => `${file}: ${p}`));
  expect(offenders).toEqual([]);
});

test('GIVEN paths that leave the repository WHEN checked THEN each is found', () => {
  const text = [
    "const b = '/home/me/baseline';",
    "import { X } from '../../../shared/peer-baseline/lib/x';",
    "const c = path.resolve(ROOT, '..', 'shared', 'peer-baseline');",
    "const d = join(__dirname, '..', '..', '..', 'elsewhere');",
  ].join('\n');
  expect(outsidePaths(text, 'test/lifecycle/x.test.ts')).toEqual([
    '/home/me/baseline',
    '../../../shared/peer-baseline/lib/x',
    "ROOT, '..', 'shared', 'peer-baseline'",
    "__dirname, '..', '..', '..', 'elsewhere'",
  ]);
  // Paths inside the repository, and absolute paths inside a container or a URL, are not outside it.
  const inside = "import { Y } from '../util'; const e = join(__dirname, '..', 'assets'); const f = '/tmp'; const g = '/orders/*';";
  expect(outsidePaths(inside, 'test/lifecycle/x.test.ts')).toEqual([]);
});

test('GIVEN a clone in a folder beside others WHEN a file names that folder THEN only the clone itself and what is beside it are outside', () => {
  // GIVEN a clone in a folder of its own (as CI clones it somewhere else than a laptop does), with a sibling
  const holder = fs.mkdtempSync(path.join(os.tmpdir(), 'holder-'));
  try {
    const root = path.join(holder, 'repo');
    fs.mkdirSync(path.join(holder, 'shared'));
    fs.mkdirSync(root);
    const text = [
      `const a = '${holder}/shared/tools/x';`,
      `const b = require('${holder}/repo/lib/y');`,
      `run('cd ${holder}/shared && make');`,
      // A container's path that the folder's name happens to start (a clone under /tmp, and /tmp/cache).
      `const c = '${holder}/cache';`,
      `const d = '${holder}/';`,
    ].join('\n');
    // WHEN checked / THEN the sibling (twice) and the clone's own absolute path are found, the rest is not
    expect(outsidePaths(text, 'lib/x.ts', root)).toEqual([`${holder}/shared`, `${holder}/repo`, `${holder}/shared`]);
  } finally {
    fs.rmSync(holder, { recursive: true, force: true });
  }
});
