import * as fs from 'node:fs';
import * as path from 'node:path';
import { NAME_LIMITS } from '../../lib/private/name-limits';

const LIB = path.join(__dirname, '..', '..', 'lib');

/** Every TypeScript file of lib/ but the table itself, with its text. */
function sources(dir = LIB): Array<[string, string]> {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e): Array<[string, string]> => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') && e.name !== 'name-limits.ts' ? [[path.relative(LIB, full), fs.readFileSync(full, 'utf8')]] : [];
  });
}

describe('the one table of name limits', () => {
  test('every name the library shortens takes its limit from the table, not a number of its own', () => {
    // GIVEN every call that fits a name to a limit
    const calls = sources().flatMap(([file, text]) => [...text.matchAll(/(?:fitName|platformScopedName|instanceUniqueName)\([^;]*?,\s*([^,()]+)\)/g)]
      .map((m) => `${file}: ${m[1].trim()}`));
    // THEN each limit is an entry of the table (or the caller's own parameter)
    expect(calls.length).toBeGreaterThanOrEqual(4);
    expect(calls.filter((c) => /: \d+$/.test(c))).toEqual([]);
  });

  test('no file keeps a name-length constant of its own', () => {
    // GIVEN every constant named like a name limit
    const constants = sources().flatMap(([file, text]) => [...text.matchAll(/const (MAX_\w*(?:NAME|ID)_LENGTH) = (\d+)/g)].map((m) => `${file}: ${m[1]} = ${m[2]}`));
    // THEN none is a number of its own
    expect(constants).toEqual([]);
  });

  test('every entry is used, with the policy it states', () => {
    // GIVEN the table and the library's sources
    const text = sources().map(([, t]) => t).join('\n');
    // THEN each entry is read somewhere
    for (const key of Object.keys(NAME_LIMITS)) expect({ key, used: text.includes(`NAME_LIMITS.${key}.max`) }).toEqual({ key, used: true });
    // AND the entries fitted by a digest are the physical names the library makes
    expect(Object.entries(NAME_LIMITS).filter(([, l]) => l.policy === 'fit').map(([k]) => k).sort())
      .toEqual(['alarmName', 'codeCommitRepository', 'serviceName', 'workloadName']);
  });
});
