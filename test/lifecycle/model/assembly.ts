/**
 * A synthesized cloud assembly as `cdk deploy` hands it to CloudFormation: each stack's
 * template, the nested stack templates and the Lambda code its file assets stand for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Template {
  readonly Resources: Record<string, TemplateResource>;
  readonly Parameters?: Record<string, { Type: string; Default?: unknown }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Outputs?: Record<string, { Value: unknown }>;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

interface FileAsset {
  readonly source: { readonly path: string; readonly packaging?: string };
}

export class CloudAssembly {
  /** The stacks of the assembly by artifact id (a top-level stack's name). */
  public readonly stacks: Map<string, Template>;
  /** The account each stack deploys to (`aws://<account>/<region>`), when it names one. */
  public readonly accounts = new Map<string, string>();
  /** The tags `cdk deploy` gives each stack (the manifest's, from the stack's `tags`), unless `--tags` replaces them. */
  public readonly tags = new Map<string, Record<string, string>>();
  private readonly assets = new Map<string, string>();

  constructor(public readonly directory: string) {
    const manifest = JSON.parse(fs.readFileSync(path.join(directory, 'manifest.json'), 'utf8'));
    this.stacks = new Map();
    for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
      if (artifact.type === 'aws:cloudformation:stack') {
        this.stacks.set(id, this.read(artifact.properties.templateFile));
        const account = /^aws:\/\/(\d{12})\//.exec(String(artifact.environment ?? ''))?.[1];
        if (account) this.accounts.set(id, account);
        this.tags.set(id, artifact.properties.tags ?? {});
      } else if (artifact.type === 'cdk:asset-manifest') {
        const assets = JSON.parse(fs.readFileSync(path.join(directory, artifact.properties.file), 'utf8'));
        for (const [hash, asset] of Object.entries<FileAsset>(assets.files ?? {})) this.assets.set(hash, asset.source.path);
      }
    }
  }

  public template(stackName: string): Template {
    const t = this.stacks.get(stackName);
    if (!t) throw new Error(`no stack ${stackName} in ${this.directory} (has ${[...this.stacks.keys()].join(', ')})`);
    return t;
  }

  /** The template a nested stack's (resolved) TemplateURL points at: `.../<asset hash>.json`. */
  public templateAt(url: string): Template {
    return JSON.parse(fs.readFileSync(this.assetPath(url), 'utf8')) as Template;
  }

  /** The local path of a file asset named by an S3 URL or key ending in `<hash>.<ext>`. */
  public assetPath(urlOrKey: string): string {
    const hash = /([0-9a-f]{64})\.[a-z]+$/.exec(urlOrKey)?.[1];
    const file = hash ? this.assets.get(hash) : undefined;
    if (!file) throw new Error(`no file asset for ${urlOrKey}`);
    return path.join(this.directory, file);
  }

  private read(file: string): Template {
    return JSON.parse(fs.readFileSync(path.join(this.directory, file), 'utf8')) as Template;
  }
}
