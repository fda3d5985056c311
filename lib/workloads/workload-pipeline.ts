import { Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { PipelineDeploy } from '../deployment/strategies/strategy';
import type { IContainerPlatform } from '../foundation/platform-contract';
import { platformLogGroup } from '../foundation/platform-resources';
import { newBuildProject } from '../pipeline/build-project';
import { renderBuildSpec, scaleFromZeroSpec } from '../pipeline/buildspec';
import { artifactBucket, deliveryPipeline, notifyExecutions } from '../pipeline/delivery';
import { PipelineOptions } from '../pipeline/options';
import { Source } from '../pipeline/source';
import { narrowEcsDeploy, narrowPassRole } from '../private/compliance';
import { renderTaskBuildSpec, renderTaskReleaseSpec } from './workload-buildspec';

/** The service a worker's pipeline deploys to. */
export interface PipelineService {
  readonly serviceName: string;
  /** How the pipeline deploys, as the worker's deployment strategy says. */
  readonly deploy: PipelineDeploy;
}

/** Properties of a {@link WorkloadPipeline}. */
export interface WorkloadPipelineProps {
  readonly platform: IContainerPlatform;
  /** The workload's name (names the CodeCommit repository a CodeCommit source creates). */
  readonly workloadName: string;
  readonly repository: ecr.IRepository;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly source: Source;
  /**
   * Build, approval and notifications.
   * @default - the defaults of each option
   */
  readonly options?: PipelineOptions;
  /**
   * The worker's service the pipeline deploys to, and how (its deployment strategy's answer).
   * @default - no service: the pipeline releases a task (registers a revision of its family)
   */
  readonly service?: PipelineService;
  /**
   * The fewest tasks of `service`; a service created before its first image is scaled to it.
   * @default 0
   */
  readonly minTasks?: number;
}

/**
 * The delivery pipeline of a worker, a scheduled job or an event task: source, image build,
 * optional approval, then either the ECS deploy action (a worker's rolling deployment) or a
 * release step that registers a task definition revision with the new image, which the
 * schedule or rule runs next (and which `cdk deploy` reads back, so it keeps that image).
 *
 * Made by the platform for each worker, job or event task with a `source` (`.pipeline`).
 */
export class WorkloadPipeline extends Construct {
  /** The CodePipeline pipeline: source, build, an optional approval, deploy or release. */
  public readonly pipeline: codepipeline.Pipeline;
  /** The image build. */
  public readonly project: codebuild.PipelineProject;
  /**
   * The step that raises a worker's new service to its minimum once its first image is built,
   * after the build and its approval (a worker with a minimum above 0 only). It runs no code of
   * the repository: the image build may not change the service.
   */
  public readonly renderProject?: codebuild.PipelineProject;
  /** The release step of a task (undefined for a worker). */
  public readonly releaseProject?: codebuild.PipelineProject;
  /** The pipeline's artifact bucket (SSE-S3, SSL only, artifacts expire after 30 days). */
  public readonly artifactBucket: s3.Bucket;
  /** Where failed and succeeded executions and pending approvals are announced. */
  public readonly notificationTopic: sns.ITopic;
  /** The CodeCommit repository, for a CodeCommit source. */
  public readonly sourceRepository?: codecommit.IRepository;

  /** @internal the pipeline of a worker, job or event task with a `source` */
  public static _create(scope: Construct, id: string, props: WorkloadPipelineProps): WorkloadPipeline {
    return new WorkloadPipeline(scope, id, props);
  }

  private constructor(scope: Construct, id: string, props: WorkloadPipelineProps) {
    super(scope, id);
    const o = props.options ?? {};
    this.artifactBucket = artifactBucket(this, props.platform, scope.node.id);
    const sourceOutput = new codepipeline.Artifact('Source');
    const buildOutput = new codepipeline.Artifact('Build');
    const bound = props.source._bind(this, sourceOutput, props.workloadName);
    this.sourceRepository = bound.codeCommitRepository;

    const build = {
      testCommands: o.testCommands ?? [],
      dockerfile: o.dockerfile ?? 'Dockerfile',
      buildContext: o.buildContext ?? '.',
    };
    const svc = props.service;
    const spec = svc ? renderBuildSpec({ ...build, target: 'ecsService' }) : renderTaskBuildSpec(build);
    this.project = this.newProject('Build', `Builds the image of ${props.workloadName}`, spec, props, true);
    props.repository.grantPullPush(this.project);
    this.project.addToRolePolicy(new iam.PolicyStatement({ actions: ['ecr:DescribeImages'], resources: [props.repository.repositoryArn] }));

    const deploy: codepipeline.IAction[] = [];
    if (svc) {
      if ((props.minTasks ?? 0) > 0) {
        this.renderProject = this.newProject('Render', `Raises ${props.workloadName} to its minimum once its first image is built`, scaleFromZeroSpec(), props, false);
        this.renderProject.addToRolePolicy(new iam.PolicyStatement({
          actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
          resources: [Stack.of(this).formatArn({ service: 'ecs', resource: 'service', resourceName: `${props.platform.cluster.clusterName}/${svc.serviceName}` })],
        }));
        deploy.push(new actions.CodeBuildAction({ actionName: 'Render', project: this.renderProject, input: buildOutput, runOrder: 1 }));
      }
      deploy.push(svc.deploy.action({ buildOutput, deployFiles: buildOutput, runOrder: deploy.length + 1 }));
    } else {
      this.releaseProject = this.newProject('Release', `Releases the new image of ${props.workloadName} to its next runs`, renderTaskReleaseSpec(), props, false);
      this.grantRelease(this.releaseProject, props);
      deploy.push(new actions.CodeBuildAction({ actionName: 'Release', project: this.releaseProject, input: buildOutput }));
    }

    this.pipeline = deliveryPipeline(this, o, {
      artifactBucket: this.artifactBucket,
      source: bound.action,
      sourceOutput,
      build: this.project,
      buildOutput,
      deploy,
      approvalText: `Approve to release ${props.workloadName} to production.`,
      encryptionKey: props.platform.encryptionKey,
    });
    if (svc) {
      // The ECS deploy action may pass exactly the worker's task and execution roles (its role
      // is the pipeline's only one that aws-cdk-lib lets pass any role).
      narrowPassRole(this.pipeline, [props.taskDefinition.taskRole.roleArn, props.taskDefinition.obtainExecutionRole().roleArn]);
      narrowEcsDeploy(this.pipeline, {
        family: Stack.of(this).formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${props.taskDefinition.family}:*` }),
        service: Stack.of(this).formatArn({ service: 'ecs', resource: 'service', resourceName: `${props.platform.cluster.clusterName}/${svc.serviceName}` }),
      });
    }
    this.notificationTopic = notifyExecutions(this, this.pipeline, props.platform.encryptionKey, props.workloadName, o.notificationTopic);
  }

  private newProject(id: string, description: string, buildSpec: Record<string, unknown>, props: WorkloadPipelineProps,
    docker: boolean): codebuild.PipelineProject {
    return newBuildProject(this, id, {
      description,
      buildSpec,
      logGroup: platformLogGroup(props.platform, this, `${id}Logs`),
      docker,
      cpuArchitecture: props.taskDefinition.runtimePlatform?.cpuArchitecture ?? ecs.CpuArchitecture.X86_64,
      environment: {
        REPOSITORY_URI: props.repository.repositoryUri,
        TASK_FAMILY: props.taskDefinition.family,
        CONTAINER_NAME: props.container.containerName,
        CLUSTER: props.platform.cluster.clusterName,
        SERVICE: props.service?.serviceName ?? '',
        MIN_TASKS: String(props.minTasks ?? 0),
      },
    });
  }

  /** Least privilege of the release step: its family, and passing exactly the task's roles to ECS. */
  private grantRelease(project: codebuild.PipelineProject, props: WorkloadPipelineProps): void {
    const td = props.taskDefinition;
    // DescribeTaskDefinition takes no resource type (only "*" allows it); RegisterTaskDefinition
    // takes the task-definition resource (task-definition/<family>:<revision>): its family only.
    // @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
    project.addToRolePolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }));
    project.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ecs:RegisterTaskDefinition'],
      resources: [Stack.of(this).formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${td.family}:*` })],
    }));
    project.addToRolePolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [td.taskRole.roleArn, td.obtainExecutionRole().roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }));
  }
}
