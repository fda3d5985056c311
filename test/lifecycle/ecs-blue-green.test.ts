import { scenarios } from './scenarios';

jest.mock('node:http', () => ({ ...jest.requireActual('node:http'), request: (...a: unknown[]) => require('./model/network').request(...a) }));

/** A service deployed by the ECS controller's own blue/green strategy (Deployment.ecsBlueGreen()), with its CodeCommit pipeline and the ECS deploy action. */
scenarios('ecsBlueGreen', [
  'first deploy on an empty ECR repository',
  'first pipeline run',
  'cdk deploy changing an environment variable',
  'cdk deploy changing only scaling',
  'cdk deploy changing only alarms',
  'cdk deploy changing only health checks',
  'cdk deploy changing only capacity',
  'cdk deploy while a pipeline deployment is in progress',
  'cdk deploy while a pipeline run waits for approval',
  'a deployment that fails its smoke test (or its health checks), then the next push',
  'a deployment that fails its alarms, then the next push',
  'a cdk deploy whose settings break the service, then the next push',
  'a cdk deploy that fails later in the stack and rolls back',
  'a routing change after an odd number of deployments',
  'a retried custom-resource event',
  'destroy, then deploy again',
]);
