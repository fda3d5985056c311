import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The published package.json: what npm runs, or lists for approval, when an app installs the
 * packed library. `prepare` runs on a local `npm install` and for git and linked installs, and
 * npm 11 lists it among a dependency's install scripts (with a warning), while its script,
 * scripts/bundle-lambdas.mjs, is not in the package. `prepack` runs only when the package is
 * packed or published (and for git installs, which have the whole repository).
 * @see https://docs.npmjs.com/cli/v11/using-npm/scripts
 */
const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));

test('has no script that npm runs or lists when an app installs the package', () => {
  // GIVEN the lifecycle scripts of an installed dependency
  const installScripts = ['preinstall', 'install', 'postinstall', 'prepare'];
  // THEN
  expect(installScripts.filter((name) => name in pkg.scripts)).toEqual([]);
});

test('bundles the Lambda handlers into assets/ whenever it is packed, and ships them', () => {
  // THEN the handlers are built before `npm pack` and `npm publish` and go into the tarball
  expect(pkg.scripts.prepack).toBe('node scripts/bundle-lambdas.mjs');
  expect(pkg.files).toContain('assets/**');
});
