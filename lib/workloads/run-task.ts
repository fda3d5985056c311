import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { addStorage } from '../core/storage';
import { buildWorkloadCore } from '../core/workload-core';
import { DeployedState } from '../deployment/deployed-state/deployed-state';
import { JOB_DEFAULTS } from '../private/defaults';
import { egressOnlySecurityGroup, explicitActions, newDeadLetterQueue, workloadName } from './private';
import { RunRetryOptions, WorkloadProps } from './workload-options';
import { WorkloadPipeline } from './workload-pipeline';

/** The parts of a task that something other than a service runs. */
export interface BuiltRunTask {
  readonly name: string;
  /** None with a fixed `container.image`. */
  readonly repository?: ecr.IRepository;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly logGroup: logs.ILogGroup;
  readonly securityGroup: ec2.SecurityGroup;
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * What is deployed now: the image of the family's newest ACTIVE revision, which the
   * pipeline's release step registers (none with a fixed `container.image`).
   */
  readonly deployedState?: DeployedState;
  /** The family's ARN without a revision: what a pipeline-fed trigger runs (its latest revision). */
  readonly familyArn: string;
  /** The EFS file system of `storage`, and the workload's access point on it. */
  readonly fileSystem?: efs.IFileSystem;
  readonly accessPoint?: efs.AccessPoint;
}

/**
 * The retry settings to give aws-cdk-lib's targets, and the template's own values: the targets
 * compare them with their limits at synth and would refuse an unresolved token, so a token
 * goes into the template as an override of `RetryPolicy` instead.
 * @see https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
 */
export function retrySettings(r: RunRetryOptions): { retryAttempts: number; maxEventAge: Duration; overrides: Record<string, number> } {
  const attempts = r.retryAttempts ?? JOB_DEFAULTS.retryAttempts;
  const age = r.maxEventAge ?? JOB_DEFAULTS.maxEventAge;
  const overrides: Record<string, number> = {};
  if (Token.isUnresolved(attempts)) overrides.MaximumRetryAttempts = attempts;
  if (age.isUnresolved()) overrides.MaximumEventAgeInSeconds = age.toSeconds();
  return {
    retryAttempts: Token.isUnresolved(attempts) ? JOB_DEFAULTS.retryAttempts : attempts,
    maxEventAge: age.isUnresolved() ? JOB_DEFAULTS.maxEventAge : age,
    overrides,
  };
}

/**
 * The task definition, repository, security group and dead-letter queue of a task. Without
 * a fixed `container.image` the image is the one the pipeline released last: the image of
 * the family's newest ACTIVE revision, read back by `Custom::DeployedState` whenever
 * CloudFormation registers a revision, so `cdk deploy` never reverts it.
 */
export function buildRunTask(scope: Construct, id: string, props: WorkloadProps & RunRetryOptions, environment: Record<string, string>): BuiltRunTask {
  const { platform } = props;
  const name = workloadName(props.platform, id);
  const { repository, deployedState, taskDefinition, container, logGroup } = buildWorkloadCore(scope, {
    platform, container: props.container ?? {}, repository: props.repository, environment,
    sidecars: props.sidecars, tracing: props.tracing, logging: props.logging,
  });
  const securityGroup = egressOnlySecurityGroup(scope, platform.vpc);
  const storage = props.storage ? addStorage(scope, platform, props.storage, name, taskDefinition, container, securityGroup) : undefined;
  const deadLetterQueue = props.deadLetterQueue ?? newDeadLetterQueue(scope);
  explicitActions(scope);
  const familyArn = Stack.of(scope).formatArn({ service: 'ecs', resource: 'task-definition', resourceName: taskDefinition.family, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  return { name, repository, taskDefinition, container, logGroup, securityGroup, deadLetterQueue, deployedState, familyArn,
    fileSystem: storage?.fileSystem, accessPoint: storage?.accessPoint };
}

/** Lets the trigger's role start any revision of the family (a pipeline-fed trigger runs the latest). */
export function allowFamily(role: iam.IRole, built: BuiltRunTask, cluster: ecs.ICluster): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ecs:RunTask'],
    resources: [`${built.familyArn}:*`],
    conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } },
  }));
}

/** The pipeline of a task: it releases new images to the family the trigger runs. */
export function runTaskPipeline(scope: Construct, props: WorkloadProps, built: BuiltRunTask): WorkloadPipeline | undefined {
  if (!props.source) return undefined;
  return WorkloadPipeline._create(scope, 'Pipeline', {
    platform: props.platform,
    workloadName: built.name,
    repository: built.repository!, // a source means no fixed image, so there is a repository
    taskDefinition: built.taskDefinition,
    container: built.container,
    source: props.source,
    options: props.pipeline,
  });
}
