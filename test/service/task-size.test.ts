import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Routing } from '../../lib';
import { containerDefinitionBytes, MAX_TASK_DEFINITION_BYTES } from '../../lib/core/task-size';
import { errorOf, newPlatform, templateOf } from '../util';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27');
const ROUTE = Routing.path('/orders/*');

/** `count` variables of `size` characters each: a configuration passed in the environment. */
function variables(count: number, size: number, prefix = 'SETTING'): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}_${i}`, 'x'.repeat(size)]));
}

/** The bytes of the container definitions in the synthesized template (tokens resolved, as deployed but for the values CloudFormation fills in). */
function templateBytes(stack: Stack): number {
  const tasks = Object.values(templateOf(stack).findResources('AWS::ECS::TaskDefinition'));
  expect(tasks).toHaveLength(1);
  return Buffer.byteLength(JSON.stringify(tasks[0].Properties.ContainerDefinitions));
}

describe('the size of a task definition (ECS registers at most 65,536 bytes)', () => {
  test('a service whose environment passes the size fails at synth, naming the prop, the bytes of each container and the fix', () => {
    // GIVEN a service with 70 variables of 1,000 characters
    const { stack, platform } = newPlatform();
    platform.addService('Orders', { routing: ROUTE, container: { image: IMAGE, environment: variables(70, 1000) } });
    // WHEN it is synthesized
    const message = errorOf(() => templateOf(stack));
    // THEN the error names the task definition, the container that holds the bytes, the total and the limit
    // (aws-cdk-lib puts the path in front of a validation's message: it is there once)
    expect(message.split('[Test/Platform/OrdersStack/Orders/TaskDefinition]')).toHaveLength(2);
    expect(message).toMatch(/\[Test\/Platform\/OrdersStack\/Orders\/TaskDefinition\] 1 invalid prop:\n {2}- container: received "7\d,\d{3} bytes of container definitions \(container: 7\d,\d{3}; the platform's tmp-permissions container: \d{3}\), not counting the values known only at deploy"; allowed: at most 65,536 bytes in all: ECS refuses to register a larger task definition, and the deploy fails\. Fix: keep large values out of the task definition: put them in Secrets Manager or SSM Parameter Store and pass them as `secrets`/);
  });

  test('a service just under the size synthesizes, and what is counted is at most what the template holds', () => {
    // GIVEN a service with 60 variables of 1,000 characters
    const { stack, platform } = newPlatform();
    const service = platform.addService('Orders', { routing: ROUTE, container: { image: IMAGE, environment: variables(60, 1000) } });
    // WHEN it is synthesized
    const bytes = templateBytes(stack);
    // THEN it passes, and the count is a lower bound of the template's container definitions
    const counted = containerDefinitionBytes(service.taskDefinition).reduce((n, c) => n + c.bytes, 0);
    expect(counted).toBeGreaterThan(60 * 1000);
    expect(counted).toBeLessThanOrEqual(MAX_TASK_DEFINITION_BYTES);
    expect(counted).toBeLessThanOrEqual(bytes);
  });

  test('a sidecar\'s environment counts, and the error names the sidecar', () => {
    // GIVEN a sidecar that holds the large configuration
    const { stack, platform } = newPlatform();
    platform.addService('Orders', {
      routing: ROUTE,
      container: { image: IMAGE, environment: variables(5, 100) },
      sidecars: [{ name: 'proxy', image: IMAGE, environment: variables(70, 1000, 'PROXY') }],
    });
    // WHEN / THEN
    expect(errorOf(() => templateOf(stack))).toMatch(/ {2}- sidecars\[0\]: received "7\d,\d{3} bytes of container definitions \(sidecars\[0\] \(proxy\): 7\d,\d{3}; container: \d,\d{3}; /);
  });

  test('variables added to the container after the service is created count too', () => {
    // GIVEN a small service, whose container is then given a large configuration
    const { stack, platform } = newPlatform();
    const service = platform.addService('Orders', { routing: ROUTE, container: { image: IMAGE } });
    for (const [name, value] of Object.entries(variables(70, 1000))) service.container.addEnvironment(name, value);
    // WHEN / THEN
    expect(errorOf(() => templateOf(stack))).toContain('  - container: received "7');
  });

  test('values known only at deploy count as nothing: the check fails only a definition ECS would certainly refuse', () => {
    // GIVEN two services with the same 70 variables: parameters (their length is unknown at synth), and empty strings
    const { stack, platform } = newPlatform();
    const value = new CfnParameter(stack, 'Setting', { type: 'String' }).valueAsString;
    const names = Array.from({ length: 70 }, (_, i) => `SETTING_${i}`);
    const fromParameters = platform.addService('Orders', { routing: ROUTE, container: { image: IMAGE, environment: Object.fromEntries(names.map((n) => [n, value])) } });
    const empty = platform.addService('Billing', { routing: Routing.path('/billing/*'), container: { image: IMAGE, environment: Object.fromEntries(names.map((n) => [n, ''])) } });
    // WHEN their containers are counted
    const app = (s: typeof empty): number => containerDefinitionBytes(s.taskDefinition).find((c) => c.name === 'app')!.bytes;
    // THEN the parameters count as the empty strings do
    expect(app(fromParameters)).toBe(app(empty));
  });
});
