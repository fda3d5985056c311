import { Token, Tokenization } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { CONTAINER_NAME } from '../private/constants';
import { Problems } from '../private/errors';
import type { SidecarOptions } from './options';

/**
 * The largest task definition ECS registers, in bytes of its JSON: a larger one fails when
 * CloudFormation registers it ("Actual length: '66420'. Max allowed length is '65536' bytes"),
 * which the quota page once gave as 32 KiB and AWS's documentation team corrected to 64 KiB.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html
 * @see https://github.com/awsdocs/amazon-ecs-developer-guide/pull/149
 */
export const MAX_TASK_DEFINITION_BYTES = 65_536;

/** The strings aws-cdk-lib encodes a token as, in a string or in a list of strings. */
const ENCODED_TOKEN = /[$#]\{Token\[[^\]]*\]\}/g;

/**
 * Refuses, at synth, a task definition whose container definitions alone pass the size ECS
 * registers: what the app's container and its sidecars hold (environment variables above all)
 * is written into the task definition. Counted after everything is added (the platform's own
 * containers, and variables added later through `container.addEnvironment`), from what
 * aws-cdk-lib renders for each container, without the values only known at deploy (references,
 * parameters): a lower bound, so that only a definition ECS would certainly refuse fails.
 */
export function checkTaskDefinitionSize(taskDefinition: ecs.TaskDefinition, sidecars: readonly SidecarOptions[]): void {
  taskDefinition.node.addValidation({
    validate: () => {
      const sizes = containerDefinitionBytes(taskDefinition);
      const total = sizes.reduce((n, s) => n + s.bytes, 0);
      if (total <= MAX_TASK_DEFINITION_BYTES) return [];
      const sidecar = (name: string): number => sidecars.findIndex((s) => s.name === name);
      const prop = (name: string): string | undefined =>
        name === CONTAINER_NAME ? 'container' : sidecar(name) >= 0 ? `sidecars[${sidecar(name)}]` : undefined;
      const label = (name: string): string => {
        const own = prop(name);
        return own === undefined ? `the platform's ${name} container` : own === 'container' ? own : `${own} (${name})`;
      };
      const largest = [...sizes].sort((a, b) => b.bytes - a.bytes);
      const p = new Problems(taskDefinition);
      p.add(largest.map((s) => prop(s.name)).find((x) => x !== undefined) ?? 'container',
        `${format(total)} bytes of container definitions (${largest.map((s) => `${label(s.name)}: ${format(s.bytes)}`).join('; ')}), not counting the values known only at deploy`,
        `at most ${format(MAX_TASK_DEFINITION_BYTES)} bytes in all: ECS refuses to register a larger task definition, and the deploy fails`,
        'keep large values out of the task definition: put them in Secrets Manager or SSM Parameter Store and pass them as `secrets` '
        + '(the task definition then holds only their ARNs), or in a file the container reads when it starts');
      return p.messages({ validation: true });
    },
  });
}

/**
 * Each container's definition as aws-cdk-lib renders it into the task definition, in bytes of
 * JSON without what its tokens stand for: at most the bytes the template holds once deployed.
 */
export function containerDefinitionBytes(taskDefinition: ecs.TaskDefinition): Array<{ readonly name: string; readonly bytes: number }> {
  return taskDefinition.node.children
    .filter((c): c is ecs.ContainerDefinition => c instanceof ecs.ContainerDefinition)
    .map((c) => ({ name: c.containerName, bytes: literalBytes(c.renderContainerDefinition(taskDefinition)) }));
}

/** Bytes of `value` as JSON, without what tokens stand for (they count as nothing). */
function literalBytes(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'string') return Buffer.byteLength(JSON.stringify(value.replace(ENCODED_TOKEN, '')));
  if (typeof value === 'number') return Token.isUnresolved(value) ? 0 : String(value).length;
  if (typeof value === 'boolean') return String(value).length;
  if (Array.isArray(value)) return 2 + value.reduce((n: number, v) => n + literalBytes(v) + 1, 0);
  if (Tokenization.isResolvable(value) || typeof value !== 'object') return 0;
  return 2 + Object.entries(value).reduce((n, [k, v]) => n + (v === undefined ? 0 : Buffer.byteLength(JSON.stringify(k)) + 1 + literalBytes(v) + 1), 0);
}

function format(n: number): string {
  return n.toLocaleString('en-US');
}
