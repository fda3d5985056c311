// The platform team's app: the platform "shop" in the staging and the production account,
// published under its name, and, in its own stack, a service of the platform team that imports it
// the way every service team does. `npx cdk synth --app 'node --import tsx examples/teams/platform-app.ts'`
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ContainerPlatform, Deployment, Microservice, PlatformAlerts, Routing } from '../../lib';
import { ENVIRONMENTS, EnvironmentStack, PLATFORM_NAME } from './environments';

/** Adds the platform team's stacks to `app`: `Shop<Environment>` and `Shop<Environment>Catalog` for each environment. */
export function addPlatformStacks(app: App): Stack[] {
  return ENVIRONMENTS.flatMap(({ name, env }) => {
    const stack = new EnvironmentStack(app, `Shop${name}`, { env, description: `cdk-container-platform teams example: the platform ${PLATFORM_NAME} in ${name}` });
    const platform = new ContainerPlatform(stack, 'Platform', { platformName: PLATFORM_NAME, publish: true });
    new PlatformAlerts(stack, 'Alerts', { platform });

    // In the platform's own app, another stack imports the platform by name too: no export
    // locks the platform's values, and the stack deploys after the platform's.
    const catalogStack = new EnvironmentStack(app, `Shop${name}Catalog`, { env, description: `cdk-container-platform teams example: the catalog of ${PLATFORM_NAME} in ${name}` });
    const catalog = new Microservice(catalogStack, 'Catalog', {
      platform: ContainerPlatform.fromName(catalogStack, 'Platform', PLATFORM_NAME),
      routing: Routing.path('/catalog/*'),
      // nginx-unprivileged listens on 8080 and answers its health check at / (the target group asks the task directly).
      container: {
        port: 8080,
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine'),
        user: '101',
        environment: { SERVICE_NAME: 'catalog' },
      },
      deployment: Deployment.rolling(),
    });
    Validations.of(catalog.taskDefinition).acknowledge({ id: 'AwsSolutions::AwsSolutions-ECS2', reason: 'SERVICE_NAME is a public label, not a secret.' });
    return [stack, catalogStack];
  });
}

if (require.main === module) {
  const app = new App();
  addPlatformStacks(app);
  app.synth();
}
