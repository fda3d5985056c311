import { scenarios } from './scenarios';

/** A queue worker (addWorker) with its CodeCommit pipeline and the ECS deploy action. */
scenarios('worker', [
  'first deploy on an empty ECR repository',
  'first pipeline run',
  'cdk deploy changing an environment variable',
  'cdk deploy changing only scaling',
  'cdk deploy changing only capacity',
  'cdk deploy while a pipeline deployment is in progress',
  'cdk deploy while a pipeline run waits for approval',
  'a deployment that fails its smoke test (or its health checks), then the next push',
  'a cdk deploy whose settings break the service, then the next push',
  'a cdk deploy that fails later in the stack and rolls back',
  'a push, a cdk deploy changing a setting, another push, then a cdk deploy that fails later in the stack',
  'a retried custom-resource event',
  'the stack\'s tags and cdk deploy --tags reach the service and its tasks',
  'throttled ECS and CodeDeploy calls while cdk deploy waits for the deployment: not complete yet, never a failed stack',
  'ECS Exec: on from the first deploy, and turned on later',
  'destroy, then deploy again',
]);
