import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { EXAMPLE_ENV } from '../../examples/env';
import { ContainerPlatform, Deployment, EventTrigger, PlatformAlerts, PlatformDashboard, Routing, Source } from '../../lib';
import { APP_CODE, fixture, userResources } from './every-option';

/**
 * The second stack of the every-option app: a platform without nested stacks, on the user's
 * VPC, key and access-log bucket, internal, with every workload with and without a source;
 * and in the same stack a second platform with `natGateways: 0` (isolated subnets and
 * VPC endpoints) and the default nested stacks.
 */
export function addFlatStack(app: App): void {
  const stack = new Stack(app, 'EveryOptionFlat', { env: EXAMPLE_ENV });
  const user = userResources(stack);
  const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
  const vpc = fixture(new ec2.Vpc(stack, 'UserVpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
    ],
  }), 'vpc');
  // The provider the user's VPC added to the stack to empty its default security group.
  fixture(stack.node.findChild('Custom::VpcRestrictDefaultSGCustomResourceProvider'), 'function');
  const accessLogs = fixture(new s3.Bucket(stack, 'UserAccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true, removalPolicy: RemovalPolicy.DESTROY,
  }), 'bucket');
  const flat = new ContainerPlatform(stack, 'Flat', {
    vpc,
    serviceSubnets: { subnetGroupName: 'App' },
    internetFacing: false,
    protocol: elbv2.ApplicationProtocol.HTTP,
    accessLogsBucket: accessLogs,
    encryptionKey: user.key,
    nestedServiceStacks: false,
    removalPolicy: RemovalPolicy.DESTROY,
  });

  const api = flat.addService('Api', {
    routing: Routing.path('/api/*'),
    deployment: Deployment.blueGreen({ hooks: [] }),
    source: Source.codeCommit({ initialCode: APP_CODE }),
    container: { secrets: { KEY: ecs.Secret.fromSsmParameter(user.parameter) } },
  });
  user.bucket.grantRead(api.taskRole);
  flat.addService('Web', { routing: Routing.host('web.internal.example.com'), container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27') } });
  flat.addWorker('Jobs', { source: Source.codeCommit(), scaling: { minTasks: 1, maxTasks: 3 } });
  flat.addWorker('Drain', { queue: user.queue, container: { image, command: ['sleep', '3600'] } });
  flat.addScheduledJob('Digest', { schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), source: Source.codeCommit() });
  flat.addScheduledJob('Tick', { schedule: scheduler.ScheduleExpression.rate(Duration.minutes(5)), container: { image } });
  flat.addEventTask('Import', {
    trigger: EventTrigger.fromPattern({ source: ['com.example.orders'], detailType: ['OrderPlaced'] } as events.EventPattern, { ORDER_ID: '$.detail.orderId' }),
    source: Source.s3({ bucket: user.bucket, key: 'import/source.zip' }),
  });
  flat.addEventTask('Scan', { trigger: EventTrigger.s3ObjectCreated(user.bucket), container: { image }, deadLetterQueue: user.queue });
  new PlatformAlerts(stack, 'FlatAlerts', { platform: flat });
  new PlatformDashboard(stack, 'FlatDashboard', { platform: flat });

  // A second platform in the same stack (issue 10, item 5): its own smoke-test settings prefix,
  // and its own name, so that its workloads may take IDs the first platform's have (Tick below).
  // Published: its workloads claim their places at deploy, and the team stacks (every-option-teams.ts) import it.
  const isolated = new ContainerPlatform(stack, 'Isolated', { natGateways: 0, vpcCidr: '10.30.0.0/16', platformName: 'EveryOptionFlat-Isolated', publish: true });
  isolated.addService('Payments', {
    routing: Routing.path('/payments/*'),
    deployment: Deployment.blueGreen(),
    source: Source.codeCommit({ initialCode: APP_CODE }),
  });
  // Isolated subnets pull from Amazon ECR only: the image of an ECR pull through cache of ECR Public.
  const nginx = ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'NginxCache', 'ecr-public/docker/library/nginx'), '1.27');
  isolated.addService('Ledger', { routing: Routing.path('/ledger/*'), container: { image: nginx } });
  // The same ID as the first platform's job: the names are scoped by platform (EveryOptionFlat-Isolated-Tick).
  isolated.addScheduledJob('Tick', { schedule: scheduler.ScheduleExpression.rate(Duration.minutes(5)), container: { image: nginx } });
  new PlatformDashboard(stack, 'IsolatedDashboard', { platform: isolated });
}
