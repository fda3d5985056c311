import * as fs from 'node:fs';
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

/** Where a path built from the string literals of `text` (a file at `file`, relative to the root) leaves the repository. */
export function outsidePaths(text: string, file: string): string[] {
  const dir = path.dirname(path.join(ROOT, file));
  const found: string[] = [];
  const outside = (p: string) => {
    const rel = path.relative(ROOT, p);
    return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  };
  // Absolute host paths: the repository's own parent, and the usual places of other machines' files.
  for (const m of text.matchAll(/['"`]((?:\/(?:work|home|root|Users|mnt|opt|srv|var\/lib)\/|[A-Za-z]:\\)[^'"`\s]*)/g)) found.push(m[1]);
  if (text.includes(path.dirname(ROOT) + '/')) found.push(path.dirname(ROOT) + '/');
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
  // The folder that holds this clone, wherever it is (CI clones it somewhere else than a laptop does).
  expect(outsidePaths(`const a = '${path.dirname(ROOT)}/shared/tools/x';`, 'lib/x.ts')).toContain(`${path.dirname(ROOT)}/`);
  // Paths inside the repository, and absolute paths inside a container or a URL, are not outside it.
  const inside = "import { Y } from '../util'; const e = join(__dirname, '..', 'assets'); const f = '/tmp'; const g = '/orders/*';";
  expect(outsidePaths(inside, 'test/lifecycle/x.test.ts')).toEqual([]);
});
