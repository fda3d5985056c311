import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Capacity, ContainerPlatform, Deployment, HookEvent, Routing, ServiceOptions, TrafficShift } from '../../lib';
import { expectSynthWarnings } from '../synth-warnings';
import { newPlatform } from '../util';
import { messageOf, ORDERS, serviceError } from './helpers';

/**
 * Bad input a new user gives a service (issue 12): each case fails at synth with the
 * library's message (path, prop, value received, what is allowed, the fix), never with a
 * raw aws-cdk-lib error and never silently.
 */

// The warnings that these tests are about (asserted with Annotations where they are the subject).
expectSynthWarnings('cdk-container-platform:smoke-test-path', 'cdk-container-platform:hook-beside-smoke-test', 'cdk-container-platform:desired-count-ignored');

const METRIC = new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Backlog' });
const RETENTION = 'one of the CloudWatch Logs retention periods in days: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, '
  + '1096, 1827, 2192, 2557, 2922, 3288, 3653, or logs.RetentionDays.INFINITE';
const RETENTION_FIX = 'use a logs.RetentionDays value such as logs.RetentionDays.ONE_MONTH';
const CRON_ALLOWED = 'cron fields within their ranges: minutes 0-59, hours 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, '
  + 'day-of-week 1-7 or SUN-SAT, year 1970-2199';
const SCHEDULE_FIX = "use appscaling.Schedule.cron({ minute: '0', hour: '3' }) or appscaling.Schedule.rate(Duration.hours(1))";
const STEP_ID = "a non-empty ID that no other step policy of the service uses, and not CpuScaling, MemoryScaling, RequestScaling or Target (the service's own scaling constructs). Fix: rename the policy.";
const ONE_PER_EVENT = 'CodeDeploy runs one function per lifecycle event of an ECS deployment';

function hook(stack: Stack, id: string): lambda.IFunction {
  return lambda.Function.fromFunctionArn(stack, id, `arn:aws:lambda:eu-west-1:111111111111:function:${id}`);
}

function night(options: Partial<appscaling.CronOptions> = {}): appscaling.Schedule {
  return appscaling.Schedule.cron({ minute: '0', hour: '0', ...options });
}

type Options = Partial<ServiceOptions> | ((stack: Stack, platform: ContainerPlatform) => Partial<ServiceOptions>);

const cases: Array<[string, Options, string[]]> = [
  // --- container ---
  ['a log retention CloudWatch does not offer (8 days)', { container: { logRetention: 8 as logs.RetentionDays } },
    [`container.logRetention: received 8; allowed: ${RETENTION}. Fix: ${RETENTION_FIX}.`]],
  ['a log retention of 0 days', { container: { logRetention: 0 as logs.RetentionDays } },
    [`container.logRetention: received 0; allowed: ${RETENTION}. Fix: ${RETENTION_FIX}.`]],
  ['a container health check every second', { container: { containerHealthCheck: { command: ['CMD', 'true'], interval: Duration.seconds(1) } } },
    ['container.containerHealthCheck.interval: received "1 seconds"; allowed: whole seconds from 5 to 300. Fix: use Duration.seconds(n) within that range.']],
  ['a container health check timeout of 61 s, 0 retries and a start period of 301 s', {
    container: { containerHealthCheck: { command: ['CMD', 'true'], timeout: Duration.seconds(61), retries: 0, startPeriod: Duration.seconds(301), interval: Duration.seconds(90) } },
  }, [
    'container.containerHealthCheck.timeout: received "61 seconds"; allowed: whole seconds from 2 to 60. Fix: use Duration.seconds(n) within that range.',
    'container.containerHealthCheck.retries: received 0; allowed: an integer from 1 to 10. Fix: set container.containerHealthCheck.retries to a whole number between 1 and 10.',
    'container.containerHealthCheck.startPeriod: received "301 seconds"; allowed: whole seconds from 0 to 300. Fix: use Duration.seconds(n) within that range.',
  ]],
  ['a container health check timeout not shorter than its interval', { container: { containerHealthCheck: { command: ['CMD', 'true'], interval: Duration.seconds(10), timeout: Duration.seconds(20) } } },
    ['container.containerHealthCheck.timeout: received "20 seconds"; allowed: at most the interval (10 seconds). Fix: shorten the timeout or lengthen the interval.']],
  ['a container health check without a command', { container: { containerHealthCheck: { command: [] } } },
    ["container.containerHealthCheck.command: received []; allowed: a command, such as ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1']. Fix: write the command the container runs to check itself."]],
  ['an empty user', { container: { user: '' } },
    ["container.user: received \"\"; allowed: a user name or uid, optionally with ':' and a group name or gid (user, uid, user:group, uid:gid). Fix: write it like '1000' or 'app:app'."]],

  // --- capacity ---
  ['ARM64 tasks on Fargate Spot', { container: { cpuArchitecture: ecs.CpuArchitecture.ARM64 }, capacity: Capacity.spot() },
    ['capacity: received ["FARGATE","FARGATE_SPOT"]; allowed: Capacity.onDemand() for ARM64 tasks (Fargate Spot runs only X86_64 Linux tasks). Fix: use Capacity.onDemand(), or build the image for X86_64 to run it on Spot.']],
  ['both capacity weights 0', { capacity: Capacity.spot({ onDemandWeight: 0, spotWeight: 0 }) },
    ['capacity: received {"onDemandWeight":0,"spotWeight":0}; allowed: a weight above 0 for at least one of onDemandWeight and spotWeight. Fix: give onDemandWeight or spotWeight a weight from 1 to 1000.']],
  ['a Spot weight above 1000', { capacity: Capacity.spot({ spotWeight: 1001 }) },
    ['capacity.spotWeight: received 1001; allowed: an integer from 0 to 1000. Fix: set capacity.spotWeight to a whole number between 0 and 1000.']],
  ['a negative on-demand base and a fractional weight', { capacity: Capacity.spot({ onDemandBase: -1, onDemandWeight: 1.5 }) }, [
    'capacity.onDemandBase: received -1; allowed: an integer from 0 to 100000. Fix: set capacity.onDemandBase to a whole number between 0 and 100000.',
    'capacity.onDemandWeight: received 1.5; allowed: an integer from 0 to 1000. Fix: set capacity.onDemandWeight to a whole number between 0 and 1000.',
  ]],

  ['a grace period of half a second', { health: { gracePeriod: Duration.millis(500) } },
    ['health.gracePeriod: received "0.5 seconds"; allowed: whole seconds from 0 to 2147483647. Fix: use Duration.seconds(n) within that range.']],
  ['an ECS linear shift of 0 percent', { deployment: Deployment.ecsBlueGreen({ traffic: TrafficShift.linear(0, Duration.minutes(1)) }) },
    ['deployment.traffic.percent: received 0; allowed: an integer from 1 to 99. Fix: shift between 1 and 99 percent per step.']],

  ['an ECS linear shift whose bake times exceed 33 hours', { deployment: Deployment.ecsBlueGreen({ traffic: TrafficShift.linear(10, Duration.minutes(300)), terminationWait: Duration.minutes(60) }) },
    ['deployment: received "2760 minutes of bake time"; allowed: an ECS-native shift whose bake times add up to at most 33 hours (1980 minutes): terminationWait + traffic.interval x 9 steps. '
      + 'Fix: shorten terminationWait or traffic.interval, or shift more percent per step.']],

  // --- scaling ---
  ['a negative desired count', { desiredCount: -1 },
    ['desiredCount: received -1; allowed: an integer from 0 to 5000. Fix: set desiredCount to a whole number between 0 and 5000.']],
  ['a fractional desired count', { desiredCount: 2.5 },
    ['desiredCount: received 2.5; allowed: an integer from 0 to 5000. Fix: set desiredCount to a whole number between 0 and 5000.']],
  ['two scaling schedules with one id', { scaling: { schedules: [{ id: 'Night', schedule: night(), minTasks: 2 }, { id: 'Night', schedule: night({ hour: '6' }), minTasks: 4 }] } },
    ['scaling.schedules[1].id: received "Night"; allowed: a non-empty ID that no other schedule of the service uses (it names the scheduled action, which is unique per scalable target). Fix: rename one of the schedules.']],
  ['a schedule whose minimum is above its maximum', { scaling: { schedules: [{ id: 'Night', schedule: night(), minTasks: 5, maxTasks: 3 }] } },
    ["scaling.schedules[0].minTasks: received 5; allowed: at most the schedule's maxTasks (3). Fix: lower minTasks or raise maxTasks."]],
  ['a schedule that changes no limit', { scaling: { schedules: [{ id: 'Night', schedule: night() }] } },
    ['scaling.schedules[0]: received "Night"; allowed: minTasks, maxTasks or both (a scheduled action sets at least one limit). Fix: set minTasks or maxTasks.']],
  ['a schedule with a negative minimum', { scaling: { schedules: [{ id: 'Night', schedule: night(), minTasks: -1 }] } },
    ['scaling.schedules[0].minTasks: received -1; allowed: an integer from 0 to 5000. Fix: set scaling.schedules[0].minTasks to a whole number between 0 and 5000.']],
  ['a schedule at minute 61', { scaling: { schedules: [{ id: 'Night', schedule: night({ minute: '61' }), minTasks: 1 }] } },
    [`scaling.schedules[0].schedule: received "cron(61 0 * * ? *)"; allowed: ${CRON_ALLOWED} (invalid: minutes). Fix: ${SCHEDULE_FIX}.`]],
  ['a schedule in month 13 on day 32', { scaling: { schedules: [{ id: 'Night', schedule: night({ month: '13', day: '32' }), minTasks: 1 }] } },
    [`scaling.schedules[0].schedule: received "cron(0 0 32 13 ? *)"; allowed: ${CRON_ALLOWED} (invalid: day-of-month, month). Fix: ${SCHEDULE_FIX}.`]],
  ['a step policy without steps', { scaling: { steps: [{ id: 'Backlog', metric: METRIC, steps: [] }] } },
    ['scaling.steps[0].steps: received []; allowed: 2 to 40 intervals per step-scaling policy. Fix: give at least two intervals, such as [{ upper: 10, change: -1 }, { lower: 100, change: 1 }].']],
  ['a step below 0', { scaling: { steps: [{ id: 'Backlog', metric: METRIC, steps: [{ lower: -5, change: 1 }, { lower: 10, change: 2 }] }] } },
    ['scaling.steps[0].steps[0].lower: received -5; allowed: a metric value of 0 or more (aws-cdk-lib places the intervals on the metric from 0 upward). Fix: use bounds of 0 or more.']],
  ['a step without bounds, and a fractional change', { scaling: { steps: [{ id: 'Backlog', metric: METRIC, steps: [{ change: 1 }, { lower: 10, change: 1.5 }] }] } }, [
    'scaling.steps[0].steps[0]: received {"change":1}; allowed: an interval with lower, upper or both. Fix: add lower or upper.',
    'scaling.steps[0].steps[1].change: received 1.5; allowed: a whole number. Fix: round the change.',
  ]],
  ['a step whose lower bound is above its upper bound', { scaling: { steps: [{ id: 'Backlog', metric: METRIC, steps: [{ lower: 10, upper: 5, change: 1 }, { lower: 20, change: 2 }] }] } },
    ['scaling.steps[0].steps[0]: received {"lower":10,"upper":5,"change":1}; allowed: lower below upper. Fix: swap the bounds.']],
  ['overlapping steps', { scaling: { steps: [{ id: 'Backlog', metric: METRIC, steps: [{ lower: 0, upper: 50, change: 1 }, { lower: 40, change: 2 }] }] } },
    ['scaling.steps[0].steps: received [{"lower":0,"upper":50,"change":1},{"lower":40,"change":2}]; allowed: intervals that do not overlap, with at most one range of no change '
      + '(Two intervals overlap: {"lower":0,"upper":50,"change":1} and {"lower":40,"change":2,"upper":null}). Fix: make each interval start where the one below ends.']],
  ['a negative scale-in step with exact capacity', {
    scaling: { steps: [{ id: 'Backlog', metric: METRIC, adjustmentType: appscaling.AdjustmentType.EXACT_CAPACITY, steps: [{ upper: 10, change: -1 }, { lower: 100, change: 4 }] }] },
  }, ['scaling.steps[0].steps[0].change: received -1; allowed: a task count of 0 or more with AdjustmentType.EXACT_CAPACITY. Fix: give the number of tasks to run.']],
  ['two step policies with one id', { scaling: { steps: [1, 2].map(() => ({ id: 'Backlog', metric: METRIC, steps: [{ upper: 10, change: -1 }, { lower: 100, change: 1 }] })) } },
    [`scaling.steps[1].id: received "Backlog"; allowed: ${STEP_ID}`]],
  ['a step policy named like the CPU policy', { scaling: { steps: [{ id: 'CpuScaling', metric: METRIC, steps: [{ upper: 10, change: -1 }, { lower: 100, change: 1 }] }] } },
    [`scaling.steps[0].id: received "CpuScaling"; allowed: ${STEP_ID}`]],

  // --- alarms ---
  ['a negative 5xx threshold', { alarms: { http5xxPerMinute: -1 } },
    ['alarms.http5xxPerMinute: received -1; allowed: a number of at least 1 (the alarm fires at this many 5xx responses a minute, so 0 or less fires always). Fix: raise the threshold.']],
  ['a p99 latency threshold of 0', { alarms: { p99Latency: Duration.millis(0) } },
    ['alarms.p99Latency: received "0 ms"; allowed: more than 0 ms. Fix: use a duration such as Duration.seconds(2).']],
  ['more than a day of evaluation periods', { alarms: { evaluationPeriods: 1441 } },
    ['alarms.evaluationPeriods: received 1441; allowed: an integer from 1 to 1440. Fix: use at most 1440 one-minute periods (CloudWatch evaluates at most one day of them).']],

  // --- routing ---
  ['one path twice in a rule', { routing: Routing.rule({ paths: ['/a/*', '/a/*'] }) },
    ["routing.paths[1]: received \"/a/*\"; allowed: each path pattern once per rule (a repeat matches nothing more and uses one of the rule's 5 condition values). Fix: remove the repeated pattern."]],
  ['one host twice in a rule, in another case', { routing: Routing.rule({ hosts: ['a.example.com', 'A.example.com'] }) },
    ['routing.hosts[1]: received "A.example.com"; allowed: each host once per rule (host names match without regard to case). Fix: remove the repeated host.']],
  ['a host without a dot', { routing: Routing.host('localhost') },
    ["routing.hosts[0]: received \"localhost\"; allowed: a host name with at least one '.' and only letters after the last one, such as orders.example.com. Fix: write the full domain name."]],

  // --- repository and deployment ---
  ['a repository together with keepImages', (stack) => ({ repository: { repository: ecr.Repository.fromRepositoryName(stack, 'Repo', 'orders'), keepImages: 10 } }),
    ['repository.keepImages: received 10; allowed: nothing with `repository.repository` (the platform does not change the lifecycle of a repository you pass). Fix: remove keepImages, or set the lifecycle rules on your repository.']],
  ['the same hook event twice', (stack) => ({
    deployment: Deployment.blueGreen({ hooks: [{ lifecycleEvent: HookEvent.AFTER_INSTALL, function: hook(stack, 'A') }, { lifecycleEvent: HookEvent.AFTER_INSTALL, function: hook(stack, 'B') }] }),
  }), [`deployment.hooks[1].lifecycleEvent: received "AfterInstall"; allowed: an event no other hook uses (${ONE_PER_EVENT}). Fix: call both from one function, or move one to another event.`]],
  ['a load balancer of another platform', (stack) => ({ loadBalancer: new ContainerPlatform(stack, 'Other').defaultLoadBalancer }),
    ['loadBalancer: received "Test/Other/LoadBalancer"; allowed: a load balancer of Test/Platform (platform.loadBalancers). Fix: pass platform.defaultLoadBalancer or one made with platform.addLoadBalancer(id).']],
];

test.each(cases)('%s', (_name, options, lines) => {
  // GIVEN / WHEN
  const message = serviceError(options);
  // THEN
  expect(message).toBe(messageOf(ORDERS, lines));
});

test('the log retention periods the library allows are those of aws-cdk-lib, plus INFINITE', () => {
  // GIVEN / WHEN
  const cdk = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  // THEN the message's list is CDK's enum without INFINITE (9999), which the message names
  expect(cdk.filter((d) => d !== logs.RetentionDays.INFINITE).join(', ')).toBe(RETENTION.split(': ')[1].split(', or')[0]);
});

test('a hook where the smoke test runs is warned about', () => {
  // GIVEN
  const { stack, platform } = newPlatform();
  // WHEN
  platform.addService('Orders', {
    routing: Routing.path('/orders/*'),
    deployment: Deployment.blueGreen({ hooks: [{ lifecycleEvent: HookEvent.AFTER_ALLOW_TEST_TRAFFIC, function: hook(stack, 'A') }] }),
  });
  // THEN
  Annotations.fromStack(stack).hasWarning(`/${ORDERS}`, Match.stringLikeRegexp(
    `^deployment.hooks\\[0\\].lifecycleEvent is AfterAllowTestTraffic, where the built-in smoke test also runs; ${ONE_PER_EVENT}. Move the hook to another event, `
    + 'or turn the smoke test off with smokeTest: \\{ enabled: false \\}.'));
});

test('a desired count without a fixed image is warned about, since the service starts from 0 tasks', () => {
  // GIVEN
  const { stack, platform } = newPlatform();
  // WHEN
  platform.addService('Orders', { routing: Routing.path('/orders/*'), desiredCount: 4, scaling: { maxTasks: 4 } });
  // THEN
  Annotations.fromStack(stack).hasWarning(`/${ORDERS}`, Match.stringLikeRegexp('^desiredCount applies only with container.image'));
});
