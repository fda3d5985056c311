import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { TMP_INIT_MEMORY_MIB } from '../../lib/private/constants';
import { DEFAULTS } from '../../lib/private/defaults';
import { newStack, templateOf } from '../util';
import { IMAGE, logicalIdOf, newService, onlyProperties, refTo, serviceTemplate } from './helpers';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders/db-AbCdEf';

/** The app container of the service's task definition. */
function containerOf(template: Template): any {
  const containers = onlyProperties(template, 'AWS::ECS::TaskDefinition').ContainerDefinitions.filter((c: any) => c.Name === 'app');
  expect(containers).toHaveLength(1);
  return containers[0];
}

/** Every container of the service's task definition. */
function containersOf(template: Template): any[] {
  return onlyProperties(template, 'AWS::ECS::TaskDefinition').ContainerDefinitions;
}

describe('the task definition, by default', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN a platform / WHEN a service is added with no container options
    template = serviceTemplate().template;
  });

  test('is a Fargate task of 256 CPU units and 512 MiB on X86_64 Linux', () => {
    // THEN
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: String(DEFAULTS.cpu),
      Memory: String(DEFAULTS.memoryMiB),
      NetworkMode: 'awsvpc',
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
      EphemeralStorage: Match.absent(),
    });
  });

  test('runs one essential container named app on port 8080 with a hard memory limit', () => {
    // THEN
    expect(containerOf(template)).toMatchObject({
      Name: 'app',
      Essential: true,
      Memory: DEFAULTS.memoryMiB,
      PortMappings: [{ ContainerPort: DEFAULTS.containerPort, Name: 'app', Protocol: 'tcp', AppProtocol: 'http' }],
    });
  });

  test('mounts the root filesystem read-only with a writable /tmp volume', () => {
    // THEN
    expect(containerOf(template)).toMatchObject({
      ReadonlyRootFilesystem: true,
      MountPoints: [{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'tmp' }],
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Volumes: [{ Name: 'tmp' }] });
  });

  test('makes /tmp writable for any user: a first container opens it (1777) as root before the app starts', () => {
    // Fargate's bind mounts are owned by root with mode 0755; AWS suggests a non-essential
    // container that sets the permissions, which the app's container depends on
    // (https://github.com/aws/containers-roadmap/issues/938, "this can be achieved by using an init-container").
    // THEN
    const [app, init] = containersOf(template);
    expect(init).toEqual({
      Name: 'tmp-permissions',
      Image: expect.anything(),
      Essential: false,
      User: '0',
      EntryPoint: ['chmod'],
      Command: ['1777', '/tmp'],
      ReadonlyRootFilesystem: true,
      Memory: TMP_INIT_MEMORY_MIB,
      MountPoints: [{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'tmp' }],
      LogConfiguration: { ...app.LogConfiguration, Options: { ...app.LogConfiguration.Options, 'awslogs-stream-prefix': 'tmp-permissions' } },
    });
    // The app starts when it has finished, whatever its exit code (an image without chmod runs as before).
    expect(app.DependsOn).toEqual([{ ContainerName: 'tmp-permissions', Condition: 'COMPLETE' }]);
  });

  test('gives every container a hard memory limit (Control Tower CT.ECS.PR.7), within the task\'s memory together', () => {
    // CT.ECS.PR.7 requires a container-level Memory (>= 4 MiB) on every container; ECS requires
    // the memory reserved by all containers to fit the task's ("The total amount of memory reserved
    // for all containers within a task must be lower than the task memory value"): a container
    // reserves its memoryReservation, else its memory.
    // https://docs.aws.amazon.com/controltower/latest/controlreference/ecs-rules.html#ct-ecs-pr-7-description
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
    const containers = containersOf(template);
    expect(containers).toHaveLength(2);
    for (const c of containers) expect(c.Memory).toBeGreaterThanOrEqual(4);
    const reserved = containers.reduce((n, c) => n + (c.MemoryReservation ?? c.Memory), 0);
    expect(reserved).toBe(DEFAULTS.memoryMiB);
    // The app keeps the whole task's memory as its hard limit.
    expect(containerOf(template)).toMatchObject({ Memory: DEFAULTS.memoryMiB, MemoryReservation: DEFAULTS.memoryMiB - TMP_INIT_MEMORY_MIB });
  });

  test('sets no environment, secrets, health check, user or command', () => {
    // THEN
    const container = containerOf(template);
    for (const key of ['Environment', 'Secrets', 'HealthCheck', 'User', 'Command']) expect(container[key]).toBeUndefined();
  });

  test('runs the image the service\'s repository holds, through the deployed state', () => {
    // THEN
    expect(containerOf(template).Image).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/OrdersDeployedState/), 'Image'] });
  });

  test('logs to its own log group, non-blocking, under the stream prefix app', () => {
    // THEN
    expect(containerOf(template).LogConfiguration).toEqual({
      LogDriver: 'awslogs',
      Options: {
        'awslogs-group': { Ref: expect.stringMatching(/OrdersLogs/) },
        'awslogs-stream-prefix': 'app',
        'awslogs-region': 'eu-west-1',
        'mode': 'non-blocking',
      },
    });
  });

  test('the log group is encrypted with the platform key, kept 365 days and retained', () => {
    // THEN
    const id = logicalIdOf(template, 'AWS::Logs::LogGroup', 'OrdersLogs');
    expect(template.toJSON().Resources[id]).toMatchObject({
      Properties: { RetentionInDays: DEFAULTS.logRetentionDays },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: refTo('PlatformKey', 'Arn'), RetentionInDays: 365 });
  });

  test('the task role has no policy attached', () => {
    // THEN
    const taskRole = logicalIdOf(template, 'AWS::IAM::Role', 'OrdersTaskDefinitionTaskRole');
    const attached = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => JSON.stringify(p.Properties.Roles).includes(taskRole));
    expect(attached).toEqual([]);
    expect(template.toJSON().Resources[taskRole].Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('task definition options', () => {
  test('cpu and memoryMiB: size the task and the container\'s hard limit', () => {
    // GIVEN / WHEN
    const { template } = serviceTemplate({ container: { cpu: 1024, memoryMiB: 3072 } });
    // THEN
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '1024', Memory: '3072' });
    expect(containerOf(template).Memory).toBe(3072);
  });

  test('cpuArchitecture ARM64: the runtime platform is ARM64 Linux', () => {
    // GIVEN / WHEN
    const { template } = serviceTemplate({ container: { cpuArchitecture: ecs.CpuArchitecture.ARM64 } });
    // THEN
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' } });
  });

  test('ephemeralStorageGiB: sets the task\'s ephemeral storage', () => {
    // GIVEN / WHEN
    const { template } = serviceTemplate({ container: { ephemeralStorageGiB: 50 } });
    // THEN
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { EphemeralStorage: { SizeInGiB: 50 } });
  });

  test('image: runs the given image and grants no pull from a repository', () => {
    // GIVEN / WHEN
    const { template } = serviceTemplate({ container: { image: IMAGE } });
    // THEN
    expect(containerOf(template).Image).toBe('public.ecr.aws/docker/library/nginx:1.27');
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('ecr:BatchGetImage');
  });

  describe('with environment, secrets, a health check, a user and a command', () => {
    let template: Template;
    beforeAll(() => {
      // GIVEN a Secrets Manager secret and an SSM parameter
      const stack = newStack();
      const db = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Db', SECRET_ARN);
      const apiKey = ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'ApiKey', { parameterName: '/orders/api-key' });
      // WHEN
      template = serviceTemplate({
        container: {
          image: IMAGE,
          environment: { MODE: 'prod' },
          secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(db, 'password'), API_KEY: ecs.Secret.fromSsmParameter(apiKey) },
          containerHealthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'], interval: Duration.seconds(15) },
          user: '1000:1000',
          command: ['serve', '--port', '8080'],
        },
      }, {}, stack).template;
    });

    test('passes the environment variables', () => {
      // THEN
      expect(containerOf(template).Environment).toEqual([{ Name: 'MODE', Value: 'prod' }]);
    });

    test('injects the secrets from Secrets Manager and SSM', () => {
      // THEN
      expect(containerOf(template).Secrets).toEqual([
        { Name: 'DB_PASSWORD', ValueFrom: `${SECRET_ARN}:password::` },
        { Name: 'API_KEY', ValueFrom: 'arn:aws:ssm:eu-west-1:111111111111:parameter/orders/api-key' },
      ]);
    });

    test('the execution role may read exactly those secrets, and write its logs', () => {
      // THEN
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [refTo('OrdersTaskDefinitionExecutionRole')],
        PolicyDocument: {
          Statement: [
            { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: refTo('OrdersLogs', 'Arn') },
            { Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: SECRET_ARN },
            {
              Action: ['ssm:DescribeParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:GetParameters'],
              Effect: 'Allow',
              Resource: 'arn:aws:ssm:eu-west-1:111111111111:parameter/orders/api-key',
            },
          ],
        },
      });
    });

    test('configures the container health check', () => {
      // THEN
      expect(containerOf(template).HealthCheck).toEqual({
        Command: ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'], Interval: 15, Retries: 3, Timeout: 5,
      });
    });

    test('runs as the given user with the given command', () => {
      // THEN
      expect(containerOf(template)).toMatchObject({ User: '1000:1000', Command: ['serve', '--port', '8080'] });
    });
  });

  test('a pipeline-built service opens /tmp with its bootstrap image, which never expires and which the pipeline leaves alone', () => {
    // GIVEN / WHEN a service without a fixed image
    const { template } = serviceTemplate({ container: { user: 'node' } });
    // THEN
    const init = containersOf(template).find((c) => c.Name === 'tmp-permissions');
    expect(init.Image).toEqual({ 'Fn::Join': ['', [expect.anything(), '.dkr.ecr.', expect.anything(), '.', expect.anything(), '/', expect.anything(), ':bootstrap']] });
  });

  test('a service with a fixed image opens /tmp with that image', () => {
    // GIVEN / WHEN
    const { template } = serviceTemplate({ container: { image: IMAGE, user: 'nginx' } });
    // THEN
    expect(containersOf(template).map((c) => [c.Name, c.Image])).toEqual([['app', 'public.ecr.aws/docker/library/nginx:1.27'], ['tmp-permissions', 'public.ecr.aws/docker/library/nginx:1.27']]);
  });

  test.each(['0', 'root', '0:0', 'root:root'])('user %p: root can write /tmp, so no container opens it', (user) => {
    // GIVEN / WHEN
    const { template } = serviceTemplate({ container: { image: IMAGE, user } });
    // THEN
    expect(containersOf(template).map((c) => c.Name)).toEqual(['app']);
    expect(containerOf(template).DependsOn).toBeUndefined();
  });

  test('readonlyRootFilesystem false: a writable root and no /tmp volume', () => {
    // GIVEN / WHEN
    const { template } = serviceTemplate({ container: { readonlyRootFilesystem: false } });
    // THEN
    const container = containerOf(template);
    expect(container.ReadonlyRootFilesystem).toBe(false);
    expect(container.MountPoints).toBeUndefined();
    expect(onlyProperties(template, 'AWS::ECS::TaskDefinition').Volumes).toBeUndefined();
    expect(containersOf(template).map((c) => c.Name)).toEqual(['app']);
  });

  test('logRetention: keeps the logs that long', () => {
    // GIVEN / WHEN
    const { template } = serviceTemplate({ container: { logRetention: logs.RetentionDays.ONE_MONTH } });
    // THEN
    const id = logicalIdOf(template, 'AWS::Logs::LogGroup', 'OrdersLogs');
    expect(template.toJSON().Resources[id].Properties.RetentionInDays).toBe(30);
  });

  test('taskRole: bucket.grantRead(service.taskRole) attaches the read policy to the task role', () => {
    // GIVEN
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Data', 'orders-data');
    const { service } = newService({}, {}, stack);
    // WHEN
    bucket.grantRead(service.taskRole);
    // THEN
    expect(service.taskRole).toBe(service.taskDefinition.taskRole);
    templateOf(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [refTo('OrdersTaskDefinitionTaskRole')],
      PolicyDocument: {
        Statement: [Match.objectLike({
          Effect: 'Allow',
          Action: Match.arrayWith(['s3:GetObject', 's3:ListBucket']),
          Resource: ['arn:aws:s3:::orders-data', 'arn:aws:s3:::orders-data/*'],
        })],
      },
    });
  });
});
