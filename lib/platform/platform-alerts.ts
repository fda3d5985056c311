import { Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { IContainerPlatform, requirePlatform } from '../foundation/platform-contract';
import { TopicRuleTarget } from '../foundation/platform-resources';
import { Problems } from '../private/errors';
import { refuseUnknownKeys } from '../private/known-keys';

/**
 * The stop codes of tasks that stopped for a routine reason or whose failure the TaskFailed
 * rule announces (EssentialContainerExited).
 */
const ROUTINE_STOP_CODES = ['ServiceSchedulerInitiated', 'UserInitiated', 'EssentialContainerExited', 'SpotInterruption', 'TerminationNotice'];

/** Properties of {@link PlatformAlerts}. */
export interface PlatformAlertsProps {
  /** The platform whose cluster, deployments and pipelines are watched. */
  readonly platform: IContainerPlatform;
  /**
   * Where the alerts go.
   * @default - the platform's alarm topic (encrypted with the platform key, SSL only)
   */
  readonly topic?: sns.ITopic;
}

/**
 * Operational alerts of a whole platform, as readable messages on one SNS topic: tasks of
 * the cluster that stopped unexpectedly (an essential container exited non-zero, or the
 * task stopped with a stop code other than a scale-in's, a deployment's, a person's, a Spot
 * interruption's or a task retirement's), failed ECS and CodeDeploy deployments, and failed
 * pipeline executions.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
 */
export class PlatformAlerts extends Construct {
  /** Where the alerts go. */
  public readonly topic: sns.ITopic;
  /** Tasks whose essential container exited with a non-zero code (the rule `TaskFailed`). */
  public readonly stoppedTaskRule: events.Rule;
  /**
   * Tasks stopped by anything but a container, a scale-in, a deployment, a person, a Spot
   * interruption or a task retirement, such as a task that failed to start (the rule `TaskStoppedUnexpectedly`).
   */
  public readonly unexpectedStopRule: events.Rule;
  /** ECS deployments that failed (circuit breaker or alarms). */
  public readonly ecsDeploymentRule: events.Rule;
  /** CodeDeploy blue/green deployments that failed. */
  public readonly codeDeployRule: events.Rule;
  /** Pipeline executions that failed. */
  public readonly pipelineRule: events.Rule;

  constructor(scope: Construct, id: string, props: PlatformAlertsProps) {
    super(scope, id);
    refuseUnknownKeys(this, props, 'PlatformAlertsProps');
    requirePlatform(this, props?.platform);
    const cluster = props.platform.cluster;
    if (props.topic) validateTopic(this, props.topic);
    this.topic = props.topic ?? props.platform.alarmTopic;
    const target = (message: string) => new TopicRuleTarget(this.topic, props.platform.encryptionKey, events.RuleTargetInput.fromText(message));

    // Two rules on the stop code of the documented task state change event
    // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html):
    // - TaskFailed: the task stopped because an essential container exited (stop code
    //   EssentialContainerExited) with a non-zero code. A task that ECS stopped on a scale-in or
    //   a deployment (ServiceSchedulerInitiated, "Scaling activity initiated by ...") or that a
    //   person stopped (UserInitiated) is not one, whatever exit code (137, 143) SIGTERM or
    //   SIGKILL left its containers; and a non-essential container that exits stops no task.
    // - TaskStoppedUnexpectedly: any other stop code, such as TaskFailedToStart, except the
    //   routine ones: the scheduler's, a person's, and the Fargate Spot interruptions and task
    //   retirements that AWS schedules and the service replaces. Tasks the scheduler replaces
    //   after failed health checks are announced by each service's UnhealthyHosts alarms.
    // Stop codes: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html (stopCode)
    // Matching (anything-but; an array field matches when any element does):
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
    const stopped = {
      source: ['aws.ecs'],
      detailType: ['ECS Task State Change'],
    };
    const taskMessage = (why: string) => `ECS task stopped ${why} on cluster ${events.EventField.fromPath('$.detail.clusterArn')}: group ${events.EventField.fromPath('$.detail.group')}, task ${events.EventField.fromPath('$.detail.taskArn')}, stop code ${events.EventField.fromPath('$.detail.stopCode')}, reason: ${events.EventField.fromPath('$.detail.stoppedReason')}, exit code ${events.EventField.fromPath('$.detail.containers[0].exitCode')} (container ${events.EventField.fromPath('$.detail.containers[0].name')}).`;
    this.stoppedTaskRule = new events.Rule(this, 'TaskFailed', {
      description: `Tasks of ${cluster.node.path} stopped because an essential container exited with a non-zero code`,
      eventPattern: {
        ...stopped,
        detail: {
          clusterArn: [cluster.clusterArn],
          lastStatus: ['STOPPED'],
          stopCode: ['EssentialContainerExited'],
          containers: { exitCode: [{ 'anything-but': 0 }] },
        },
      },
      targets: [target(taskMessage('with a failed container'))],
    });
    this.unexpectedStopRule = new events.Rule(this, 'TaskStoppedUnexpectedly', {
      description: `Tasks of ${cluster.node.path} stopped by something other than a container, a scale-in, a deployment, a person, a Spot interruption or a task retirement`,
      eventPattern: {
        ...stopped,
        detail: {
          clusterArn: [cluster.clusterArn],
          lastStatus: ['STOPPED'],
          stopCode: [{ 'anything-but': ROUTINE_STOP_CODES }],
        },
      },
      targets: [target(taskMessage('unexpectedly'))],
    });

    this.ecsDeploymentRule = new events.Rule(this, 'EcsDeploymentFailed', {
      description: `Failed ECS deployments of the services of ${cluster.node.path}`,
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Deployment State Change'],
        resources: [{ prefix: Stack.of(this).formatArn({ service: 'ecs', resource: 'service', resourceName: `${cluster.clusterName}/` }) }] as unknown as string[],
        detail: { eventName: ['SERVICE_DEPLOYMENT_FAILED'] },
      },
      targets: [target(`ECS deployment ${events.EventField.fromPath('$.detail.deploymentId')} of ${events.EventField.fromPath('$.resources[0]')} failed: ${events.EventField.fromPath('$.detail.reason')}`)],
    });
    this.codeDeployRule = new events.Rule(this, 'CodeDeployFailed', {
      description: 'Failed CodeDeploy deployments of the account and region (blue/green services)',
      eventPattern: {
        source: ['aws.codedeploy'],
        detailType: ['CodeDeploy Deployment State-change Notification'],
        detail: { state: ['FAILURE'] },
      },
      targets: [target(`CodeDeploy deployment ${events.EventField.fromPath('$.detail.deploymentId')} of application ${events.EventField.fromPath('$.detail.application')}, group ${events.EventField.fromPath('$.detail.deploymentGroup')} failed.`)],
    });
    this.pipelineRule = new events.Rule(this, 'PipelineFailed', {
      description: 'Failed pipeline executions of the account and region',
      eventPattern: {
        source: ['aws.codepipeline'],
        detailType: ['CodePipeline Pipeline Execution State Change'],
        detail: { state: ['FAILED'] },
      },
      targets: [target(`Pipeline ${events.EventField.fromPath('$.detail.pipeline')} execution ${events.EventField.fromPath('$.detail.execution-id')} failed.`)],
    });
  }
}

/**
 * The topic is in the alerts' account and region: an EventBridge rule of aws-cdk-lib targets a
 * topic of another account or region only when the app creates it (with the event bus policies
 * that takes), not one it imports. Topics whose account or region is a token pass.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 */
function validateTopic(scope: Construct, topic: sns.ITopic): void {
  const here = Stack.of(scope);
  const { account, region } = topic.env;
  const other = (a: string, b: string) => !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
  const p = new Problems(scope);
  p.require(!other(region, here.region) && !other(account, here.account), 'topic', topic.topicArn,
    `a topic of the alerts' own account and region (${here.account}, ${here.region}): the rules deliver to it directly`,
    'pass a topic of this account and region (or none, for the platform\'s alarm topic), and subscribe the other account\'s or region\'s endpoint to it');
  p.throwIfAny();
}
