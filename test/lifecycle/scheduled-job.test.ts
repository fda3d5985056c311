import { scenarios } from './scenarios';

/** A scheduled job (addScheduledJob) whose pipeline releases images to the family's next runs. */
scenarios('job', [
  'first deploy on an empty ECR repository',
  'first pipeline run',
  'cdk deploy changing an environment variable',
  'cdk deploy changing only capacity',
  'cdk deploy while a pipeline run waits for approval',
  'cdk deploy changing tags, then an environment variable',
  'a cdk deploy that fails later in the stack and rolls back',
  'a push, a cdk deploy changing a setting, another push, then a cdk deploy that fails later in the stack',
  'destroy, then deploy again',
]);
