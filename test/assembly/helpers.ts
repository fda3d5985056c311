import { App } from 'aws-cdk-lib';
import { EXAMPLE_ENV } from '../../examples/env';
import { ExamplePlatformStack } from '../../examples/platform-stack';
import { newApp } from '../util';

/** The cloud assembly of the example platform, with `change` applied to the stack first; returns its directory. */
export function examplePlatform(change: (stack: ExamplePlatformStack, app: App) => void = () => undefined, context: Record<string, unknown> = {}): string {
  const app = newApp();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  const stack = new ExamplePlatformStack(app, 'ExamplePlatform', { env: EXAMPLE_ENV });
  change(stack, app);
  return app.synth().directory;
}

/** The first plain (untagged) fenced block of README.md after `heading`, with its last newline. */
export function readmeOutputBlock(heading: string): string {
  const readme: string = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', '..', 'README.md'), 'utf8');
  const lines = readme.slice(readme.indexOf(`\n${heading}\n`)).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)$/.exec(lines[i]);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && l === '```');
    if (fence[1] === '') return lines.slice(i + 1, end).join('\n') + '\n';
    i = end;
  }
  throw new Error(`no plain block after ${heading}`);
}
