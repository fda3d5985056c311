import * as fs from 'node:fs';
import * as path from 'node:path';

const LIB = path.join(__dirname, '..', '..', 'lib');

/** The lib/ folders each TypeScript file of a lib/ folder imports from (relative imports only). */
function importedFolders(folder: string): Array<{ file: string; imported: string }> {
  const found: Array<{ file: string; imported: string }> = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const source = fs.readFileSync(full, 'utf8');
        for (const match of source.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
          const target = path.relative(LIB, path.resolve(path.dirname(full), match[1]));
          found.push({ file: path.relative(LIB, full), imported: target.split(path.sep)[0] });
        }
      }
    }
  };
  walk(path.join(LIB, folder));
  return found;
}

/** The imports of `folder` that reach into one of `forbidden`. */
function crossings(folder: string, forbidden: string[]): string[] {
  return importedFolders(folder).filter((i) => forbidden.includes(i.imported)).map((i) => `${i.file} -> ${i.imported}/`);
}

test('the reader finds the imports it judges', () => {
  // GIVEN lib/service, which builds on the workload core
  // WHEN its imports are read
  const folders = importedFolders('service').map((i) => i.imported);
  // THEN the core is among them (so an empty answer below is not a reader that finds nothing)
  expect(folders).toContain('core');
});

test('services and workloads share the workload core, and neither reaches into the other', () => {
  // GIVEN the three folders of Fargate workloads
  // WHEN their imports are read
  // THEN services import nothing from workloads, workloads nothing from services, and the core neither
  expect(crossings('service', ['workloads'])).toEqual([]);
  expect(crossings('workloads', ['service'])).toEqual([]);
  expect(crossings('core', ['service', 'workloads'])).toEqual([]);
});
