// Builds what scripts/bench.mjs runs, as compiled JavaScript on both sides, transpiled file
// by file with TypeScript's emit (the published build's settings) and run against the
// repository's own node_modules (one aws-cdk-lib):
// - this library's bench/app.ts and lib/;
// - the hand-written plain aws-cdk-lib baseline and the floor, bench/baseline/*.ts.
// Everything goes to bench/.work/ (git-ignored).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * The context the CDK CLI hands an app (CDK_CONTEXT_JSON): its defaults, then cdk.json's
 * context (feature flags and the platform region's availability zones), then `services`
 * when `n` is given. One context for the floor, the baseline and the platform.
 * Left out of the CLI's defaults: "@aws-cdk/core:failSynthOnValidationErrors": false, with
 * which the app leaves validation errors for the CLI to report and exits 0; without the CLI,
 * the app itself must fail for the benchmark to see it.
 */
export function cliContext(root, n) {
  const cdkJson = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8'));
  return JSON.stringify({
    'aws:cdk:enable-path-metadata': true,
    'aws:cdk:enable-asset-metadata': true,
    'aws:cdk:version-reporting': true,
    'aws:cdk:bundling-stacks': ['**'],
    ...cdkJson.context,
    ...(n === undefined ? {} : { services: String(n) }),
  });
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
  const error = await transpile(root, outDir, [
    ...listFiles(join(root, 'lib')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.split('/').includes('handler')),
    join(root, 'bench', 'app.ts'),
  ]);
  if (error) return { error };
  // lib/private/assets.ts finds assets/ beside the nearest package.json above it: the repository's.
  return { app: join(outDir, 'bench', 'app.js') };
}

/**
 * Transpiles bench/baseline/*.ts into `outDir`. Returns { app, floor, error }: the compiled
 * baseline app and floor, or the first line of a build failure.
 */
export async function compileBaseline(root, outDir) {
  const dir = join(root, 'bench', 'baseline');
  const error = await transpile(root, outDir, readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f)));
  if (error) return { error };
  return { app: join(outDir, 'bench', 'baseline', 'app.js'), floor: join(outDir, 'bench', 'baseline', 'floor.js') };
}

/** The version of aws-cdk-lib installed for the project in `dir`. */
export function cdkLibVersion(dir) {
  return JSON.parse(readFileSync(join(dir, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')).version;
}

/**
 * The emit settings of the published build (jsii's tsc: target ES2023, CommonJS for this
 * package's .ts files, esModuleInterop). Each side is transpiled as the library's users get
 * it: `import * as ecs from 'aws-cdk-lib/aws-ecs'` is a plain `require` of aws-cdk-lib's module
 * (an ES-module-flagged object is used as it is), where esbuild's interop would copy every
 * export of it into a new object at each import. Transpiling lib/ with these settings gives
 * build/lib's JavaScript except the type markers jsii adds to exported classes (compared file
 * by file at 6680e40).
 */
export const EMIT_OPTIONS = { target: 'ES2023', module: 'CommonJS', esModuleInterop: true, alwaysStrict: true };

/**
 * Transpiles `entryPoints` (TypeScript under `root`) to CommonJS in a fresh `outDir`, file by
 * file with TypeScript's own emit (EMIT_OPTIONS, no type check), with the same layout, so
 * that their imports of aws-cdk-lib resolve to root's node_modules.
 * Returns the first line of a failure, or undefined.
 */
async function transpile(root, outDir, entryPoints) {
  const { default: ts } = await import('typescript');
  const compilerOptions = ts.convertCompilerOptionsFromJson(EMIT_OPTIONS, root).options;
  rmSync(outDir, { recursive: true, force: true });
  for (const file of entryPoints) {
    const { outputText, diagnostics } = ts.transpileModule(readFileSync(file, 'utf8'), { fileName: file, compilerOptions, reportDiagnostics: true });
    const error = diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
    if (error) {
      const line = error.file && error.start !== undefined ? error.file.getLineAndCharacterOfPosition(error.start).line + 1 : '?';
      return `typescript: ${relative(root, file)}:${line}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n').split('\n')[0]}`;
    }
    const out = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  return undefined;
}

function listFiles(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
