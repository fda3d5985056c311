import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { EventTrigger, Routing } from '../../lib';
import { errorOf, newPlatform, templateOf } from '../util';

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27');

test('a service, worker, job and event task with a fixed image get no ECR repository: nothing pushes to one', () => {
  // GIVEN a platform with one of each, on a fixed image, and one service built by a pipeline
  const { stack, platform } = newPlatform();
  const bucket = new s3.Bucket(stack, 'Uploads');
  const web = platform.addService('Web', { routing: Routing.path('/web/*'), container: { image } });
  const worker = platform.addWorker('Worker', { container: { image } });
  const job = platform.addScheduledJob('Job', { schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)), container: { image } });
  const task = platform.addEventTask('Task', { trigger: EventTrigger.s3ObjectCreated(bucket), container: { image } });
  const built = platform.addService('Built', { routing: Routing.path('/built/*') });
  // WHEN
  const template = templateOf(stack);
  // THEN only the service whose image something pushes has a repository
  expect([web.repository, worker.repository, job.repository, task.repository]).toEqual([undefined, undefined, undefined, undefined]);
  expect(built.repository).toBeDefined();
  template.resourceCountIs('AWS::ECR::Repository', 1);
});

test('repository options with a fixed image fail: there would be nothing to apply them to', () => {
  // GIVEN
  const { platform } = newPlatform();
  // WHEN
  const service = errorOf(() => platform.addService('Web', { routing: Routing.path('/web/*'), container: { image }, repository: { keepImages: 5 } }));
  const worker = errorOf(() => platform.addWorker('Worker', { container: { image }, repository: { keepImages: 5 } }));
  // THEN
  const line = '  - repository: received ["keepImages"]; allowed: nothing with `container.image` (nothing pushes to a repository when the image is fixed, so the workload has none). '
    + 'Fix: remove `repository`, or remove `container.image` to run what your pipeline or CI pushes to the repository.';
  expect(service).toContain(line);
  expect(worker).toContain(line);
});
