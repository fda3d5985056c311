import type * as sns from 'aws-cdk-lib/aws-sns';

/** A manual approval before production. */
export interface ApprovalOptions {
  /**
   * Email addresses (name@domain) told that an approval is waiting.
   * @default - none (then `topic` is required)
   */
  readonly emails?: string[];
  /**
   * A topic told that an approval is waiting.
   * @default - none (then `emails` is required)
   */
  readonly topic?: sns.ITopic;
}

/** The build, approval and notifications of a service's pipeline. */
export interface PipelineOptions {
  /**
   * Commands run in the build container before the image is built, such as unit tests.
   * @default - none
   */
  readonly testCommands?: string[];
  /**
   * The Dockerfile, relative to the build context.
   * @default 'Dockerfile'
   */
  readonly dockerfile?: string;
  /**
   * The directory of the source the image is built from.
   * @default '.'
   */
  readonly buildContext?: string;
  /**
   * A manual approval between the build and production.
   * @default - no approval
   */
  readonly approval?: ApprovalOptions;
  /**
   * Where failed and succeeded executions are announced.
   * @default - a new encrypted topic (`pipeline.notificationTopic`) to subscribe to
   */
  readonly notificationTopic?: sns.ITopic;
}
