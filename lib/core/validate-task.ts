import { PlatformContext } from '../foundation/platform-context';
import type { IContainerPlatform } from '../foundation/platform-contract';
import { Problems } from '../private/errors';
import type { Logging } from './logging';
import type { ContainerOptions, SidecarOptions, StorageOptions } from './options';
import { isRoot, readonlyRoot } from './task';
import { validateSidecars } from './validate-sidecars';
import { validateStorage } from './validate-storage';

/** What a workload's task may hold beside its own container, as every workload kind takes it. */
export interface TaskContents {
  readonly platform: IContainerPlatform;
  readonly container?: ContainerOptions;
  readonly sidecars?: SidecarOptions[];
  readonly storage?: StorageOptions;
  readonly tracing?: boolean;
  readonly logging?: Logging;
}

/**
 * Checks a task's sidecars, tracing, logging and storage against its container: the same
 * checks for a service (`appPort`, its container's port) and for a worker, a job or an event task.
 */
export function validateTaskContents(p: Problems, props: TaskContents, task: { readonly appPort?: number; readonly enableExec: boolean }): void {
  const container = props.container ?? {};
  const readonly = readonlyRoot(container, task.enableExec);
  validateSidecars(p, props.sidecars, {
    container,
    appPort: task.appPort,
    tmpPermissions: readonly && !isRoot(container.user),
    tracing: props.tracing ?? false,
    logging: props.logging,
    isolated: PlatformContext.of(props.platform).isolated,
  });
  validateStorage(p, props.storage, { platform: props.platform, tmpVolume: readonly });
}
