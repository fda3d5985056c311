import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { CDK_CONTEXT } from '../util';
import { CloudAssembly } from './model/assembly';

const cache = new Map<string, CloudAssembly>();

/**
 * The cloud assembly of an app, synthesized once per test file and key (the built-in
 * CloudFormation validation off: the model is what checks the templates here).
 */
export function synth(key: string, build: (app: App) => void): CloudAssembly {
  const cached = cache.get(key);
  if (cached) return cached;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-'));
  const app = new App({ outdir, context: { ...CDK_CONTEXT, 'aws:cdk:disable-stack-trace': true }, builtinCloudFormationValidation: false, treeMetadata: false });
  build(app);
  app.synth();
  const assembly = new CloudAssembly(outdir);
  cache.set(key, assembly);
  return assembly;
}
