import { Token } from 'aws-cdk-lib';
import { Problems } from '../private/errors';
import type { ApprovalOptions, PipelineOptions } from './options';
import { Source } from './source';

/**
 * An email address SNS can subscribe (the manual approval's notification).
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html (protocol email: the endpoint is an email address)
 */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks who an approval tells (under `prop`): emails (each an address) or a topic. */
export function validateApproval(p: Problems, prop: string, approval: ApprovalOptions): void {
  p.require((approval.emails?.length ?? 0) > 0 || approval.topic !== undefined, prop, approval,
    'emails or a topic that tells someone an approval is waiting', 'add approval.emails (addresses) or approval.topic (an SNS topic)');
  const seen = new Map<string, number>();
  (approval.emails ?? []).forEach((email, i) => {
    if (Token.isUnresolved(email)) return;
    p.require(EMAIL.test(email), `${prop}.emails[${i}]`, email, 'an email address such as ops@example.com', 'write the whole address, name@domain');
    // Each address is one subscription of the approvers' topic, named after it.
    const first = seen.get(email.toLowerCase());
    if (first !== undefined) p.add(`${prop}.emails[${i}]`, email, `an address not already listed (emails[${first}] is the same)`, 'list each address once');
    else seen.set(email.toLowerCase(), i);
  });
}

/** Checks a workload's source and pipeline options, and that the options have a source. */
export function validatePipeline(p: Problems, source: Source | undefined, pipeline: PipelineOptions | undefined): void {
  source?._validate(p, 'source');
  if (!pipeline) return;
  p.require(source !== undefined, 'pipeline', 'set', 'pipeline options only together with `source`',
    'add `source` (for example Source.codeCommit()) or remove `pipeline`');
  if (pipeline.approval) validateApproval(p, 'pipeline.approval', pipeline.approval);
  validateBuild(p, pipeline, 'pipeline.');
}

/**
 * Checks what the image build runs and reads (a workload's `pipeline` options under
 * `pipeline.`, a promotion pipeline's own props under no prefix): its test commands, its
 * Dockerfile and its build context.
 */
export function validateBuild(p: Problems, build: Pick<PipelineOptions, 'testCommands' | 'dockerfile' | 'buildContext'>, prefix: string): void {
  // Both go into the build's shell command between double quotes, where ", $, ` and \ keep a
  // meaning of their own (a quote ends the word, $ and ` run what follows).
  // @see https://www.gnu.org/software/bash/manual/html_node/Double-Quotes.html
  const SHELL = /["$`\\\n\r]/;
  (build.testCommands ?? []).forEach((c, i) => {
    if (!Token.isUnresolved(c)) p.require(typeof c === 'string' && c.trim() !== '', `${prefix}testCommands[${i}]`, c, 'a command', 'remove the empty command');
  });
  // Both name paths inside the source: CodeBuild checks it out as the build's working directory.
  const inSource = (path: string): boolean => !path.startsWith('/') && !path.split('/').includes('..');
  if (build.dockerfile !== undefined && !Token.isUnresolved(build.dockerfile)) {
    p.require(build.dockerfile.trim() !== '', `${prefix}dockerfile`, build.dockerfile, 'a path relative to the build context',
      "omit it for 'Dockerfile', or name your file");
    p.require(!SHELL.test(build.dockerfile), `${prefix}dockerfile`, build.dockerfile,
      'a path without ", $, `, \\ or line breaks (it is passed to docker build through the shell)', 'rename the file');
    p.require(inSource(build.dockerfile), `${prefix}dockerfile`, build.dockerfile, 'a path relative to the build context, inside the source (no leading / and no ..)',
      "write it from the build context, such as 'docker/Dockerfile'");
  }
  if (build.buildContext !== undefined && !Token.isUnresolved(build.buildContext)) {
    p.require(build.buildContext.trim() !== '', `${prefix}buildContext`, build.buildContext, 'a directory of the source',
      "omit it for '.', the repository's root");
    p.require(!SHELL.test(build.buildContext), `${prefix}buildContext`, build.buildContext,
      'a path without ", $, `, \\ or line breaks (it is passed to docker build through the shell)', 'rename the directory');
    p.require(inSource(build.buildContext), `${prefix}buildContext`, build.buildContext, 'a directory of the source (no leading / and no ..)',
      "write it from the repository's root, such as 'services/orders'");
  }
}
