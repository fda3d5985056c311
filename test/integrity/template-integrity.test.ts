import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnOutput, NestedStack, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CDK_CONTEXT } from '../util';
import { nestedStack, oneStack, topic, writeAssembly } from './fixtures';
import { checkAssembly, formatProblems, TEMPLATE_QUOTAS } from './template-integrity';
import { Resource } from './types';

const FILE = 'Stack.template.json';
const CHILD = 'StackChild.nested.template.json';

describe('nested stacks get exactly the parameters their template declares', () => {
  const child = {
    Parameters: { Cluster: { Type: 'String' }, Key: { Type: 'String' }, Size: { Type: 'Number', Default: 1 } },
    Resources: { T: topic({ DisplayName: { 'Fn::Join': ['', [{ Ref: 'Cluster' }, { Ref: 'Key' }, { Ref: 'Size' }]] } }) },
    Outputs: { TopicArn: { Value: { Ref: 'T' } } },
  };

  test('a parent that passes every parameter without a Default, and reads an output the child has, passes', () => {
    const dir = writeAssembly({
      Stack: { template: { Resources: { Child: nestedStack(CHILD, { Cluster: 'c', Key: 'k' }), Reader: topic({ DisplayName: { 'Fn::GetAtt': ['Child', 'Outputs.TopicArn'] } }) } } },
    }, { [CHILD]: child });
    expect(checkAssembly(dir)).toEqual([]);
  });

  test('a missing parameter, an undeclared one and an output the child lacks are reported on the parent', () => {
    const dir = writeAssembly({
      Stack: { template: { Resources: {
        Child: nestedStack(CHILD, { Cluster: 'c', PlatformKeyArn: 'k' }),
        Reader: topic({ DisplayName: { 'Fn::Sub': '${Child.Outputs.QueueUrl}' } }),
      } } },
    }, { [CHILD]: child });
    expect(checkAssembly(dir)).toEqual([
      { file: FILE, logicalId: 'Child', check: 'nested-stack', message: `does not pass parameter 'Key', which ${CHILD} declares without a Default` },
      { file: FILE, logicalId: 'Child', check: 'nested-stack', message: `passes parameter 'PlatformKeyArn', which ${CHILD} does not declare` },
      { file: FILE, logicalId: 'Reader', check: 'nested-stack', message: `reads 'Child.Outputs.QueueUrl', but ${CHILD} has no output 'QueueUrl'` },
    ]);
  });

  test('without asset metadata, the child is found through the assets manifest, and checked on its own', () => {
    const hash = 'ab'.repeat(32);
    const dir = writeAssembly({ Stack: { template: { Resources: { Child: nestedStack(CHILD, { Cluster: 'c', Key: 'k' }, false) } } } }, {
      [CHILD]: { ...child, Resources: { T: topic({ DisplayName: { Ref: 'ParentBucket' } }) } },
      'Stack.assets.json': { version: '48.0.0', files: { [hash]: { source: { path: CHILD, packaging: 'file' }, destinations: {} } } },
    });
    expect(checkAssembly(dir)).toEqual([
      { file: CHILD, logicalId: 'T', check: 'reference', message: "Ref to 'ParentBucket', which is not a resource, parameter or pseudo parameter of this template (at Properties.DisplayName)" },
    ]);
  });

  test('Parameters that are not a literal map cannot be checked, and say so', () => {
    const dir = writeAssembly({ Stack: { template: {
      Conditions: { Yes: { 'Fn::Equals': ['a', 'a'] } },
      Resources: { Child: nestedStack(CHILD, { 'Fn::If': ['Yes', { Cluster: 'c', Key: 'k' }, { Cluster: 'd', Key: 'k' }] } as Record<string, unknown>) },
    } } }, { [CHILD]: child });
    expect(checkAssembly(dir)).toEqual([{
      file: FILE, logicalId: 'Child', check: 'nested-stack',
      message: `passes Parameters that are not a literal map ({"Fn::If":["Yes",{"Cluster":"c","Key":"k"},{"Cluster":"d","Key":"k"}]}), which cannot be checked against ${CHILD}`,
    }]);
  });

  test('a nested stack whose template is not in the assembly is reported', () => {
    const dir = writeAssembly({ Stack: { template: { Resources: { Child: nestedStack(CHILD, {}, false), Gone: nestedStack('Gone.nested.template.json') } } } });
    expect(checkAssembly(dir)).toEqual([
      { file: FILE, logicalId: 'Child', check: 'nested-stack', message: 'cannot find the template of this nested stack in the assembly (no aws:asset:path metadata and no file asset matching its TemplateURL)' },
      { file: FILE, logicalId: 'Gone', check: 'nested-stack', message: "the nested stack's template Gone.nested.template.json is not in the assembly" },
    ]);
  });
});

describe('quotas of one template', () => {
  const many = (n: number, make: (i: number) => unknown) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`X${i}`, make(i)]));
  const quota = (message: string) => ({ file: FILE, check: 'quota', message });

  test.each([
    ['Resources', 'resources', TEMPLATE_QUOTAS.resources, 500, () => topic()],
    ['Parameters', 'parameters', TEMPLATE_QUOTAS.parameters, 200, () => ({ Type: 'String', Default: 'x' })],
    ['Outputs', 'outputs', TEMPLATE_QUOTAS.outputs, 200, () => ({ Value: 'x' })],
    ['Mappings', 'mappings', TEMPLATE_QUOTAS.mappings, 200, () => ({ a: { b: 'c' } })],
  ])('%s: %s at the quota pass, one more is reported', (section, key, quotaValue, documented, make) => {
    // The quota is the documented number (a constant changed by mistake fails here).
    expect(quotaValue).toBe(documented);
    const base = { Resources: { Only: topic() } };
    const at = { ...base, [section]: many(documented, make) };
    const over = { ...base, [section]: many(documented + 1, make) };
    expect(checkAssembly(oneStack(at))).toEqual([]);
    expect(checkAssembly(oneStack(over))).toEqual([quota(`${documented + 1} ${key}; CloudFormation allows at most ${documented} in a template`)]);
  });

  test('a template body over 1,000,000 bytes as written is reported', () => {
    const dir = oneStack({ Resources: { Big: topic({ DisplayName: 'x' }) } });
    const file = path.join(dir, FILE);
    const written = fs.readFileSync(file, 'utf8');
    const pad = (n: number) => JSON.stringify({ Resources: { Big: topic({ DisplayName: 'x'.repeat(n) }) } }, undefined, 1);
    const exact = 1_000_000 - pad(0).length;
    fs.writeFileSync(file, pad(exact));
    expect(checkAssembly(dir)).toEqual([]);
    fs.writeFileSync(file, pad(exact + 1));
    expect(checkAssembly(dir)).toEqual([quota('the template body is 1000001 bytes; CloudFormation reads at most 1000000 bytes (1 MB) from S3')]);
    expect(written.length).toBeLessThan(1000);
  });

  test('a Description over 1024 bytes is reported', () => {
    expect(checkAssembly(oneStack({ Description: 'é'.repeat(512), Resources: { A: topic() } }))).toEqual([]);
    expect(checkAssembly(oneStack({ Description: `${'é'.repeat(512)}x`, Resources: { A: topic() } }))).toEqual([
      quota('the Description is 1025 bytes; CloudFormation allows at most 1024'),
    ]);
  });
});

describe('logical IDs', () => {
  test('a logical ID that is not alphanumeric, or longer than 255 characters, is reported', () => {
    const long = `A${'b'.repeat(255)}`;
    const dir = oneStack({ Resources: { 'My-Topic': topic(), [long]: topic(), [long.slice(1)]: topic() }, Outputs: { 'Out_1': { Value: 'x' } } });
    expect(checkAssembly(dir)).toEqual([
      { file: FILE, logicalId: 'My-Topic', check: 'logical-id', message: "Resources logical ID 'My-Topic' is not alphanumeric (A-Za-z0-9)" },
      { file: FILE, logicalId: long, check: 'logical-id', message: 'Resources logical ID is 256 characters; CloudFormation allows at most 255' },
      { file: FILE, logicalId: 'Out_1', check: 'logical-id', message: "Outputs logical ID 'Out_1' is not alphanumeric (A-Za-z0-9)" },
    ]);
  });
});

describe('a clean assembly', () => {
  test('a hand-written parent and nested template that use every kind of reference pass', () => {
    const dir = writeAssembly({
      Stack: { template: {
        Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] } },
        Mappings: { Sizes: { small: { cpu: '256' } } },
        Resources: {
          Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'data']] } } },
          Child: { ...nestedStack(CHILD, { BucketArn: { 'Fn::GetAtt': ['Bucket', 'Arn'] }, Cpu: { 'Fn::FindInMap': ['Sizes', 'small', 'cpu'] } }), DependsOn: ['Bucket'] },
          Reader: topic({ DisplayName: { 'Fn::If': ['IsProd', { 'Fn::GetAtt': 'Child.Outputs.QueueName' }, { Ref: 'AWS::NoValue' }] } }, { Condition: 'IsProd' }),
        },
      } },
    }, {
      [CHILD]: {
        Parameters: { BucketArn: { Type: 'String' }, Cpu: { Type: 'String' }, Retention: { Type: 'Number', Default: 7 } },
        Resources: {
          Queue: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: { Ref: 'Retention' } } },
          Policy: topic({ DisplayName: { 'Fn::Sub': ['${BucketArn}/${Queue.Arn}/${!Literal}/${Cpu}/${Name}', { Name: { Ref: 'AWS::AccountId' } }] } }, { DependsOn: 'Queue' }),
        },
        Outputs: { QueueName: { Value: { 'Fn::GetAtt': ['Queue', 'QueueName'] } } },
      },
    });
    expect(formatProblems(checkAssembly(dir))).toBe('');
  });

  test.each([true, false])('a CDK app whose nested stack uses a bucket of its parent passes (asset metadata: %s)', (assetMetadata) => {
    // GIVEN an app like the platform's: a resource of the parent handed to a nested stack
    const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:enable-asset-metadata': assetMetadata }, builtinCloudFormationValidation: false, treeMetadata: false });
    const parent = new Stack(app, 'Parent', { env: { account: '111111111111', region: 'eu-west-1' } });
    const bucket = new s3.Bucket(parent, 'Bucket');
    const nested = new NestedStack(parent, 'Child');
    const t = new sns.Topic(nested, 'Topic', { displayName: bucket.bucketName });
    new CfnOutput(parent, 'TopicArn', { value: t.topicArn });
    // WHEN
    const dir = app.synth().directory;
    // THEN the child got the bucket as a parameter (found by metadata or by its asset), and every file checks
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.nested.template.json'))).toHaveLength(1);
    const resources = Object.values(JSON.parse(fs.readFileSync(path.join(dir, 'Parent.template.json'), 'utf8')).Resources) as Resource[];
    const stackResource = resources.find((r) => r.Type === 'AWS::CloudFormation::Stack')!;
    expect(stackResource.Metadata?.['aws:asset:path'] !== undefined).toBe(assetMetadata);
    expect(Object.keys(stackResource.Properties?.Parameters as object)).toHaveLength(1);
    expect(checkAssembly(dir)).toEqual([]);
  });
});

describe('the assembly itself', () => {
  test('a directory without a manifest is a problem, not an exception', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'integrity-'));
    const problems = checkAssembly(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'manifest.json', check: 'assembly' });
  });

  test('formatProblems writes one line per problem', () => {
    expect(formatProblems([{ file: 'a.json', logicalId: 'X', check: 'reference', message: 'm' }, { file: 'b.json', check: 'quota', message: 'n' }]))
      .toBe('a.json X [reference] m\nb.json [quota] n');
  });
});
