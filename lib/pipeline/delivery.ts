import { Duration } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { IContainerPlatform } from '../foundation/platform-contract';
import { acknowledgeCrossTemplateReference, acknowledgeLogBucket, encryptedTopic, notificationTarget, secureBucket, SERVER_ACCESS_LOGS_PREFIX } from '../foundation/platform-resources';
import { acknowledgeAll } from '../private/compliance';
import { DEFAULTS } from '../private/defaults';
import type { PipelineOptions } from './options';

/**
 * A pipeline's artifact bucket: SSE-S3, SSL-only, versioned, expiring artifacts after 30 days,
 * its server access logs in the platform's access-log bucket (whose policy admits them
 * account-wide: a statement per bucket there would not scale to many services).
 */
export function artifactBucket(scope: Construct, platform: IContainerPlatform, owner: string): s3.Bucket {
  const bucket = secureBucket(scope, 'Artifacts', {
    expiration: Duration.days(DEFAULTS.artifactExpirationDays),
    abortIncompleteUploads: true,
    removalPolicy: platform.removalPolicy,
  });
  (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
    destinationBucketName: platform.accessLogsBucket.bucketName,
    logFilePrefix: `${SERVER_ACCESS_LOGS_PREFIX}${owner}-artifacts/`,
  };
  acknowledgeCrossTemplateReference(bucket, platform.accessLogsBucket, 's3_bucket_logging_enabled_check', 'the platform\'s access-log bucket',
    platform.accessLogsBucket.bucketName);
  acknowledgeAll(bucket, ['NIST.800.53.R5-S3DefaultEncryptionKMS', 's3_bucket_default_encryption_kms_check'],
    'Build artifacts are encrypted with S3-managed keys (SSE-S3); access is limited to the pipeline\'s roles and SSL.');
  acknowledgeLogBucket(bucket);
  return bucket;
}

/** What a delivery pipeline is made of. */
export interface DeliveryStages {
  readonly artifactBucket: s3.IBucket;
  readonly source: codepipeline.IAction;
  readonly sourceOutput: codepipeline.Artifact;
  readonly build: codebuild.IProject;
  readonly buildOutput: codepipeline.Artifact;
  /** The actions of the Deploy stage, in their run order. */
  readonly deploy: codepipeline.IAction[];
  /** Shown to the approver. */
  readonly approvalText: string;
  /** The platform's key, which encrypts the approval topic the pipeline makes for `approval.emails`. */
  readonly encryptionKey: kms.IKey;
}

/**
 * The topic that tells `approval.emails` an approval is waiting, when no topic is given: encrypted
 * with the platform's key and SSL-only, like the platform's other topics. (aws-cdk-lib's approval
 * action would make an unencrypted one, which AwsSolutions-SNS2/SNS3 and NIST.800.53.R5-SNSEncryptedKMS
 * reject.) The action subscribes the emails to it and lets the pipeline's role publish, with the
 * key's Decrypt and GenerateDataKey that an encrypted topic's publisher needs.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 */
function approvalTopic(scope: Construct, d: DeliveryStages): sns.ITopic {
  return encryptedTopic(scope, 'Approvals', d.approvalText, d.encryptionKey);
}

/** Source, Build, an optional Approve, and Deploy, as a V2 pipeline. */
export function deliveryPipeline(scope: Construct, options: PipelineOptions, d: DeliveryStages): codepipeline.Pipeline {
  const stages: codepipeline.StageProps[] = [
    { stageName: 'Source', actions: [d.source] },
    { stageName: 'Build', actions: [new actions.CodeBuildAction({ actionName: 'Image', project: d.build, input: d.sourceOutput, outputs: [d.buildOutput] })] },
  ];
  if (options.approval) {
    stages.push({
      stageName: 'Approve',
      actions: [new actions.ManualApprovalAction({
        actionName: 'Approve',
        notificationTopic: options.approval.topic ?? approvalTopic(scope, d),
        notifyEmails: options.approval.emails,
        additionalInformation: d.approvalText,
      })],
    });
  }
  stages.push({ stageName: 'Deploy', actions: d.deploy });
  const pipeline = new codepipeline.Pipeline(scope, 'Pipeline', {
    pipelineType: codepipeline.PipelineType.V2,
    artifactBucket: d.artifactBucket,
    restartExecutionOnUpdate: false,
    crossAccountKeys: false,
    // The actions run as the pipeline's role, which only CodePipeline assumes for this pipeline,
    // instead of a role per action: the account's roles (1,000 by default) then hold about 140
    // services with pipelines rather than about 100 (README, Scale).
    // @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
    // @see https://docs.aws.amazon.com/codepipeline/latest/userguide/how-to-custom-role.html
    usePipelineRoleForActions: true,
    stages,
  });
  // "When a pipeline is created, a pipeline execution starts automatically": the policy of the
  // role its actions run as must exist by then, or that first run is denied (aws-cdk#38861).
  // aws-cdk-lib makes the pipeline's resource wait for its own role's default policy, which holds
  // every action's permissions here (no action has a role of its own).
  // @see https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-about-starting.html
  return pipeline;
}

/**
 * "When a pipeline is created, a pipeline execution starts automatically": the policies of its
 * action roles must exist by then, or that first run is denied (aws-cdk#38861). The pipeline's
 * resource (not its construct, whose action roles are children) waits for them; call again after
 * adding stages. (The promotion pipeline's cross-account actions have roles of their own.)
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-about-starting.html
 */
export function waitForActionRolePolicies(pipeline: codepipeline.Pipeline): void {
  const resource = pipeline.node.defaultChild as codepipeline.CfnPipeline;
  for (const role of pipeline.node.findAll().filter((c): c is iam.Role => c instanceof iam.Role && c.node.id === 'CodePipelineActionRole')) {
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) resource.node.addDependency(policy);
  }
}

/** Announces failed and succeeded executions and pending approvals on the given topic, or a new encrypted one. */
export function notifyExecutions(scope: Construct, pipeline: codepipeline.Pipeline, key: kms.IKey, name: string,
  topic?: sns.ITopic): sns.ITopic {
  const target = topic ?? encryptedTopic(scope, 'Notifications', `${name} pipeline`, key);
  pipeline.notifyOn('Notifications', notificationTarget(target, key), {
    events: [
      codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_FAILED,
      codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_SUCCEEDED,
      codepipeline.PipelineNotificationEvents.MANUAL_APPROVAL_NEEDED,
    ],
  });
  return target;
}
