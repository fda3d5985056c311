import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package's root: the nearest folder above this file with a package.json (the repository, or the installed package). */
function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/**
 * The folder of a pre-bundled Lambda handler: the `handler/index.ts` of feature folder `name`, built by `npm run bundle` into `assets/<name>/`.
 * Works from the TypeScript sources (lib/...) and from the compiled package (build/lib/...).
 */
export function handlerAsset(name: string): string {
  const dir = path.join(packageRoot(), 'assets', name);
  if (fs.existsSync(path.join(dir, 'index.js'))) return dir;
  throw new Error(`cdk-container-platform: the bundled handler '${name}' is missing; run 'npm run bundle' (a packed release always includes it)`);
}
