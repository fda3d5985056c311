import { Template } from 'aws-cdk-lib/assertions';
import { EXAMPLE_ENV } from '../../examples/env';
import { ExamplePlatformStack } from '../../examples/platform-stack';
import { newApp } from '../util';

/** Asset hashes change with every handler build; they are not what the snapshot guards. */
function withoutAssetHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}

test('the example platform template matches the snapshot', () => {
  // GIVEN the example platform, WHEN synthesized
  const stack = new ExamplePlatformStack(newApp(), 'ExamplePlatform', { env: EXAMPLE_ENV });
  // THEN it is unchanged (update deliberately with `npx jest -u`, never in CI)
  expect(withoutAssetHashes(Template.fromStack(stack).toJSON())).toMatchSnapshot();
});
