// The payments team's app: the service Payments in staging and production, on the platform
// "shop" it imports by name, delivered by one pipeline in the tooling account that builds the image
// once, deploys it to staging, tests it there, waits for an approval and deploys the same digest to
// production. `npx cdk synth --app 'node --import tsx examples/teams/service-app.ts'`
import * as path from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { ContainerPlatform, Deployment, Microservice, PromotionPipeline, Routing, Source, TrafficShift } from '../../lib';
import { ENVIRONMENTS, EnvironmentStack, PLATFORM_NAME, TOOLING } from './environments';

/** Adds the payments team's stacks to `app`: `PaymentsDelivery` (the pipeline) and `Payments<Environment>`. */
export function addServiceStacks(app: App): Stack[] {
  const tooling = new EnvironmentStack(app, 'PaymentsDelivery', { env: TOOLING, description: 'cdk-container-platform teams example: the pipeline of Payments' });
  const pipeline = new PromotionPipeline(tooling, 'Pipeline', {
    source: Source.codeCommit({ initialCode: path.join(__dirname, '..', 'app') }),
    testCommands: ['node --check server.js'],
  });
  const stacks: Stack[] = [tooling];
  for (const { name, env } of ENVIRONMENTS) {
    const stack = new EnvironmentStack(app, `Payments${name}`, { env, description: `cdk-container-platform teams example: Payments in ${name}` });
    const payments = new Microservice(stack, 'Payments', {
      platform: ContainerPlatform.fromName(stack, 'Platform', PLATFORM_NAME),
      routing: Routing.path('/payments/*'),
      container: { port: 8080, healthCheckPath: '/payments/health', user: 'node', environment: { SERVICE_NAME: 'payments' } },
      deployment: Deployment.blueGreen({ traffic: TrafficShift.canary(10, Duration.minutes(5)) }),
      promotion: pipeline.addEnvironment(name, name === 'Staging'
        ? { testCommands: ['echo "run the end-to-end tests against staging here"'] }
        : { approval: { emails: ['release@example.com'] } }),
    });
    Validations.of(payments.taskDefinition).acknowledge({ id: 'AwsSolutions::AwsSolutions-ECS2', reason: 'SERVICE_NAME is a public label, not a secret.' });
    stacks.push(stack);
  }
  return stacks;
}

if (require.main === module) {
  const app = new App();
  addServiceStacks(app);
  app.synth();
}
