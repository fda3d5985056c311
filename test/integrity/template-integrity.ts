import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkNestedStacks } from './nested-stacks';
import { checkDuplicateNames, checkPhysicalNames, PhysicalName } from './physical-names';
import { checkReferences } from './references';
import { Template, TemplateContext, TemplateProblem } from './types';

export type { Template, TemplateContext, TemplateProblem } from './types';

/**
 * Checks a synthesized cloud assembly (a cdk.out directory) the way CloudFormation would take
 * it: EACH TEMPLATE FILE ON ITS OWN, top-level and nested alike, since CloudFormation creates a
 * nested stack from its own file and a reference reaches only its own template.
 *
 * - references: every Ref, Fn::GetAtt, Fn::Sub variable, DependsOn, Condition and Fn::If
 *   names something of the same template (or a pseudo parameter);
 * - nested stacks: each AWS::CloudFormation::Stack passes exactly the parameters its child
 *   template declares (all those without a Default, none it does not declare), and each
 *   `Outputs.X` read from it is an output of the child;
 * - quotas of a template (500 resources, 200 parameters, 200 outputs, 200 mappings, a 1 MB
 *   body, a 1024-byte description) and logical IDs (alphanumeric, at most 255 characters);
 * - physical names: every name a template sets fits its service's limit, and a name derived
 *   from a value unknown at synth (such as `AWS::StackName` of a nested stack, which
 *   CloudFormation generates as `<parent>-<logical id>-<suffix>`) is a problem of its own; a
 *   name that must be unique in the account and Region is set only once in the assembly.
 *
 * Returns every problem found, never throws for a template's content.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 */
export function checkAssembly(dir: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const names: PhysicalName[] = [];
  const visited = new Set<string>();
  const queue = topLevelStacks(dir, '', problems);
  const cache = new Map<string, Template | undefined>();
  const read = (file: string): Template | undefined => {
    if (!cache.has(file)) cache.set(file, readTemplate(dir, file, problems));
    return cache.get(file);
  };

  while (queue.length > 0) {
    const ctx = queue.shift()!;
    if (visited.has(ctx.file)) continue;
    visited.add(ctx.file);
    const template = read(ctx.file);
    if (!template) continue;
    problems.push(...checkTemplate(template, ctx, fs.statSync(path.join(dir, ctx.file)).size, names));
    const nested = checkNestedStacks(dir, template, ctx, read);
    problems.push(...nested.problems);
    queue.push(...nested.children);
  }
  // Template files no manifest or parent leads to are still checked, as nested stacks.
  for (const file of templateFiles(dir, '')) {
    if (visited.has(file)) continue;
    const template = read(file);
    if (template) problems.push(...checkTemplate(template, { file, nested: true }, fs.statSync(path.join(dir, file)).size, names));
  }
  problems.push(...checkDuplicateNames(names));
  return problems;
}

/**
 * The checks of one template file on its own.
 * @param bytes the size of the file as written (what CloudFormation reads from S3)
 */
export function checkTemplate(template: Template, ctx: TemplateContext, bytes: number, names: PhysicalName[] = []): TemplateProblem[] {
  return [
    ...checkQuotas(template, ctx.file, bytes),
    ...checkLogicalIds(template, ctx.file),
    ...checkReferences(template, ctx.file),
    ...checkPhysicalNames(template, ctx, names),
  ];
}

/**
 * CloudFormation's quotas of one template.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 */
export const TEMPLATE_QUOTAS = {
  resources: 500,
  parameters: 200,
  outputs: 200,
  mappings: 200,
  /** "Template body size in an Amazon S3 object: 1 MB" (counted as 1,000,000 bytes). */
  bodyBytes: 1_000_000,
  descriptionBytes: 1024,
  /** Resource, parameter, output and mapping names: 255 characters. */
  logicalIdLength: 255,
};

function checkQuotas(template: Template, file: string, bytes: number): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const quota = (message: string) => problems.push({ file, check: 'quota', message });
  for (const [section, key] of [['Resources', 'resources'], ['Parameters', 'parameters'], ['Outputs', 'outputs'], ['Mappings', 'mappings']] as const) {
    const count = Object.keys((template[section] as object | undefined) ?? {}).length;
    const max = TEMPLATE_QUOTAS[key];
    if (count > max) quota(`${count} ${key}; CloudFormation allows at most ${max} in a template`);
  }
  if (bytes > TEMPLATE_QUOTAS.bodyBytes) quota(`the template body is ${bytes} bytes; CloudFormation reads at most ${TEMPLATE_QUOTAS.bodyBytes} bytes (1 MB) from S3`);
  const description = Buffer.byteLength(template.Description ?? '');
  if (description > TEMPLATE_QUOTAS.descriptionBytes) quota(`the Description is ${description} bytes; CloudFormation allows at most ${TEMPLATE_QUOTAS.descriptionBytes}`);
  return problems;
}

/**
 * "The logical ID must be alphanumeric (A-Za-z0-9) and unique within the template."
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html
 */
function checkLogicalIds(template: Template, file: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const section of ['Resources', 'Parameters', 'Outputs', 'Conditions', 'Mappings']) {
    for (const id of Object.keys((template[section] as object | undefined) ?? {})) {
      const problem = (message: string) => problems.push({ file, logicalId: id, check: 'logical-id', message });
      if (!/^[A-Za-z0-9]+$/.test(id)) problem(`${section} logical ID '${id}' is not alphanumeric (A-Za-z0-9)`);
      if (id.length > TEMPLATE_QUOTAS.logicalIdLength) problem(`${section} logical ID is ${id.length} characters; CloudFormation allows at most ${TEMPLATE_QUOTAS.logicalIdLength}`);
    }
  }
  return problems;
}

/** The stacks the manifest lists (in nested cloud assemblies too), with their names and environments. */
function topLevelStacks(dir: string, sub: string, problems: TemplateProblem[]): TemplateContext[] {
  const manifestFile = path.join(sub, 'manifest.json');
  let manifest: { artifacts?: Record<string, { type: string; environment?: string; properties?: Record<string, any> }> };
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, manifestFile), 'utf8'));
  } catch (e) {
    problems.push({ file: manifestFile, check: 'assembly', message: `cannot read the cloud assembly's manifest: ${(e as Error).message}` });
    return [];
  }
  const stacks: TemplateContext[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...topLevelStacks(dir, path.join(sub, artifact.properties.directoryName), problems));
    }
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const [, account, region] = /^aws:\/\/([^/]*)\/(.*)$/.exec(artifact.environment ?? '') ?? [];
    stacks.push({
      file: path.join(sub, artifact.properties.templateFile),
      nested: false,
      stackName: artifact.properties.stackName ?? id,
      account: account && account !== 'unknown-account' ? account : undefined,
      region: region && region !== 'unknown-region' ? region : undefined,
    });
  }
  return stacks;
}

function templateFiles(dir: string, sub: string): string[] {
  return fs.readdirSync(path.join(dir, sub), { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory() && !e.name.startsWith('asset.')) return templateFiles(dir, path.join(sub, e.name));
    return e.isFile() && e.name.endsWith('.template.json') ? [path.join(sub, e.name)] : [];
  }).sort();
}

function readTemplate(dir: string, file: string, problems: TemplateProblem[]): Template | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  } catch (e) {
    problems.push({ file, check: 'assembly', message: `cannot read the template: ${(e as Error).message}` });
    return undefined;
  }
}

/** The problems as lines for a test failure or a console: `file logicalId [check] message`. */
export function formatProblems(problems: readonly TemplateProblem[]): string {
  return problems.map((p) => `${p.file}${p.logicalId ? ` ${p.logicalId}` : ''} [${p.check}] ${p.message}`).join('\n');
}

