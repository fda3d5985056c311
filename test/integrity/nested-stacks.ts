import * as fs from 'node:fs';
import * as path from 'node:path';
import { Resource, Template, TemplateContext, TemplateProblem } from './types';

/**
 * The file of a nested stack's template in the assembly: the `aws:asset:path` metadata CDK
 * writes on the AWS::CloudFormation::Stack resource, or else the file asset whose hash its
 * TemplateURL names (in the assets manifests beside the template).
 * @returns the path relative to the assembly directory, or undefined
 */
export function childTemplateFile(dir: string, parentFile: string, resource: Resource): string | undefined {
  const base = path.dirname(parentFile);
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath === 'string') return path.join(base, assetPath);
  const hash = /([0-9a-f]{64})\.json/.exec(JSON.stringify(resource.Properties?.TemplateURL ?? ''))?.[1];
  if (!hash) return undefined;
  for (const f of fs.readdirSync(path.join(dir, base)).filter((n) => n.endsWith('.assets.json'))) {
    const source = JSON.parse(fs.readFileSync(path.join(dir, base, f), 'utf8')).files?.[hash]?.source?.path;
    if (typeof source === 'string') return path.join(base, source);
  }
  return undefined;
}

/** Every `X.Outputs.Y` read from a nested stack resource X: Fn::GetAtt (both forms) and Fn::Sub. */
function outputsRead(template: Template): Array<{ id: string; stack: string; output: string }> {
  const reads: Array<{ id: string; stack: string; output: string }> = [];
  const visit = (value: unknown, id: string): void => {
    if (Array.isArray(value)) return value.forEach((v) => visit(v, id));
    if (!value || typeof value !== 'object') return;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, args] = entries[0];
      const dotted: string[] = [];
      if (fn === 'Fn::GetAtt') dotted.push(Array.isArray(args) ? args.join('.') : String(args));
      if (fn === 'Fn::Sub') {
        const body = Array.isArray(args) ? args[0] : args;
        if (typeof body === 'string') for (const m of body.matchAll(/\$\{([^!}][^}]*)\}/g)) dotted.push(m[1]);
      }
      for (const d of dotted) {
        const m = /^([^.]+)\.Outputs\.(.+)$/.exec(d);
        if (m) reads.push({ id, stack: m[1], output: m[2] });
      }
    }
    entries.forEach(([, v]) => visit(v, id));
  };
  for (const [id, r] of Object.entries(template.Resources ?? {})) visit(r, id);
  for (const [id, o] of Object.entries(template.Outputs ?? {})) visit(o, id);
  return reads;
}

/**
 * Checks each AWS::CloudFormation::Stack resource of a template against its child template:
 * CloudFormation refuses a nested stack that is not given a value for every parameter
 * without a Default ("Parameters: [X] must have values") or that is given a parameter its
 * template does not declare ("Parameters: [X] do not exist in the template"), and a GetAtt
 * of an output the child does not have.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stack.html
 * @returns the problems, and the children to check next (with the parent's account and Region)
 */
export function checkNestedStacks(dir: string, template: Template, ctx: TemplateContext,
  read: (file: string) => Template | undefined): { problems: TemplateProblem[]; children: TemplateContext[] } {
  const problems: TemplateProblem[] = [];
  const children: TemplateContext[] = [];
  const reads = outputsRead(template);
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const problem = (message: string) => problems.push({ file: ctx.file, logicalId: id, check: 'nested-stack', message });
    const file = childTemplateFile(dir, ctx.file, resource);
    if (!file || !fs.existsSync(path.join(dir, file))) {
      problem(file
        ? `the nested stack's template ${file} is not in the assembly`
        : 'cannot find the template of this nested stack in the assembly (no aws:asset:path metadata and no file asset matching its TemplateURL)');
      continue;
    }
    children.push({ file, nested: true, account: ctx.account, region: ctx.region });
    const child = read(file);
    if (!child) continue;
    const declared = child.Parameters ?? {};
    const given = resource.Properties?.Parameters;
    if (given !== undefined && (!given || typeof given !== 'object' || Array.isArray(given) || Object.keys(given).some((k) => k.startsWith('Fn::')))) {
      problem(`passes Parameters that are not a literal map (${JSON.stringify(given).slice(0, 80)}), which cannot be checked against ${file}`);
      continue;
    }
    const passed = Object.keys((given as Record<string, unknown> | undefined) ?? {});
    for (const [name, p] of Object.entries(declared)) {
      if (p.Default === undefined && !passed.includes(name)) problem(`does not pass parameter '${name}', which ${file} declares without a Default`);
    }
    for (const name of passed) {
      if (!(name in declared)) problem(`passes parameter '${name}', which ${file} does not declare`);
    }
    for (const r of reads.filter((x) => x.stack === id)) {
      if (!(r.output in (child.Outputs ?? {}))) {
        problems.push({ file: ctx.file, logicalId: r.id, check: 'nested-stack', message: `reads '${id}.Outputs.${r.output}', but ${file} has no output '${r.output}'` });
      }
    }
  }
  return { problems, children };
}
