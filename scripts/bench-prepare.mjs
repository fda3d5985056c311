// Builds what scripts/bench.mjs runs, as compiled JavaScript on both sides:
// - a scratch copy of the hand-written baseline (never modified in place), its own
//   `npm ci` and `tsc` build;
// - this library's bench/app.ts and lib/, transpiled file by file with esbuild.
// Everything goes to bench/.work/ (git-ignored).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Top-level entries of the baseline copy that are not its sources: outputs and our stamp. */
const PEER_SKIP = new Set(['node_modules', 'dist', 'cdk.out', '.out', '.bench-stamp.json']);

/**
 * Copies the baseline from `source` to `dir`, then installs and compiles it when its
 * sources changed since the last run (a stamp file records their hash).
 * Returns { dir, version } (its aws-cdk-lib version), or { dir, error } when it did not build.
 */
export function preparePeer(source, dir, log) {
  mkdirSync(dir, { recursive: true });
  cpSync(source, dir, { recursive: true, force: true, filter: (src) => !PEER_SKIP.has(relative(source, src).split('/')[0]) });
  makeWritable(dir); // the shared copy is read-only; tsc and npm write beside the sources

  const lockHash = hash([join(source, 'package-lock.json')]);
  const sourceHash = hash(listFiles(source).filter((f) => !PEER_SKIP.has(relative(source, f).split('/')[0])));
  const stampFile = join(dir, '.bench-stamp.json');
  const stamp = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, 'utf8')) : {};

  try {
    if (stamp.lockHash !== lockHash || !existsSync(join(dir, 'node_modules'))) {
      log('baseline: npm ci (its own dependencies) ...');
      rmSync(stampFile, { force: true });
      execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    if (stamp.sourceHash !== sourceHash || stamp.lockHash !== lockHash || !existsSync(join(dir, 'dist', 'bin', 'peer.js'))) {
      log('baseline: tsc ...');
      rmSync(join(dir, 'dist'), { recursive: true, force: true });
      execFileSync(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, stdio: 'inherit' });
    }
  } catch (e) {
    return { dir, error: `baseline build: ${String(e.message).split('\n')[0]}` };
  }
  writeFileSync(stampFile, JSON.stringify({ lockHash, sourceHash }));
  return { dir, version: cdkLibVersion(dir) };
}

/**
 * The CDK_CONTEXT_JSON for N services, as the baseline's scripts/cli-context.js builds it
 * (its cdk.json context, the CLI's defaults, `services`), with `extra` on top.
 */
export function peerContext(peerDir, n, extra = {}) {
  const json = execFileSync(process.execPath, [join(peerDir, 'scripts', 'cli-context.js'), String(n)], { encoding: 'utf8' });
  return JSON.stringify({ ...JSON.parse(json), ...extra, services: String(n) });
}

/**
 * Transpiles lib/**\/*.ts (except Lambda handlers, which are pre-bundled into assets/) and
 * bench/app.ts into `outDir`, keeping the folder layout so that `../lib` still resolves.
 * Returns { app, error }: the compiled app's path, or the first line of a build failure.
 */
export async function compilePlatform(root, outDir, log) {
  const assets = join(root, 'assets');
  if (!existsSync(assets) || readdirSync(assets).length === 0) {
    log('platform: bundling the Lambda handlers into assets/ (npm run bundle) ...');
    const r = spawnSync('npm', ['run', '--silent', 'bundle'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) return { error: 'npm run bundle failed' };
  }
  const { build } = await import('esbuild');
  const entryPoints = [
    ...listFiles(join(root, 'lib')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.split('/').includes('handler')),
    join(root, 'bench', 'app.ts'),
  ];
  rmSync(outDir, { recursive: true, force: true });
  try {
    await build({
      entryPoints,
      outbase: root,
      outdir: outDir,
      bundle: false,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'silent',
    });
  } catch (e) {
    const first = e.errors?.[0];
    const where = first?.location ? `${relative(root, first.location.file)}:${first.location.line}: ` : '';
    return { error: `esbuild: ${where}${first?.text ?? String(e.message).split('\n')[0]}` };
  }
  // lib/private/assets.ts looks for assets/ two or three folders above itself.
  symlinkSync(relative(outDir, assets), join(outDir, 'assets'));
  return { app: join(outDir, 'bench', 'app.js') };
}

/** The version of aws-cdk-lib installed for the project in `dir`. */
export function cdkLibVersion(dir) {
  return JSON.parse(readFileSync(join(dir, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')).version;
}

function listFiles(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function makeWritable(dir) {
  for (const name of readdirSync(dir)) {
    if (PEER_SKIP.has(name)) continue;
    const path = join(dir, name);
    chmodSync(path, statSync(path).mode | 0o200);
    if (statSync(path).isDirectory()) makeWritable(path);
  }
}

function hash(files) {
  const h = createHash('sha256');
  for (const f of files) h.update(f).update('\0').update(readFileSync(f));
  return h.digest('hex');
}
