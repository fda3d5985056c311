import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { CDK_CONTEXT, LEAN_METADATA } from '../../util';
import { CompiledBlock, LIB, PACKAGE } from './compile';

/** The README's account and region. */
export const README_ENV = { account: '123456789012', region: 'eu-west-1' };

/**
 * What `cdk synth` would pass a README block's `new App()`: cdk.json's context, and the
 * availability zones of the README's account and region, so that nothing is looked up.
 */
export const README_CONTEXT: Record<string, unknown> = {
  ...CDK_CONTEXT,
  [`availability-zones:account=${README_ENV.account}:region=${README_ENV.region}`]: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  ...LEAN_METADATA,
};

/**
 * The directory relative paths of the README start from, as `cdk synth` would run in a
 * project that has them: a new temporary one with `services/orders/Dockerfile`.
 */
export function readmeProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-project-'));
  fs.mkdirSync(path.join(dir, 'services', 'orders'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'services', 'orders', 'Dockerfile'), 'FROM public.ecr.aws/docker/library/node:22-alpine\n');
  return dir;
}

/**
 * Runs a compiled block as `cdk synth --no-validation` runs an app: in `cwd`, with the context
 * in CDK_CONTEXT_JSON (which `new App()` reads), `cdk-container-platform` resolving to lib/.
 * aws-cdk-lib's built-in CloudFormation validator is off (CDK_VALIDATION=false): it costs
 * about 8 s of CPU on its first run, and it checks the same constructs in the examples'
 * tests. Restores the directory and the environment after. Returns the block's app, synthesized.
 */
export function synthBlock(compiled: CompiledBlock, cwd: string): { app: App; assembly: CloudAssembly } {
  const env = { CDK_CONTEXT_JSON: JSON.stringify(README_CONTEXT), CDK_VALIDATION: 'false' };
  const previous = { cwd: process.cwd(), env: Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]])) };
  process.chdir(cwd);
  Object.assign(process.env, env);
  try {
    const module = { exports: {} as { app?: unknown } };
    const load = (id: string): unknown => require(id === PACKAGE ? LIB : id);
    new Function('require', 'module', 'exports', compiled.javascript)(load, module, module.exports);
    const app = module.exports.app;
    if (!(app instanceof App)) throw new Error(`README.md:${compiled.block.line}: the block (with fixture '${compiled.block.fixture}') exports no App named app`);
    return { app, assembly: app.synth() };
  } finally {
    process.chdir(previous.cwd);
    for (const [key, value] of Object.entries(previous.env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
