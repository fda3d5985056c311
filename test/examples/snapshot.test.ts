import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, NestedStack, Stack, Tags } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { EXAMPLE_ENV } from '../../examples/env';
import { ExamplePlatformStack } from '../../examples/platform-stack';
import { ExampleWorkloadsStack } from '../../examples/workloads-stack';
import { newApp, platformSnapshot, stackTemplates } from '../util';

/**
 * Every template of each example, the nested ones included, each file on its own, with asset
 * hashes and CDK's version metadata normalised (test/util.ts `platformSnapshot`). Update
 * deliberately with `npx jest test/examples/snapshot.test.ts -u`, never in CI (`--ci`).
 */

const EXAMPLES: Record<string, (app: App) => Stack> = {
  ExamplePlatform: (app) => new ExamplePlatformStack(app, 'ExamplePlatform', { env: EXAMPLE_ENV }),
  ExampleWorkloads: (app) => new ExampleWorkloadsStack(app, 'ExampleWorkloads', { env: EXAMPLE_ENV }),
};

test.each(Object.keys(EXAMPLES))('every template of %s matches the snapshot', (name) => {
  // GIVEN the example, WHEN synthesized
  const stack = EXAMPLES[name](newApp());
  const snapshot = platformSnapshot(stack);
  // THEN the snapshot holds the parent and each nested template, and is unchanged
  expect(Object.keys(snapshot)).toEqual(Object.keys(stackTemplates(stack)));
  expect(Object.keys(snapshot).length).toBeGreaterThan(1);
  expect(snapshot).toMatchSnapshot();
});

test('the snapshot of an example is the same in two synths', () => {
  // GIVEN the same example in two apps, WHEN both are synthesized
  const first = platformSnapshot(EXAMPLES.ExamplePlatform(newApp()));
  const second = platformSnapshot(EXAMPLES.ExamplePlatform(newApp()));
  // THEN the snapshots are identical, nested templates included
  expect(second).toEqual(first);
});

describe('platformSnapshot', () => {
  /** A stack with a nested stack holding a bucket and a file asset of `content`. */
  function assetStack(content: string, versioned = false): Stack {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-asset-'));
    fs.writeFileSync(path.join(dir, 'file.txt'), content);
    const app = new App({ analyticsReporting: true, context: { 'aws:cdk:disable-stack-trace': true } });
    const stack = new Stack(app, 'Parent', { env: EXAMPLE_ENV });
    const nested = new NestedStack(stack, 'Child');
    const asset = new s3assets.Asset(nested, 'Asset', { path: dir });
    Tags.of(new s3.Bucket(nested, 'Bucket', { versioned })).add('Asset', asset.s3ObjectKey);
    return stack;
  }

  test('holds each template by its stack\'s path, with the nested template\'s URL and the asset hash normalised', () => {
    // GIVEN / WHEN
    const stack = assetStack('a');
    const snapshot = platformSnapshot(stack);
    // THEN
    expect(Object.keys(snapshot)).toEqual(['Parent', 'Parent/Child']);
    const [nestedResource] = Object.values<any>(snapshot.Parent.Resources).filter((r) => r.Type === 'AWS::CloudFormation::Stack');
    expect(nestedResource.Properties.TemplateURL).toBe('<template of Parent/Child>');
    const [bucket] = Object.values<any>(snapshot['Parent/Child'].Resources).filter((r) => r.Type === 'AWS::S3::Bucket');
    expect(bucket.Properties.Tags).toEqual([{ Key: 'Asset', Value: expect.stringMatching(/^<asset-hash:[0-9a-f]{8}>\.zip$/) }]);
    expect(JSON.stringify(snapshot)).not.toMatch(/[0-9a-f]{64}/);
  });

  test('drops CDK\'s version metadata, which the raw templates have', () => {
    // GIVEN an app with version reporting on
    const stack = assetStack('a');
    // WHEN / THEN
    expect(JSON.stringify(stackTemplates(stack))).toContain('AWS::CDK::Metadata');
    expect(JSON.stringify(platformSnapshot(stack))).not.toContain('AWS::CDK::Metadata');
    expect(JSON.stringify(platformSnapshot(stack))).not.toContain('CDKMetadataAvailable');
  });

  test('changes when an asset\'s contents change (a short hash of them stays), and with the infrastructure; not between two synths', () => {
    // GIVEN / WHEN
    const base = platformSnapshot(assetStack('a'));
    const again = platformSnapshot(assetStack('a'));
    const otherAsset = platformSnapshot(assetStack('b'));
    const otherInfrastructure = platformSnapshot(assetStack('a', true));
    // THEN
    expect(again).toEqual(base);
    expect(otherAsset).not.toEqual(base);
    expect(otherInfrastructure).not.toEqual(base);
  });

  test('changes when the library\'s own Lambda code changes: its handlers are assets of the platform', () => {
    // GIVEN the example platform's snapshot, and the digest of the provider's bundle in it
    const snapshot = JSON.stringify(platformSnapshot(EXAMPLES.ExamplePlatform(newApp())));
    // THEN each of the library's handlers appears by a short hash of its contents
    const digests = new Set([...snapshot.matchAll(/<asset-hash:([0-9a-f]{8})>/g)].map((m) => m[1]));
    expect(digests.size).toBeGreaterThanOrEqual(3);
  });
});
