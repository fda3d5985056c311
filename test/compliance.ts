import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
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
  /** The app, synthesized. */
  readonly app: App;
  /** Its cloud assembly's directory. */
  readonly assemblyDir: string;
}

/** The plugin name the Control Tower findings carry, as in validation-report.json. */
export const CONTROL_TOWER = 'cdk-validator-cfnguard';

/**
 * Synthesizes the stacks `build` adds to a fresh App and returns what was found, unacknowledged
 * and acknowledged:
 * - both cdk-nag packs (AwsSolutions, NIST 800-53 R5) as CDK policy-validation plugins;
 * - the Control Tower proactive controls (the cfn-guard rules and binary that
 *   `@cdklabs/cdk-validator-cfnguard` ships) on EVERY template file of the assembly, nested ones
 *   included. As a validation plugin it receives only the top-level templates (CDK's
 *   `templatePaths`), while Control Tower runs its controls as CloudFormation hooks on every
 *   resource of every stack, nested ones too; so it is run here on each file, and its findings
 *   are acknowledged as CDK acknowledges them (the closest construct up the path of the
 *   resource's `aws:cdk:path` that acknowledged `cdk-validator-cfnguard::<rule>`).
 *
 * With `cdk: true` the app is as `cdk synth` builds it: with aws-cdk-lib's built-in CloudFormation
 * validator on its top-level templates, and the tree metadata (the examples). Without, neither:
 * the validator reads no nested template, where a service's resources are, and starting its
 * WebAssembly engine cost each test file about 2 s of CPU (`npm run lint:templates` runs
 * cfn-lint over every template file of the every-option app).
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/proactive-controls.html
 */
export function checkCompliance(build: (app: App) => void, options: { readonly cdk?: boolean } = {}): ComplianceReport {
  const cdk = options.cdk ?? false;
  const app = new App({ context: { ...CDK_CONTEXT, ...LEAN_METADATA }, builtinCloudFormationValidation: cdk, treeMetadata: cdk });
  build(app);
  return checkAppCompliance(app);
}

/** The same checks on an app already built (not yet synthesized), as it was built. */
export function checkAppCompliance(app: App): ComplianceReport {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
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
  const controlTower = controlTowerFindings(assemblyDir, resourcePaths(app));
  const stacks = app.node.children.filter((c): c is Stack => Stack.isStack(c));
  return {
    violations: [...collect('violations'), ...controlTower.violations],
    suppressed: [...collect('suppressedViolations'), ...controlTower.suppressed],
    stacks,
    app,
    assemblyDir,
  };
}

/**
 * The construct path of every resource of the app, by its template file's name and logical ID
 * (what the templates' `aws:cdk:path` metadata would say, which the app leaves out: the same app
 * gives the examples' snapshots).
 */
function resourcePaths(app: App): Map<string, Map<string, string>> {
  const paths = new Map<string, Map<string, string>>();
  for (const resource of app.node.findAll().filter((c): c is CfnResource => c instanceof CfnResource)) {
    const stack = Stack.of(resource);
    if (!paths.has(stack.templateFile)) paths.set(stack.templateFile, new Map());
    paths.get(stack.templateFile)!.set(stack.resolve(resource.logicalId), resource.node.path);
  }
  return paths;
}

/** Every template file of a cloud assembly (nested ones are files beside the top-level ones). */
function templateFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).map((f) => path.join(dir, f)).sort();
}

/** What each construct path acknowledged, from every stack's metadata file of the assembly: rule ID → construct path → reason. */
function acknowledgements(dir: string): Map<string, Map<string, string>> {
  const acks = new Map<string, Map<string, string>>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.metadata.json'))) {
    const metadata = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, Array<{ type: string; data?: Record<string, string> }>>;
    for (const [constructPath, entries] of Object.entries(metadata)) {
      for (const entry of entries.filter((e) => e.type === 'aws:cdk:acknowledged-rules')) {
        for (const [id, reason] of Object.entries(entry.data ?? {})) {
          if (!acks.has(id)) acks.set(id, new Map());
          acks.get(id)!.set(constructPath.replace(/^\//, ''), reason);
        }
      }
    }
  }
  return acks;
}

/**
 * The cfn-guard binary and the Control Tower rules that `@cdklabs/cdk-validator-cfnguard` ships
 * (where its plugin finds them: bin/<ubuntu|macos>/<x86_64|aarch64>/cfn-guard and
 * rules/control-tower/cfn-guard), so that they run offline.
 */
function guard(): { binary: string; rules: string } {
  const root = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
  const platform = os.platform() === 'darwin' ? 'macos' : 'ubuntu';
  const arch = os.arch() === 'arm64' ? 'aarch64' : 'x86_64';
  return { binary: path.join(root, 'bin', platform, arch, 'cfn-guard'), rules: path.join(root, 'rules', 'control-tower', 'cfn-guard') };
}

/** Every rule file under `dir`, with the resource types it names ("AWS::ECS::TaskDefinition"), read once. */
let ruleTypes: Array<{ file: string; types: string[] }> | undefined;
function ruleFiles(dir: string): Array<{ file: string; types: string[] }> {
  return ruleTypes ??= (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.guard')).sort().map((f) => {
    const file = path.join(dir, f);
    return { file, types: [...new Set([...fs.readFileSync(file, 'utf8').matchAll(/["'](AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)["']/g)].map((m) => m[1]))].sort() };
  });
}

/**
 * The rule files in groups that name the same resource types (237 files, 114 groups now); a
 * group of files that name none has `types` undefined: they may read any resource.
 */
export function ruleGroups(): Array<{ types: Set<string> | undefined; files: string[] }> {
  const groups = new Map<string, string[]>();
  for (const { file, types } of ruleFiles(guard().rules)) groups.set(types.join(' '), [...(groups.get(types.join(' ')) ?? []), file]);
  return [...groups].map(([key, files]) => ({ types: key === '' ? undefined : new Set(key.split(' ')), files }));
}

/**
 * A template as a rule that names `types` needs to read it: its resources of those types (a rule
 * reaches another resource only through a type it names, as ct-cloudwatch-pr-3 follows a log
 * group's KmsKeyId to an AWS::KMS::Key), every other section whole; undefined when it has none
 * of them (the rule skips such a template); the whole template when `types` is undefined.
 */
export function guardedPart(template: any, types: Set<string> | undefined): any {
  if (!types) return template;
  const resources = Object.entries(template.Resources ?? {}).filter(([, r]: [string, any]) => types.has(r.Type));
  return resources.length === 0 ? undefined : { ...template, Resources: Object.fromEntries(resources) };
}

/**
 * The rules each template file fails, and the resources that fail them: the logical IDs of the
 * `/Resources/<id>/...` paths cfn-guard reports under each rule that is not compliant. (The
 * plugin's own parser of this output throws on some nested templates' results.)
 *
 * cfn-guard 3.1's time is about the number of rule files it runs times the size of the data it
 * reads (each rule file costs some 100 ms on a 200 KB template, even one without a resource of
 * its types), so each group of rule files ({@link ruleGroups}) reads copies of the templates
 * holding only the resources of the group's types ({@link guardedPart}), under the same file
 * names: on the every-option app 5.3 s instead of 11.4 s for all rules on the templates'
 * resources of any named type, and 39 s for the whole templates, with the same findings (153;
 * the examples' 52, the teams' apps' 18 and 9). `whole`: every rule reads the whole templates
 * (a test compares the two).
 */
function runGuard(files: string[], templates: Map<string, any>, whole: boolean): Array<{ file: string; rule: string; resources: string[] }> {
  const { binary } = guard();
  const groups = whole ? [{ types: undefined, files: ruleGroups().flatMap((g) => g.files) }] : ruleGroups();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
  const found: Array<{ file: string; rule: string; resources: string[] }> = [];
  try {
    groups.forEach(({ types, files: rules }, index) => {
      const copies = new Map<string, string>();
      for (const file of files) {
        const part = guardedPart(templates.get(file), types);
        if (!part) continue;
        const copy = path.join(dir, String(index), path.basename(file));
        fs.mkdirSync(path.dirname(copy), { recursive: true });
        fs.writeFileSync(copy, JSON.stringify(part));
        copies.set(copy, file);
      }
      if (copies.size === 0) return;
      const args = ['validate', ...rules.flatMap((r) => ['--rules', r]), ...[...copies.keys()].flatMap((f) => ['--data', f]),
        '--output-format', 'json', '--show-summary', 'none', '--structured'];
      const run = spawnSync(binary, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      // cfn-guard exits 5 or 19 when a rule is not compliant.
      if (run.error || ![0, 5, 19].includes(run.status ?? -1)) throw new Error(`cfn-guard failed (${run.status}): ${run.error ?? run.stderr}`);
      for (const result of JSON.parse(run.stdout) as Array<{ name: string; not_compliant?: unknown }>) {
        for (const entry of Object.values((result.not_compliant ?? []) as Record<string, { Rule?: { name: string } }>)) {
          const text = JSON.stringify(entry);
          const resources = [...new Set([...text.matchAll(/"\/Resources\/([A-Za-z0-9]+)/g)].map((m) => m[1]))];
          found.push({ file: copies.get(result.name) ?? result.name, rule: entry.Rule?.name ?? '?', resources });
        }
      }
    });
    return found;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The Control Tower rules on every template file, each finding acknowledged (or not) as CDK
 * does: the closest construct up the resource's path with an acknowledgement of the rule.
 * `whole`: cfn-guard reads the whole templates, not their {@link guardedPart} (a test compares the two).
 */
export function controlTowerFindings(dir: string, paths: Map<string, Map<string, string>> = new Map(), whole = false):
{ violations: Finding[]; suppressed: Finding[] } {
  const files = templateFiles(dir);
  const acks = acknowledgements(dir);
  const templates = new Map(files.map((f) => [f, JSON.parse(fs.readFileSync(f, 'utf8'))]));
  const violations: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const { file, rule, resources } of runGuard(files, templates, whole)) {
    const open: string[] = [];
    const closed: string[] = [];
    const byPath = acks.get(`${CONTROL_TOWER}::${rule}`);
    for (const id of resources.length > 0 ? resources : ['']) {
      const constructPath: string = paths.get(path.basename(file))?.get(id) ?? templates.get(file)?.Resources?.[id]?.Metadata?.['aws:cdk:path'] ?? `${path.basename(file)} ${id}`;
      let at = constructPath;
      while (at !== '' && !byPath?.has(at)) at = at.includes('/') ? at.slice(0, at.lastIndexOf('/')) : '';
      (at !== '' ? closed : open).push(constructPath);
    }
    if (open.length > 0) violations.push({ plugin: CONTROL_TOWER, rule, paths: open });
    if (closed.length > 0) suppressed.push({ plugin: CONTROL_TOWER, rule, paths: closed });
  }
  return { violations, suppressed };
}

/** A readable list of findings for a failing assertion. */
export function describeFindings(findings: Finding[]): string {
  return findings.map((f) => `${f.plugin} ${f.rule}: ${f.paths.join(', ')}`).join('\n');
}
