import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { Routing } from '../../lib';
import { newPlatform } from '../util';

/**
 * A workload's nested stack renders its template once for the asset's hash and writes that
 * rendering (lib/platform/workload-stack.ts). What must hold, as with aws-cdk-lib's own nested
 * stacks: the file written is the one the hash names, and a later synth writes what the stack
 * holds then.
 */
function nestedFiles(stack: Stack) {
  const assembly = stack.node.root as any;
  const dir: string = assembly.synth({ force: true }).directory;
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, `${stack.artifactId}.assets.json`), 'utf8'));
  return Object.entries<any>(manifest.files)
    .filter(([, f]) => String(f.source.path).endsWith('.nested.template.json'))
    .map(([hash, f]) => ({ hash, text: fs.readFileSync(path.join(dir, f.source.path), 'utf8') }));
}

test('GIVEN a service in its nested stack WHEN synthesized THEN the template file written is the one its asset hash names', () => {
  // GIVEN
  const { stack, platform } = newPlatform();
  platform.addService('Orders', { routing: Routing.path('/orders/*') });
  // WHEN
  const files = nestedFiles(stack);
  // THEN (aws-cdk-lib hashes JSON.stringify of the rendered template)
  expect(files).toHaveLength(1);
  const [{ hash, text }] = files;
  expect(crypto.createHash('sha256').update(JSON.stringify(JSON.parse(text))).digest('hex')).toBe(hash);
  expect(Object.values<any>(JSON.parse(text).Resources).some((r) => r.Type === 'AWS::ECS::TaskDefinition')).toBe(true);
});

test('GIVEN a synthesized app WHEN a resource is added to the nested stack and the app is synthesized again THEN the new file has it', () => {
  // GIVEN
  const { stack, platform } = newPlatform();
  platform.addService('Orders', { routing: Routing.path('/orders/*') });
  const nested = stack.node.findAll().find((c): c is NestedStack => NestedStack.isNestedStack(c))!;
  const [first] = nestedFiles(stack);
  // WHEN
  new CfnResource(nested, 'Added', { type: 'AWS::SNS::Topic' });
  const [second] = nestedFiles(stack);
  // THEN the second synth rendered the stack afresh, as aws-cdk-lib does
  expect(JSON.parse(first.text).Resources.Added).toBeUndefined();
  expect(JSON.parse(second.text).Resources.Added).toEqual({ Type: 'AWS::SNS::Topic' });
});
