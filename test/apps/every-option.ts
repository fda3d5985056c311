import * as path from 'node:path';
import { App, AppProps, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { IConstruct } from 'constructs';
import { EXAMPLE_ENV } from '../../examples/env';
import {
  Capacity, ContainerPlatform, Deployment, EventTrigger, HookEvent, Logging, PlatformAlerts, PlatformDashboard, Routing, SecureRepository, Source, TrafficShift,
} from '../../lib';
import { acknowledgeAll } from '../../lib/private/compliance';
import { CDK_CONTEXT } from '../util';
import { addFlatStack } from './every-option-flat';
import { addTeamStacks } from './every-option-teams';

/** The directory the CodeCommit sources with `initialCode` start from. */
export const APP_CODE = path.join(__dirname, '..', '..', 'examples', 'app');

/** What the parent stack owns and hands to the platform's workloads (they live in nested stacks). */
export interface UserResources {
  readonly bucket: s3.Bucket;
  readonly queue: sqs.Queue;
  readonly secret: secretsmanager.Secret;
  readonly parameter: ssm.StringParameter;
  readonly hook: lambda.Function;
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  /** A file system of the stack's own, in the VPC given (made on first use). */
  readonly fileSystem: (vpc: ec2.IVpc) => efs.FileSystem;
}

/**
 * The rules that the test app's own resources (the user's bucket, queue, VPC and so on, outside
 * the library) fail, kept minimal on purpose, by the kind of resource: acknowledged on each, so
 * that the compliance check of the app (test/examples) reports the library's constructs only.
 */
export const FIXTURE_RULES = {
  bucket: ['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'NIST.800.53.R5-S3BucketPublicReadProhibited',
    'NIST.800.53.R5-S3BucketPublicWriteProhibited', 'NIST.800.53.R5-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3DefaultEncryptionKMS',
    'NIST.800.53.R5-S3BucketVersioningEnabled', 's3_bucket_level_public_access_prohibited_check', 's3_bucket_default_encryption_kms_check',
    's3_bucket_logging_enabled_check', 's3_version_lifecycle_policy_check', 's3_lifecycle_policy_check', 's3_bucket_object_lock_enabled_check',
    's3_bucket_versioning_enabled_check', 's3_event_notifications_enabled_check'],
  queue: ['AwsSolutions-SQS3', 'sqs_dlq_check', 'sqs_queue_encrypted_check'],
  secret: ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'NIST.800.53.R5-SecretsManagerUsingKMSKey'],
  function: ['AwsSolutions-L1', 'AwsSolutions-IAM4', 'AwsSolutions-IAM5',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'AwsSolutions-IAM5[Resource::*]', 'NIST.800.53.R5-IAMNoInlinePolicy', 'NIST.800.53.R5-LambdaConcurrency',
    'NIST.800.53.R5-LambdaDLQ', 'NIST.800.53.R5-LambdaInsideVPC', 'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
    'cloudwatch_log_group_encrypted_check', 'lambda_inside_vpc_check'],
  topic: ['NIST.800.53.R5-SNSEncryptedKMS'],
  key: ['kms_create_grant_aws_service_check'],
  fileSystem: ['NIST.800.53.R5-EFSInBackupPlan'],
  vpc: ['AwsSolutions-VPC7', 'NIST.800.53.R5-VPCFlowLogsEnabled', 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
    'NIST.800.53.R5-VPCSubnetAutoAssignPublicIpDisabled', 'subnet_auto_assign_public_ip_disabled_check'],
};

/** Acknowledges the rules of FIXTURE_RULES[kind] on a resource of the test app's own; returns it. */
export function fixture<T extends IConstruct>(resource: T, kind: keyof typeof FIXTURE_RULES): T {
  acknowledgeAll(resource, FIXTURE_RULES[kind], 'A resource of the test app\'s own, outside the library, kept minimal.');
  return resource;
}

/** A bucket, a queue, a secret, a parameter, a hook function, a topic and a key of the stack's own. */
export function userResources(stack: Stack): UserResources {
  const key = fixture(new kms.Key(stack, 'UserKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY }), 'key');
  let fileSystem: efs.FileSystem | undefined;
  return {
    key,
    fileSystem: (vpc) => fileSystem ??= fixture(new efs.FileSystem(stack, 'UserFileSystem', {
      vpc, encrypted: true, kmsKey: key, enableAutomaticBackups: true, removalPolicy: RemovalPolicy.DESTROY,
      securityGroup: new ec2.SecurityGroup(stack, 'UserFileSystemSecurityGroup', { vpc, allowAllOutbound: false }),
    }), 'fileSystem'),
    bucket: fixture(new s3.Bucket(stack, 'UserBucket', { versioned: true, enforceSSL: true, removalPolicy: RemovalPolicy.DESTROY }), 'bucket'),
    queue: fixture(new sqs.Queue(stack, 'UserQueue', { enforceSSL: true }), 'queue'),
    secret: fixture(new secretsmanager.Secret(stack, 'UserSecret'), 'secret'),
    parameter: new ssm.StringParameter(stack, 'UserParameter', { stringValue: 'https://api.example.com' }),
    hook: fixture(new lambda.Function(stack, 'UserHook', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({});'),
    }), 'function'),
    topic: fixture(new sns.Topic(stack, 'UserTopic', { enforceSSL: true }), 'topic'),
  };
}

/**
 * An app that uses every public construct, factory and option of the library, so that its
 * templates can be checked file by file (test/integrity) and linted (`npm run lint:templates`):
 * - `EveryOption`: the default nested service stacks, HTTPS with an imported certificate,
 *   two load balancers, every deployment policy and traffic shift (a custom one too), every
 *   source kind, every workload with and without a source, spot and ARM64, secrets, and
 *   resources of the parent stack handed to the workloads;
 * - `EveryOptionFlat` (every-option-flat.ts): `nestedServiceStacks: false` with a VPC, key and
 *   bucket of the user's, and a second platform in the same stack with `natGateways: 0`, published;
 * - `EveryOptionDev`, `EveryOptionTest` and two `...Delivery` stacks (every-option-teams.ts): the
 *   published platform imported by name, every workload kind on it, promotion pipelines.
 * Not an example: it shows coverage, not good practice. Synthesis is offline (CDK_CONTEXT).
 */
export function everyOptionApp(props: AppProps = {}): App {
  const app = new App({ ...props, context: { ...CDK_CONTEXT, ...props.context } });
  addNestedStack(app);
  addFlatStack(app);
  addTeamStacks(app);
  acknowledgeImageUsers(app);
  return app;
}

/** The platform's own containers beside the user's: their users are the library's to answer for. */
const PLATFORM_HELPERS = ['tmp-permissions', 'aws-otel-collector', 'log-router'];

/**
 * Control Tower's CT.ECS.PR.3 (a non-root `user` on every container) is the user's to meet on
 * their own containers (README, Control Tower); most workloads here leave `user` to the image.
 * Acknowledged on exactly those task definitions, naming the containers; the platform's own
 * containers are not counted, so a task whose user containers all name a user still fails unless
 * the library acknowledges its helpers.
 */
function acknowledgeImageUsers(app: App): void {
  for (const task of app.node.findAll().filter((c): c is ecs.TaskDefinition => c instanceof ecs.TaskDefinition)) {
    const unset = task.node.children
      .filter((c): c is ecs.ContainerDefinition => c instanceof ecs.ContainerDefinition && !PLATFORM_HELPERS.includes(c.containerName))
      .filter((c) => c.renderContainerDefinition().user === undefined)
      .map((c) => c.containerName);
    if (unset.length > 0) {
      Validations.of(task).acknowledge({
        id: 'cdk-validator-cfnguard::ecs_task_definition_nonroot_user_check',
        reason: `The test app leaves the user of ${unset.join(', ')} to the image.`,
      });
    }
  }
}

function addNestedStack(app: App): void {
  const stack = new Stack(app, 'EveryOption', { env: EXAMPLE_ENV });
  const user = userResources(stack);
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate',
    'arn:aws:acm:eu-west-1:111111111111:certificate/12345678-1234-1234-1234-123456789012');
  const platform = new ContainerPlatform(stack, 'Platform', {
    certificate,
    protocol: elbv2.ApplicationProtocol.HTTPS,
    sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    maxAzs: 3,
    natGateways: 2,
    vpcCidr: '10.20.0.0/16',
    allowedCidrs: ['0.0.0.0/0'],
    testListenerPort: 9443,
    testListenerAllowedCidrs: ['203.0.113.0/24'],
    webAclArn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/platform/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const second = platform.addLoadBalancer('LoadBalancer2');

  const orders = platform.addService('Orders', {
    routing: Routing.path('/orders/*'),
    container: {
      port: 3000, cpu: 512, memoryMiB: 1024, cpuArchitecture: ecs.CpuArchitecture.X86_64, ephemeralStorageGiB: 30,
      environment: { STAGE: 'prod' },
      secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(user.secret), API_URL: ecs.Secret.fromSsmParameter(user.parameter) },
      healthCheckPath: '/health',
      containerHealthCheck: { command: ['CMD-SHELL', 'wget -q -O- http://localhost:3000/health || exit 1'] },
      readonlyRootFilesystem: true, user: '1000', command: ['node', 'server.js'], logRetention: logs.RetentionDays.ONE_MONTH,
    },
    deployment: Deployment.blueGreen({
      traffic: TrafficShift.canary(10, Duration.minutes(5)),
      terminationWait: Duration.minutes(30),
      smokeTest: { path: '/orders/health', expectedStatusCodes: [200, 204], attempts: 3 },
      hooks: [{ lifecycleEvent: HookEvent.BEFORE_ALLOW_TRAFFIC, function: user.hook }],
    }),
    source: Source.codeCommit({ initialCode: APP_CODE, branch: 'main' }),
    pipeline: {
      testCommands: ['npm test'], dockerfile: 'Dockerfile', buildContext: '.',
      approval: { emails: ['release@example.com'] }, notificationTopic: user.topic,
    },
    repository: { keepImages: 10, encryptionKey: user.key },
    scaling: {
      minTasks: 2, maxTasks: 8, cpuPercent: 60, memoryPercent: 70, requestsPerTarget: 500,
      schedules: [{ id: 'Night', schedule: appscaling.Schedule.cron({ hour: '22', minute: '0' }), minTasks: 1, maxTasks: 2 }],
      steps: [{ id: 'Backlog', metric: user.queue.metricApproximateNumberOfMessagesVisible(), steps: [{ upper: 0, change: -1 }, { lower: 100, change: +2 }] }],
    },
    desiredCount: 3,
    capacity: Capacity.spot({ onDemandBase: 2, onDemandWeight: 1, spotWeight: 2 }),
    health: { interval: Duration.seconds(15), timeout: Duration.seconds(5), healthyThresholdCount: 2, unhealthyThresholdCount: 2,
      deregistrationDelay: Duration.seconds(10), gracePeriod: Duration.seconds(30) },
    alarms: { http5xxPerMinute: 5, p99Latency: Duration.seconds(1), cpuPercent: 80, memoryPercent: 85, evaluationPeriods: 2 },
    sidecars: [
      {
        name: 'proxy', image: ecs.ContainerImage.fromRegistry('public.ecr.aws/envoyproxy/envoy:v1.31.0'), port: 9901, essential: true,
        healthCheck: { command: ['CMD-SHELL', 'wget -q -O- http://localhost:9901/ready || exit 1'], interval: Duration.seconds(10) },
        cpu: 128, memoryMiB: 96, environment: { ENVOY_UID: '1000' }, command: ['envoy', '-c', '/etc/envoy/envoy.yaml'], readonlyRootFilesystem: true,
        dependsOn: [{ container: 'app', condition: ecs.ContainerDependencyCondition.START }],
      },
      {
        name: 'migrate', image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37'), essential: false, command: ['true'],
        readonlyRootFilesystem: false, appWaitsFor: ecs.ContainerDependencyCondition.SUCCESS,
      },
    ],
    storage: { path: '/data/orders', readOnly: false, posixId: 1000 },
    tracing: true,
  });
  // The user's environment variable: a public label, as the examples' (AwsSolutions-ECS2 asks for secrets instead).
  Validations.of(orders.taskDefinition).acknowledge({ id: 'AwsSolutions::AwsSolutions-ECS2', reason: 'STAGE is a public label, not a secret.' });
  // Choices of the test app that Control Tower's controls ask otherwise (README, Control Tower).
  Validations.of(orders.taskDefinition).acknowledge({ id: 'cdk-validator-cfnguard::ecs_containers_readonly_access_check', reason: 'The test app\'s migrate sidecar sets readonlyRootFilesystem: false.' });
  Validations.of(orders.node.findChild('Logs')).acknowledge({ id: 'cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check', reason: 'The test app sets logRetention: ONE_MONTH.' });
  user.bucket.grantRead(orders.taskRole);

  platform.addService('Catalog', {
    routing: Routing.host('catalog.example.com'),
    // Fargate Spot runs X86_64 tasks only: the ARM64 service runs on demand.
    container: { cpuArchitecture: ecs.CpuArchitecture.ARM64 },
    deployment: Deployment.blueGreen({ traffic: TrafficShift.linear(20, Duration.minutes(2)), smokeTest: { enabled: false } }),
    source: Source.connection({ connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789', owner: 'example', repo: 'catalog', branch: 'release' }),
    pipeline: { approval: { topic: user.topic } },
  });
  platform.addService('Search', {
    routing: Routing.rule({ paths: ['/search/*', '/find/*'], hosts: ['www.example.com'], priority: 77 }),
    loadBalancer: second,
    deployment: Deployment.blueGreen({ traffic: TrafficShift.allAtOnce() }),
    source: Source.codeCommit(),
    enableExec: true,
    logging: Logging.fireLens({ output: { Name: 'kinesis_firehose', region: 'eu-west-1', delivery_stream: 'search-logs' }, memoryMiB: 64 }),
  });
  platform.addService('Cart', {
    routing: Routing.path('/cart/*'),
    deployment: Deployment.ecsBlueGreen({ traffic: TrafficShift.canary(25, Duration.minutes(3)), terminationWait: Duration.minutes(10),
      hooks: [{ lifecycleEvent: HookEvent.AFTER_INSTALL, function: user.hook }] }),
    serviceConnect: true,
    source: Source.s3({ bucket: user.bucket, key: 'cart/source.zip' }),
    enableExec: true,
    storage: { path: '/catalogue', readOnly: true, fileSystem: user.fileSystem(platform.vpc) },
  });
  platform.addService('Users', {
    routing: Routing.path('/users/*'), loadBalancer: second, deployment: Deployment.rolling(), serviceConnect: true,
    container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27') },
  });
  const staticFiles = platform.addService('Static', {
    routing: Routing.path('/static/*'), deployment: Deployment.allAtOnce(), capacity: Capacity.onDemand(),
    container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27'), readonlyRootFilesystem: false },
  });
  Validations.of(staticFiles.taskDefinition).acknowledge({ id: 'cdk-validator-cfnguard::ecs_containers_readonly_access_check', reason: 'The test app sets readonlyRootFilesystem: false.' });
  platform.addService('Reports', {
    routing: Routing.path('/reports/*'), deployment: Deployment.rollingWithAdditionalBatch(),
    repository: { repository: new SecureRepository(stack, 'SharedRepository', { keepImages: 5, encryptionKey: user.key, removalPolicy: RemovalPolicy.DESTROY }).repository },
  });
  platform.addService('Billing', { routing: Routing.path('/billing/*'), deployment: Deployment.immutable(), logging: Logging.fireLens() });
  // TCP services on the platform's Network Load Balancer: TCP with an HTTP health check, and TLS.
  platform.addService('Ledger', {
    routing: Routing.tcp(5432, { allowedCidrs: ['10.0.0.0/8'], httpHealthCheckPath: '/health' }),
    container: { port: 5432, image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/postgres:17') },
    health: { interval: Duration.seconds(30), timeout: Duration.seconds(10), deregistrationDelay: Duration.seconds(60) },
    deployment: Deployment.rolling(),
  });
  platform.addService('Broker', {
    routing: Routing.tcp(8883, { tls: { certificate, sslPolicy: elbv2.SslPolicy.TLS13_13 } }),
    container: { port: 1883, image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/eclipse-mosquitto:2.0') },
    deployment: Deployment.immutable(),
  });
  // Blue/green on the Network Load Balancer: CodeDeploy (all at once, TLS, an HTTP smoke test on
  // the health-check path) and ECS-native (a canary shift, a TCP connect as the smoke test).
  platform.addService('Gateway', {
    routing: Routing.tcp(8443, { testPort: 18443, tls: { certificate }, httpHealthCheckPath: '/ready' }),
    container: { port: 8080, image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27') },
    deployment: Deployment.blueGreen({ terminationWait: Duration.minutes(2), smokeTest: { path: '/ready', expectedStatusCodes: [200], attempts: 3 } }),
  });
  platform.addService('Cache', {
    routing: Routing.tcp(6379, { testPort: 16379, allowedCidrs: ['10.0.0.0/8'] }),
    container: { port: 6379, image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/redis:7.4') },
    deployment: Deployment.ecsBlueGreen({ traffic: TrafficShift.canary(20, Duration.minutes(2)) }),
  });
  // The internet-facing Network Load Balancer: TLS, open to any address, blue/green with a TLS handshake as the smoke test.
  platform.addService('Relay', {
    routing: Routing.tcp(8883, { internetFacing: true, testPort: 18883, tls: { certificate } }),
    container: { port: 1883, image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/eclipse-mosquitto:2.0') },
    deployment: Deployment.blueGreen(),
  });

  const resizer = platform.addWorker('Resizer', {
    queue: user.queue,
    container: { cpu: 1024, memoryMiB: 2048, secrets: { TOKEN: ecs.Secret.fromSecretsManager(user.secret) } },
    scaling: { minTasks: 0, maxTasks: 20, steps: [{ lower: 1, change: +1 }, { lower: 50, change: +5 }] },
    deployment: Deployment.immutable(),
    capacity: Capacity.spot(),
    source: Source.codeCommit({ initialCode: APP_CODE }),
    enableExec: true,
  });
  user.bucket.grantReadWrite(resizer.taskDefinition.taskRole);
  platform.addWorker('Mailer', {
    queueOptions: { maxReceiveCount: 3, visibilityTimeout: Duration.minutes(2), encryptionKey: user.key },
    scaling: { minTasks: 1, maxTasks: 4, messagesPerTask: 10 },
    container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37'), command: ['sleep', '3600'], memoryMiB: 1024 },
    // A worker's task with everything a service's may hold
    sidecars: [{ name: 'cache', image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/redis:7.4'), port: 6379, memoryMiB: 128 }],
    storage: { path: '/spool' },
    tracing: true,
    logging: Logging.fireLens(),
  });
  platform.addScheduledJob('Nightly', {
    schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '3' }),
    source: Source.codeCommit({ repository: new codecommit.Repository(stack, 'UserRepository', { repositoryName: 'every-option-nightly' }), branch: 'main' }),
    retryAttempts: 5, maxEventAge: Duration.hours(2), deadLetterQueue: user.queue,
  });
  platform.addScheduledJob('Cleanup', {
    schedule: scheduler.ScheduleExpression.rate(Duration.hours(6)), enabled: false, capacity: Capacity.spot(),
    container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37'), command: ['true'] },
    storage: { path: '/archive', readOnly: true },
  });
  platform.addEventTask('Thumbnail', {
    trigger: EventTrigger.s3ObjectCreated(user.bucket, { prefix: 'uploads/' }),
    source: Source.codeCommit(),
  });
  platform.addEventTask('Audit', {
    trigger: EventTrigger.fromJson(JSON.stringify({ 'source': ['aws.iam'], 'detail-type': ['AWS API Call via CloudTrail'] }), { EVENT_NAME: '$.detail.eventName' }),
    container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37') },
    retryAttempts: 0, maxEventAge: Duration.minutes(5),
    tracing: true,
  });

  const alerts = new PlatformAlerts(stack, 'Alerts', { platform, topic: user.topic });
  new PlatformDashboard(stack, 'Dashboard', { platform, alerts, queues: [user.queue] });
}
