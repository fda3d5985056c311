import { Aspects, Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { IContainerPlatform } from '../foundation/platform-contract';
import { acknowledgeCrossTemplateReference } from '../foundation/platform-resources';
import { acknowledgeAll, ExplicitActions } from '../private/compliance';
import { NAME_LIMITS } from '../private/name-limits';
import { platformScopedName } from '../private/naming';
import { fit } from '../private/text';

/** A security group for tasks that nothing connects to: egress only. */
export function egressOnlySecurityGroup(scope: Construct, vpc: ec2.IVpc): ec2.SecurityGroup {
  return new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc,
    description: fit(`Tasks of ${scope.node.path} (no inbound traffic)`, 255),
    allowAllOutbound: true,
  });
}

/** A name unique in the account and region: the platform's name and the workload's ID, at most 64 characters. */
export function workloadName(platform: IContainerPlatform, id: string): string {
  return platformScopedName(platform.platformName, id, NAME_LIMITS.workloadName.max);
}

/** The platform's least-privilege treatment of identity policies, for a workload outside the platform's scope. */
export function explicitActions(scope: Construct): void {
  Aspects.of(scope).add(new ExplicitActions());
}

/**
 * The dead-letter queue of a worker's queue or of a trigger's runs: encrypted (SSE-SQS, or with
 * your key), SSL only, keeping messages 14 days (the SQS maximum).
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html (MessageRetentionPeriod)
 */
export function newDeadLetterQueue(scope: Construct, encryptionKey?: kms.IKey): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED,
    encryptionMasterKey: encryptionKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  // A dead-letter queue has no dead-letter queue of its own.
  acknowledgeAll(queue, ['AwsSolutions-SQS3', 'sqs_dlq_check'], 'This queue is itself the dead-letter queue: messages that land here stay for inspection.');
  acknowledgeQueueKey(queue, encryptionKey);
  return queue;
}

/** A queue encrypted with a key of another template (the user's, handed to a nested stack): CT.SQS.PR.2 cannot follow the parameter. */
export function acknowledgeQueueKey(queue: sqs.IQueue, encryptionKey: kms.IKey | undefined): void {
  if (encryptionKey) acknowledgeCrossTemplateReference(queue, encryptionKey, 'sqs_queue_encrypted_check', 'the KMS key of queueOptions.encryptionKey');
}
