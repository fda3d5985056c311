// lib/assembly: what the package reads from a synthesized cloud assembly (a cdk.out folder) after
// synthesis: the cost summary and the deploy preview. Plain files in, plain data out: it imports
// nothing of the constructs (only lib/private), so it works on any app's cdk.out, offline.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A CloudFormation template, as JSON. */
export type TemplateJson = Record<string, any>;

/** One template file of a stack: the stack's own, or a nested stack's, with its own nested ones. */
export interface TemplateFile {
  /** Where it is: the stack's name, then the logical IDs of the nested-stack resources down to it (`Shop/PlatformOrdersStackNestedStack...`). */
  readonly path: string;
  /** The logical ID of the `AWS::CloudFormation::Stack` resource in the parent; undefined for a top-level stack. */
  readonly logicalId?: string;
  /** The construct path of the stack or nested stack (`Shop/Platform/OrdersStack`), when the assembly records it. */
  readonly constructPath?: string;
  /** The construct path of each resource of the template, by logical ID, relative to `constructPath` (`Orders/Repository/Resource`). */
  readonly resourcePaths: Readonly<Record<string, string>>;
  /** The file name in the assembly's directory. */
  readonly file: string;
  readonly template: TemplateJson;
  readonly nested: TemplateFile[];
}

/** One stack of a cloud assembly. */
export interface AssemblyStack {
  /** The artifact ID (unique in the assembly). */
  readonly id: string;
  /** The CloudFormation stack name. */
  readonly stackName: string;
  readonly account?: string;
  readonly region?: string;
  /** The stack's own template, with its nested stacks (at any depth) below it. */
  readonly root: TemplateFile;
}

/** A stack's templates, its own first, then every nested one depth first. */
export function allTemplates(file: TemplateFile): TemplateFile[] {
  return [file, ...file.nested.flatMap(allTemplates)];
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * The 64-hex asset hash a nested stack's TemplateURL ends in (`.../<hash>.json`), from the
 * literal parts of its `Fn::Join` or `Fn::Sub`.
 */
function templateHash(url: unknown): string | undefined {
  const text = JSON.stringify(url ?? '');
  return /([0-9a-f]{64})\.json/.exec(text)?.[1];
}

/**
 * The stacks of the cloud assembly in `directory` (a `cdk.out`), with their nested templates,
 * stages included. A nested stack's template is found from its parent's `AWS::CloudFormation::Stack`
 * resource: by the `aws:asset:path` metadata CDK writes (the CLI turns it on), or else by the hash
 * its TemplateURL ends in, looked up in the stack's asset manifest.
 * @see https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/cloud-assembly-schema/README.md
 */
export function readAssembly(directory: string): AssemblyStack[] {
  const manifestFile = path.join(directory, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`${directory} is not a cloud assembly (it has no manifest.json): run \`cdk synth\` first, or name the cdk.out folder`);
  }
  const manifest = readJson(manifestFile);
  const artifacts: Record<string, any> = manifest.artifacts ?? {};
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type === 'cdk:cloud-assembly') {
      stacks.push(...readAssembly(path.join(directory, artifact.properties.directoryName)));
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
    const known = (x: string | undefined) => (x && !x.startsWith('unknown-') ? x : undefined);
    const assets = assetFiles(directory, artifacts, artifact.dependencies ?? []);
    const templateFile = artifact.properties.templateFile;
    const stackName = artifact.properties.stackName ?? id;
    const template = readJson(path.join(directory, templateFile));
    const ids = logicalIds(directory, artifact);
    const root = templateTree({ directory, assets, ids, seen: new Set([templateFile]) }, stackName, templateFile, template, undefined, `/${id}`);
    stacks.push({ id, stackName, account: known(env?.[1]), region: known(env?.[2]), root });
  }
  return stacks;
}

/** The file assets of a stack's asset manifests: hash to file name. */
function assetFiles(directory: string, artifacts: Record<string, any>, dependencies: string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const dep of dependencies) {
    const a = artifacts[dep];
    if (a?.type !== 'cdk:asset-manifest') continue;
    const manifest = readJson(path.join(directory, a.properties.file));
    for (const [hash, entry] of Object.entries<any>(manifest.files ?? {})) {
      if (typeof entry.source?.path === 'string') files.set(hash, entry.source.path);
    }
  }
  return files;
}

/** What CDK recorded of a stack's constructs: each construct path with a logical ID (nested stacks' resources included). */
function logicalIds(directory: string, artifact: any): Array<[string, string]> {
  const metadata: Record<string, any[]> = { ...(artifact.metadata ?? {}) };
  if (typeof artifact.additionalMetadataFile === 'string' && fs.existsSync(path.join(directory, artifact.additionalMetadataFile))) {
    Object.assign(metadata, readJson(path.join(directory, artifact.additionalMetadataFile)));
  }
  return Object.entries(metadata).flatMap(([p, entries]) =>
    (entries ?? []).filter((e) => e?.type === 'aws:cdk:logicalId' && typeof e.data === 'string').map((e): [string, string] => [p, e.data]));
}

interface TreeContext {
  readonly directory: string;
  readonly assets: Map<string, string>;
  readonly ids: Array<[string, string]>;
  readonly seen: Set<string>;
}

function templateTree(ctx: TreeContext, where: string, file: string, template: TemplateJson, logicalId: string | undefined,
  constructPath: string): TemplateFile {
  const nested: TemplateFile[] = [];
  const within = (p: string, prefix: string) => p.startsWith(`${prefix}/`);
  for (const [id, resource] of Object.entries<any>(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const byMetadata = resource.Metadata?.['aws:asset:path'];
    const hash = templateHash(resource.Properties?.TemplateURL);
    const child = typeof byMetadata === 'string' ? byMetadata : hash ? ctx.assets.get(hash) : undefined;
    if (!child || ctx.seen.has(child) || !fs.existsSync(path.join(ctx.directory, child))) continue;
    ctx.seen.add(child);
    // The nested stack's resource is `<path>.NestedStack/<id>.NestedStackResource`; its constructs are under `<path>/`.
    const recorded = ctx.ids.find(([p, l]) => l === id && within(p, constructPath) && p.endsWith('.NestedStackResource'))?.[0];
    const childPath = recorded ? recorded.replace(/\.NestedStack\/[^/]*$/, '') : `${constructPath}/${id}`;
    nested.push(templateTree(ctx, `${where}/${id}`, child, readJson(path.join(ctx.directory, child)), id, childPath));
  }
  const inChild = (p: string) => nested.some((n) => n.constructPath !== undefined && within(p, `/${n.constructPath}`));
  const resourcePaths: Record<string, string> = {};
  for (const [p, l] of ctx.ids) {
    if (within(p, constructPath) && !inChild(p) && template.Resources?.[l] && resourcePaths[l] === undefined) {
      resourcePaths[l] = p.slice(constructPath.length + 1);
    }
  }
  return { path: where, logicalId, constructPath: constructPath.slice(1), file, template, nested, resourcePaths };
}
