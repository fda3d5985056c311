import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import { EXAMPLE_ENV } from '../../examples/env';
import { DeployPreview, Logging, Routing, ServiceOptions, Source } from '../../lib';
import { LOG_ROUTER_IMAGE } from '../../lib/core/logging';
import { COLLECTOR_IMAGE, collectorConfig } from '../../lib/core/sidecars';
import { derivedPosixId } from '../../lib/core/storage';
import { imageOf, sameSettings, withImage } from '../../lib/deployment/provider/handler/blue-green-spec';
import { checkCompliance, describeFindings } from '../compliance';
import { newApp, newPlatform, newStack, templateOf } from '../util';
import { IMAGE, newService, ORDERS_ROUTE, onlyProperties, refTo as cdkRefTo, serviceTemplate } from './helpers';

/** {@link cdkRefTo} as a jest asymmetric matcher, for plain expect(...).toEqual. */
function refTo(name: string, attribute?: string): any {
  const matcher = cdkRefTo(name, attribute);
  return {
    $$typeof: Symbol.for('jest.asymmetricMatcher'),
    asymmetricMatch: (actual: unknown) => !matcher.test(actual).hasFailed(),
    toAsymmetricMatcher: () => `refTo(${name}${attribute ? `, ${attribute}` : ''})`,
  };
}

const PROXY = ecs.ContainerImage.fromRegistry('public.ecr.aws/envoyproxy/envoy:v1.31.0');

function containersOf(template: Template): any[] {
  return onlyProperties(template, 'AWS::ECS::TaskDefinition').ContainerDefinitions;
}

function named(template: Template, name: string): any {
  const found = containersOf(template).filter((c) => c.Name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

/** Every statement of the task role's policy. */
function taskRoleStatements(template: Template): any[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p: any) => JSON.stringify(p.Properties.Roles).includes('TaskDefinitionTaskRole'));
  expect(policies).toHaveLength(1);
  return (policies[0] as any).Properties.PolicyDocument.Statement;
}

describe('sidecars', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN / WHEN a 512 MiB service with a proxy (its own port, a health check, the app waits for it) and a non-essential sidecar that waits for the proxy
    template = serviceTemplate({
      container: { image: IMAGE },
      sidecars: [
        { name: 'proxy', image: PROXY, port: 9901, cpu: 64, memoryMiB: 96, healthCheck: { command: ['CMD', '/bin/true'] }, appWaitsFor: ecs.ContainerDependencyCondition.HEALTHY },
        { name: 'warmup', image: IMAGE, essential: false, command: ['sh', '-c', 'echo warm'], environment: { TARGET: 'proxy' }, readonlyRootFilesystem: false,
          dependsOn: [{ container: 'proxy', condition: ecs.ContainerDependencyCondition.START }] },
      ],
    }).template;
  });

  test('run after the service\'s own containers, in the order given', () => {
    expect(containersOf(template).map((c) => c.Name)).toEqual(['app', 'tmp-permissions', 'proxy', 'warmup']);
  });

  test('take their memory from the task: the service\'s container keeps the rest; each has a hard limit (128 MiB unless given)', () => {
    expect(onlyProperties(template, 'AWS::ECS::TaskDefinition')).toMatchObject({ Cpu: '256', Memory: '512' });
    expect(named(template, 'app').Memory).toBe(512 - 96 - 128);
    expect(named(template, 'proxy')).toMatchObject({ Memory: 96, Cpu: 64 });
    expect(named(template, 'warmup').Memory).toBe(128);
  });

  test('have their port, essential flag, health check, command, environment and root filesystem as given, the defaults otherwise', () => {
    expect(named(template, 'proxy')).toMatchObject({
      Image: 'public.ecr.aws/envoyproxy/envoy:v1.31.0',
      Essential: true,
      PortMappings: [{ ContainerPort: 9901, Name: 'proxy', Protocol: 'tcp' }],
      HealthCheck: { Command: ['CMD', '/bin/true'] },
      ReadonlyRootFilesystem: true,
    });
    expect(named(template, 'warmup')).toMatchObject({
      Essential: false,
      Command: ['sh', '-c', 'echo warm'],
      Environment: [{ Name: 'TARGET', Value: 'proxy' }],
      ReadonlyRootFilesystem: false,
    });
    expect(named(template, 'warmup').PortMappings).toBeUndefined();
  });

  test('wait for what they depend on, and the service\'s container for what it waits for', () => {
    expect(named(template, 'warmup').DependsOn).toEqual([{ ContainerName: 'proxy', Condition: 'START' }]);
    expect(named(template, 'proxy').DependsOn).toBeUndefined();
    expect(named(template, 'app').DependsOn).toEqual([
      { ContainerName: 'tmp-permissions', Condition: 'COMPLETE' },
      { ContainerName: 'proxy', Condition: 'HEALTHY' },
    ]);
  });

  test('log to the service\'s log group under their own names', () => {
    for (const name of ['proxy', 'warmup']) {
      expect(named(template, name).LogConfiguration).toEqual({
        LogDriver: 'awslogs',
        Options: { 'awslogs-group': refTo('OrdersLogs'), 'awslogs-stream-prefix': name, 'awslogs-region': 'eu-west-1', 'mode': 'non-blocking' },
      });
    }
  });
});

describe('the task\'s size with sidecars', () => {
  test('without sidecars the service\'s container has the whole task', () => {
    expect(containersOf(serviceTemplate({ container: { image: IMAGE } }).template)[0].Memory).toBe(512);
  });

  test('sidecars may leave the service\'s container exactly 6 MiB, and reserve all of the task\'s CPU', () => {
    const { template } = serviceTemplate({ container: { image: IMAGE }, sidecars: [{ name: 'big', image: IMAGE, memoryMiB: 506, cpu: 256 }] });
    expect(named(template, 'app').Memory).toBe(6);
  });

  test('eight sidecars beside app and tmp-permissions are the ten containers ECS allows', () => {
    const { template } = serviceTemplate({
      container: { image: IMAGE, cpu: 2048, memoryMiB: 4096 },
      sidecars: [...Array(8).keys()].map((i) => ({ name: `s${i}`, image: IMAGE })),
    });
    expect(containersOf(template)).toHaveLength(10);
  });
});

describe('the image that pipelines and deployments replace', () => {
  const td = {
    family: 'orders',
    containerDefinitions: [
      { name: 'app', image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/orders:a1' },
      { name: 'proxy', image: 'public.ecr.aws/envoyproxy/envoy:v1.31.0' },
    ],
  };

  test('is the service\'s container\'s, found by name: a sidecar keeps its image', () => {
    // GIVEN the pipeline deployed orders:b2
    const input = withImage(td, '111111111111.dkr.ecr.eu-west-1.amazonaws.com/orders:b2', 'app');
    // THEN the revision to register has b2 for app and the sidecar's image unchanged
    expect(input?.containerDefinitions).toEqual([
      { name: 'app', image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/orders:b2' },
      { name: 'proxy', image: 'public.ecr.aws/envoyproxy/envoy:v1.31.0' },
    ]);
    expect(imageOf(td, 'app')).toBe('111111111111.dkr.ecr.eu-west-1.amazonaws.com/orders:a1');
  });

  test('a new sidecar image is a change of settings; a new image of app is not', () => {
    const newApp = { ...td, containerDefinitions: [{ ...td.containerDefinitions[0], image: 'x/orders:b2' }, td.containerDefinitions[1]] };
    const newProxy = { ...td, containerDefinitions: [td.containerDefinitions[0], { ...td.containerDefinitions[1], image: 'public.ecr.aws/envoyproxy/envoy:v1.32.0' }] };
    expect(sameSettings(td, newApp, 'app')).toBe(true);
    expect(sameSettings(td, newProxy, 'app')).toBe(false);
  });

  test('the pipeline\'s build and the deployed state name the service\'s container', () => {
    const { template } = serviceTemplate({ source: Source.codeCommit(), sidecars: [{ name: 'proxy', image: PROXY }] });
    // (the image build and the Render step after it)
    const projects = Object.values(template.findResources('AWS::CodeBuild::Project')).map((p: any) => p.Properties);
    expect(projects).toHaveLength(2);
    for (const build of projects) expect(build.Environment.EnvironmentVariables).toContainEqual({ Name: 'CONTAINER_NAME', Type: 'PLAINTEXT', Value: 'app' });
    expect(onlyProperties(template, 'Custom::DeployedState').ContainerName).toBe('app');
  });
});

describe('tracing', () => {
  let template: Template;
  beforeAll(() => {
    template = serviceTemplate({ container: { image: IMAGE }, tracing: true }).template;
  });

  test('adds the AWS Distro for OpenTelemetry collector, essential, with 256 MiB of the task, and the service\'s container starts after it', () => {
    expect(named(template, 'aws-otel-collector')).toMatchObject({ Image: COLLECTOR_IMAGE, Essential: true, Memory: 256, ReadonlyRootFilesystem: true });
    expect(named(template, 'app').Memory).toBe(256);
    expect(named(template, 'app').DependsOn).toContainEqual({ ContainerName: 'aws-otel-collector', Condition: 'START' });
  });

  test('configures the collector: traces to X-Ray, metrics as EMF into the service\'s log group, listening on localhost only', () => {
    const env = named(template, 'aws-otel-collector').Environment;
    expect(env).toHaveLength(1);
    expect(env[0].Name).toBe('AOT_CONFIG_CONTENT');
    const config = JSON.stringify(env[0].Value);
    expect(config).toContain('OrdersLogs');
    const yaml = collectorConfig('my-group');
    expect(yaml).toContain("log_group_name: 'my-group'");
    expect(yaml).toMatch(/traces:\n\s+receivers: \[otlp, awsxray\]\n\s+processors: \[batch\/traces\]\n\s+exporters: \[awsxray\]/);
    expect(yaml).toMatch(/metrics:\n\s+receivers: \[otlp\]\n\s+processors: \[batch\/metrics\]\n\s+exporters: \[awsemf\]/);
    expect(yaml.match(/endpoint: (\S+)/g)).toEqual(['endpoint: 127.0.0.1:4317', 'endpoint: 127.0.0.1:4318', 'endpoint: 127.0.0.1:2000']);
  });

  test('gives the task role the X-Ray actions and writing the service\'s log group, nothing else', () => {
    expect(taskRoleStatements(template)).toEqual([
      { Effect: 'Allow', Resource: '*',
        Action: ['xray:GetSamplingRules', 'xray:GetSamplingStatisticSummaries', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'] },
      { Effect: 'Allow', Resource: refTo('OrdersLogs', 'Arn'), Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'] },
    ]);
  });

  test('is off by default: no collector, no task role policy', () => {
    const plain = serviceTemplate({ container: { image: IMAGE } }).template;
    expect(containersOf(plain).map((c) => c.Name)).toEqual(['app', 'tmp-permissions']);
    // (the platform's own waiter state machine traces with X-Ray: its role, not the task's, may send traces)
    const taskPolicies = Object.values(plain.findResources('AWS::IAM::Policy')).filter((p: any) => JSON.stringify(p.Properties.Roles).includes('TaskDefinitionTaskRole'));
    expect(JSON.stringify(taskPolicies)).not.toContain('xray:');
    expect(JSON.stringify(containersOf(plain))).not.toContain('otel');
  });
});

describe('storage on the platform\'s file system', () => {
  let template: Template;
  beforeAll(() => {
    template = serviceTemplate({ container: { image: IMAGE }, storage: { path: '/data' } }).template;
  });

  test('the file system is encrypted with the platform\'s key, retained, backed up, and refuses requests without TLS', () => {
    template.hasResource('AWS::EFS::FileSystem', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        Encrypted: true,
        KmsKeyId: cdkRefTo('PlatformKey', 'Arn'),
        BackupPolicy: { Status: 'ENABLED' },
        ThroughputMode: 'elastic',
        FileSystemPolicy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
        },
      }),
    });
  });

  test('has one mount target in each private subnet, behind its own security group', () => {
    const targets = Object.values(template.findResources('AWS::EFS::MountTarget')).map((r: any) => r.Properties);
    expect(targets.map((t) => t.SubnetId.Ref).sort()).toEqual([expect.stringMatching(/PrivateSubnet1/), expect.stringMatching(/PrivateSubnet2/)]);
    for (const t of targets) expect(t.SecurityGroups).toEqual([refTo('PlatformFileSystemSecurityGroup', 'GroupId')]);
  });

  test('the tasks\' security group reaches it on 2049 only, by a rule of the service\'s', () => {
    const rules = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties)
      .filter((r) => JSON.stringify(r.GroupId).includes('FileSystemSecurityGroup'));
    expect(rules).toEqual([{
      IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, Description: 'NFS from Test-Orders',
      GroupId: refTo('PlatformFileSystemSecurityGroup', 'GroupId'), SourceSecurityGroupId: refTo('OrdersSecurityGroup', 'GroupId'),
    }]);
  });

  test('the service has its own access point: its POSIX user and root directory', () => {
    const id = String(derivedPosixId('Test-Orders'));
    expect(Number(id)).toBeGreaterThanOrEqual(10000);
    expect(Number(id)).toBeLessThan(60000);
    expect(onlyProperties(template, 'AWS::EFS::AccessPoint')).toMatchObject({
      FileSystemId: refTo('PlatformFileSystem'),
      PosixUser: { Uid: id, Gid: id },
      RootDirectory: { Path: '/Test-Orders', CreationInfo: { OwnerUid: id, OwnerGid: id, Permissions: '750' } },
    });
  });

  test('the task mounts it through the access point with IAM authorization and encryption in transit, at the path', () => {
    expect(onlyProperties(template, 'AWS::ECS::TaskDefinition').Volumes).toContainEqual({
      Name: 'storage',
      EFSVolumeConfiguration: { FilesystemId: refTo('PlatformFileSystem'), TransitEncryption: 'ENABLED', AuthorizationConfig: { AccessPointId: refTo('OrdersStorageAccessPoint'), IAM: 'ENABLED' } },
    });
    expect(named(template, 'app').MountPoints).toContainEqual({ ContainerPath: '/data', ReadOnly: false, SourceVolume: 'storage' });
  });

  test('the task role may mount and write through that access point only', () => {
    expect(taskRoleStatements(template)).toEqual([{
      Effect: 'Allow',
      Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      Resource: refTo('PlatformFileSystem', 'Arn'),
      Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': { 'Fn::Join': ['', ['arn:aws:elasticfilesystem:eu-west-1:111111111111:access-point/', refTo('OrdersStorageAccessPoint')]] } } },
    }]);
  });
});

describe('storage, other cases', () => {
  test('no file system until a service asks for storage', () => {
    const { template } = serviceTemplate({ container: { image: IMAGE } });
    template.resourceCountIs('AWS::EFS::FileSystem', 0);
    template.resourceCountIs('AWS::EFS::AccessPoint', 0);
  });

  test('two services share the platform\'s one file system, each with its own access point, user and directory', () => {
    const { platform, stack } = newPlatform();
    platform.addService('Orders', { routing: ORDERS_ROUTE, container: { image: IMAGE }, storage: { path: '/data' } });
    platform.addService('Catalog', { routing: Routing.path('/catalog/*'),
      container: { image: IMAGE }, storage: { path: '/catalog/data', posixId: 1000 } });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::EFS::FileSystem', 1);
    const points = Object.values(template.findResources('AWS::EFS::AccessPoint')).map((r: any) => [r.Properties.RootDirectory.Path, r.Properties.PosixUser.Uid]).sort();
    expect(points).toEqual([['/Test-Catalog', '1000'], ['/Test-Orders', String(derivedPosixId('Test-Orders'))]]);
  });

  test('readOnly mounts read-only and allows ClientMount only', () => {
    const { template } = serviceTemplate({ container: { image: IMAGE }, storage: { path: '/data', readOnly: true } });
    expect(named(template, 'app').MountPoints).toContainEqual({ ContainerPath: '/data', ReadOnly: true, SourceVolume: 'storage' });
    expect(taskRoleStatements(template)[0].Action).toBe('elasticfilesystem:ClientMount');
  });

  test('your own file system: no platform file system; the access point and the 2049 rule go to yours', () => {
    const stack = newStack();
    const { platform } = newPlatform({}, stack);
    const sg = new ec2.SecurityGroup(stack, 'MineSg', { vpc: platform.vpc });
    const mine = new efs.FileSystem(stack, 'Mine', { vpc: platform.vpc, securityGroup: sg });
    platform.addService('Orders', { routing: ORDERS_ROUTE, container: { image: IMAGE }, storage: { path: '/data', fileSystem: mine } });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::EFS::FileSystem', 1);
    expect(Object.keys(template.findResources('AWS::EFS::FileSystem'))[0]).toMatch(/^Mine/);
    expect(onlyProperties(template, 'AWS::EFS::AccessPoint').FileSystemId).toEqual(refTo('Mine'));
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 2049, ToPort: 2049, GroupId: cdkRefTo('MineSg', 'GroupId') });
  });

  test('removing the last service with storage takes the file system out of the stack, retained: the deploy preview says so', () => {
    // GIVEN an app with storage, then the same without it
    const synth = (storage: boolean): string => {
      const app = newApp();
      const { platform } = newPlatform({}, new Stack(app, 'Shop', { env: EXAMPLE_ENV }));
      platform.addService('Orders', { routing: ORDERS_ROUTE, container: { image: IMAGE }, ...(storage ? { storage: { path: '/data' } } : {}) });
      return app.synth().directory;
    };
    // WHEN
    const preview = DeployPreview.compare(synth(true), synth(false));
    // THEN
    expect(preview.stacks[0].workloads.find((w) => w.name === 'Shop')?.statefulAtRisk).toEqual([
      'Platform/FileSystem, a file system (its files): removed from the template; the old one is retained (DeletionPolicy Retain): it stays in the account, out of the stack',
    ]);
  });

  test('without nested service stacks, the file system, access point and rule are in the platform\'s stack', () => {
    const { template } = serviceTemplate({ container: { image: IMAGE }, storage: { path: '/data' } }, { nestedServiceStacks: false });
    template.resourceCountIs('AWS::EFS::FileSystem', 1);
    expect(onlyProperties(template, 'AWS::EFS::AccessPoint').FileSystemId).toEqual({ Ref: expect.stringMatching(/^PlatformFileSystem/) });
    template.resourceCountIs('AWS::CloudFormation::Stack', 0);
  });

  test('/tmp is a path of its own when the root filesystem is writable (enableExec)', () => {
    const { template } = serviceTemplate({ container: { image: IMAGE }, enableExec: true, storage: { path: '/tmp/cache' } });
    expect(named(template, 'app').MountPoints).toEqual([{ ContainerPath: '/tmp/cache', ReadOnly: false, SourceVolume: 'storage' }]);
  });
});

describe('logging', () => {
  test('Logging.fireLens(): a Fluent Bit log router (essential, 128 MiB of the task) before the service\'s container, which logs to it; the router writes the service\'s log group', () => {
    // GIVEN / WHEN
    const { template } = serviceTemplate({ container: { image: IMAGE }, logging: Logging.fireLens() });
    // THEN
    expect(named(template, 'log-router')).toMatchObject({
      Image: LOG_ROUTER_IMAGE, Essential: true, Memory: 128, ReadonlyRootFilesystem: true,
      FirelensConfiguration: { Type: 'fluentbit', Options: { 'enable-ecs-log-metadata': 'true' } },
      LogConfiguration: { LogDriver: 'awslogs', Options: expect.objectContaining({ 'awslogs-stream-prefix': 'log-router' }) },
    });
    const app = named(template, 'app');
    expect(app.Memory).toBe(512 - 128);
    expect(app.DependsOn).toContainEqual({ ContainerName: 'log-router', Condition: 'START' });
    expect(app.LogConfiguration).toEqual({
      LogDriver: 'awsfirelens',
      Options: { Name: 'cloudwatch_logs', region: 'eu-west-1', log_group_name: refTo('OrdersLogs'), log_stream_prefix: 'app/', auto_create_group: 'false' },
    });
    expect(taskRoleStatements(template)).toEqual([{ Effect: 'Allow', Resource: refTo('OrdersLogs', 'Arn'), Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }]);
  });

  test('Logging.fireLens({ output }): the output as given, no log group rights for the task role; memoryMiB as given', () => {
    const output = { Name: 'kinesis_firehose', region: 'eu-west-1', delivery_stream: 'logs' };
    const { template } = serviceTemplate({ container: { image: IMAGE }, logging: Logging.fireLens({ output, memoryMiB: 64 }) });
    expect(named(template, 'app').LogConfiguration).toEqual({ LogDriver: 'awsfirelens', Options: output });
    expect(named(template, 'log-router').Memory).toBe(64);
    expect(JSON.stringify(template.toJSON())).not.toContain('TaskDefinitionTaskRoleDefaultPolicy');
  });

  test('Logging.awsLogs() is the default: the service\'s log group through awslogs, no router', () => {
    const explicit = serviceTemplate({ container: { image: IMAGE }, logging: Logging.awsLogs() }).template;
    expect(containersOf(explicit).map((c) => c.Name)).toEqual(['app', 'tmp-permissions']);
    expect(named(explicit, 'app').LogConfiguration.LogDriver).toBe('awslogs');
    expect(onlyProperties(explicit, 'AWS::ECS::TaskDefinition')).toEqual(onlyProperties(serviceTemplate({ container: { image: IMAGE } }).template, 'AWS::ECS::TaskDefinition'));
  });
});

describe('compliance', () => {
  test('sidecars, tracing, FireLens and storage pass cdk-nag and the Control Tower controls; the collector\'s configuration alone is no finding, a variable of yours still is, and so is a sidecar without a user', () => {
    // GIVEN / WHEN services with all four, one with an environment variable of its own, one whose sidecar names no user
    const report = checkCompliance((app) => {
      const { platform } = newPlatform({}, new Stack(app, 'Test', { env: EXAMPLE_ENV }));
      const all = { tracing: true, logging: Logging.fireLens(), storage: { path: '/data' }, sidecars: [{ name: 'cache', image: IMAGE, port: 6379, user: '999' }] };
      platform.addService('Orders', { routing: ORDERS_ROUTE, container: { image: IMAGE, user: '1000', memoryMiB: 1024 }, ...all });
      platform.addService('Catalog', { routing: Routing.path('/catalog/*'), container: { image: IMAGE, user: '1000', memoryMiB: 1024, environment: { MODE: 'x' } }, ...all });
      platform.addService('Search', { routing: Routing.path('/search/*'), container: { image: IMAGE, user: '1000', memoryMiB: 1024 }, ...all,
        sidecars: [{ name: 'cache', image: IMAGE, port: 6379 }] });
    });
    // THEN the findings left are the user's own: the variable, and the sidecar that runs as its image's user (CT.ECS.PR.3)
    expect(describeFindings(report.violations)).toEqual([
      'AwsSolutions AwsSolutions-ECS2: Test/Platform/CatalogStack/Catalog/TaskDefinition/Resource',
      'cdk-validator-cfnguard ecs_task_definition_nonroot_user_check: Test/Platform/SearchStack/Search/TaskDefinition/Resource',
    ].join('\n'));
  });
});

describe('Control Tower CT.ECS.PR.3 (a non-root user on every container)', () => {
  /** The reason the task definition acknowledges the rule with, if it does. */
  function acknowledged(options: Partial<ServiceOptions>): string | undefined {
    const { service } = newService(options);
    const acks = service.taskDefinition.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules')
      .map((m) => (m.data as Record<string, string>)['cdk-validator-cfnguard::ecs_task_definition_nonroot_user_check'])
      .filter((r) => r !== undefined);
    return acks[0];
  }

  test('the platform\'s root helpers are acknowledged, by name, when every container of yours names a non-root user', () => {
    // GIVEN a read-only root (tmp-permissions), tracing (the collector) and FireLens (the log router) beside users of yours
    const reason = acknowledged({ container: { image: IMAGE, user: '1000', memoryMiB: 1024 }, tracing: true, logging: Logging.fireLens(),
      sidecars: [{ name: 'cache', image: IMAGE, user: 'redis' }] });
    // THEN the reason names each of them
    expect(reason).toMatch(/^Every container of the app's names a non-root user; the platform's own tmp-permissions container runs chmod 1777 \/tmp as root/);
    expect(reason).toContain('aws-otel-collector container is the AWS Distro for OpenTelemetry collector');
    expect(reason).toContain('log-router container is the FireLens log router');
    // and only the helpers present: the read-only root alone names tmp-permissions only
    expect(acknowledged({ container: { image: IMAGE, user: '1000' } })).not.toMatch(/otel|log-router/);
  });

  test.each<[string, Partial<ServiceOptions>]>([
    ['the service\'s container names no user', { container: { image: IMAGE } }],
    ['a sidecar names no user', { container: { image: IMAGE, user: '1000' }, sidecars: [{ name: 'cache', image: IMAGE }] }],
    ['a sidecar runs as root', { container: { image: IMAGE, user: '1000' }, sidecars: [{ name: 'cache', image: IMAGE, user: 'root:root' }] }],
    ['the service\'s container runs as uid 0', { container: { image: IMAGE, user: '0' }, tracing: true }],
    ['no helper runs as root (writable root, no tracing, awslogs)', { container: { image: IMAGE, user: '1000', readonlyRootFilesystem: false } }],
  ])('nothing is acknowledged when %s: the finding is yours to fix', (_name, options) => {
    expect(acknowledged(options)).toBeUndefined();
  });

  test('a sidecar\'s user is its container\'s', () => {
    const { template } = serviceTemplate({ container: { image: IMAGE }, sidecars: [{ name: 'cache', image: IMAGE, user: '999:1000' }] });
    expect(named(template, 'cache').User).toBe('999:1000');
    expect(named(template, 'app').User).toBeUndefined();
  });
});
