// Bundles the Lambda handler of each feature folder, lib/**/<feature>/handler/index.ts, into
// assets/<feature>/index.js with esbuild, so that the published package synthesizes in apps
// that have neither esbuild nor Docker. A handler/ folder holds only code that runs in Lambda:
// jsii leaves it out of the package and ESLint lints it as handler code (package.json, eslint.config.mjs).
//
// A bundle is written only when its content changed, through a temporary file renamed over
// the old one: an app synthesizing while this runs (CI lints the templates beside the tests,
// whose build bundles again) reads either the old bundle or the new one, never a partial file.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { build } from 'esbuild';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) return [];
    if (name === 'handler') return statSync(join(path, 'index.ts'), { throwIfNoEntry: false }) ? [join(path, 'index.ts')] : [];
    return find(path);
  });
}

const entries = find('lib');
const features = entries.map((entry) => basename(dirname(dirname(entry))));
const bundles = await Promise.all(entries.map((entry) => build({
  entryPoints: [entry],
  write: false,
  outfile: 'index.js',
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  legalComments: 'none',
  // The Lambda Node.js runtime ships the AWS SDK v3.
  external: ['@aws-sdk/*'],
  logLevel: 'warning',
})));

let written = 0;
bundles.forEach((result, i) => {
  const dir = join('assets', features[i]);
  const file = join(dir, 'index.js');
  const text = result.outputFiles[0].text;
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  mkdirSync(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
  written++;
});
// Bundles of handlers that moved or went away must not ship.
for (const name of existsSync('assets') ? readdirSync('assets') : []) {
  if (!features.includes(name)) rmSync(join('assets', name), { recursive: true, force: true });
}
console.log(`bundled ${entries.length} handlers into assets/ (${written} changed)`);
