import { Match } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Deployment, PlatformAlerts, PlatformDashboard, QueueWorker, Routing } from '../../lib';
import { errorOf, newPlatform, templateOf } from '../util';

test('a task whose essential container exits non-zero is announced on the platform topic with a readable message', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN its alerts are added
  new PlatformAlerts(stack, 'Alerts', { platform });
  // THEN a rule matches STOPPED tasks of the cluster that an essential container stopped with a non-zero exit code
  templateOf(stack).hasResourceProperties('AWS::Events::Rule', {
    EventPattern: {
      'source': ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      'detail': Match.exact({
        clusterArn: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^PlatformCluster'), 'Arn'] }],
        lastStatus: ['STOPPED'],
        stopCode: ['EssentialContainerExited'],
        containers: { exitCode: [{ 'anything-but': 0 }] },
      }),
    },
    Targets: [Match.objectLike({
      Arn: { Ref: Match.stringLikeRegexp('^PlatformAlarmTopic') },
      InputTransformer: Match.objectLike({
        InputPathsMap: Match.objectLike({ 'detail-taskArn': '$.detail.taskArn', 'detail-stoppedReason': '$.detail.stoppedReason', 'detail-group': '$.detail.group' }),
        InputTemplate: Match.stringLikeRegexp('ECS task stopped with a failed container .*group <detail-group>, task <detail-taskArn>.*reason: <detail-stoppedReason>'),
      }),
    })],
  });
});

test('failed ECS deployments, CodeDeploy deployments and pipeline executions are announced', () => {
  // GIVEN a platform with alerts
  const { stack, platform } = newPlatform();
  new PlatformAlerts(stack, 'Alerts', { platform });
  const t = templateOf(stack);
  // THEN each kind of failure has its rule
  t.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ 'detail-type': ['ECS Deployment State Change'], 'detail': { eventName: ['SERVICE_DEPLOYMENT_FAILED'] } }) });
  t.hasResourceProperties('AWS::Events::Rule', { EventPattern: { 'source': ['aws.codedeploy'], 'detail-type': ['CodeDeploy Deployment State-change Notification'], 'detail': { state: ['FAILURE'] } } });
  t.hasResourceProperties('AWS::Events::Rule', { EventPattern: { 'source': ['aws.codepipeline'], 'detail-type': ['CodePipeline Pipeline Execution State Change'], 'detail': { state: ['FAILED'] } } });
});

test('the platform dashboard sums blue and green with FILL, so a side without data counts 0 instead of hiding the line', () => {
  // GIVEN a platform with a blue/green and a rolling service
  const { stack, platform } = newPlatform({ nestedServiceStacks: false });
  platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen({ smokeTest: { enabled: false } }) });
  platform.addService('Catalog', { routing: Routing.path('/catalog/*') });
  // WHEN
  new PlatformDashboard(stack, 'Dashboard', { platform });
  // THEN the traffic, errors and latency of each service
  const dashboards = templateOf(stack).findResources('AWS::CloudWatch::Dashboard');
  const body = JSON.stringify(Object.entries(dashboards).filter(([id]) => id.startsWith('Dashboard')).map(([, d]) => d));
  const expressions = [...body.matchAll(/expression\\":\\"([^\\]+)\\"/g)].map((m) => m[1]);
  expect(expressions).toEqual([
    'SUM([FILL(s0m0, 0), FILL(s0m1, 0)])', 'SUM([FILL(s1m0, 0)])',
    'SUM([FILL(s0m0, 0), FILL(s0m1, 0)])', 'SUM([FILL(s1m0, 0)])',
    'MAX([FILL(s0m0, 0), FILL(s0m1, 0)])', 'MAX([FILL(s1m0, 0)])',
  ]);
});

test('a platform dashboard made before the services shows them too: its widgets are made at synthesis', () => {
  // GIVEN a dashboard made first
  const { stack, platform } = newPlatform();
  new PlatformDashboard(stack, 'Dashboard', { platform });
  // WHEN services are added after it
  platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen({ smokeTest: { enabled: false } }) });
  platform.addService('Catalog', { routing: Routing.path('/catalog/*') });
  // THEN both are graphed, once
  const dashboards = templateOf(stack).findResources('AWS::CloudWatch::Dashboard');
  const body = JSON.stringify(Object.entries(dashboards).filter(([id]) => id.startsWith('Dashboard')).map(([, d]) => d));
  expect([...body.matchAll(/Traffic \(requests\/min\)/g)]).toHaveLength(1);
  expect([...body.matchAll(/expression\\":\\"([^\\]+)\\"/g)].map((m) => m[1]).slice(0, 2)).toEqual(['SUM([FILL(s0m0, 0), FILL(s0m1, 0)])', 'SUM([FILL(s1m0, 0)])']);
});

test('the platform dashboard shows the workers\' queue depths', () => {
  // GIVEN a platform with a worker
  const { stack, platform } = newPlatform();
  const worker = new QueueWorker(stack, 'Resizer', { platform, container: { image: ecs.ContainerImage.fromRegistry('busybox') } });
  // WHEN the dashboard lists its queue
  new PlatformDashboard(stack, 'Dashboard', { platform, queues: [worker.queue] });
  // THEN a widget graphs the visible messages
  const body = JSON.stringify(templateOf(stack).findResources('AWS::CloudWatch::Dashboard'));
  expect(body).toContain('Queue depth (visible messages)');
  expect(body).toContain('ApproximateNumberOfMessagesVisible');
});

/**
 * The parts of EventBridge's matching that the platform's task rules use: exact values,
 * `anything-but` a value or a list, nested objects, and arrays in the event, which match when
 * any element matches. A field the pattern names must exist in the event.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
function matches(pattern: any, event: any): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event?.[key];
    if (actual === undefined) return false;
    if (!Array.isArray(expected)) {
      return Array.isArray(actual) ? actual.some((item) => matches(expected, item)) : matches(expected, actual);
    }
    const values = Array.isArray(actual) ? actual : [actual];
    return values.some((value) => expected.some((rule: any) => {
      if (rule !== null && typeof rule === 'object' && 'anything-but' in rule) {
        const excluded = rule['anything-but'];
        return !(Array.isArray(excluded) ? excluded : [excluded]).includes(value);
      }
      return rule === value;
    }));
  });
}

describe('which stopped tasks are announced', () => {
  let patterns: Record<string, any>;
  const CLUSTER = 'arn:aws:ecs:eu-west-1:111111111111:cluster/Test-Cluster';
  beforeAll(() => {
    const { stack, platform } = newPlatform();
    new PlatformAlerts(stack, 'Alerts', { platform });
    const rules = templateOf(stack).findResources('AWS::Events::Rule', { Properties: { EventPattern: { 'detail-type': ['ECS Task State Change'] } } });
    // The cluster's ARN is a reference in the template: the events below carry it.
    patterns = Object.fromEntries(Object.entries(rules).map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''),
      JSON.parse(JSON.stringify(r.Properties.EventPattern).replace(/\{"Fn::GetAtt":\["PlatformCluster[0-9A-F]{8}","Arn"\]\}/g, JSON.stringify(CLUSTER)))]));
  });

  /** The rules an ECS task state change event with this detail matches. */
  function announcedBy(detail: Record<string, unknown>): string[] {
    // The shape of the event: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
    const event = { 'source': 'aws.ecs', 'detail-type': 'ECS Task State Change', 'detail': { clusterArn: CLUSTER, lastStatus: 'STOPPED', ...detail } };
    return Object.entries(patterns).filter(([, pattern]) => matches(pattern, event)).map(([id]) => id).sort();
  }

  // stoppedReason texts: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html
  test.each([
    ['a scale-in that stopped the container with SIGTERM (143)', { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1)', containers: [{ name: 'app', exitCode: 143 }] }],
    ['a deployment that killed the old task (137)', { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/2)', containers: [{ name: 'app', exitCode: 137 }] }],
    ['a person\'s StopTask (137)', { stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user', containers: [{ name: 'app', exitCode: 137 }] }],
    ['a job that succeeded', { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', containers: [{ name: 'app', exitCode: 0 }] }],
    ['a scale-in of a task whose non-essential container had failed', { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/3)', containers: [{ name: 'app', exitCode: 143 }, { name: 'sidecar', exitCode: 1 }] }],
    ['a Fargate Spot interruption', { stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.', containers: [{ name: 'app', exitCode: 143 }] }],
    ['a Fargate task retirement', { stopCode: 'TerminationNotice', stoppedReason: 'Task stopped due to a termination notice', containers: [{ name: 'app', exitCode: 143 }] }],
  ])('not %s', (_what, detail) => {
    expect(announcedBy(detail)).toEqual([]);
  });

  test.each([
    ['an essential container that exited 1', { stopCode: 'EssentialContainerExited', containers: [{ name: 'app', exitCode: 1 }] }, 'AlertsTaskFailed'],
    ['an essential container killed for memory (137)', { stopCode: 'EssentialContainerExited', containers: [{ name: 'app', exitCode: 137 }] }, 'AlertsTaskFailed'],
    ['a task that failed to start', { stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError', containers: [{ name: 'app' }] }, 'AlertsTaskStoppedUnexpectedly'],
  ])('%s', (_what, detail, rule) => {
    expect(announcedBy(detail)).toEqual([rule]);
  });
});

test('a topic of another region or account is refused with the library\'s message; one of the stack\'s own passes', () => {
  // GIVEN
  const { stack, platform } = newPlatform();
  const topic = (id: string, arn: string) => sns.Topic.fromTopicArn(stack, id, arn);
  // WHEN / THEN
  const allowed = `allowed: a topic of the alerts' own account and region (${stack.account}, ${stack.region}): the rules deliver to it directly. `
    + 'Fix: pass a topic of this account and region (or none, for the platform\'s alarm topic), and subscribe the other account\'s or region\'s endpoint to it.';
  for (const arn of ['arn:aws:sns:us-east-1:111111111111:ops', 'arn:aws:sns:eu-west-1:999999999999:ops']) {
    expect(errorOf(() => new PlatformAlerts(stack, `Alerts${arn.split(':')[3]}`, { platform, topic: topic(arn, arn) })))
      .toBe(`[Test/Alerts${arn.split(':')[3]}] 1 invalid prop:\n  - topic: received "${arn}"; ${allowed}`);
  }
  expect(() => new PlatformAlerts(stack, 'Alerts', { platform, topic: topic('Own', `arn:aws:sns:${stack.region}:${stack.account}:ops`) })).not.toThrow();
});
