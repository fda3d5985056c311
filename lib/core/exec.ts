import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PlatformContext, PlatformSingleton } from '../foundation/platform-context';
import type { IContainerPlatform } from '../foundation/platform-contract';
import { platformLogGroup } from '../foundation/platform-resources';
import { acknowledge } from '../private/compliance';

/**
 * ECS Exec (`aws ecs execute-command`) for the workloads that ask for it: the platform's cluster
 * encrypts the sessions with the platform's key and logs them to a log group of the platform,
 * encrypted with the same key; each such workload's task role may open the sessions and write
 * that log, nothing more.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
 */

/**
 * The session log of the platform's ECS Exec sessions, made with the first workload that enables
 * ECS Exec, and the cluster's execute-command configuration: sessions encrypted with the
 * platform's key (which the caller needs kms:GenerateDataKey on), their output logged (OVERRIDE)
 * to that log group, encrypted with a customer managed key as CloudWatchEncryptionEnabled requires.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ExecuteCommandConfiguration.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ExecuteCommandLogConfiguration.html
 */
const EXEC_SESSIONS = new PlatformSingleton(['ExecSessionLogs'], (platform) => {
  const cluster = platform.cluster.node.defaultChild;
  if (!(cluster instanceof ecs.CfnCluster)) {
    throw new Error(`cdk-container-platform: ECS Exec needs a cluster the platform ${platform.node.path} created (its execute-command configuration names the session log)`);
  }
  const sessions = platformLogGroup(platform, platform as unknown as Construct, 'ExecSessionLogs');
  cluster.addPropertyOverride('Configuration.ExecuteCommandConfiguration', {
    KmsKeyId: platform.encryptionKey.keyArn,
    Logging: 'OVERRIDE',
    LogConfiguration: { CloudWatchLogGroupName: sessions.logGroupName, CloudWatchEncryptionEnabled: true },
  });
  return sessions;
});

/** The platform's ECS Exec session log, made (with the cluster's configuration) on first use. */
export function execSessionLogs(platform: IContainerPlatform): logs.LogGroup {
  return PlatformContext.of(platform).singleton(EXEC_SESSIONS);
}

/**
 * Lets the tasks of `taskDefinition` take ECS Exec sessions: the four ssmmessages actions of the
 * managed SSM agent (which AWS defines without resource types, so on `*`), decrypting with the
 * platform's key, and logging the sessions to the platform's session log (DescribeLogGroups has no
 * resource type either). The service itself gets `enableExecuteCommand` from its strategy.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html (IAM permissions required for ECS Exec)
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsessionmanagermessagegatewayservice.html
 */
export function allowExec(platform: IContainerPlatform, taskDefinition: ecs.TaskDefinition): void {
  const sessions = execSessionLogs(platform);
  taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({
    actions: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
    resources: ['*'],
  }));
  taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [platform.encryptionKey.keyArn] }));
  taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({ actions: ['logs:DescribeLogGroups'], resources: ['*'] }));
  taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
    resources: [sessions.logGroupArn],
  }));
  // The root filesystem is writable with ECS Exec (validate-container refuses a read-only one).
  acknowledge(taskDefinition, 'ecs_containers_readonly_access_check',
    'ECS Exec (enableExec) runs the SSM agent in the container, which writes to its filesystem: the root filesystem stays writable. Turn enableExec off for this control.');
}
