import { Aspects, Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { validateContainer } from '../core/validate-container';
import { validateOwnRepository, validateRepositoryOptions, validateSourceImage, validateWorkloadId } from '../core/validate-workload';
import { PlatformContext } from '../foundation/platform-context';
import type { IContainerPlatform } from '../foundation/platform-contract';
import { validatePipeline } from '../pipeline/validate-pipeline';
import { acknowledgeAll, ExplicitActions } from '../private/compliance';
import { Problems } from '../private/errors';
import { platformScopedName } from '../private/naming';
import { fit } from '../private/text';
import { WorkloadProps } from './workload-options';

/**
 * The longest name of a worker, job or event task. It fits every resource named by it (an ECS
 * service name, a CodeCommit repository name and the CodeBuild descriptions); it stays at the
 * 64 characters it was chosen for when rules and schedules carried it too, because a shorter
 * one would rename, and so replace, what the name already names.
 */
const MAX_WORKLOAD_NAME_LENGTH = 64;

/** The checks every workload shares: its ID, container, and pipeline options. */
export function validateWorkload(p: Problems, owner: Construct, id: string, props: WorkloadProps): void {
  validateWorkloadId(p, id, "it names the workload's resources", 'Thumbnails');
  PlatformContext.of(props.platform).claimWorkload(p, owner, id);
  const c = props.container ?? {};
  validateContainer(p, c);
  p.require(c.port === undefined, 'container.port', c.port, 'nothing: nothing connects to a worker or a task', 'remove it');
  p.require(c.healthCheckPath === undefined, 'container.healthCheckPath', c.healthCheckPath,
    'nothing: no load balancer checks a worker or a task', 'remove it, or use `container.containerHealthCheck` (a command run in the container)');
  validatePipeline(p, props.source, props.pipeline);
  validateRepositoryOptions(p, props.repository);
  validateSourceImage(p, props, 'workload');
  validateOwnRepository(p, owner, props, 'workload');
}

/** Refuses environment variables that the platform sets itself. */
export function validateReserved(p: Problems, props: WorkloadProps, reserved: string[]): void {
  const env = props.container?.environment ?? {};
  const clash = reserved.filter((name) => name in env || name in (props.container?.secrets ?? {}));
  p.require(clash.length === 0, 'container.environment', clash, `names other than ${reserved.join(', ')} (the platform sets them)`,
    'rename your variables');
}

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
  return platformScopedName(platform.platformName, id, MAX_WORKLOAD_NAME_LENGTH);
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
  return queue;
}
