import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The published package.json: what npm runs, or lists for approval, when an app installs the
 * packed library. `prepare` runs on a local `npm install` and for git and linked installs, and
 * npm 11 lists it among a dependency's install scripts (with a warning), while its script,
 * scripts/bundle-lambdas.mjs, is not in the package. `prepack` runs only when the package is
 * packed or published (and for git installs, which have the whole repository): the build.
 * @see https://docs.npmjs.com/cli/v11/using-npm/scripts
 */
const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));

test('has no script that npm runs or lists when an app installs the package', () => {
  // GIVEN the lifecycle scripts of an installed dependency
  const installScripts = ['preinstall', 'install', 'postinstall', 'prepare'];
  // THEN
  expect(installScripts.filter((name) => name in pkg.scripts)).toEqual([]);
});

test('builds the library and bundles the Lambda handlers whenever it is packed, and ships both', () => {
  // THEN `npm pack` and `npm publish` compile build/lib from the sources as they are (a tarball
  // packed after an edit without a build would ship the last build's JavaScript) and bundle the
  // handlers first, and both go into the tarball
  expect(pkg.scripts.prepack).toBe('npm run -s build');
  expect(pkg.scripts.build).toMatch(/^npm run -s bundle && .*jsii /);
  expect(pkg.files).toEqual(expect.arrayContaining(['build/lib/**/*.js', 'assets/**']));
});

test('ships its JavaScript with its source maps beside it, not inside it: an app loads a third of the bytes', () => {
  // GIVEN jsii's default inline source maps with the TypeScript sources (3 MB of build/lib's JavaScript
  // against 0.85 MB without them), which every synth of an app reads and scans
  // THEN the maps are files of their own, shipped, with the sources in them (node --enable-source-maps
  // still reports lib/*.ts lines)
  expect(pkg.jsii.tsc).toEqual(expect.objectContaining({ sourceMap: true, inlineSourceMap: false, inlineSources: true }));
  expect(pkg.files).toEqual(expect.arrayContaining(['build/lib/**/*.js', 'build/lib/**/*.js.map']));
});
