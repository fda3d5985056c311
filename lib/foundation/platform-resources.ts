import { ArnFormat, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as codestarnotifications from 'aws-cdk-lib/aws-codestarnotifications';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { acknowledge, acknowledgeTemplateRule, acknowledgeVpcCidrIngress } from '../private/compliance';
import { DEFAULTS } from '../private/defaults';
import { fit } from '../private/text';
import type { IContainerPlatform } from './platform-contract';

/**
 * A log group of the platform: encrypted with the platform's key, removed with its removal
 * policy, kept `retention` (by default a year).
 */
export function platformLogGroup(platform: IContainerPlatform, scope: Construct, id: string, retention?: logs.RetentionDays): logs.LogGroup {
  const logGroup = new logs.LogGroup(scope, id, {
    retention: retention ?? (DEFAULTS.logRetentionDays as logs.RetentionDays),
    encryptionKey: platform.encryptionKey,
    removalPolicy: platform.removalPolicy,
  });
  acknowledgeCrossTemplateReference(logGroup, platform.encryptionKey, 'cloudwatch_log_group_encrypted_check', 'the platform\'s KMS key', platform.encryptionKey.keyArn);
  return logGroup;
}

/**
 * Control Tower's rules that check a reference (CT.CLOUDWATCH.PR.3's KmsKeyId, CT.S3.PR.2's
 * log destination) accept a string or a Ref / GetAtt of a resource of the same template. A
 * workload's nested template receives the platform's key and access-log bucket as parameters,
 * which a scan of the template file cannot follow; CloudFormation resolves them to the key's ARN
 * and the bucket's name before it creates the resource. (Run as a CloudFormation hook, the
 * control gets the resource's properties alone, with no template to follow a reference in: its
 * rule's hook branch accepts only a string.) Acknowledged on the resource when the referenced one
 * lives in another template, or when `value` is a parameter of the resource's own template (the
 * SSM-typed parameters of a platform imported by name).
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/cloudwatch-rules.html#ct-cloudwatch-pr-3-description
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/s3-rules.html#ct-s3-pr-2-description
 * @see https://docs.aws.amazon.com/cloudformation-cli/latest/hooks-userguide/guard-hooks-write-rules.html
 */
export function acknowledgeCrossTemplateReference(resource: IConstruct, referenced: IConstruct, rule: string, what: string, value?: string): void {
  if (Stack.of(resource) !== Stack.of(referenced)) {
    acknowledge(resource, rule, `It uses ${what}, which reaches this nested stack's template as a parameter: CloudFormation resolves it before creating the resource, a scan of the template file cannot follow it.`);
  } else if (value !== undefined && isParameterOf(Stack.of(resource), value)) {
    // A platform imported by name: the value is a parameter of an SSM type, resolved at deploy.
    acknowledge(resource, rule, `It uses ${what}, which reaches this template as a parameter of an SSM type (a platform imported by name): CloudFormation resolves it before creating the resource, a scan of the template file cannot follow it.`);
  }
}

/** Whether `value` is a reference to a parameter of `stack`'s template. */
function isParameterOf(stack: Stack, value: string): boolean {
  const resolved = stack.resolve(value);
  if (typeof resolved !== 'object' || resolved === null || typeof resolved.Ref !== 'string') return false;
  return stack.node.findAll().some((c) => c instanceof CfnParameter && stack.resolve(c.logicalId) === resolved.Ref);
}

/**
 * The IAM path of the roles that the platform hands to ECS (task and execution roles, the
 * roles ECS assumes for a service's load balancer and lifecycle hooks):
 * `/cdk-container-platform/<platform name>/<region>/`. The platform's service provider may pass
 * every role under it, in one statement, instead of one statement per service: IAM counts all
 * inline policies of a role together against 10,240 characters, which per-service statements
 * outgrow at about 30 services. A path is at most 512 characters (a platform name at most 128);
 * it is part of the role's ARN, which is how ECS is given the roles. IAM is global: the Region
 * keeps two platforms of one name in two Regions of an account apart.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-friendly-names (paths)
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html ("If your specified role has a path other than /, then you must either specify the full role ARN")
 */
export function platformRolePath(platform: IContainerPlatform): string {
  return `/cdk-container-platform/${platform.platformName}/${Stack.of(platform).region}/`;
}

/** Every role under the platform's role path, for `iam:PassRole`. */
export function platformRolesArn(platform: IContainerPlatform): string {
  const stack = Stack.of(platform);
  return stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${platformRolePath(platform).slice(1)}*` });
}

/**
 * Puts a role the platform hands to ECS under the platform's role path (a role made by
 * aws-cdk-lib, such as a task definition's, through its CloudFormation resource). The role keeps
 * its construct ID and logical ID; a role that had another path is replaced, as CloudFormation
 * replaces a role whose path changes.
 */
export function inPlatformRolePath(platform: IContainerPlatform, role: iam.IRole | undefined): void {
  const cfn = role?.node.defaultChild;
  if (cfn instanceof iam.CfnRole) cfn.path = platformRolePath(platform);
}

/**
 * The one way the platform builds a topic (its alarms, a pipeline's notifications and approvals):
 * encrypted with the platform's key, SSL only, its display name within SNS's 100 characters.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html (DisplayName)
 */
export function encryptedTopic(scope: Construct, id: string, displayName: string, key: kms.IKey): sns.Topic {
  return new sns.Topic(scope, id, { displayName: fit(displayName, 100), enforceSSL: true, masterKey: key });
}

/** Where the S3 server access logs of the platform's buckets go in its access-log bucket. */
export const SERVER_ACCESS_LOGS_PREFIX = 's3/';

/** What differs between the platform's buckets. */
export interface SecureBucketOptions {
  /** How long objects are kept. */
  readonly expiration: Duration;
  readonly removalPolicy: RemovalPolicy;
  /**
   * Whether incomplete multipart uploads are removed after a day.
   * @default false
   */
  readonly abortIncompleteUploads?: boolean;
  /**
   * A KMS key to encrypt the objects with (SSE-KMS), with S3 Bucket Keys.
   * @default - S3-managed keys (SSE-S3)
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * The one way the platform builds a bucket (the access-log bucket, a pipeline's artifact bucket):
 * S3-managed encryption (the only one load balancer access logs support), SSL only with TLS 1.2
 * or later, public access blocked, owner-enforced objects, versioned, old versions kept a day,
 * objects expiring after `expiration`.
 */
export function secureBucket(scope: Construct, id: string, options: SecureBucketOptions): s3.Bucket {
  // S3 refuses to delete a bucket that holds objects (versions too): with DESTROY, aws-cdk-lib's
  // autoDeleteObjects empties it first (a custom resource of a provider per stack).
  // @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html
  // @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_s3.BucketProps.html#autodeleteobjects
  const autoDeleteObjects = options.removalPolicy === RemovalPolicy.DESTROY;
  const bucket = new s3.Bucket(scope, id, {
    // Only when asked: aws-cdk-lib's analytics metadata records which props were passed.
    ...(options.encryptionKey
      ? { encryption: s3.BucketEncryption.KMS, encryptionKey: options.encryptionKey, bucketKeyEnabled: true }
      : { encryption: s3.BucketEncryption.S3_MANAGED }),
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    lifecycleRules: [{
      expiration: options.expiration,
      noncurrentVersionExpiration: Duration.days(1),
      // Only when asked: aws-cdk-lib's analytics metadata records which props were passed.
      ...(options.abortIncompleteUploads ? { abortIncompleteMultipartUploadAfter: Duration.days(1) } : {}),
    }],
    removalPolicy: options.removalPolicy,
    autoDeleteObjects,
  });
  if (autoDeleteObjects) acknowledgeAutoDelete(Stack.of(bucket));
  return bucket;
}

const acknowledgedProviders = new WeakSet<IConstruct>();

/** aws-cdk-lib's provider that empties buckets on delete runs outside a VPC (Control Tower's Lambda rule), as it may. */
function acknowledgeAutoDelete(stack: Stack): void {
  const provider = stack.node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
  if (provider && !acknowledgedProviders.has(provider)) {
    acknowledgedProviders.add(provider);
    acknowledge(provider, 'lambda_inside_vpc_check',
      'aws-cdk-lib\'s provider that empties a bucket when the stack deletes it (removalPolicy DESTROY); it runs only then and calls only S3.');
  }
}

/** The findings every log or artifact bucket of the platform shares, and why they do not apply. */
export function acknowledgeLogBucket(bucket: s3.Bucket): void {
  acknowledge(bucket, 'NIST.800.53.R5-S3BucketReplicationEnabled', 'Logs and build artifacts are not replicated to a second region: they are regenerated or expire.');
  acknowledge(bucket, 's3_event_notifications_enabled_check', 'Nothing consumes events of objects written by AWS services here.');
  acknowledge(bucket, 's3_bucket_object_lock_enabled_check', 'Object lock would keep objects past their lifecycle expiry; versioning protects against overwrites.');
}

/**
 * The VPC's public subnets route to the internet gateway by design (load balancer, NAT); the
 * constructs the VPC added to the stack itself (aws-cdk-lib's provider that removes the
 * default security group's rules) run outside it by design.
 */
export function acknowledgeVpc(vpc: ec2.Vpc, addedToStack: IConstruct[]): void {
  for (const subnet of vpc.publicSubnets) {
    acknowledge(subnet, 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', 'A public subnet: it holds the internet-facing load balancer and the NAT gateway.');
  }
  for (const provider of addedToStack) {
    acknowledge(provider, 'lambda_inside_vpc_check', 'aws-cdk-lib\'s provider that removes the rules of the default security group; it only calls the EC2 API.');
  }
  // aws-cdk-lib's built-in CloudFormation validation (cfn-lint W3010) advises Fn::GetAZs instead of
  // zone names: a stack with an account and region has them named, from `availabilityZones` or
  // the zones cdk.json's context holds for it, which is what keeps synthesis offline.
  acknowledgeTemplateRule(vpc, 'W3010',
    'The platform\'s subnets name their availability zones on purpose: given with availabilityZones, or the zones of the account and region from the context, so that synthesis needs no lookup.');
}

/**
 * The platform's KMS key: rotated, removed with the platform's removal policy (a deleted key
 * waits out KMS's pending window, 30 days), usable by CloudWatch Logs for the account's log
 * groups and by the AWS services that publish to the platform's topics, for the account's
 * topics only.
 */
export function platformKey(platform: Construct, removalPolicy: RemovalPolicy): kms.Key {
  const stack = Stack.of(platform);
  const key = new kms.Key(platform, 'Key', {
    description: `Encrypts the log groups and topics of ${platform.node.path}`,
    enableKeyRotation: true,
    removalPolicy,
  });
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
  key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
    resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) } },
  }));
  // Publishers to the encrypted topics. SNS encrypts a topic's messages under the encryption
  // context aws:sns:topicArn, so each grant covers this account's topics in the region only
  // (https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html).
  // CloudWatch alarms also carry aws:SourceAccount and aws:SourceArn; SNS does not support them
  // in a key policy for EventBridge, which publishes PlatformAlerts (aws-samples and awslabs
  // found the same: awslabs/landing-zone-accelerator-on-aws#407).
  // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
  key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }), ...accountTopics(stack) },
    },
  }));
  for (const service of ['events.amazonaws.com', 'codestar-notifications.amazonaws.com']) allowTopicPublisherKey(key, service);
  // Grants only for AWS services acting on AWS resources (Control Tower CT.KMS.PR.3).
  key.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}

/** The encryption context SNS gives KMS for a topic of the stack's account and region. */
function accountTopics(stack: Stack): Record<string, string> {
  return { 'kms:EncryptionContext:aws:sns:topicArn': stack.formatArn({ service: 'sns', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }) };
}

/**
 * Lets an AWS service that publishes to the account's encrypted topics use their key, for those
 * topics only: SNS encrypts a topic's messages under the encryption context aws:sns:topicArn
 * (https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html).
 * SNS does not pass aws:SourceAccount or aws:SourceArn to KMS for EventBridge, which publishes
 * PlatformAlerts (awslabs/landing-zone-accelerator-on-aws#407): the topic policies condition
 * them (TopicRuleTarget, notificationTarget).
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
function allowTopicPublisherKey(key: kms.IKey, service: string): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(service)],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: ['*'],
    conditions: { ArnLike: accountTopics(Stack.of(key)) },
  }));
}

/**
 * The key of a topic the app made with a key of its own (not the platform's, whose policy
 * already lets these publishers use it): the same conditioned grant as the platform's key.
 */
function allowPublisherOnTopicKey(topic: sns.ITopic, platformKey: kms.IKey, service: string): void {
  if (topic.masterKey && topic.masterKey !== platformKey) allowTopicPublisherKey(topic.masterKey, service);
}

/**
 * An SNS topic as the target of an EventBridge rule, published to by EventBridge for exactly
 * that rule of this account (aws:SourceArn, aws:SourceAccount). aws-cdk-lib's SnsTopic target
 * would allow events.amazonaws.com on the topic, and on its key, without any condition.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export class TopicRuleTarget implements events.IRuleTarget {
  constructor(private readonly topic: sns.ITopic, private readonly platformKey: kms.IKey, private readonly message?: events.RuleTargetInput) {}

  public bind(rule: Parameters<events.IRuleTarget['bind']>[0]): events.RuleTargetConfig {
    this.topic.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleRef.ruleArn }, StringEquals: { 'aws:SourceAccount': Stack.of(rule).account } },
    }));
    allowPublisherOnTopicKey(this.topic, this.platformKey, 'events.amazonaws.com');
    return { arn: this.topic.topicArn, input: this.message, targetResource: this.topic };
  }
}

/**
 * An SNS topic as the target of a CodeStar Notifications rule, published to by CodeStar
 * Notifications for this account only (aws:SourceAccount, the condition the Developer Tools
 * console guide gives; it documents no aws:SourceArn). aws-cdk-lib's topic target would allow
 * codestar-notifications.amazonaws.com on the topic, and on its key, without any condition.
 * @see https://docs.aws.amazon.com/dtconsole/latest/userguide/troubleshooting.html
 */
export function notificationTarget(topic: sns.ITopic, platformKey: kms.IKey): codestarnotifications.INotificationRuleTarget {
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CodeStarNotifications',
    principals: [new iam.ServicePrincipal('codestar-notifications.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(topic).account } },
  }));
  allowPublisherOnTopicKey(topic, platformKey, 'codestar-notifications.amazonaws.com');
  return { bindAsNotificationRuleTarget: () => ({ targetType: 'SNS', targetAddress: topic.topicArn }) };
}

/**
 * Lets the account's CloudWatch alarms publish to a topic. A topic policy (enforceSSL makes one)
 * replaces SNS's default policy, which let the account's principals and AWS services acting for
 * it publish; CloudWatch publishes as the service principal cloudwatch.amazonaws.com, for the
 * alarm in aws:SourceArn, so without this statement no alarm reaches the topic. (An encrypted
 * topic's key must let CloudWatch use it too: platformKey's policy does.)
 * @see https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
 * @see https://github.com/aws/aws-cdk/issues/20661 (a topic policy overrides the default one)
 */
export function allowAlarmsToPublish(topic: sns.ITopic): void {
  const stack = Stack.of(topic);
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAlarms',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  }));
}

/**
 * The interface endpoint that lets queue workers in isolated subnets reach SQS. Added with the
 * first worker only: an interface endpoint is billed per hour in each AZ, on top of its data
 * (https://aws.amazon.com/privatelink/pricing/), and a platform without workers needs none.
 */
export function addQueueEndpoint(vpc: ec2.IVpc): void {
  if (vpc.node.tryFindChild('SqsEndpoint')) return;
  addIsolatedEndpoint(vpc, 'SqsEndpoint', ec2.InterfaceVpcEndpointAwsService.SQS);
}

/**
 * An interface endpoint in the isolated subnets, with private DNS. aws-cdk-lib opens its
 * security group to the VPC's CIDR block on 443, which cdk-nag cannot read.
 */
function addIsolatedEndpoint(vpc: ec2.IVpc, id: string, service: ec2.InterfaceVpcEndpointAwsService): void {
  const endpoint = vpc.addInterfaceEndpoint(id, { service, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, privateDnsEnabled: true });
  for (const sg of endpoint.connections.securityGroups) acknowledgeVpcCidrIngress(sg, `The ${id}`);
}

/**
 * Whether an image name is in a private Amazon ECR registry (`<account>.dkr.ecr.<region>.amazonaws.com/...`),
 * the only registry the ECR endpoints of isolated subnets reach. VPC endpoints do not support
 * Amazon ECR Public, and other registries need internet access.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
 */
export function isPrivateEcrImage(imageName: string): boolean {
  return /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//.test(imageName);
}

export function addFargateEndpoints(vpc: ec2.Vpc): void {
  const subnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [subnets] });
  const endpoints: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
    EcrApiEndpoint: ec2.InterfaceVpcEndpointAwsService.ECR,
    EcrDockerEndpoint: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
    LogsEndpoint: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    SecretsManagerEndpoint: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    SsmEndpoint: ec2.InterfaceVpcEndpointAwsService.SSM,
    // The blue/green smoke tests report to CodeDeploy and look up the load balancer's interfaces.
    CodeDeployEndpoint: ec2.InterfaceVpcEndpointAwsService.CODEDEPLOY,
    Ec2Endpoint: ec2.InterfaceVpcEndpointAwsService.EC2,
  };
  for (const [id, service] of Object.entries(endpoints)) addIsolatedEndpoint(vpc, id, service);
}
