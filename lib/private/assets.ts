import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The folder of a pre-bundled Lambda handler (built by `npm run bundle` into assets/).
 * Works from the TypeScript sources (lib/...) and from the compiled package (build/lib/...).
 */
export function handlerAsset(name: string): string {
  for (const up of ['../..', '../../..']) {
    const dir = path.resolve(__dirname, up, 'assets', name);
    if (fs.existsSync(path.join(dir, 'index.js'))) return dir;
  }
  throw new Error(`cdk-container-platform: the bundled handler '${name}' is missing; run 'npm run bundle' (a packed release always includes it)`);
}
