import { App, Duration, Stack } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { EXAMPLE_ENV } from '../../examples/env';
import { ContainerPlatform, Deployment, EventTrigger, Microservice, PromotionPipeline, QueueWorker, Routing, ScheduledJob, EventTask, Source } from '../../lib';
import { APP_CODE } from './every-option';

/**
 * The teams stacks of the every-option app: a pipeline that promotes a service and a worker
 * through two environments of one account, each a stack that imports the published platform
 * `EveryOptionFlat-Isolated` by name (every workload kind on it), and a stack that imports two of
 * its load balancers' worth of options.
 */
export function addTeamStacks(app: App): void {
  const pipeline = new PromotionPipeline(new Stack(app, 'EveryOptionDelivery', { env: EXAMPLE_ENV }), 'Pipeline', {
    source: Source.codeCommit({ initialCode: APP_CODE }),
    testCommands: ['npm test'],
    dockerfile: 'Dockerfile',
    buildContext: '.',
  });
  const workers = new PromotionPipeline(new Stack(app, 'EveryOptionWorkerDelivery', { env: EXAMPLE_ENV }), 'Pipeline', { source: Source.codeCommit() });
  for (const [name, path] of [['Dev', '/dev/orders/*'], ['Test', '/test/orders/*']]) {
    const stack = new Stack(app, `EveryOption${name}`, { env: EXAMPLE_ENV });
    const platform = ContainerPlatform.fromName(stack, 'Platform', 'EveryOptionFlat-Isolated');
    new Microservice(stack, `${name}Orders`, {
      platform,
      routing: Routing.path(path),
      container: { healthCheckPath: path.replace('*', 'health') },
      deployment: name === 'Dev' ? Deployment.blueGreen() : Deployment.ecsBlueGreen(),
      promotion: pipeline.addEnvironment(name, name === 'Dev' ? { testCommands: ['echo tested'] } : { approval: { emails: ['release@example.com'] } }),
    });
    new QueueWorker(stack, `${name}Mailer`, { platform, promotion: workers.addEnvironment(name) });
    new ScheduledJob(stack, `${name}Nightly`, { platform, schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), source: Source.codeCommit() });
    new EventTask(stack, `${name}Import`, { platform, trigger: EventTrigger.fromJson('{"source":["com.example.orders"]}', { ID: '$.detail.id' }), source: Source.codeCommit() });
  }
}
