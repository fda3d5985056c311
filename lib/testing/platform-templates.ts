import * as fs from 'node:fs';
import * as path from 'node:path';
import { NestedStack, Stack, Stage } from 'aws-cdk-lib';

/** An asset's hash (the SHA-256 of its contents) in S3 keys, image tags and asset metadata. */
const ASSET_HASH = /\b[0-9a-f]{64}\b/g;

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
   * {@link PlatformTemplates.of} with what changes without a change of infrastructure
   * normalised, so that a snapshot changes exactly when a template would: asset hashes become
   * `<asset-hash>`, a nested stack's `TemplateURL` (which ends in its template's hash) becomes
   * `<template of PATH>` (the key of that template here), and the `AWS::CDK::Metadata` resource
   * (library versions, written when the CLI asks for version reporting) is dropped.
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
  return JSON.parse(JSON.stringify(t).replace(ASSET_HASH, '<asset-hash>'));
}
