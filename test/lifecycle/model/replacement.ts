/**
 * Which property changes replace a resource, from the AWS CDK team's resource database
 * (`@aws-cdk/aws-service-spec`, Apache-2.0, pinned in devDependencies): each property of a
 * resource, and of the property types it uses, records `causesReplacement` ("yes", "no" or
 * "maybe"), taken from the CloudFormation registry schemas' `createOnlyProperties` and the
 * resource specification's update behaviour.
 *
 * "maybe" (conditional replacement: the docs' "Update requires: Some interruptions" or a
 * replacement only for some values) counts as an in-place update here; none of the
 * properties so marked is one the library's templates change between deploys.
 *
 * Compared once (2026-12-07) with the create-only properties of the schemas the model read
 * before (cfn-lint 1.51.5's vendored copy) for every resource type the examples emit: the
 * same, except properties the older schemas did not have yet (ACM Certificate
 * CertificateExport, EC2 EIP Domain, EC2 VPC VpcEncryptionControl, Events Rule EventBusName,
 * S3 Bucket ObjectLockEnabled: replacement here), three marked "maybe" here (CodeCommit
 * Repository Triggers, EC2 Subnet Ipv6CidrBlock, EC2 VPC InstanceTenancy) and ECR
 * EncryptionConfiguration, create-only as a whole here and by each of its fields there.
 * @see https://github.com/cdklabs/awscdk-service-spec
 * @see https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';

type SpecDatabase = ReturnType<typeof loadAwsServiceSpecSync>;
type Property = SpecDatabase['schema']['resource']['entities'][string]['properties'][string];

/** The property types a property's type refers to (through lists, maps and unions). */
function referencedTypes(type: Property['type']): string[] {
  switch (type.type) {
    case 'ref': return [type.reference.$ref];
    case 'array': case 'map': return referencedTypes(type.element);
    case 'union': return type.types.flatMap(referencedTypes);
    default: return [];
  }
}

/** The paths (keys under Properties) whose change replaces the resource; a path under one that does is not listed. */
function replacingPaths(database: SpecDatabase, properties: Record<string, Property>, prefix: string[], seen: Set<string>): string[][] {
  return Object.entries(properties).flatMap(([name, property]) => {
    const path = [...prefix, name];
    if (property.causesReplacement === 'yes') return [path];
    return referencedTypes(property.type).filter((id) => !seen.has(id)).flatMap((id) =>
      replacingPaths(database, database.get('typeDefinition', id).properties, path, new Set([...seen, id])));
  });
}

/**
 * The replacing paths of every resource type of the database. Loading the database costs about
 * half a second of each test file that applies templates, and working out every type's paths
 * less (about 0.3 s for 1,800 types), so the first file of a jest run to need them writes them
 * to the run's temporary folder (jest's global setup points TMPDIR there; the file is named by
 * the database's version) and the others read that file. Outside jest nothing is written.
 */
let table: Record<string, string[][]> | undefined;
function replacingTable(): Record<string, string[][]> {
  if (table) return table;
  const version = (JSON.parse(fs.readFileSync(require.resolve('@aws-cdk/aws-service-spec/package.json'), 'utf8')) as { version: string }).version;
  const file = process.env.JEST_WORKER_ID ? path.join(os.tmpdir(), `aws-service-spec-${version}-replacing-paths.json`) : undefined;
  if (file && fs.existsSync(file)) return table = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string[][]>;
  const db = loadAwsServiceSpecSync();
  table = Object.fromEntries(db.all('resource').map((r) => [r.cloudFormationType, replacingPaths(db, r.properties, [], new Set())]));
  if (!file) return table;
  // Written whole, then renamed: a file another worker reads is never half written.
  const partial = `${file}.${process.pid}`;
  fs.writeFileSync(partial, JSON.stringify(table));
  fs.renameSync(partial, file);
  return table;
}

/** The replacing property paths of a type (each path a list of keys under Properties; arrays are looked into). */
export function createOnlyPaths(type: string): string[][] {
  if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource' || type === 'AWS::CDK::Metadata') return [];
  const paths = replacingTable()[type];
  if (!paths) throw new Error(`@aws-cdk/aws-service-spec has no resource type ${type}`);
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

/** The value at a path of keys, or undefined; a key applied to a list is applied to each element. */
export function valueAt(value: unknown, keys: string[]): unknown {
  if (keys.length === 0) return value;
  if (Array.isArray(value)) return value.map((v) => valueAt(v, keys));
  if (!value || typeof value !== 'object') return undefined;
  return valueAt((value as Record<string, unknown>)[keys[0]], keys.slice(1));
}
