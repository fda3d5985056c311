// `npm run diagram`: draws the example platform (bin/app.ts's ExamplePlatform and
// ExampleWorkloads stacks) from its construct tree to docs/platform.svg (laid out and drawn by
// Graphviz, in WebAssembly) and docs/platform.mmd (Mermaid). test/scripts/diagram.test.ts fails
// when the committed files are not what this draws.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { EXAMPLE_ENV } from '../examples/env';
import { ExamplePlatformStack } from '../examples/platform-stack';
import { ExampleWorkloadsStack } from '../examples/workloads-stack';
import { DiagramBuilder } from './diagram/model';
import { toDot, toMermaid, toSvg } from './diagram/render';

export const DOCS = path.join(__dirname, '..', 'docs');
export const SVG_FILE = path.join(DOCS, 'platform.svg');
export const MERMAID_FILE = path.join(DOCS, 'platform.mmd');

/** The drawings of the example platform: nothing is synthesized, the construct tree is enough. */
export async function drawExamplePlatform(): Promise<{ svg: string; mermaid: string; dot: string }> {
  const app = new App({ context: JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context });
  new ExamplePlatformStack(app, 'ExamplePlatform', { env: EXAMPLE_ENV });
  new ExampleWorkloadsStack(app, 'ExampleWorkloads', { env: EXAMPLE_ENV });
  const diagram = DiagramBuilder.of(app);
  const dot = toDot(diagram);
  return { svg: await toSvg(dot), mermaid: toMermaid(diagram), dot };
}

async function main(): Promise<void> {
  const { svg, mermaid } = await drawExamplePlatform();
  fs.mkdirSync(DOCS, { recursive: true });
  fs.writeFileSync(SVG_FILE, svg);
  fs.writeFileSync(MERMAID_FILE, mermaid);
  process.stderr.write(`wrote ${path.relative(process.cwd(), SVG_FILE)} and ${path.relative(process.cwd(), MERMAID_FILE)}\n`);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
    process.exit(1);
  });
}
