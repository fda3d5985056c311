import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { EXAMPLE_ENV } from '../../examples/env';
import { ContainerPlatform, EventTask, EventTrigger, Logging, QueueWorker, ScheduledJob } from '../../lib';
import { LOG_ROUTER_CONTAINER } from '../../lib/core/logging';
import { COLLECTOR_CONTAINER } from '../../lib/core/sidecars';
import { WorkloadOptions } from '../../lib/workloads/workload-options';
import { checkCompliance, describeFindings } from '../compliance';
import { errorOf, newPlatform, templateOf } from '../util';

/**
 * Workers, scheduled jobs and event tasks take the capabilities of a service: sidecars, storage,
 * tracing and FireLens logging (their tasks are built by the same code; test/service/sidecars.test.ts
 * holds what each of them creates in detail).
 */
const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
const CACHE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/redis:7.4');

const EVERYTHING: WorkloadOptions = {
  container: { image, memoryMiB: 1024 },
  sidecars: [{ name: 'cache', image: CACHE, port: 6379, memoryMiB: 128 }],
  storage: { path: '/data' },
  tracing: true,
  logging: Logging.fireLens(),
};

const KINDS = ['worker', 'job', 'event task'] as const;
type Kind = (typeof KINDS)[number];

function add(kind: Kind, stack: Stack, platform: ContainerPlatform, options: WorkloadOptions, id = 'Work'): QueueWorker | ScheduledJob | EventTask {
  if (kind === 'worker') return new QueueWorker(stack, id, { platform, ...options });
  if (kind === 'job') return new ScheduledJob(stack, id, { platform, schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)), ...options });
  return new EventTask(stack, id, { platform, trigger: EventTrigger.s3ObjectCreated(new s3.Bucket(stack, `${id}Uploads`)), ...options });
}

function containers(template: Template): any[] {
  const defs = Object.values<any>(template.findResources('AWS::ECS::TaskDefinition'));
  expect(defs).toHaveLength(1);
  return defs[0].Properties.ContainerDefinitions;
}

describe.each(KINDS)('a %s with a sidecar, storage, tracing and FireLens', (kind) => {
  let stack: Stack;
  let workload: QueueWorker | ScheduledJob | EventTask;
  let template: Template;
  beforeAll(() => {
    const built = newPlatform();
    stack = built.stack;
    workload = add(kind, stack, built.platform, EVERYTHING);
    template = templateOf(stack);
  });

  test('runs the sidecar, the collector and the log router beside its container, which starts after them', () => {
    const names = containers(template).map((c) => c.Name);
    expect(names).toEqual(expect.arrayContaining(['app', 'cache', COLLECTOR_CONTAINER, LOG_ROUTER_CONTAINER]));
    const app = containers(template).find((c) => c.Name === 'app');
    expect(app.LogConfiguration.LogDriver).toBe('awsfirelens');
    expect(app.DependsOn).toEqual(expect.arrayContaining([
      { ContainerName: COLLECTOR_CONTAINER, Condition: 'START' },
      { ContainerName: LOG_ROUTER_CONTAINER, Condition: 'START' },
    ]));
    // The sidecar's memory comes out of the task's 1024 MiB; the collector's 256 and the router's 128 too.
    expect(containers(template).find((c) => c.Name === 'cache').Memory).toBe(128);
  });

  test('mounts its own access point of the platform\'s file system at the path, with IAM authorization and TLS', () => {
    const defs = Object.values<any>(template.findResources('AWS::ECS::TaskDefinition'));
    const volumes = defs[0].Properties.Volumes.filter((v: any) => v.EFSVolumeConfiguration);
    expect(volumes).toHaveLength(1);
    expect(volumes[0].EFSVolumeConfiguration).toMatchObject({
      TransitEncryption: 'ENABLED',
      AuthorizationConfig: { IAM: 'ENABLED', AccessPointId: { Ref: expect.stringMatching(/^WorkStorageAccessPoint/) } },
    });
    const app = containers(template).find((c) => c.Name === 'app');
    expect(app.MountPoints).toEqual(expect.arrayContaining([{ ContainerPath: '/data', ReadOnly: false, SourceVolume: volumes[0].Name }]));
    template.resourceCountIs('AWS::EFS::FileSystem', 1);
    template.resourceCountIs('AWS::EFS::AccessPoint', 1);
    expect(workload.fileSystem).toBeDefined();
    expect(workload.accessPoint).toBeDefined();
  });

  test('its tasks\' security group reaches the file system on 2049 only, and takes no inbound traffic itself', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkSecurityGroup'), 'GroupId'] },
    });
    const own = Object.entries<any>(template.findResources('AWS::EC2::SecurityGroup')).filter(([k]) => k.startsWith('WorkSecurityGroup'));
    expect(own).toHaveLength(1);
    expect(own[0][1].Properties.SecurityGroupIngress).toBeUndefined();
  });

  test('its task role may send traces to X-Ray', () => {
    const statements = Object.values<any>(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('WorkTaskDefinitionTaskRole'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.flatMap((s) => [s.Action].flat())).toEqual(expect.arrayContaining(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']));
  });
});

test('a worker, a job and an event task with all of it pass the compliance packs with nothing unacknowledged', () => {
  // GIVEN / WHEN each kind with a sidecar, storage, tracing and FireLens, its own containers as non-root users
  const report = checkCompliance((app) => {
    const { stack, platform } = newPlatform({}, new Stack(app, 'Test', { env: EXAMPLE_ENV }));
    for (const kind of KINDS) {
      add(kind, stack, platform, {
        ...EVERYTHING,
        container: { ...EVERYTHING.container, user: '1000' },
        sidecars: EVERYTHING.sidecars!.map((s) => ({ ...s, user: 'redis' })),
      }, kind.replace(' ', ''));
    }
  });
  // THEN the findings left are on the test's own bucket of uploads (the user's, not the library's)
  const ownBucket = (f: { paths: string[] }) => f.paths.every((path) => path.startsWith('Test/eventtaskUploads/'));
  expect(report.violations.filter(ownBucket).length).toBeGreaterThan(0);
  expect(describeFindings(report.violations.filter((f) => !ownBucket(f)))).toBe('');
});

test.each(KINDS)('a %s refuses a sidecar named like its own container, naming the prop', (kind) => {
  const { stack, platform } = newPlatform();
  const message = errorOf(() => add(kind, stack, platform, { container: { image }, sidecars: [{ name: 'app', image: CACHE }] }));
  expect(message).toContain('Work');
  expect(message).toContain('sidecars[0].name: received "app"');
});

test.each(KINDS)('a %s refuses a storage path that is not absolute, naming the prop', (kind) => {
  const { stack, platform } = newPlatform();
  const message = errorOf(() => add(kind, stack, platform, { container: { image }, storage: { path: 'data' } }));
  expect(message).toContain('storage.path: received "data"');
});
