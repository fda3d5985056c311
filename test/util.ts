import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, AppProps, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { EXAMPLE_ENV } from '../examples/env';
import { ContainerPlatform, ContainerPlatformProps, PlatformTemplates } from '../lib';

/** The context `cdk synth` passes: cdk.json's feature flags and the example region's AZs. */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;

/**
 * Context that keeps out of the construct metadata what no test reads, none of it in a template:
 * - the stack traces of metadata entries and of every CfnElement's creation (two switches since
 *   aws-cdk-lib 2.2xx): a debugging aid (`cdk synth --debug`); under jest each is mapped through
 *   the source maps, 100 frames deep, which took about a tenth of every synth;
 * - the props of every construct, redacted, that cdk.json's enableAdditionalMetadataCollection
 *   has aws-cdk-lib record for its telemetry (about 5 % of a synth).
 */
export const LEAN_METADATA: Record<string, unknown> = {
  'aws:cdk:disable-stack-trace': true,
  'aws:cdk:disable-creation-stack-traces': true,
  '@aws-cdk/core:enableAdditionalMetadataCollection': false,
};

/**
 * An App like the CLI's, without the metadata no test reads ({@link LEAN_METADATA}). Unit tests
 * also skip the tree metadata and the built-in CloudFormation validator (about 1.8 s a synth);
 * the example tests run with the validator on.
 */
export function newApp(props: AppProps = {}): App {
  return new App({
    context: { ...CDK_CONTEXT, ...LEAN_METADATA },
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
  // A copy: toJSON() is the template the synthesized assembly holds, which later reads of the
  // same app (Template.fromStack) would otherwise see with the nested resources merged in.
  const merged = { ...Template.fromStack(stack).toJSON() };
  for (const nested of stack.node.findAll().filter((c): c is NestedStack => c instanceof NestedStack && c.nestedStackParent === stack)) {
    const inner = templateOf(nested).toJSON();
    merged.Resources = { ...merged.Resources, ...inner.Resources };
    merged.Parameters = { ...merged.Parameters, ...inner.Parameters };
    merged.Outputs = { ...merged.Outputs, ...inner.Outputs };
  }
  // Each template was checked for cyclic dependencies as it was read; merged, they hold no new
  // reference (a nested stack reaches its parent through parameters), so the check is not repeated.
  return Template.fromJSON(merged, { skipCyclicalDependenciesCheck: true });
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

/**
 * The warnings with the acknowledgement ID `id` on `construct` itself, as its metadata holds them
 * (no synthesis; each message ends with `[ack: <id>]`).
 */
export function warningsOf(construct: IConstruct, id: string): string[] {
  return construct.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data)).filter((w) => w.includes(id));
}

/** A CloudFormation template, as JSON. */
export type TemplateJson = Record<string, any>;

/** Every template of `stack`, nested ones included, keyed by stack path (the library's {@link PlatformTemplates.of}). */
export function stackTemplates(stack: Stack): Record<string, TemplateJson> {
  return PlatformTemplates.of(stack);
}

/** The normalised templates of `stack` for snapshots (the library's {@link PlatformTemplates.snapshot}). */
export function platformSnapshot(stack: Stack): Record<string, TemplateJson> {
  return PlatformTemplates.snapshot(stack);
}
