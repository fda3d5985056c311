import { Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { DEFAULTS } from '../private/defaults';
import { Problems } from '../private/errors';
import { EPHEMERAL_STORAGE_MAX_GIB, EPHEMERAL_STORAGE_MIN_GIB, FARGATE_CPU_VALUES, FARGATE_SIZES } from '../private/fargate';
import { ContainerOptions } from './options';

/**
 * The retention periods CloudWatch Logs accepts, in days.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const LOG_RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** aws-cdk-lib's `RetentionDays.INFINITE`: no retention policy at all. */
const INFINITE = 9999;

/** ECS `user`: a user name or uid, optionally `:` and a group name or gid. */
const USER = /^[^\s:]+(:[^\s:]+)?$/;

/**
 * A container's `user`, as ECS takes it.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html (user)
 */
export function validateUser(p: Problems, prop: string, user: string | undefined): void {
  if (user === undefined || Token.isUnresolved(user)) return;
  p.require(typeof user === 'string' && USER.test(user), prop, user,
    "a user name or uid, optionally with ':' and a group name or gid (user, uid, user:group, uid:gid)", "write it like '1000' or 'app:app'");
}

/**
 * ECS Exec runs the SSM agent in the container, which writes to the container's filesystem: a
 * read-only root asked for explicitly beside it cannot work.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-considerations
 */
export function validateExec(p: Problems, props: { readonly enableExec?: boolean; readonly container?: ContainerOptions }): void {
  if (!props.enableExec || props.container?.readonlyRootFilesystem !== true) return;
  p.add('container.readonlyRootFilesystem', true, 'false or unset with enableExec (the SSM agent ECS Exec runs in the container writes to its filesystem)',
    'remove readonlyRootFilesystem (with enableExec the root filesystem is writable), or remove enableExec');
}

/** Checks the task size, storage, health checks, user, log retention and variable names. */
export function validateContainer(p: Problems, c: ContainerOptions): void {
  const cpu = c.cpu ?? DEFAULTS.cpu;
  const memory = c.memoryMiB ?? DEFAULTS.memoryMiB;
  if (!Token.isUnresolved(cpu)) {
    const sizes = FARGATE_SIZES.get(cpu);
    if (!sizes) {
      p.add('container.cpu', cpu, FARGATE_CPU_VALUES.join(', '), 'pick one of the Fargate CPU values');
    } else if (!Token.isUnresolved(memory) && !sizes.includes(memory)) {
      const cpus = [...FARGATE_SIZES].filter(([, m]) => m.includes(memory)).map(([v]) => v);
      if (c.memoryMiB === undefined) {
        // Only cpu was given: the default memory goes with the default cpu alone.
        p.add('container.memoryMiB', `${memory} (the default)`, `for cpu ${cpu}: ${sizes.join(', ')} MiB`,
          `set memoryMiB too (the default, ${DEFAULTS.memoryMiB} MiB, goes with cpu ${DEFAULTS.cpu} only)`);
      } else if (c.cpu === undefined && cpus.length > 0) {
        // Only memoryMiB was given, a size of other CPU values: name them.
        p.add('container.cpu', `${cpu} (the default)`, `for memoryMiB ${memory}: ${cpus.join(', ')}`,
          `set cpu too (the default, ${DEFAULTS.cpu}, takes ${sizes.join(', ')} MiB)`);
      } else {
        p.add('container.memoryMiB', memory, `for cpu ${cpu}: ${sizes.join(', ')} MiB`, 'pick one of these memory sizes, or change cpu');
      }
    }
  }
  p.intRange('container.ephemeralStorageGiB', c.ephemeralStorageGiB, EPHEMERAL_STORAGE_MIN_GIB, EPHEMERAL_STORAGE_MAX_GIB,
    'omit it for the 20 GiB default, or choose 21 to 200 GiB');
  const path = c.healthCheckPath;
  if (path !== undefined && !Token.isUnresolved(path)) {
    // Target group health-check paths: up to 1024 characters, starting with '/'.
    // @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
    p.require(path.startsWith('/') && path.length <= 1024 && !/\s/.test(path), 'container.healthCheckPath', path,
      "a path that starts with '/' (at most 1024 characters, no spaces)", "write it like '/health'");
  }
  const retention = c.logRetention;
  if (retention !== undefined && !Token.isUnresolved(retention)) {
    p.require(LOG_RETENTION_DAYS.includes(retention) || retention === INFINITE, 'container.logRetention', retention,
      `one of the CloudWatch Logs retention periods in days: ${LOG_RETENTION_DAYS.join(', ')}, or logs.RetentionDays.INFINITE`,
      'use a logs.RetentionDays value such as logs.RetentionDays.ONE_MONTH');
  }
  validateUser(p, 'container.user', c.user);
  if (c.containerHealthCheck) validateHealthCheck(p, 'container.containerHealthCheck', c.containerHealthCheck);
  p.environment('container.environment', c.environment);
  for (const name of Object.keys(c.secrets ?? {})) {
    p.envName('container.secrets', name);
  }
  const shared = Object.keys(c.environment ?? {}).filter((k) => k in (c.secrets ?? {}));
  p.require(shared.length === 0, 'container.secrets', shared, 'names not also used in container.environment', 'keep each variable in one of the two');
}

/**
 * A container health check: interval 5-300 s, timeout 2-60 s, retries 1-10, start period 0-300 s.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-taskdefinition-healthcheck.html
 */
export function validateHealthCheck(p: Problems, prop: string, hc: ecs.HealthCheck): void {
  p.require(hc.command.length > 0, `${prop}.command`, hc.command,
    "a command, such as ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1']", 'write the command the container runs to check itself');
  p.seconds(`${prop}.interval`, hc.interval, 5, 300);
  p.seconds(`${prop}.timeout`, hc.timeout, 2, 60);
  p.intRange(`${prop}.retries`, hc.retries, 1, 10);
  p.seconds(`${prop}.startPeriod`, hc.startPeriod, 0, 300);
  const interval = hc.interval?.isUnresolved() ? undefined : hc.interval?.toSeconds({ integral: false }) ?? 30;
  const timeout = hc.timeout?.isUnresolved() ? undefined : hc.timeout?.toSeconds({ integral: false }) ?? 5;
  if (interval !== undefined && timeout !== undefined && timeout > interval && timeout <= 60 && interval >= 5) {
    // aws-cdk-lib refuses a timeout longer than the interval.
    p.add(`${prop}.timeout`, `${timeout} seconds`, `at most the interval (${interval} seconds)`, 'shorten the timeout or lengthen the interval');
  }
}
