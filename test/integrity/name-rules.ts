/**
 * The physical names a template may set, per resource type and property, with the limit of
 * the service that owns them. Every number comes from the AWS page cited beside it (the
 * CloudFormation resource reference shows the same numbers, taken from CloudFormation's
 * resource schemas).
 */
export interface NameRule {
  readonly type: string;
  readonly property: string;
  /** The service, as messages name it. */
  readonly service: string;
  readonly min: number;
  readonly max: number;
  /**
   * Where the name must be unique: in the account and Region, in the account (IAM), in
   * the partition (S3), or only inside a parent (a cluster, an application, a role) that
   * this checker does not model: then duplicates are not reported.
   */
  readonly unique: 'region' | 'account' | 'partition' | 'parent';
  /**
   * SSM counts the ARN before the name (`arn:aws:ssm:<region>:<account>:parameter`) towards
   * its limit.
   */
  readonly countsArnPrefix?: string;
  /**
   * Whether `Ref` of the resource returns this name (see "Return values" on the resource's
   * page of the CloudFormation template reference), so that a name built from it is at most
   * `max` characters long even when CloudFormation generates it.
   */
  readonly refIsName?: boolean;
  readonly source: string;
}

export const NAME_RULES: readonly NameRule[] = [
  // "Repository names are limited to 100 alphanumeric, dash, and underscore characters"
  { type: 'AWS::CodeCommit::Repository', property: 'RepositoryName', service: 'CodeCommit', min: 1, max: 100, unique: 'region',
    source: 'https://docs.aws.amazon.com/codecommit/latest/APIReference/API_CreateRepository.html' },
  { type: 'AWS::ECR::Repository', property: 'RepositoryName', service: 'ECR', min: 2, max: 256, unique: 'region', refIsName: true,
    source: 'https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html' },
  // "can have a maximum of 32 characters, must contain only alphanumeric characters or hyphens"
  { type: 'AWS::ElasticLoadBalancingV2::TargetGroup', property: 'Name', service: 'Elastic Load Balancing (target group)', min: 1, max: 32, unique: 'region',
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html' },
  { type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', property: 'Name', service: 'Elastic Load Balancing (load balancer)', min: 1, max: 32, unique: 'region',
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html' },
  { type: 'AWS::IAM::Role', property: 'RoleName', service: 'IAM (role)', min: 1, max: 64, unique: 'account', refIsName: true,
    source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html' },
  { type: 'AWS::IAM::ManagedPolicy', property: 'ManagedPolicyName', service: 'IAM (managed policy)', min: 1, max: 128, unique: 'account',
    source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html' },
  { type: 'AWS::IAM::Policy', property: 'PolicyName', service: 'IAM (inline policy)', min: 1, max: 128, unique: 'parent',
    source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html' },
  // "The maximum length for a parameter name that you specify is 1011 characters. This count
  // of 1011 characters includes the characters in the ARN that precede the name you specify"
  { type: 'AWS::SSM::Parameter', property: 'Name', service: 'SSM Parameter Store', min: 1, max: 1011, unique: 'region', refIsName: true, countsArnPrefix: 'ssm:parameter',
    source: 'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html' },
  { type: 'AWS::Logs::LogGroup', property: 'LogGroupName', service: 'CloudWatch Logs', min: 1, max: 512, unique: 'region', refIsName: true,
    source: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html' },
  // CreateProject says 2 to 255, the newer Project and PublicProject shapes 2 to 150: the stricter.
  { type: 'AWS::CodeBuild::Project', property: 'Name', service: 'CodeBuild', min: 2, max: 150, unique: 'region', refIsName: true,
    source: 'https://docs.aws.amazon.com/codebuild/latest/APIReference/API_PublicProject.html' },
  { type: 'AWS::CodePipeline::Pipeline', property: 'Name', service: 'CodePipeline', min: 1, max: 100, unique: 'region', refIsName: true,
    source: 'https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineContext.html' },
  // "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed."
  { type: 'AWS::ECS::Service', property: 'ServiceName', service: 'ECS (service)', min: 1, max: 255, unique: 'parent',
    source: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html' },
  // The platform's service resources pass ServiceName to CreateService as it is.
  { type: 'Custom::EcsService', property: 'ServiceName', service: 'ECS (service)', min: 1, max: 255, unique: 'parent',
    source: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html' },
  { type: 'Custom::BlueGreenService', property: 'ServiceName', service: 'ECS (service)', min: 1, max: 255, unique: 'parent',
    source: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html' },
  { type: 'AWS::ECS::Cluster', property: 'ClusterName', service: 'ECS (cluster)', min: 1, max: 255, unique: 'region', refIsName: true,
    source: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html' },
  { type: 'AWS::ECS::TaskDefinition', property: 'Family', service: 'ECS (task definition family)', min: 1, max: 255, unique: 'parent',
    source: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html' },
  { type: 'AWS::CodeDeploy::DeploymentGroup', property: 'DeploymentGroupName', service: 'CodeDeploy (deployment group)', min: 1, max: 100, unique: 'parent', refIsName: true,
    source: 'https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeploymentGroup.html' },
  { type: 'AWS::CodeDeploy::Application', property: 'ApplicationName', service: 'CodeDeploy (application)', min: 1, max: 100, unique: 'region', refIsName: true,
    source: 'https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateApplication.html' },
  { type: 'AWS::CodeDeploy::DeploymentConfig', property: 'DeploymentConfigName', service: 'CodeDeploy (deployment configuration)', min: 1, max: 100, unique: 'region',
    source: 'https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeploymentConfig.html' },
  // "A queue name can have up to 80 characters." (a FIFO queue's .fifo suffix counts)
  { type: 'AWS::SQS::Queue', property: 'QueueName', service: 'SQS', min: 1, max: 80, unique: 'region',
    source: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html' },
  { type: 'AWS::SNS::Topic', property: 'TopicName', service: 'SNS', min: 1, max: 256, unique: 'region',
    source: 'https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html' },
  { type: 'AWS::Lambda::Function', property: 'FunctionName', service: 'Lambda', min: 1, max: 64, unique: 'region', refIsName: true,
    source: 'https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html' },
  { type: 'AWS::Scheduler::Schedule', property: 'Name', service: 'EventBridge Scheduler (schedule)', min: 1, max: 64, unique: 'parent',
    source: 'https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html' },
  { type: 'AWS::Scheduler::ScheduleGroup', property: 'Name', service: 'EventBridge Scheduler (schedule group)', min: 1, max: 64, unique: 'region',
    source: 'https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateScheduleGroup.html' },
  { type: 'AWS::Events::Rule', property: 'Name', service: 'EventBridge (rule)', min: 1, max: 64, unique: 'parent',
    source: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html' },
  { type: 'AWS::CodeStarNotifications::NotificationRule', property: 'Name', service: 'CodeStar Notifications', min: 1, max: 64, unique: 'region',
    source: 'https://docs.aws.amazon.com/codestar-notifications/latest/APIReference/API_CreateNotificationRule.html' },
  { type: 'AWS::ApplicationAutoScaling::ScalingPolicy', property: 'PolicyName', service: 'Application Auto Scaling', min: 1, max: 256, unique: 'parent',
    source: 'https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html' },
  { type: 'AWS::CloudWatch::Alarm', property: 'AlarmName', service: 'CloudWatch (alarm)', min: 1, max: 255, unique: 'region', refIsName: true,
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html' },
  { type: 'AWS::S3::Bucket', property: 'BucketName', service: 'S3', min: 3, max: 63, unique: 'partition', refIsName: true,
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html' },
  { type: 'AWS::SecretsManager::Secret', property: 'Name', service: 'Secrets Manager', min: 1, max: 512, unique: 'region',
    source: 'https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html' },
  { type: 'AWS::KMS::Alias', property: 'AliasName', service: 'KMS (alias)', min: 1, max: 256, unique: 'region',
    source: 'https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html' },
];

/** The rules of one resource type. */
export function rulesOf(type: string): NameRule[] {
  return NAME_RULES.filter((r) => r.type === type);
}
