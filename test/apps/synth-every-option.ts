// Synthesizes the every-option app (test/apps/every-option.ts) into CDK_OUTDIR, or a new
// temporary directory, and prints the directory: `node --import tsx test/apps/synth-every-option.ts`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { everyOptionApp } from './every-option';

const outdir = process.env.CDK_OUTDIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'every-option-'));
// aws-cdk-lib's built-in validation only when asked (CDK_VALIDATION=true): it skips nested templates anyway.
const assembly = everyOptionApp({ outdir, builtinCloudFormationValidation: process.env.CDK_VALIDATION === 'true' }).synth();
process.stdout.write(`${assembly.directory}\n`);
