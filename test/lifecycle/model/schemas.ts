/**
 * Which property changes replace a resource: the `createOnlyProperties` of each type's
 * CloudFormation resource schema, read from the schemas vendored with cfn-lint 1.51.5
 * (providers/eu_west_1.py maps a type to resources/<file>.json).
 * @see https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const SCHEMAS = '/work/shared/tools/cfn-lint/vendor/cfnlint/data/schemas';

let index: Map<string, string> | undefined;
const cache = new Map<string, string[][]>();

function files(): Map<string, string> {
  if (!index) {
    const text = fs.readFileSync(path.join(SCHEMAS, 'providers', 'eu_west_1.py'), 'utf8');
    index = new Map([...text.matchAll(/"([A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+)": "([0-9a-f]+)"/g)].map((m) => [m[1], m[2]]));
  }
  return index;
}

/** The create-only property paths of a type (each path a list of keys under Properties). */
export function createOnlyPaths(type: string): string[][] {
  const cached = cache.get(type);
  if (cached) return cached;
  let paths: string[][] = [];
  const file = files().get(type);
  if (file) {
    const schema = JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'resources', `${file}.json`), 'utf8'));
    paths = ((schema.createOnlyProperties ?? []) as string[])
      .map((p) => p.split('/').filter(Boolean))
      .filter((p) => p[0] === 'properties')
      .map((p) => p.slice(1));
  } else if (!type.startsWith('Custom::') && type !== 'AWS::CloudFormation::CustomResource' && type !== 'AWS::CDK::Metadata') {
    throw new Error(`no resource schema for ${type} in ${SCHEMAS}`);
  }
  cache.set(type, paths);
  return paths;
}

/**
 * The property that names a resource, for the types whose name a template may set. A
 * replacement that keeps a custom name fails: "You can't perform an update that causes a
 * custom-named resource to be replaced."
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html
 */
export const NAME_PROPERTY: Record<string, string> = {
  'AWS::ECS::Service': 'ServiceName',
  'AWS::ECS::Cluster': 'ClusterName',
  'AWS::ECR::Repository': 'RepositoryName',
  'AWS::SSM::Parameter': 'Name',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::CodeCommit::Repository': 'RepositoryName',
  'AWS::CodeDeploy::Application': 'ApplicationName',
  'AWS::CodeDeploy::DeploymentGroup': 'DeploymentGroupName',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'Name',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'Name',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Scheduler::Schedule': 'Name',
  'AWS::CodeBuild::Project': 'Name',
  'AWS::CodePipeline::Pipeline': 'Name',
  'AWS::Events::Rule': 'Name',
};

/** The value at a path of keys, or undefined. */
export function valueAt(value: unknown, keys: string[]): unknown {
  let v = value;
  for (const k of keys) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}
