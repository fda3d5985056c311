import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { transformSync } from 'esbuild';
import { ContainerPlatform, Routing } from '../../lib';
import { CDK_CONTEXT, errorOf, templateOf } from '../util';

/** The first TypeScript block after a heading of README.md. */
function readmeExample(heading: string): string {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`\n${heading}\n`));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error(`no TypeScript example under ${heading}`);
  return match[1];
}

/** Runs an example as a CommonJS module whose imports of the package resolve to lib/. */
function run(source: string): Record<string, unknown> {
  const js = transformSync(source.replace(/'cdk-container-platform'/g, JSON.stringify(path.join(__dirname, '..', '..', 'lib'))), {
    loader: 'ts', format: 'cjs', target: 'node20',
  }).code;
  const module = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', 'exports', `${js}\nmodule.exports = { app, stack, platform };`)(require, module, module.exports);
  return module.exports;
}

test('the README\'s usage example synthesizes the platform it describes', () => {
  // GIVEN the example, with a real directory for its initial code
  const code = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-'));
  fs.writeFileSync(path.join(code, 'Dockerfile'), 'FROM scratch\n');
  const source = readmeExample('## Usage').replace("'services/orders'", JSON.stringify(code));
  // WHEN it runs
  const { app, stack } = run(source) as { app: App; stack: Stack };
  app.synth();
  // THEN it holds both services: Orders blue/green with its pipeline, Catalog rolling on a fixed image
  const template = templateOf(stack);
  template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 1);
  template.resourceCountIs('AWS::CodePipeline::Pipeline', 1);
  template.resourceCountIs('AWS::ECS::Service', 2);
  template.hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'app', Image: 'public.ecr.aws/my/catalog:1.4.2' })]),
  });
});

test('the README\'s validation example is the message the library gives', () => {
  // GIVEN the README's quoted error
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Validation\n'));
  const quoted = /```\n([\s\S]*?)\n```/.exec(section)![1];
  // WHEN the same mistake is made
  const stack = new Stack(new App({ context: CDK_CONTEXT }), 'Platform', { env: { account: '123456789012', region: 'eu-west-1' } });
  const platform = new ContainerPlatform(stack, 'Platform');
  const message = errorOf(() => platform.addService('Orders', {
    routing: Routing.path('/orders/*'),
    container: { memoryMiB: 4096 },
    scaling: { minTasks: 5, maxTasks: 3 },
  }));
  // THEN
  expect(message).toBe(quoted);
});
