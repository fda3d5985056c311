import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { CDK_CONTEXT, LEAN_METADATA } from '../util';
import { CloudAssembly } from './model/assembly';

const cache = new Map<string, CloudAssembly>();
/** The key of each synthesized app by a digest of its templates. */
const keysByTemplates = new Map<string, string>();

/** A digest of every template file of the assembly in `dir`, nested ones included. */
function templatesDigest(dir: string): string {
  const hash = crypto.createHash('sha256');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).sort()) {
    hash.update(`${file}\n`).update(fs.readFileSync(path.join(dir, file)));
  }
  return hash.digest('hex');
}

/**
 * The cloud assembly of an app, synthesized once per test file and key (the built-in
 * CloudFormation validation off: the model is what checks the templates here). Two keys whose
 * apps synthesize the same templates fail: a `cdk deploy` of one after the other would change
 * nothing, so a scenario that means to change something would test nothing.
 */
export function synth(key: string, build: (app: App) => void): CloudAssembly {
  const cached = cache.get(key);
  if (cached) return cached;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-'));
  const app = new App({ outdir, context: { ...CDK_CONTEXT, ...LEAN_METADATA }, builtinCloudFormationValidation: false, treeMetadata: false });
  build(app);
  app.synth();
  const digest = templatesDigest(outdir);
  const same = keysByTemplates.get(digest);
  if (same !== undefined) throw new Error(`the lifecycle app '${key}' synthesizes the same templates as '${same}': a cdk deploy from one to the other changes nothing`);
  keysByTemplates.set(digest, key);
  const assembly = new CloudAssembly(outdir);
  cache.set(key, assembly);
  return assembly;
}
