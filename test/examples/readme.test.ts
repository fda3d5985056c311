import * as fs from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ContainerPlatform, Routing } from '../../lib';
import { COMPLETE, README, ReadmeBlock, readmeBlocks } from './readme/blocks';
import { CompiledBlock, compileBlocks } from './readme/compile';
import { README_ENV, readmeProject, synthBlock } from './readme/run';
import { CDK_CONTEXT, errorOf, templateOf } from '../util';

/**
 * Every TypeScript block of README.md, verbatim, in its fixture (readme/blocks.ts): type-checked
 * with the TypeScript compiler, run as `cdk synth` runs an app, and held to what the README says.
 */

/** The one stack of a README block's app. */
function onlyStack(app: App): Stack {
  const stacks = app.node.children.filter(Stack.isStack);
  expect(stacks).toHaveLength(1);
  return stacks[0];
}

/** The properties of the resources of `type` in `template`. */
function propertiesOf(template: Template, type: string): any[] {
  return Object.values(template.findResources(type)).map((r) => r.Properties);
}

/** What the README says each block builds, checked on the templates it synthesizes. */
const CLAIMS: Record<string, (app: App) => void> = {
  'Usage': (app) => {
    const template = templateOf(onlyStack(app));
    // Orders: blue/green with CodeDeploy's canary 10 % for 5 minutes, its pipeline, 2 to 10 tasks at 60 % CPU.
    template.resourceCountIs('AWS::ECS::Service', 2);
    template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 1);
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes' });
    template.resourceCountIs('AWS::CodePipeline::Pipeline', 1);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 60, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } }),
    });
    // seeded from services/orders, relative to where synth runs
    template.hasResourceProperties('AWS::CodeCommit::Repository', { Code: { BranchName: 'main', S3: Match.anyValue() } });
    // Catalog: rolling on the fixed image
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Image: 'public.ecr.aws/my/catalog:1.4.2', PortMappings: [Match.objectLike({ ContainerPort: 3000 })] })],
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 50, MaximumPercent: 100, DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
    });
  },

  'Pipelines': (app) => {
    const template = templateOf(onlyStack(app));
    // Source → Build (with the test commands) → Approve (emailed) → Deploy
    const [pipeline] = propertiesOf(template, 'AWS::CodePipeline::Pipeline');
    expect(pipeline.Stages.map((s: { Name: string }) => s.Name)).toEqual(['Source', 'Build', 'Approve', 'Deploy']);
    const [project] = propertiesOf(template, 'AWS::CodeBuild::Project');
    expect(project.Source.BuildSpec).toContain('npm ci');
    expect(project.Source.BuildSpec).toContain('npm test');
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'release@example.com' });
    template.hasResourceProperties('AWS::CodeCommit::Repository', { Code: { BranchName: 'main', S3: Match.anyValue() } });
  },

  'Workers, scheduled jobs and event-driven tasks': (app) => {
    const template = templateOf(onlyStack(app));
    // Resizer: a queue worker from 0 to 20 tasks, built by its pipeline
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 20 });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '512', Memory: '1024' });
    // NightlyReport: at 02:00 on the fixed image
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 2 * * ? *)' });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: [Match.objectLike({ Image: 'public.ecr.aws/my/report:3' })] });
    // Thumbnail: started by uploads under incoming/, built by its pipeline
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ 'source': ['aws.s3'], 'detail-type': ['Object Created'], 'detail': Match.objectLike({ object: { key: [{ prefix: 'incoming/' }] } }) }),
    });
    template.resourceCountIs('AWS::CodePipeline::Pipeline', 2);
    // the alerts' rules and the dashboard
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ 'source': ['aws.ecs'], 'detail-type': ['ECS Task State Change'] }) });
  },

  'Scale: stacks and load balancers': (app) => {
    const template = templateOf(onlyStack(app));
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 2);
    // each load balancer's DNS name is an output naming its services
    const outputs = Object.values(template.findOutputs('*')).map((o) => o.Description as string).filter((d) => d?.startsWith('Load balancer '));
    expect(outputs).toEqual(expect.arrayContaining([
      'Load balancer Platform/Platform/LoadBalancer; services: none',
      'Load balancer Platform/Platform/LoadBalancer2; services: Search',
    ]));
    expect(outputs).toHaveLength(2);
  },
};

/** A block that must not type-check, compiled with the README's blocks: proves the check bites and points into README.md. */
const WRONG: ReadmeBlock = {
  key: '(a wrong block)',
  line: 1000,
  fixture: 'platform',
  code: "platform.addService('Search', { routing: Routing.path('/search/*'), containr: {} });\n",
};

describe('the README\'s TypeScript blocks', () => {
  const blocks = readmeBlocks();
  let compiled: Map<string, CompiledBlock>;
  let project: string;

  beforeAll(() => {
    // One program for every block: loading the library's and aws-cdk-lib's types is most of the time.
    compiled = new Map(compileBlocks([...blocks, WRONG]).map((c) => [c.block.key, c]));
    project = readmeProject();
  }, 120_000);

  test('every TypeScript block of the README is tested: the blocks found are the blocks with claims', () => {
    expect(blocks.map((b) => b.key).sort()).toEqual(Object.keys(CLAIMS).sort());
    expect(blocks.filter((b) => b.fixture !== COMPLETE).map((b) => b.fixture).sort()).toEqual(['platform', 'service-options', 'workloads']);
  });

  test('a block that does not type-check is reported at its line in README.md', () => {
    expect(compiled.get(WRONG.key)!.errors).toEqual([
      "README.md:1000:69 Object literal may only specify known properties, but 'containr' does not exist in type 'ServiceOptions'. Did you mean to write 'container'?",
    ]);
  });

  test.each(Object.keys(CLAIMS))('"%s" type-checks, synthesizes without a lookup, and builds what the README says', (key) => {
    // GIVEN the block, verbatim, in its fixture
    const block = compiled.get(key);
    expect(block).toBeDefined();
    expect(block!.errors).toEqual([]);
    // WHEN it runs as `cdk synth` runs it, from a project with services/orders
    const { app, assembly } = synthBlock(block!, project);
    // THEN nothing was looked up (no context missing), and the templates say what the README says
    expect(assembly.manifest.missing ?? []).toEqual([]);
    CLAIMS[key](app);
  });
});

describe('README blocks (the parser)', () => {
  test('finds ts and typescript blocks with their fixtures, numbering blocks of one section', () => {
    // GIVEN
    const markdown = ['# A', '```ts', 'const a = 1;', '```', '<!-- fixture: platform -->', '```typescript', 'a;', '```', '```sh', 'ls', '```', '## B', '```ts', 'b;', '```'].join('\n');
    // WHEN / THEN
    expect(readmeBlocks(markdown)).toEqual([
      { key: 'A', line: 3, fixture: COMPLETE, code: 'const a = 1;\n' },
      { key: 'A #2', line: 7, fixture: 'platform', code: 'a;\n' },
      { key: 'B', line: 14, fixture: COMPLETE, code: 'b;\n' },
    ]);
  });

  test('a fixture marker that is not just before a ts block fails', () => {
    expect(errorOf(() => readmeBlocks(['<!-- fixture: platform -->', '', '```ts', 'a;', '```'].join('\n'))))
      .toBe('README.md:1: a fixture marker must be on the line just before a ```ts fence');
  });
});

test('the README\'s validation example is the message the library gives', () => {
  // GIVEN the README's quoted error
  const readme = fs.readFileSync(README, 'utf8');
  const section = readme.slice(readme.indexOf('\n## Validation\n'));
  const quoted = /```\n([\s\S]*?)\n```/.exec(section)![1];
  // WHEN the same mistake is made
  const stack = new Stack(new App({ context: CDK_CONTEXT }), 'Platform', { env: README_ENV });
  const platform = new ContainerPlatform(stack, 'Platform');
  const message = errorOf(() => platform.addService('Orders', {
    routing: Routing.path('/orders/*'),
    container: { memoryMiB: 4096 },
    scaling: { minTasks: 5, maxTasks: 3 },
  }));
  // THEN
  expect(message).toBe(quoted);
});
