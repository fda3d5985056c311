import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { CDK_CONTEXT, LEAN_METADATA } from './util';

/** One finding of a policy-validation plugin, as validation-report.json records it. */
export interface Finding {
  readonly plugin: string;
  readonly rule: string;
  readonly paths: string[];
}

export interface ComplianceReport {
  readonly violations: Finding[];
  readonly suppressed: Finding[];
  readonly stacks: Stack[];
  /** The app, synthesized (with the built-in CloudFormation validator, as `cdk synth` runs it). */
  readonly app: App;
  /** Its cloud assembly's directory. */
  readonly assemblyDir: string;
}

/**
 * Synthesizes the stacks `build` adds to a fresh App with both cdk-nag packs (AwsSolutions,
 * NIST 800-53 R5) and the Control Tower proactive controls (cfn-guard) plugged in, and
 * returns what they found, unacknowledged and acknowledged.
 */
export function checkCompliance(build: (app: App) => void): ComplianceReport {
  const app = new App({ context: { ...CDK_CONTEXT, ...LEAN_METADATA } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app), new CfnGuardValidator());
  build(app);
  let assemblyDir = app.outdir;
  try {
    assemblyDir = app.synth().directory;
  } catch (e) {
    // A plugin error makes synth throw under NODE_ENV=test; the report is written first.
    if (!fs.existsSync(path.join(app.outdir, 'validation-report.json'))) throw e;
  }
  const report = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'validation-report.json'), 'utf8'));
  const collect = (key: string): Finding[] => (report.pluginReports ?? []).flatMap((r: any) =>
    (r[key] ?? []).map((v: any) => ({
      plugin: r.summary?.pluginName ?? r.pluginName ?? '?',
      rule: v.ruleName,
      paths: (v.violatingConstructs ?? v.violatingResources ?? []).map((c: any) => c.constructPath ?? c.resourceLogicalId ?? JSON.stringify(c)),
    })));
  const stacks = app.node.children.filter((c): c is Stack => Stack.isStack(c));
  return { violations: collect('violations'), suppressed: collect('suppressedViolations'), stacks, app, assemblyDir };
}

/** A readable list of findings for a failing assertion. */
export function describeFindings(findings: Finding[]): string {
  return findings.map((f) => `${f.plugin} ${f.rule}: ${f.paths.join(', ')}`).join('\n');
}
