import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, AppProps, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EXAMPLE_ENV } from '../examples/env';
import { ContainerPlatform, ContainerPlatformProps } from '../lib';

/** The context `cdk synth` passes: cdk.json's feature flags and the example region's AZs. */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;

/**
 * An App like the CLI's: without construct stack traces (the CLI leaves them out unless
 * --debug). Unit tests also skip the tree metadata and the built-in CloudFormation validator
 * (about 1.8 s a synth); the example tests run with the validator on.
 */
export function newApp(props: AppProps = {}): App {
  return new App({
    context: { ...CDK_CONTEXT, 'aws:cdk:disable-stack-trace': true },
    builtinCloudFormationValidation: false,
    treeMetadata: false,
    ...props,
  });
}

/** A stack in the example account and region. */
export function newStack(app: App = newApp(), id = 'Test'): Stack {
  return new Stack(app, id, { env: EXAMPLE_ENV });
}

/** A stack with a platform in it. */
export function newPlatform(props: ContainerPlatformProps = {}, stack: Stack = newStack()): { stack: Stack; platform: ContainerPlatform } {
  return { stack, platform: new ContainerPlatform(stack, 'Platform', props) };
}

/**
 * The template of a stack with the resources of its nested stacks merged in (services live
 * in nested stacks by default), so that assertions need not know where a resource lives.
 * References from a nested stack to the parent appear as the nested stack's parameters.
 */
export function templateOf(stack: Stack): Template {
  const merged = Template.fromStack(stack).toJSON();
  for (const nested of stack.node.findAll().filter((c): c is NestedStack => c instanceof NestedStack && c.nestedStackParent === stack)) {
    const inner = templateOf(nested).toJSON();
    merged.Resources = { ...merged.Resources, ...inner.Resources };
    merged.Parameters = { ...merged.Parameters, ...inner.Parameters };
    merged.Outputs = { ...merged.Outputs, ...inner.Outputs };
  }
  return Template.fromJSON(merged);
}

/** The message of the error `fn` throws (fails the test when it throws none). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error('expected an error, but none was thrown');
}

/** A CloudFormation template, as JSON. */
export type TemplateJson = Record<string, any>;

/**
 * An asset's hash: the SHA-256 of its contents, in S3 keys, image tags, `aws:asset:path`
 * metadata and nested template URLs. It changes with every rebuild of a handler.
 */
const ASSET_HASH = /\b[0-9a-f]{64}\b/g;

/**
 * Every template of `stack`, the nested ones included, keyed by the construct path of the
 * stack each belongs to (the file names of nested templates carry a hash of that path), as
 * CloudFormation receives them: each file on its own, not merged. Synthesizes the stack's
 * app or stage once (later calls reuse it).
 */
export function stackTemplates(stack: Stack): Record<string, TemplateJson> {
  const stage = Stage.of(stack);
  if (!stage) throw new Error(`${stack.node.path} is in no App or Stage`);
  const assembly = stage.synth();
  const templates: Record<string, TemplateJson> = {};
  for (const s of [stack, ...nestedStacksOf(stack)]) {
    templates[s.node.path] = s.nestedStackParent
      ? JSON.parse(fs.readFileSync(path.join(assembly.directory, s.templateFile), 'utf8'))
      : structuredClone(assembly.getStackArtifact(s.artifactId).template);
  }
  return templates;
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

/**
 * Every template of `stack` ({@link stackTemplates}) with what changes without a change of
 * infrastructure normalised, for snapshot tests: a snapshot changes exactly when a template
 * would. Asset hashes become `<asset-hash>`; a nested stack's `TemplateURL` (an S3 URL ending
 * in its template's hash) becomes `<template of PATH>`, the key of that template here; the
 * `AWS::CDK::Metadata` resource (the construct library versions, present when the CLI asks for
 * version reporting) and its condition are dropped. Everything else is kept as it is.
 */
export function platformSnapshot(stack: Stack): Record<string, TemplateJson> {
  const templates = stackTemplates(stack);
  for (const nested of nestedStacksOf(stack)) {
    const resource = nested.nestedStackResource;
    const parent = templates[nested.nestedStackParent!.node.path];
    if (!resource || !parent) continue;
    const logicalId = Stack.of(resource).getLogicalId(resource);
    parent.Resources[logicalId].Properties.TemplateURL = `<template of ${nested.node.path}>`;
  }
  const snapshot: Record<string, TemplateJson> = {};
  for (const [key, template] of Object.entries(templates)) snapshot[key] = normaliseTemplate(template);
  return snapshot;
}

/** One template without CDK's version metadata, with asset hashes replaced. */
function normaliseTemplate(template: TemplateJson): TemplateJson {
  const t = structuredClone(template);
  for (const [id, resource] of Object.entries<TemplateJson>(t.Resources ?? {})) {
    if (resource.Type === 'AWS::CDK::Metadata') {
      delete t.Resources[id];
      if (t.Conditions) delete t.Conditions[resource.Condition];
    }
  }
  if (t.Conditions && Object.keys(t.Conditions).length === 0) delete t.Conditions;
  return JSON.parse(JSON.stringify(t).replace(ASSET_HASH, '<asset-hash>'));
}
