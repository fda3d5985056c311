import * as fs from 'node:fs';
import * as path from 'node:path';
import { NestedStack, Stack, Stage } from 'aws-cdk-lib';

/** An asset's hash (the SHA-256 of its contents) in S3 keys, image tags and asset metadata. */
const ASSET_HASH = /\b[0-9a-f]{64}\b/g;
/** How many hex digits of an asset's hash a snapshot keeps: enough to change when the contents do, short enough to read. */
const KEPT_DIGITS = 8;

/**
 * The templates of a stack that holds a platform, for snapshot tests. Every service and
 * workload of a platform lives in a nested stack of its own, which
 * `Template.fromStack(stack)` does not show; these helpers return every template file.
 */
export class PlatformTemplates {
  /**
   * Every template of `stack`, the nested ones included (at any depth), keyed by the construct
   * path of the stack that each one describes, exactly as synthesized. Synthesizes the app.
   * @param stack a stack in an App or Stage
   */
  public static of(stack: Stack): { [stackPath: string]: any } {
    const stage = Stage.of(stack);
    if (!stage) throw new Error(`PlatformTemplates.of: ${stack.node.path} is in no App or Stage; create the stack in an App`);
    const assembly = stage.synth();
    const templates: { [stackPath: string]: any } = {};
    for (const s of [stack, ...nestedStacksOf(stack)]) {
      templates[s.node.path] = s.nestedStackParent
        ? JSON.parse(fs.readFileSync(path.join(assembly.directory, s.templateFile), 'utf8'))
        : structuredClone(assembly.getStackArtifact(s.artifactId).template);
    }
    return templates;
  }

  /**
   * {@link PlatformTemplates.of} in a form to keep in a snapshot, which changes whenever a
   * deploy would change something, your Lambda code, seed code and the library's own handlers
   * included. Exactly two things are normalised, both because the snapshot shows them otherwise:
   * an asset's 64-digit content hash (in S3 keys and image tags) becomes `<asset-hash:` and its
   * first 8 digits `>`, so a change of the asset's contents still changes the snapshot; and a nested
   * stack's `TemplateURL` (which ends in the hash of its template) becomes `<template of PATH>`, the
   * key of that template here, whose content the snapshot holds in full. The `AWS::CDK::Metadata`
   * resource (the versions of the CDK libraries, written when the CLI asks for version reporting)
   * is dropped: it changes with an upgrade of aws-cdk-lib and deploys nothing.
   *
   * `expect(PlatformTemplates.snapshot(stack)).toMatchSnapshot()` in jest.
   * @param stack a stack in an App or Stage
   */
  public static snapshot(stack: Stack): { [stackPath: string]: any } {
    const templates = PlatformTemplates.of(stack);
    for (const nested of nestedStacksOf(stack)) {
      const resource = nested.nestedStackResource;
      const parent = templates[nested.nestedStackParent!.node.path];
      if (!resource || !parent) continue;
      const logicalId = Stack.of(resource).getLogicalId(resource);
      parent.Resources[logicalId].Properties.TemplateURL = `<template of ${nested.node.path}>`;
    }
    const snapshot: { [stackPath: string]: any } = {};
    for (const [key, template] of Object.entries(templates)) snapshot[key] = normalise(template);
    return snapshot;
  }

  private constructor() {}
}

/** The nested stacks of `stack`, at any depth, in construct-tree order. */
function nestedStacksOf(stack: Stack): NestedStack[] {
  return stack.node.findAll().filter((c): c is NestedStack => {
    if (!NestedStack.isNestedStack(c)) return false;
    let parent = c.nestedStackParent;
    while (parent && parent !== stack) parent = parent.nestedStackParent;
    return parent === stack;
  });
}

/** One template without CDK's version metadata, with asset hashes replaced. */
function normalise(template: any): any {
  const t = structuredClone(template);
  for (const [id, resource] of Object.entries<any>(t.Resources ?? {})) {
    if (resource.Type === 'AWS::CDK::Metadata') {
      delete t.Resources[id];
      if (t.Conditions) delete t.Conditions[resource.Condition];
    }
  }
  if (t.Conditions && Object.keys(t.Conditions).length === 0) delete t.Conditions;
  return JSON.parse(JSON.stringify(t).replace(ASSET_HASH, (hash) => `<asset-hash:${hash.slice(0, KEPT_DIGITS)}>`));
}
