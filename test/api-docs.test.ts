import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Every public type and member of the package has a doc comment: read from the jsii assembly
 * (`.jsii`, written by `npm run build`), which is what API.md and every jsii language are made from.
 */

interface Documented {
  readonly name: string;
  readonly docs?: { readonly summary?: string };
}

interface AssemblyType extends Documented {
  readonly properties?: Documented[];
  readonly methods?: Documented[];
  /** Of an enum. */
  readonly members?: Documented[];
}

const ASSEMBLY = path.join(__dirname, '..', '.jsii');

function types(): Record<string, AssemblyType> {
  if (!fs.existsSync(ASSEMBLY)) throw new Error(`${ASSEMBLY} is missing: run \`npm run build\` first (npm test does)`);
  return JSON.parse(fs.readFileSync(ASSEMBLY, 'utf8')).types;
}

test('every public type, property, method and enum member has a doc comment', () => {
  // GIVEN the published types
  const published = Object.entries(types());
  // WHEN each and its members are read
  const undocumented = published.flatMap(([fqn, type]) => {
    const name = fqn.split('.').slice(1).join('.');
    const members = [...type.properties ?? [], ...type.methods ?? [], ...type.members ?? []];
    return [
      ...(type.docs?.summary ? [] : [name]),
      ...members.filter((m) => !m.docs?.summary).map((m) => `${name}.${m.name}`),
    ];
  });
  // THEN none lacks one (so the reader of API.md, or of the Python docs, always has a sentence)
  expect(published.length).toBeGreaterThan(50);
  expect(undocumented).toEqual([]);
});
