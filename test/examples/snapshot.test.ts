import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, NestedStack, Stack, Tags } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { EXAMPLE_ENV } from '../../examples/env';
import { LEAN_METADATA, platformSnapshot, stackTemplates } from '../util';

/** platformSnapshot (the library's PlatformTemplates.snapshot); the examples' snapshots are in examples.test.ts. */

describe('platformSnapshot', () => {
  /** A stack with a nested stack holding a bucket and a file asset of `content`. */
  function assetStack(content: string, versioned = false): Stack {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-asset-'));
    fs.writeFileSync(path.join(dir, 'file.txt'), content);
    // (aws-cdk-lib's CloudFormation validator off: what is tested here is the normalisation)
    const app = new App({ analyticsReporting: true, context: LEAN_METADATA, builtinCloudFormationValidation: false });
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
});
