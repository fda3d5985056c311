import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** Whether a path of the repository is one package.json `files` ships (its globs: `dir/**`, `dir/**\/*.ext`, or a file). */
function shipped(file: string, patterns: string[]): boolean {
  return patterns.some((pattern) => {
    const parts = pattern.split('/').map((part) => (part === '**' ? '(?:.*/)?' : `${part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}/`));
    const regex = new RegExp(`^${parts.join('').replace(/\/$/, '').replace(/\(\?:\.\*\/\)\?$/, '.*')}$`);
    return regex.test(file);
  });
}

test('every relative link of README.md (what npm shows on the package\'s page) names a file the package ships', () => {
  // GIVEN the README and what the package ships
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const files: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).files;
  // WHEN its links and images are read (absolute URLs and anchors aside)
  const links = [...readme.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1])
    .filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l) && !l.startsWith('#')).map((l) => l.replace(/#.*$/, ''));
  // THEN each is a file of the repository that the package ships
  expect(links.length).toBeGreaterThan(0);
  expect(links.filter((l) => !fs.existsSync(path.join(ROOT, l)) || !shipped(l, files))).toEqual([]);
});

test('the check bites: a link to a file the package does not ship is found', () => {
  expect(shipped('docs/platform.svg', ['build/lib/**/*.js', 'assets/**', 'API.md', 'README.md'])).toBe(false);
  expect(shipped('API.md', ['API.md'])).toBe(true);
  expect(shipped('assets/provider/index.js', ['assets/**'])).toBe(true);
});

test('README.md lists every warning the library gives by the ID that acknowledges it, and no other', () => {
  // GIVEN the IDs of the library's warnings (Problems.warn, the one way it warns)
  const files = (fs.readdirSync(path.join(ROOT, 'lib'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
  const given = new Set(files.flatMap((f) => [...fs.readFileSync(path.join(ROOT, 'lib', f), 'utf8').matchAll(/\.warn\(\s*'([a-z-]+)'/g)].map((m) => m[1])));
  // WHEN the README's list of them is read
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const list = /`cdk-container-platform:<id>` \(([^)]*)\)/.exec(readme)?.[1] ?? '';
  const listed = new Set([...list.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]));
  // THEN
  expect(given.size).toBeGreaterThanOrEqual(6);
  expect([...listed].sort()).toEqual([...given].sort());
});
