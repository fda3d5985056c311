import { CfnParameter, Duration, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Capacity, Deployment, EventTrigger, Routing, Source, TrafficShift } from '../../lib';
import { expectSynthWarnings } from '../synth-warnings';
import { errorOf, newPlatform, newStack, templateOf } from '../util';
import { IMAGE, messageOf } from './helpers';

/**
 * Unresolved tokens are never judged: every prop the library validates accepts a CloudFormation
 * parameter, a Lazy value or an intrinsic function, and the template carries the token.
 */

// The service of tokens sets a desiredCount without a fixed image: warned about, since it starts from 0
// tasks (asserted in service-input.test.ts).
expectSynthWarnings('cdk-container-platform:desired-count-ignored');

function num(stack: Stack, id: string): number {
  return Token.asNumber(new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber);
}

function lazy(value: number): number {
  return Lazy.number({ produce: () => value });
}

function str(stack: Stack, id: string): string {
  return new CfnParameter(stack, id).valueAsString;
}

/** A Ref to parameter `id`, or to the nested stack's parameter for it. */
function ref(id: string): unknown {
  return { Ref: Match.stringLikeRegexp(`^(referencetoTest)?${id}`) };
}

function seconds(stack: Stack, id: string): Duration {
  return Duration.seconds(num(stack, id));
}

test('a platform whose validated props are tokens synthesizes', () => {
  // GIVEN
  const stack = newStack();
  // WHEN
  newPlatform({
    testListenerPort: num(stack, 'TestPort'),
    allowedCidrs: [str(stack, 'Cidr')],
    testListenerAllowedCidrs: [Fn.select(0, Fn.split(',', str(stack, 'TestCidrs')))],
    webAclArn: str(stack, 'WebAcl'),
  }, stack);
  // THEN
  const t = templateOf(stack);
  t.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: ref('WebAcl') });
  t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: ref('TestPort') });
});

test('a service whose validated props are tokens synthesizes', () => {
  // GIVEN
  const stack = newStack();
  const { platform } = newPlatform({}, stack);
  const metric = new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Backlog' });
  // WHEN
  platform.addService('Orders', {
    routing: Routing.rule({ paths: [str(stack, 'Path')], hosts: [str(stack, 'Host')], priority: num(stack, 'Priority') }),
    container: {
      port: num(stack, 'Port'),
      cpu: num(stack, 'Cpu'),
      memoryMiB: num(stack, 'Memory'),
      ephemeralStorageGiB: lazy(30),
      healthCheckPath: str(stack, 'HealthPath'),
      logRetention: num(stack, 'Retention') as logs.RetentionDays,
      user: str(stack, 'User'),
      containerHealthCheck: { command: ['CMD', 'true'], interval: seconds(stack, 'HcInterval'), timeout: seconds(stack, 'HcTimeout'), retries: num(stack, 'HcRetries'), startPeriod: seconds(stack, 'HcStart') },
    },
    desiredCount: num(stack, 'Desired'),
    capacity: Capacity.spot({ onDemandBase: num(stack, 'Base'), onDemandWeight: lazy(1), spotWeight: num(stack, 'SpotWeight') }),
    scaling: {
      minTasks: num(stack, 'Min'),
      maxTasks: num(stack, 'Max'),
      cpuPercent: num(stack, 'CpuTarget'),
      memoryPercent: lazy(80),
      requestsPerTarget: num(stack, 'Requests'),
      schedules: [{ id: 'Night', schedule: appscaling.Schedule.expression(str(stack, 'Cron')), minTasks: num(stack, 'NightMin'), maxTasks: num(stack, 'NightMax') }],
      steps: [{ id: 'Backlog', metric, steps: [{ upper: 10, change: num(stack, 'Down') }, { lower: 100, change: num(stack, 'Up') }] }],
    },
    health: { interval: seconds(stack, 'Interval'), timeout: seconds(stack, 'Timeout'), healthyThresholdCount: num(stack, 'Healthy'), unhealthyThresholdCount: lazy(3), deregistrationDelay: seconds(stack, 'Drain'), gracePeriod: seconds(stack, 'Grace') },
    alarms: { http5xxPerMinute: num(stack, 'Errors'), p99Latency: Duration.millis(num(stack, 'Latency')), cpuPercent: num(stack, 'CpuAlarm'), memoryPercent: lazy(95), evaluationPeriods: num(stack, 'Periods') },
    deployment: Deployment.blueGreen({ traffic: TrafficShift.canary(num(stack, 'Percent'), Duration.minutes(num(stack, 'Minutes'))), terminationWait: Duration.minutes(num(stack, 'Wait')) }),
    source: Source.connection({ connectionArn: str(stack, 'Connection'), owner: str(stack, 'Owner'), repo: str(stack, 'Repo'), branch: str(stack, 'Branch') }),
    pipeline: { approval: { emails: [str(stack, 'Approver')] }, dockerfile: str(stack, 'Dockerfile'), buildContext: str(stack, 'Context') },
    // (repository.keepImages is written into the lifecycle policy's JSON text: a literal only, see stranger-input.test.ts)
  });
  // THEN the tokens reach the template
  const t = templateOf(stack);
  t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: ref('Retention') });
  t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckIntervalSeconds: ref('Interval'), HealthCheckTimeoutSeconds: ref('Timeout') });
  t.hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'app', HealthCheck: { Interval: ref('HcInterval'), Timeout: ref('HcTimeout'), Retries: ref('HcRetries'), StartPeriod: ref('HcStart') } })]),
  });
});

test('a worker, a scheduled job and an event task whose validated props are tokens synthesize', () => {
  // GIVEN
  const stack = newStack();
  const { platform } = newPlatform({}, stack);
  const bucket = new s3.Bucket(stack, 'Uploads', { versioned: true });
  // WHEN
  platform.addWorker('Resizer', {
    container: { image: IMAGE },
    capacity: Capacity.spot({ spotWeight: num(stack, 'WorkerSpot') }),
    scaling: { minTasks: num(stack, 'WorkerMin'), maxTasks: num(stack, 'WorkerMax'), steps: [{ lower: 1, change: num(stack, 'WorkerStep') }] },
    queueOptions: { maxReceiveCount: num(stack, 'Receives'), visibilityTimeout: seconds(stack, 'Visibility') },
  });
  platform.addScheduledJob('Report', {
    schedule: scheduler.ScheduleExpression.expression(str(stack, 'JobSchedule')),
    container: { image: IMAGE },
    retryAttempts: num(stack, 'JobRetries'),
    maxEventAge: seconds(stack, 'JobAge'),
  });
  platform.addEventTask('Thumbnails', {
    trigger: EventTrigger.s3ObjectCreated(bucket, { prefix: str(stack, 'Prefix') }),
    source: Source.s3({ bucket, key: str(stack, 'Key') }),
    retryAttempts: lazy(4),
    maxEventAge: seconds(stack, 'EventAge'),
  });
  // THEN the retry policies carry the tokens
  const t = templateOf(stack);
  t.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { RetryPolicy: { MaximumRetryAttempts: ref('JobRetries'), MaximumEventAgeInSeconds: ref('JobAge') } } });
  t.hasResourceProperties('AWS::Events::Rule', { Targets: [{ RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: ref('EventAge') } }] });
});

test('the VPC the platform lays out needs its size at synth: a token in maxAzs, natGateways or vpcCidr fails in the library\'s format', () => {
  // GIVEN
  const stack = newStack();
  // WHEN
  const message = errorOf(() => newPlatform({ maxAzs: num(stack, 'Azs'), natGateways: lazy(1), vpcCidr: str(stack, 'Cidr') }, stack));
  // THEN aws-cdk-lib would lay out no subnet, no NAT gateway, or refuse the CIDR with its own error
  const line = (prop: string) => `${prop}: received "an unresolved token"; allowed: a value known at synth: aws-cdk-lib lays out the VPC's subnets, NAT gateways and routes from it. `
    + 'Fix: pass a literal, or create the VPC yourself and pass it as `vpc`.';
  expect(message).toBe(messageOf('Test/Platform', [line('maxAzs'), line('natGateways'), line('vpcCidr')]));
});
