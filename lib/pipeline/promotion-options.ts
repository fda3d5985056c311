import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { ApprovalOptions } from './options';
import type { Source } from './source';

/** Properties of a {@link PromotionPipeline}. */
export interface PromotionPipelineProps {
  /** Where the pipeline gets its code. */
  readonly source: Source;
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
   * The CPU architecture of the one image the pipeline builds for every environment: each
   * environment's workload must run on it (`container.cpuArchitecture`).
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;
  /**
   * Where failed and succeeded executions and pending approvals are announced.
   * @default - a new topic encrypted with the pipeline's key (`pipeline.notificationTopic`)
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * What happens to the pipeline's image repository, key, buckets and log group when they leave
   * the stack. The repository is named after the pipeline (each environment's account pulls from
   * it by name): a repository retained by a deleted stack must be deleted before the stack is
   * deployed again.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Options of one environment of a {@link PromotionPipeline}. */
export interface PromotionEnvironmentOptions {
  /**
   * Commands run after the deployment to this environment succeeded (its smoke test included),
   * in the pipeline's account, with ENVIRONMENT, SERVICE and IMAGE set: a failing command stops
   * the execution before the next environment.
   * @default - none
   */
  readonly testCommands?: string[];
  /**
   * Who is told that the promotion to this environment waits for a manual approval: every
   * environment after the first waits for one.
   * @default - the pipeline's notification topic only
   */
  readonly approval?: ApprovalOptions;
}
