import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Resource, Template } from './types';

/** A top-level stack of a hand-written assembly. */
export interface FixtureStack {
  readonly template: Template;
  /** @default 'aws://111111111111/eu-west-1' */
  readonly environment?: string;
  /** @default - the artifact ID */
  readonly stackName?: string;
}

/**
 * Writes a cloud assembly by hand into a new temporary directory: manifest.json listing the
 * stacks as `<id>.template.json`, and any other files (nested templates, assets manifests)
 * as they are given.
 */
export function writeAssembly(stacks: Record<string, FixtureStack>, files: Record<string, unknown> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'integrity-'));
  const artifacts: Record<string, unknown> = {};
  for (const [id, s] of Object.entries(stacks)) {
    artifacts[id] = {
      type: 'aws:cloudformation:stack',
      environment: s.environment ?? 'aws://111111111111/eu-west-1',
      properties: { templateFile: `${id}.template.json`, ...(s.stackName ? { stackName: s.stackName } : {}) },
    };
    fs.writeFileSync(path.join(dir, `${id}.template.json`), JSON.stringify(s.template, undefined, 1));
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts }));
  for (const [file, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, undefined, 1));
  }
  return dir;
}

/** An assembly of one stack `Stack` with these resources (and other sections). */
export function oneStack(template: Template, stack: Partial<FixtureStack> = {}): string {
  return writeAssembly({ Stack: { template, ...stack } });
}

/** A resource of a type no check looks into, with these properties. */
export function topic(properties: Record<string, unknown> = {}, attributes: Record<string, unknown> = {}): Resource {
  return { Type: 'AWS::SNS::Topic', Properties: properties, ...attributes };
}

/** A nested stack resource whose template is `file`, passing `parameters`. */
export function nestedStack(file: string, parameters?: Record<string, unknown>, withMetadata = true): Resource {
  return {
    Type: 'AWS::CloudFormation::Stack',
    Properties: {
      TemplateURL: { 'Fn::Join': ['', ['https://s3.eu-west-1.', { Ref: 'AWS::URLSuffix' }, `/bucket/${'ab'.repeat(32)}.json`]] },
      ...(parameters ? { Parameters: parameters } : {}),
    },
    ...(withMetadata ? { Metadata: { 'aws:asset:path': file, 'aws:asset:property': 'TemplateURL' } } : {}),
  };
}
