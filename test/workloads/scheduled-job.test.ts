import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { ScheduledJob, Source } from '../../lib';
import { errorOf, newPlatform, templateOf } from '../util';

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
const nightly = scheduler.ScheduleExpression.cron({ minute: '0', hour: '2' });

test('EventBridge Scheduler runs the task with retries, a dead-letter queue and a maximum age', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN a nightly job is added
  new ScheduledJob(stack, 'Report', { platform, schedule: nightly, container: { image }, retryAttempts: 3, maxEventAge: Duration.minutes(30) });
  // THEN the schedule starts the task in the private subnets, with its retry policy and dead-letter queue
  templateOf(stack).hasResourceProperties('AWS::Scheduler::Schedule', {
    ScheduleExpression: 'cron(0 2 * * ? *)',
    State: 'ENABLED',
    Target: Match.objectLike({
      Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PlatformCluster'), 'Arn'] },
      RetryPolicy: { MaximumEventAgeInSeconds: 1800, MaximumRetryAttempts: 3 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReportDeadLetterQueue'), 'Arn'] } },
      EcsParameters: Match.objectLike({
        TaskDefinitionArn: { Ref: Match.stringLikeRegexp('^ReportTaskDefinition') },
        NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
      }),
    }),
  });
});

test('with a source, every run starts the family\'s latest revision and the image is the one the pipeline released last', () => {
  // GIVEN a job built by its pipeline
  const { stack, platform } = newPlatform();
  new ScheduledJob(stack, 'Report', { platform, schedule: nightly, source: Source.codeCommit() });
  const t = templateOf(stack);
  // THEN the schedule targets the family without a revision
  t.hasResourceProperties('AWS::Scheduler::Schedule', {
    Target: Match.objectLike({ EcsParameters: Match.objectLike({ TaskDefinitionArn: Match.stringLikeRegexp('^arn:aws:ecs:eu-west-1:111111111111:task-definition/TestReportTaskDefinition[0-9A-F]+$') }) }),
  });
  // AND the task definition's image is what Custom::DeployedState read from the family's newest revision
  const states = t.findResources('Custom::DeployedState');
  expect(Object.keys(states)).toHaveLength(1);
  const [stateId, state] = Object.entries<any>(states)[0];
  t.hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'app', Image: { 'Fn::GetAtt': [stateId, 'Image'] } })]),
  });
  const family = Object.values<any>(t.findResources('AWS::ECS::TaskDefinition'))[0].Properties.Family;
  expect(state.Properties).toMatchObject({ Family: family, ContainerName: 'app' });
  expect(state.Properties).not.toHaveProperty('ServiceName');
  expect(state.Properties.BootstrapImage['Fn::Join'][1].slice(-1)).toEqual([':bootstrap']);
  // AND no SSM parameter owned by CloudFormation holds the image any more (issue 11, item 7)
  t.resourceCountIs('AWS::SSM::Parameter', 0);
  // AND the pipeline's last stage is the release step
  t.hasResourceProperties('AWS::CodePipeline::Pipeline', {
    Stages: Match.arrayWith([{ Name: 'Deploy', Actions: [Match.objectLike({ Name: 'Release', ActionTypeId: Match.objectLike({ Provider: 'CodeBuild' }) })] }]),
  });
});

test('the release step registers a revision from the family\'s newest one with the new image, and writes no parameter', () => {
  // GIVEN a job built by its pipeline
  const { stack, platform } = newPlatform();
  const job = new ScheduledJob(stack, 'Report', { platform, schedule: nightly, source: Source.codeCommit() });
  const t = templateOf(stack);
  // THEN
  const project = Object.values<any>(t.findResources('AWS::CodeBuild::Project'))
    .find((p) => p.Properties.Description.startsWith('Releases'))!;
  const commands: string[] = JSON.parse(project.Properties.Source.BuildSpec).phases.build.commands;
  expect(commands.join('\n')).not.toContain('ssm');
  expect(commands).toContain('aws ecs describe-task-definition --task-definition "$TASK_FAMILY" --query taskDefinition --output json > current-taskdef.json');
  expect(commands[commands.length - 1]).toBe('aws ecs register-task-definition --cli-input-json file://taskdef.json --query taskDefinition.taskDefinitionArn --output text');
  const names = (project.Properties.Environment.EnvironmentVariables as any[]).map((v) => v.Name);
  expect(names).not.toContain('IMAGE_PARAMETER');
  expect(job.pipeline!.releaseProject).toBeDefined();
  // AND its role may write no parameter
  const actions = Object.values<any>(t.findResources('AWS::IAM::Policy'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement).flatMap((st: any) => [st.Action].flat());
  expect(actions.filter((a: string) => a.startsWith('ssm:Put'))).toEqual([]);
});

test('with a fixed image the stack owns it: no deployed state, and the schedule runs the stack\'s revision', () => {
  // GIVEN
  const { stack, platform } = newPlatform();
  new ScheduledJob(stack, 'Report', { platform, schedule: nightly, container: { image } });
  const t = templateOf(stack);
  // THEN
  t.resourceCountIs('Custom::DeployedState', 0);
  t.hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'app', Image: 'public.ecr.aws/docker/library/busybox:1.37' })]) });
});

test('the release step may pass exactly the task\'s roles to ECS', () => {
  // GIVEN a job built by its pipeline
  const { stack, platform } = newPlatform();
  new ScheduledJob(stack, 'Report', { platform, schedule: nightly, source: Source.codeCommit() });
  // THEN iam:PassRole names the task and execution roles, for ECS tasks only
  templateOf(stack).hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([{
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: [
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReportTaskDefinitionExecutionRole'), 'Arn'] },
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReportTaskDefinitionTaskRole'), 'Arn'] },
      ],
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }]) },
  });
});

test('an invalid cron expression fails', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN the cron expression has five fields
  const message = errorOf(() => new ScheduledJob(stack, 'Report', { platform, schedule: scheduler.ScheduleExpression.expression('cron(0 2 * * *)'), container: { image } }));
  // THEN the error names the path, prop, value, the six fields and the fix
  expect(message).toContain('[Test/Report] 1 invalid prop:');
  expect(message).toContain('schedule: received "cron(0 2 * * *)"; allowed: cron(minutes hours day-of-month month day-of-week year): six fields. Fix: use ScheduleExpression.rate');
});

test('a cron expression with both day fields set fails', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN day-of-month and day-of-week are both set
  const message = errorOf(() => new ScheduledJob(stack, 'Report', { platform, schedule: scheduler.ScheduleExpression.expression('cron(0 2 1 * MON *)'), container: { image } }));
  // THEN the error says one of them takes '?'
  expect(message).toContain('[Test/Report]');
  expect(message).toContain("schedule: received \"cron(0 2 1 * MON *)\"; allowed: '?' in exactly one of day-of-month and day-of-week. Fix: write '?' in day-of-week");
});

test('an invalid rate expression fails', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN the rate's unit does not agree with its value
  const message = errorOf(() => new ScheduledJob(stack, 'Report', { platform, schedule: scheduler.ScheduleExpression.expression('rate(5 minute)'), container: { image } }));
  // THEN the error shows the valid forms
  expect(message).toContain('[Test/Report]');
  expect(message).toContain('schedule: received "rate(5 minute)"; allowed: rate(1 minute|hour|day) or rate(n minutes|hours|days) with n > 1. Fix: use ScheduleExpression.rate');
});

test('a schedule more frequent than once a minute fails', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN the job should run every 30 seconds
  const message = errorOf(() => new ScheduledJob(stack, 'Report', { platform, schedule: scheduler.ScheduleExpression.expression('rate(30 seconds)'), container: { image } }));
  // THEN the error says at most once a minute
  expect(message).toContain('[Test/Report]');
  expect(message).toContain('schedule: received "rate(30 seconds)"; allowed: at most one run a minute (EventBridge Scheduler has no rate in seconds). Fix: run at most once a minute: rate(1 minute) or slower.');
});

test('retries and maximum age out of range fail together', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN both retry settings are out of range
  const message = errorOf(() => new ScheduledJob(stack, 'Report', { platform, schedule: nightly, container: { image }, retryAttempts: 200, maxEventAge: Duration.seconds(30) }));
  // THEN both are reported at once
  expect(message).toContain('[Test/Report] 2 invalid props:');
  expect(message).toContain('retryAttempts: received 200; allowed: an integer from 0 to 185');
  expect(message).toContain('maxEventAge: received "30 seconds"; allowed: whole seconds from 60 (1 minute) to 86400 (24 hours). Fix: use Duration.minutes(n)');
});

