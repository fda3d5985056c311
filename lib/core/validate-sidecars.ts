import { Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { CONTAINER_NAME, TMP_INIT_CONTAINER } from '../private/constants';
import { DEFAULTS } from '../private/defaults';
import { Problems } from '../private/errors';
import { LOG_ROUTER_CONTAINER, Logging, LoggingKind, logRouterMemoryMiB } from './logging';
import { ContainerOptions, SidecarOptions } from './options';
import { COLLECTOR_CONTAINER, COLLECTOR_MEMORY_MIB, COLLECTOR_PORTS, extraMemoryMiB, PLATFORM_CONTAINERS, SIDECAR_MEMORY_MIB } from './sidecars';
import { validateHealthCheck, validateUser } from './validate-container';

/**
 * The most container definitions a task definition holds (not adjustable).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html
 */
export const MAX_CONTAINERS_PER_TASK = 10;

/**
 * The least memory a container may have: Docker reserves 6 MiB for each.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_memory
 */
export const MIN_CONTAINER_MEMORY_MIB = 6;

/**
 * A container's name: up to 255 letters, digits, underscores and hyphens.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html (name)
 */
const CONTAINER_NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

const CONDITIONS: readonly string[] = Object.values(ecs.ContainerDependencyCondition);

/** What the sidecars are checked against: the task's size and the service's own container. */
export interface SidecarContext {
  readonly container: ContainerOptions;
  /** The port of the service's container, if it has one. */
  readonly appPort?: number;
  /** Whether the task has the `tmp-permissions` container. */
  readonly tmpPermissions: boolean;
  readonly tracing: boolean;
  /** Where the service's container logs. */
  readonly logging?: Logging;
  /** Whether the platform's tasks reach AWS through VPC endpoints only. */
  readonly isolated: boolean;
}

/**
 * Checks the sidecars and the tracing switch: names, ports (the containers of a task share its
 * network namespace, so two cannot listen on one port), dependencies (ECS's rules for each
 * condition, no cycle), resources against the task's size, and the number of containers.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
 */
export function validateSidecars(p: Problems, sidecars: readonly SidecarOptions[] | undefined, ctx: SidecarContext): void {
  if (sidecars !== undefined && !Array.isArray(sidecars)) {
    p.add('sidecars', sidecars, 'a list of sidecars', "write sidecars: [{ name: 'proxy', image: ecs.ContainerImage.fromRegistry('...') }]");
    return;
  }
  const list = sidecars ?? [];
  if (ctx.tracing && ctx.isolated) {
    p.add('tracing', true, 'tracing on a platform whose tasks reach the internet (natGateways of 1 or more)',
      'with natGateways 0 the tasks reach AWS through VPC endpoints only: the collector\'s image (Amazon ECR Public) and AWS X-Ray have none there; give the platform a NAT gateway, or turn tracing off');
  }
  validateLogging(p, ctx);
  const router = ctx.logging?.kind === LoggingKind.FIRELENS;
  const names = new Map<string, number>();
  const ports = new Map<number, string>();
  if (ctx.appPort !== undefined && !Token.isUnresolved(ctx.appPort)) ports.set(ctx.appPort, `the service's container (container.port ${ctx.appPort})`);
  if (ctx.tracing) {
    for (const port of COLLECTOR_PORTS) {
      if (ports.has(port)) {
        p.add('container.port', port, `a port other than ${COLLECTOR_PORTS.join(', ')} with tracing (the ${COLLECTOR_CONTAINER} container listens on them in the task)`,
          'choose another container.port, or turn tracing off');
      }
      ports.set(port, `the ${COLLECTOR_CONTAINER} container of tracing`);
    }
  }
  list.forEach((s, i) => {
    const at = `sidecars[${i}]`;
    if (s.name === undefined || Token.isUnresolved(s.name) || !CONTAINER_NAME_PATTERN.test(s.name)) {
      p.add(`${at}.name`, s.name, '1 to 255 letters, digits, hyphens and underscores', "name the sidecar, such as 'proxy'");
    } else if (PLATFORM_CONTAINERS.includes(s.name)) {
      p.add(`${at}.name`, s.name, `a name other than ${PLATFORM_CONTAINERS.join(', ')} (the platform's own containers: \`${CONTAINER_NAME}\` is the service's)`,
        'rename the sidecar');
    } else if (names.has(s.name)) {
      p.add(`${at}.name`, s.name, `a name no other sidecar has (sidecars[${names.get(s.name)}] has it)`, 'give each sidecar its own name');
    } else {
      names.set(s.name, i);
    }
    if (s.port !== undefined && !Token.isUnresolved(s.port)) {
      p.intRange(`${at}.port`, s.port, 1, 65535);
      const other = ports.get(s.port);
      if (other) {
        p.add(`${at}.port`, s.port, `a port no other container of the task listens on (${other} does: the containers of a task share one network namespace)`,
          'choose another port for one of the two');
      } else {
        ports.set(s.port, `sidecars[${i}] (${s.name})`);
      }
    }
    if (s.cpu !== undefined) p.intRange(`${at}.cpu`, s.cpu, 0, 16384, `set ${at}.cpu to whole CPU units, at most the task's container.cpu`);
    if (s.memoryMiB !== undefined) p.intRange(`${at}.memoryMiB`, s.memoryMiB, MIN_CONTAINER_MEMORY_MIB, 122880, `give the sidecar at least ${MIN_CONTAINER_MEMORY_MIB} MiB (Docker reserves that much for a container)`);
    if (s.healthCheck) validateHealthCheck(p, `${at}.healthCheck`, s.healthCheck);
    validateUser(p, `${at}.user`, s.user);
    p.environment(`${at}.environment`, s.environment);
  });
  validateDependencies(p, list, ctx);
  validateResources(p, list, ctx);
  const own = [CONTAINER_NAME, ...(ctx.tmpPermissions ? [TMP_INIT_CONTAINER] : []), ...(ctx.tracing ? [COLLECTOR_CONTAINER] : []),
    ...(router ? [LOG_ROUTER_CONTAINER] : [])];
  if (own.length + list.length > MAX_CONTAINERS_PER_TASK) {
    p.add('sidecars', `${list.length} sidecars`, `at most ${MAX_CONTAINERS_PER_TASK - own.length} sidecars: ECS allows ${MAX_CONTAINERS_PER_TASK} containers in a task definition, and this task has ${own.join(', ')} besides them`,
      'merge sidecars, or move some into a service of their own');
  }
}

interface Target {
  readonly essential: boolean;
  readonly healthCheck: boolean;
}

/** Each dependency names a container of the task and a condition ECS accepts for it; together they have no cycle. */
function validateDependencies(p: Problems, list: readonly SidecarOptions[], ctx: SidecarContext): void {
  const targets = new Map<string, Target>([[CONTAINER_NAME, { essential: true, healthCheck: ctx.container.containerHealthCheck !== undefined }]]);
  for (const s of list) if (typeof s.name === 'string') targets.set(s.name, { essential: s.essential ?? true, healthCheck: s.healthCheck !== undefined });
  const known = [...targets.keys()];
  // Who waits for whom: a sidecar for its dependsOn, the service's container for the sidecars it waits for.
  const edges = new Map<string, string[]>(known.map((n) => [n, []]));
  const check = (prop: string, target: string, condition: unknown, what: string): void => {
    // (a condition that is not one is refused with the enum's values where the keys are checked)
    if (!CONDITIONS.includes(condition as string)) return;
    const t = targets.get(target)!;
    if ((condition === ecs.ContainerDependencyCondition.COMPLETE || condition === ecs.ContainerDependencyCondition.SUCCESS) && t.essential) {
      p.add(prop, condition, `START or HEALTHY: ${what} is essential, and ECS allows COMPLETE and SUCCESS only on a container that is not (an essential container that exits stops the task)`,
        target === CONTAINER_NAME ? 'wait for START or HEALTHY' : `set essential: false on ${target}, or wait for START or HEALTHY`);
    }
    if (condition === ecs.ContainerDependencyCondition.HEALTHY && !t.healthCheck) {
      p.add(prop, condition, `START, or HEALTHY once ${what} has a health check (HEALTHY waits for its container health check)`,
        target === CONTAINER_NAME ? 'add container.containerHealthCheck, or wait for START' : `add a healthCheck to ${target}, or wait for START`);
    }
  };
  list.forEach((s, i) => {
    const at = `sidecars[${i}]`;
    if (s.dependsOn !== undefined && !Array.isArray(s.dependsOn)) {
      p.add(`${at}.dependsOn`, s.dependsOn, 'a list of { container, condition }', "write dependsOn: [{ container: 'app', condition: ecs.ContainerDependencyCondition.START }]");
      return;
    }
    (s.dependsOn ?? []).forEach((d, j) => {
      const prop = `${at}.dependsOn[${j}]`;
      if (d.container === s.name) {
        p.add(`${prop}.container`, d.container, 'another container of the task: a container cannot wait for itself', 'remove this dependency');
      } else if (!targets.has(d.container)) {
        p.add(`${prop}.container`, d.container, `a container of the task: ${known.filter((n) => n !== s.name).join(', ')}`, 'name the service\'s container (app) or a sidecar');
      } else {
        check(`${prop}.condition`, d.container, d.condition, d.container === CONTAINER_NAME ? 'the service\'s container' : `sidecar ${d.container}`);
        edges.get(s.name)?.push(d.container);
      }
    });
    if (s.appWaitsFor !== undefined && typeof s.name === 'string') {
      check(`${at}.appWaitsFor`, s.name, s.appWaitsFor, `sidecar ${s.name}`);
      edges.get(CONTAINER_NAME)!.push(s.name);
    }
  });
  const cycle = findCycle(edges);
  if (cycle) {
    p.add('sidecars', cycle.join(' waits for '), 'dependencies without a cycle (ECS would wait forever: no container of the cycle could start)',
      'remove one of the dependencies (dependsOn or appWaitsFor) of the cycle');
  }
}

/** A cycle in the waits-for graph, as the list of its containers (first one repeated at the end), or none. */
function findCycle(edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'open');
    path.push(n);
    for (const m of edges.get(n) ?? []) {
      const found = visit(m);
      if (found) return found;
    }
    path.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of edges.keys()) {
    const found = visit(n);
    if (found) return found;
  }
  return undefined;
}

/**
 * The CPU the sidecars reserve must fit in the task's, and their memory (with the collector's)
 * must leave the service's container at least 6 MiB of the task's: the containers' reservations
 * stay within the task's size.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definitions
 */
function validateResources(p: Problems, list: readonly SidecarOptions[], ctx: SidecarContext): void {
  const cpu = ctx.container.cpu ?? DEFAULTS.cpu;
  const memory = ctx.container.memoryMiB ?? DEFAULTS.memoryMiB;
  const values = [cpu, memory, ...list.flatMap((s) => [s.cpu ?? 0, s.memoryMiB ?? 0]), logRouterMemoryMiB(ctx.logging)];
  if (values.some((v) => typeof v !== 'number' || Token.isUnresolved(v))) return;
  // A task size that is no size at all (negative, zero, NaN) is refused by its own check; the
  // shares are not judged against it.
  if (!(cpu > 0) || !(memory > 0)) return;
  const reserved = list.reduce((n, s) => n + (s.cpu ?? 0), 0);
  if (reserved > cpu) {
    p.add('sidecars', `${reserved} CPU units reserved by the sidecars`, `at most the task's container.cpu (${cpu})`,
      'raise container.cpu, or lower (or remove) the sidecars\' cpu');
  }
  const router = logRouterMemoryMiB(ctx.logging);
  const taken = extraMemoryMiB(list, ctx.tracing) + router;
  if (taken > 0) {
    const parts = [...list.map((s, i) => `sidecars[${i}] ${s.memoryMiB ?? SIDECAR_MEMORY_MIB}`), ...(ctx.tracing ? [`tracing's collector ${COLLECTOR_MEMORY_MIB}`] : []),
      ...(router > 0 ? [`the FireLens log router ${router}`] : [])];
    p.require(memory - taken >= MIN_CONTAINER_MEMORY_MIB, 'container.memoryMiB', memory,
      `at least ${taken + MIN_CONTAINER_MEMORY_MIB} MiB: the other containers take ${taken} MiB (${parts.join(', ')}) and the service's container keeps what is left, at least ${MIN_CONTAINER_MEMORY_MIB} MiB`,
      'raise container.memoryMiB (and container.cpu if the Fargate table asks for it), or give the sidecars less memory');
  }
}

/**
 * `logging`: a Logging; for FireLens, an output with the `Name` of a Fluent Bit output plugin and
 * string settings, a router of at least 6 MiB, and a platform whose tasks reach Amazon ECR Public.
 * @see https://docs.fluentbit.io/manual/pipeline/outputs
 */
function validateLogging(p: Problems, ctx: SidecarContext): void {
  const logging = ctx.logging;
  if (logging === undefined) return;
  if (!(logging instanceof Logging)) {
    p.add('logging', logging, 'Logging.awsLogs() or Logging.fireLens({ ... })', 'make it with one of the Logging factories');
    return;
  }
  if (logging.kind !== LoggingKind.FIRELENS) return;
  if (ctx.isolated) {
    p.add('logging', 'Logging.fireLens()', 'Logging.awsLogs() on a platform with natGateways 0 (its tasks reach AWS through VPC endpoints only)',
      "the log router's image is in Amazon ECR Public, which has no VPC endpoint: give the platform a NAT gateway (natGateways: 1), or remove logging");
  }
  const o = logging.fireLensOptions ?? {};
  p.intRange('logging.memoryMiB', o.memoryMiB, MIN_CONTAINER_MEMORY_MIB, 122880, `give the log router at least ${MIN_CONTAINER_MEMORY_MIB} MiB (Docker reserves that much for a container)`);
  if (o.output === undefined) return;
  const name = o.output.Name;
  if (typeof name !== 'string' || (!Token.isUnresolved(name) && name.trim() === '')) {
    p.add('logging.output.Name', name, "the name of a Fluent Bit output plugin, such as 'kinesis_firehose', 'cloudwatch_logs' or 's3'",
      "add Name: '<plugin>' to the output, or remove output to write to the service's log group");
  }
  // FireLens writes each setting as a line of the output's section, its key and value separated
  // by white space: a key with white space in it, or an empty value, would break the configuration.
  // @see https://docs.fluentbit.io/manual/administration/configuring-fluent-bit/classic-mode/format-schema
  for (const [key, value] of Object.entries(o.output)) {
    if (!/^\S+$/.test(key)) {
      p.add('logging.output', key, 'setting names without white space (Fluent Bit reads a setting as its name, white space, its value)', 'write the name as the output plugin documents it, such as log_group_name');
    } else if (typeof value !== 'string') {
      p.add(`logging.output.${key}`, value, 'a string (FireLens passes every output setting as text)', `write it as '${String(value)}'`);
    } else if (!Token.isUnresolved(value) && value.trim() === '' && key !== 'Name') {
      p.add(`logging.output.${key}`, value, 'a value (Fluent Bit reads a setting without one as an error)', `give ${key} a value, or remove it for the plugin's default`);
    }
  }
}
