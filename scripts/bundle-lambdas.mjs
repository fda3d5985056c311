// Bundles every lib/**/NAME.lambda.ts into assets/NAME/index.js with esbuild, so that the
// published package synthesizes in apps that have neither esbuild nor Docker.
import { readdirSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';
import { build } from 'esbuild';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.lambda.ts') ? [path] : [];
  });
}

const entries = find('lib');
await Promise.all(entries.map((entry) => build({
  entryPoints: [entry],
  outfile: join('assets', basename(entry, '.lambda.ts'), 'index.js'),
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
