// Bundles the Lambda handler of each feature folder, lib/**/<feature>/handler/index.ts, into
// assets/<feature>/index.js with esbuild, so that the published package synthesizes in apps
// that have neither esbuild nor Docker. A handler/ folder holds only code that runs in Lambda:
// jsii leaves it out of the package and ESLint lints it as handler code (package.json, eslint.config.mjs).
import { readdirSync, rmSync, statSync } from 'node:fs';
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
// Bundles of handlers that moved or went away must not ship.
rmSync('assets', { recursive: true, force: true });
await Promise.all(entries.map((entry) => build({
  entryPoints: [entry],
  outfile: join('assets', basename(dirname(dirname(entry))), 'index.js'),
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
console.log(`bundled ${entries.length} handlers into assets/`);
