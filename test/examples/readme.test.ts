import * as fs from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ContainerPlatform, PlatformTemplates, Routing } from '../../lib';
import { expectSynthWarnings } from '../synth-warnings';
import { CDK_CONTEXT, errorOf, stackTemplates, templateOf } from '../util';
import { COMPLETE, README, ReadmeBlock, readmeBlocks } from './readme/blocks';
import { CompiledBlock, compileBlocks } from './readme/compile';
import { README_ENV, readmeProject, synthBlock } from './readme/run';

/**
 * Every TypeScript block of README.md, verbatim, in its fixture (readme/blocks.ts): type-checked
 * with the TypeScript compiler, run as `cdk synth` runs an app, and held to what the README says.
 */

// The README's Pipelines block leaves Orders' health check at / outside its route /orders/*: the
// smoke test requests /orders/, with this warning.
expectSynthWarnings('cdk-container-platform:smoke-test-path');

/** The one stack of a README block's app. */
function onlyStack(app: App): Stack {
  const stacks = app.node.children.filter(Stack.isStack);
  expect(stacks).toHaveLength(1);
  return stacks[0];
}

/** The templates of a README block's app, each file on its own, by stack path ('Platform', 'Platform/Platform/OrdersStack'). */
function templatesOf(app: App): (stackPath: string) => Template {
  const templates = stackTemplates(onlyStack(app));
  return (stackPath) => {
    expect(Object.keys(templates)).toContain(stackPath);
    return Template.fromJSON(templates[stackPath]);
  };
}

/** The properties of the only resource of `type` in `template`. */
function onlyProperties(template: Template, type: string): any {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0].Properties;
}

/** What the README says each block builds, checked on the templates it synthesizes. */
const CLAIMS: Record<string, (app: App) => void> = {
  'Usage': (app) => {
    const all = templateOf(onlyStack(app));
    // Orders (CodeDeploy blue/green) is a Custom::BlueGreenService; Catalog (rolling) a Custom::EcsService.
    all.resourceCountIs('Custom::EcsService', 1);
    all.resourceCountIs('Custom::BlueGreenService', 1);
    all.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 1);
    all.resourceCountIs('AWS::CodePipeline::Pipeline', 1);
    const template = templatesOf(app);
    // Orders: blue/green with CodeDeploy's canary 10 % for 5 minutes, its pipeline, 2 to 10 tasks at 60 % CPU
    const orders = template('Platform/Platform/OrdersStack');
    expect(onlyProperties(orders, 'AWS::CodeDeploy::DeploymentGroup').DeploymentConfigName).toBe('CodeDeployDefault.ECSCanary10Percent5Minutes');
    orders.resourceCountIs('AWS::CodePipeline::Pipeline', 1);
    expect(onlyProperties(orders, 'AWS::ApplicationAutoScaling::ScalableTarget')).toMatchObject({ MinCapacity: 2, MaxCapacity: 10 });
    orders.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 60, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } }),
    });
    expect(onlyProperties(orders, 'AWS::ECS::TaskDefinition')).toMatchObject({ Cpu: '512', Memory: '1024' });
    // seeded from services/orders, relative to where synth runs
    expect(onlyProperties(orders, 'AWS::CodeCommit::Repository').Code).toEqual({ BranchName: 'main', S3: expect.anything() });
    // Catalog: rolling on the fixed image, no pipeline
    const catalog = template('Platform/Platform/CatalogStack');
    // (the app, and the container that opens its read-only root's /tmp to its user)
    expect(onlyProperties(catalog, 'AWS::ECS::TaskDefinition').ContainerDefinitions).toEqual([
      expect.objectContaining({ Name: 'app', Image: 'public.ecr.aws/my/catalog:1.4.2', PortMappings: [expect.objectContaining({ ContainerPort: 3000 })] }),
      expect.objectContaining({ Name: 'tmp-permissions', Image: 'public.ecr.aws/my/catalog:1.4.2' }),
    ]);
    expect(onlyProperties(catalog, 'Custom::EcsService').DeploymentConfiguration).toMatchObject({
      MinimumHealthyPercent: 50, MaximumPercent: 100, DeploymentCircuitBreaker: { Enable: true, Rollback: true },
    });
    catalog.resourceCountIs('AWS::CodePipeline::Pipeline', 0);
  },

  'Pipelines': (app) => {
    const orders = templatesOf(app)('Platform/Platform/OrdersStack');
    // Source (seeded) → Build (with the test commands) → Approve (emailed) → Deploy
    expect(onlyProperties(orders, 'AWS::CodePipeline::Pipeline').Stages.map((s: { Name: string }) => s.Name)).toEqual(['Source', 'Build', 'Approve', 'Deploy']);
    expect(onlyProperties(orders, 'AWS::CodeCommit::Repository').Code).toEqual({ BranchName: 'main', S3: expect.anything() });
    // the image build before the approval, and the step that renders the deployment files after it
    const projects = Object.values(orders.findResources('AWS::CodeBuild::Project')).map((p: any) => p.Properties);
    expect(projects.map((p) => p.Description)).toEqual(['Builds the image of Platform-Orders', 'Writes the deployment files of Platform-Orders from the revision production runs']);
    expect(projects[0].Source.BuildSpec).toMatch(/npm ci[\s\S]*npm test/);
    const deploy = onlyProperties(orders, 'AWS::CodePipeline::Pipeline').Stages.find((s: { Name: string }) => s.Name === 'Deploy');
    expect(deploy.Actions.map((a: { Name: string }) => a.Name)).toEqual(['Render', 'BlueGreen']);
    orders.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'release@example.com' });
  },

  'Workers, scheduled jobs and event-driven tasks': (app) => {
    const template = templatesOf(app);
    // Resizer: a queue worker from 0 to 20 tasks of 512 CPU units and 1 GiB, built by its pipeline
    const resizer = template('Platform/Platform/ResizerStack');
    expect(onlyProperties(resizer, 'AWS::ApplicationAutoScaling::ScalableTarget')).toMatchObject({ MinCapacity: 0, MaxCapacity: 20 });
    expect(onlyProperties(resizer, 'AWS::ECS::TaskDefinition')).toMatchObject({ Cpu: '512', Memory: '1024' });
    resizer.resourceCountIs('AWS::CodePipeline::Pipeline', 1);
    // NightlyReport: at 02:00 on the fixed image
    const report = template('Platform/Platform/NightlyReportStack');
    expect(onlyProperties(report, 'AWS::Scheduler::Schedule').ScheduleExpression).toBe('cron(0 2 * * ? *)');
    expect(onlyProperties(report, 'AWS::ECS::TaskDefinition').ContainerDefinitions).toEqual([
      expect.objectContaining({ Name: 'app', Image: 'public.ecr.aws/my/report:3' }),
      expect.objectContaining({ Name: 'tmp-permissions', Image: 'public.ecr.aws/my/report:3' }),
    ]);
    // Thumbnail: started by uploads under incoming/, built by its pipeline
    const thumbnail = template('Platform/Platform/ThumbnailStack');
    thumbnail.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.s3'], 'detail-type': ['Object Created'], 'detail': { bucket: { name: [Match.anyValue()] }, object: { key: [{ prefix: 'incoming/' }] } } },
    });
    thumbnail.resourceCountIs('AWS::CodePipeline::Pipeline', 1);
    // the alerts' rules and the dashboard, in the platform's stack
    const platform = template('Platform');
    platform.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    platform.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ 'source': ['aws.ecs'], 'detail-type': ['ECS Task State Change'] }) });
  },

  'HTTPS and DNS': (app) => {
    const platform = templatesOf(app)('Platform');
    // the certificate of the name and its wildcard, validated in the zone; HTTPS on 443; a record per routed name
    expect(onlyProperties(platform, 'AWS::CertificateManager::Certificate')).toMatchObject({
      DomainName: 'example.com', SubjectAlternativeNames: ['*.example.com'],
      DomainValidationOptions: [{ DomainName: 'example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
    });
    platform.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
    platform.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, DefaultActions: [Match.objectLike({ Type: 'redirect' })] });
    const records = Object.values(platform.findResources('AWS::Route53::RecordSet')).map((r) => `${r.Properties.Type} ${r.Properties.Name}`).sort();
    expect(records).toEqual(['A catalog.example.com.', 'A example.com.']);
  },

  'Scale: stacks and load balancers': (app) => {
    const platform = templatesOf(app)('Platform');
    platform.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 2);
    // each load balancer's DNS name is an output naming its services
    const outputs = Object.values(platform.findOutputs('*')).map((o) => o.Description as string).filter((d) => d?.startsWith('Load balancer '));
    expect(outputs).toEqual(expect.arrayContaining([
      'Load balancer Platform/Platform/LoadBalancer; services: none',
      'Load balancer Platform/Platform/LoadBalancer2; services: Search',
    ]));
    expect(outputs).toHaveLength(2);
  },
  'Platform teams and service teams': (app) => {
    // the platform 'shop', published in the staging and the production account
    const stacks = app.node.children.filter(Stack.isStack);
    expect(stacks.map((s) => `${s.stackName} ${s.account}`)).toEqual(['ShopStaging 222222222222', 'ShopProduction 333333333333']);
    for (const stack of stacks) {
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::ECS::Cluster', { ClusterName: 'shop' });
      template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/cdk-container-platform/platform/shop/vpc-id' });
      template.resourceCountIs('AWS::SSM::Parameter', 20);
    }
  },

  'Platform teams and service teams #2': (app) => {
    const stack = (name: string) => app.node.children.filter(Stack.isStack).find((s) => s.stackName === name)!;
    // one pipeline in the tooling account: build, staging (and its tests), approval, production, one image
    const pipeline = onlyProperties(Template.fromStack(stack('PaymentsDelivery')), 'AWS::CodePipeline::Pipeline');
    expect(pipeline.Stages.map((s: any) => [s.Name, s.Actions.map((a: any) => a.Name)])).toEqual([
      ['Source', ['CodeCommit']], ['Build', ['Image']], ['Staging', ['Prepare', 'Deploy', 'Test']], ['Production', ['Approve', 'Prepare', 'Deploy']],
    ]);
    // Payments in each environment, on 'shop' imported by name: SSM-typed parameters, blue/green, deployed by the pipeline's roles
    for (const [name, account] of [['PaymentsStaging', '222222222222'], ['PaymentsProduction', '333333333333']]) {
      const template = Template.fromStack(stack(name));
      expect(Object.values(template.toJSON().Parameters).map((p: any) => p.Type)).toContain('AWS::SSM::Parameter::Value<List<String>>');
      template.hasResourceProperties('Custom::BlueGreenService', { ClusterName: 'shop', ServiceName: 'shop-Payments' });
      template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'shop-Payments-deploy', Path: '/cdk-container-platform/shop/eu-west-1/' });
      expect(stack(name).account).toBe(account);
    }
  },

  'A minimal app': (app) => {
    // the VPC in the two zones named, a rolling service on the fixed image, and no repository (nothing pushes to one)
    const template = templatesOf(app);
    const zones = Object.values(template('Shop').findResources('AWS::EC2::Subnet')).map((r) => r.Properties.AvailabilityZone);
    expect([...new Set(zones)].sort()).toEqual(['eu-west-1a', 'eu-west-1b']);
    const web = template('Shop/Platform/WebStack');
    web.resourceCountIs('Custom::EcsService', 1);
    web.resourceCountIs('AWS::ECR::Repository', 0);
  },

  'ECS Exec': (app) => {
    const template = templatesOf(app);
    template('Platform').hasResourceProperties('AWS::ECS::Cluster', {
      Configuration: { ExecuteCommandConfiguration: Match.objectLike({ Logging: 'OVERRIDE', LogConfiguration: Match.objectLike({ CloudWatchEncryptionEnabled: true }) }) },
    });
    expect(onlyProperties(template('Platform/Platform/OrdersStack'), 'Custom::EcsService').EnableExecuteCommand).toBe(true);
  },

  'Sidecars, storage, tracing and log routing': (app) => {
    const template = templatesOf(app);
    const orders = template('Platform/Platform/OrdersStack');
    const containers = onlyProperties(orders, 'AWS::ECS::TaskDefinition').ContainerDefinitions;
    // app, tmp-permissions (32 MiB: every container has a hard limit), the cache and the collector;
    // app keeps 1024 - 256 - 256 MiB and waits for the cache to be healthy
    expect(containers.map((c: any) => [c.Name, c.Memory])).toEqual([['app', 512], ['tmp-permissions', 32], ['cache', 256], ['aws-otel-collector', 256]]);
    expect(containers[0].DependsOn).toContainEqual({ ContainerName: 'cache', Condition: 'HEALTHY' });
    expect(containers[0].MountPoints).toContainEqual({ ContainerPath: '/data', ReadOnly: false, SourceVolume: 'storage' });
    // the platform's file system, retained and encrypted; the service's access point
    template('Platform').hasResource('AWS::EFS::FileSystem', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ Encrypted: true }) });
    expect(onlyProperties(orders, 'AWS::EFS::AccessPoint').RootDirectory.Path).toBe('/Platform-Orders');
  },

  'Routing on the shared load balancer': (app) => {
    // the narrower route is evaluated first, with the priority chosen
    const template = templatesOf(app);
    const priority = (path: string) => onlyProperties(template(path), 'AWS::ElasticLoadBalancingV2::ListenerRule').Priority;
    expect(priority('Platform/Platform/ApiOrdersStack')).toBe(900);
    expect(priority('Platform/Platform/ApiStack')).toBeGreaterThan(900);
  },

  'TCP services on a Network Load Balancer': (app) => {
    const template = templatesOf(app);
    // an internal and an internet-facing Network Load Balancer, in the platform's stack
    const nlbs = Object.values(template('Platform').findResources('AWS::ElasticLoadBalancingV2::LoadBalancer', { Properties: { Type: 'network' } }));
    expect(nlbs.map((n) => n.Properties.Scheme).sort()).toEqual(['internal', 'internet-facing']);
    // Devices: TLS 8883 too, on the internet-facing one, open to any IPv4 address
    const devices = onlyProperties(template('Platform/Platform/DevicesStack'), 'AWS::ElasticLoadBalancingV2::Listener');
    expect(devices).toMatchObject({ Port: 8883, Protocol: 'TLS' });
    expect(JSON.stringify(devices.LoadBalancerArn)).toContain('PublicNetworkLoadBalancer');
    const publicGroup = Object.values(template('Platform').findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: 'Network load balancer Platform/Platform/PublicNetworkLoadBalancer' },
    }))[0];
    expect(publicGroup.Properties.SecurityGroupIngress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 8883, ToPort: 8883 })]);
    // mqtt.example.com: an alias to the internet-facing load balancer
    const record = onlyProperties(template('Platform'), 'AWS::Route53::RecordSet');
    expect(record).toMatchObject({ Name: 'mqtt.example.com.', Type: 'A', HostedZoneId: 'Z0123456789ABCDEFGHIJ' });
    expect(JSON.stringify(record.AliasTarget.DNSName)).toContain('PlatformPublicNetworkLoadBalancer');
    // Ledger: TCP 5432 with a TCP health check; Broker: TLS 8883 to container port 1883
    expect(onlyProperties(template('Platform/Platform/LedgerStack'), 'AWS::ElasticLoadBalancingV2::Listener')).toMatchObject({ Port: 5432, Protocol: 'TCP' });
    expect(onlyProperties(template('Platform/Platform/LedgerStack'), 'AWS::ElasticLoadBalancingV2::TargetGroup')).toMatchObject({ Port: 5432, Protocol: 'TCP', HealthCheckProtocol: 'TCP' });
    expect(onlyProperties(template('Platform/Platform/BrokerStack'), 'AWS::ElasticLoadBalancingV2::Listener')).toMatchObject({ Port: 8883, Protocol: 'TLS' });
    expect(onlyProperties(template('Platform/Platform/BrokerStack'), 'AWS::ElasticLoadBalancingV2::TargetGroup')).toMatchObject({ Port: 1883, Protocol: 'TCP' });
  },

  'Blue/green on the Network Load Balancer': (app) => {
    const template = templatesOf(app);
    // Ledger: CodeDeploy all at once on its production (5432) and test (15432) listeners, with a green target group
    const ledger = template('Platform/Platform/LedgerStack');
    const ports = Object.values(ledger.findResources('AWS::ElasticLoadBalancingV2::Listener')).map((l: any) => l.Properties.Port).sort();
    expect(ports).toEqual([15432, 5432]);
    ledger.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
    expect(onlyProperties(ledger, 'AWS::CodeDeploy::DeploymentGroup').DeploymentConfigName).toBe('CodeDeployDefault.ECSAllAtOnce');
    // its smoke test connects (no HTTP health check); Cache's GETs /health on its test port
    expect(JSON.stringify(onlyProperties(ledger, 'AWS::SSM::Parameter').Value)).toContain('\\"port\\":15432,\\"protocol\\":\\"tcp\\"');
    const cache = template('Platform/Platform/CacheStack');
    expect(JSON.stringify(onlyProperties(cache, 'AWS::SSM::Parameter').Value)).toContain('\\"port\\":16379,\\"protocol\\":\\"http\\",\\"host\\":\\"\\",\\"path\\":\\"/health\\"');
    // Cache: ECS-native linear 20 % every 2 minutes, shifted on its two listeners
    const service = onlyProperties(cache, 'Custom::EcsService');
    expect(service.DeploymentConfiguration).toMatchObject({ Strategy: 'LINEAR', LinearConfiguration: { StepPercent: 20, StepBakeTimeInMinutes: 2 } });
    const listenerIds = Object.keys(cache.findResources('AWS::ElasticLoadBalancingV2::Listener'));
    const config = service.LoadBalancers[0].AdvancedConfiguration;
    expect([config.ProductionListenerRule.Ref, config.TestListenerRule.Ref].sort()).toEqual(listenerIds.sort());
  },

  'Validation': (app) => {
    // the acknowledged warning is gone; the rest of the service's output is there
    const messages = JSON.stringify(app.synth().stacks.flatMap((s) => s.messages));
    expect(messages).not.toContain('smoke-test-path');
    templatesOf(app)('Platform/Platform/OrdersStack').resourceCountIs('Custom::BlueGreenService', 1);
  },

  'Testing your stacks': (app) => {
    const snapshot = PlatformTemplates.snapshot(onlyStack(app));
    // every template, the nested service stack's included, keyed by stack path
    expect(Object.keys(snapshot)).toEqual(['Shop', 'Shop/Platform/OrdersStack']);
    const nested = Object.values(snapshot.Shop.Resources as Record<string, any>).find((r) => r.Type === 'AWS::CloudFormation::Stack');
    expect(nested.Properties.TemplateURL).toBe('<template of Shop/Platform/OrdersStack>');
    // asset hashes shortened (a short hash of the contents stays), no version metadata
    expect(JSON.stringify(snapshot)).not.toMatch(/[0-9a-f]{64}/);
    expect(JSON.stringify(snapshot)).toMatch(/<asset-hash:[0-9a-f]{8}>/);
    expect(JSON.stringify(snapshot)).not.toContain('AWS::CDK::Metadata');
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
    expect(blocks.filter((b) => b.fixture !== COMPLETE).map((b) => b.fixture).sort())
      .toEqual(['jest', 'platform', 'platform', 'platform', 'platform', 'platform', 'platform', 'platform', 'service-options', 'workloads']);
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
    container: { cpu: 256, memoryMiB: 4096 },
    scaling: { minTasks: 5, maxTasks: 3 },
  }));
  // THEN
  expect(message).toBe(quoted);
});
