import type { IContainerPlatform } from '../foundation/platform-contract';
import type { EventTrigger } from './event-trigger';
import type { RunRetryOptions, WorkloadOptions } from './workload-options';

/** Properties of an {@link EventTask}. */
export interface EventTaskOptions extends WorkloadOptions, RunRetryOptions {
  /** The events that start a task, and the event fields the container gets. */
  readonly trigger: EventTrigger;
}

/** Properties of a {@link EventTask}. */
export interface EventTaskProps extends EventTaskOptions {
  /** The platform whose cluster, VPC and subnets it runs in. */
  readonly platform: IContainerPlatform;
}
