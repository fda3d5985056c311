import { Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { renderAppSpec } from '../deployment/codedeploy/appspec';
import type { HookBinding } from '../deployment/policy/deployment';
import type { PipelineDeploy } from '../deployment/strategies/strategy';
import type { IContainerPlatform } from '../foundation/platform-contract';
import { platformLogGroup } from '../foundation/platform-resources';
import { narrowEcsDeploy, narrowPassRole } from '../private/compliance';
import { newBuildProject } from './build-project';
import { renderBuildSpec, renderDeployFilesSpec, scaleFromZeroSpec } from './buildspec';
import { artifactBucket, deliveryPipeline, notifyExecutions } from './delivery';
import type { PipelineOptions } from './options';
import { Source } from './source';

/** What a service's pipeline needs of it: handed over by the service. */
export interface PipelineTarget {
  readonly platform: IContainerPlatform;
  /** The service's construct ID, which names the artifact bucket. */
  readonly id: string;
  readonly serviceName: string;
  readonly repository: ecr.IRepository;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly containerName: string;
  readonly containerPort: number;
  readonly capacityStrategies: ecs.CapacityProviderStrategy[];
  /** The fewest tasks auto scaling keeps: the build scales a service from zero to it. */
  readonly minTasks: number;
  /** How the pipeline deploys what it built, as the service's deployment strategy bound it. */
  readonly deploy: PipelineDeploy;
}

/**
 * The delivery pipeline of one service: source, image build (tests, docker build with layer
 * cache, push tagged with the commit, deployment files), optional approval, and deployment
 * with the service's policy (CodeDeploy blue/green, or the ECS deploy action).
 *
 * Made by the platform for each service with a `source` (`service.pipeline`).
 */
export class ServicePipeline extends Construct {
  /** The CodePipeline pipeline: source, build, an optional approval, deploy. */
  public readonly pipeline: codepipeline.Pipeline;
  /**
   * The image build: tests, docker build with the layer cache, push tagged with the commit, and
   * the image's file (imageDetail.json, or imagedefinitions.json). It reads and changes nothing of ECS.
   */
  public readonly project: codebuild.PipelineProject;
  /**
   * The step after the image build (and its approval), which runs no code of the repository:
   * it writes the deployment files (CodeDeploy) and raises a new service to its minimum.
   */
  public readonly renderProject: codebuild.PipelineProject;
  /** The pipeline's artifact bucket (SSE-S3, SSL only, artifacts expire after 30 days). */
  public readonly artifactBucket: s3.Bucket;
  /** Where failed and succeeded executions and pending approvals are announced. */
  public readonly notificationTopic: sns.ITopic;
  /** The CodeCommit repository, for a CodeCommit source. */
  public readonly sourceRepository?: codecommit.IRepository;

  /** @internal the pipeline of a service, which reads the service through its contract only */
  public static _create(scope: Construct, id: string, source: Source, options: PipelineOptions, target: PipelineTarget): ServicePipeline {
    return new ServicePipeline(scope, id, source, options, target);
  }

  private constructor(scope: Construct, id: string, source: Source, o: PipelineOptions, svc: PipelineTarget) {
    super(scope, id);
    // How the service deploys is its deployment strategy's answer, not a kind switched on here.
    const deployBy = svc.deploy;
    const writesDeployFiles = deployBy.writesDeployFiles;

    this.artifactBucket = artifactBucket(this, svc.platform, svc.id);

    const sourceOutput = new codepipeline.Artifact('Source');
    const buildOutput = new codepipeline.Artifact('Build');
    const bound = source._bind(this, sourceOutput, svc.serviceName);
    this.sourceRepository = bound.codeCommitRepository;

    // The image build runs the repository's Dockerfile and test commands: it may push and read
    // the image repository and nothing else. What reads ECS (the revision production runs, with
    // ecs:DescribeTaskDefinition, which takes no resource but "*") and changes the service (scaling
    // a new one from zero) is a small project of its own after it (no docker, not privileged, the
    // build's log group), in the deploy stage: after the approval, if any, so that taskdef.json is
    // rendered from the revision production runs then and the approver sees a tested image. (The
    // ECS deploy action "creates its own revision of the task definition based on the revision
    // used by the Amazon ECS service" when it runs:
    // https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECS.html)
    const logGroup = platformLogGroup(svc.platform, this, 'BuildLogs');
    this.project = this.newProject(svc, deployBy.hooks, 'Build', `Builds the image of ${svc.serviceName}`, renderBuildSpec({
      testCommands: o.testCommands ?? [],
      dockerfile: o.dockerfile ?? 'Dockerfile',
      buildContext: o.buildContext ?? '.',
      target: writesDeployFiles ? 'codeDeployImage' : 'ecsService',
    }), logGroup, true);
    this.grantBuild(svc, this.project);

    this.renderProject = writesDeployFiles
      ? this.newProject(svc, deployBy.hooks, 'Render', `Writes the deployment files of ${svc.serviceName} from the revision production runs`, renderDeployFilesSpec(), logGroup, false)
      : this.newProject(svc, deployBy.hooks, 'Render', `Raises ${svc.serviceName} to its minimum once its first image is built`, scaleFromZeroSpec(), logGroup, false);
    this.grantRender(svc, this.renderProject, writesDeployFiles);
    const deployFiles = writesDeployFiles ? new codepipeline.Artifact('DeployFiles') : buildOutput;
    const deploy: codepipeline.IAction[] = [
      new actions.CodeBuildAction({ actionName: 'Render', project: this.renderProject, input: buildOutput, outputs: writesDeployFiles ? [deployFiles] : undefined, runOrder: 1 }),
    ];
    deploy.push(deployBy.action({ buildOutput, deployFiles, runOrder: 2 }));

    this.pipeline = deliveryPipeline(this, o, {
      artifactBucket: this.artifactBucket,
      source: bound.action,
      sourceOutput,
      build: this.project,
      buildOutput,
      deploy,
      approvalText: `Approve to deploy ${svc.serviceName} to production.`,
      encryptionKey: svc.platform.encryptionKey,
    });

    // The deploy action may pass exactly the task's roles (its role is the pipeline's only one
    // that aws-cdk-lib lets pass any role).
    narrowPassRole(this.pipeline, [svc.taskDefinition.taskRole.roleArn, svc.taskDefinition.obtainExecutionRole().roleArn]);
    // And may register revisions of the service's family only, and change that service only.
    narrowEcsDeploy(this.pipeline, {
      family: Stack.of(this).formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${svc.taskDefinition.family}:*` }),
      service: Stack.of(this).formatArn({ service: 'ecs', resource: 'service', resourceName: `${svc.platform.cluster.clusterName}/${svc.serviceName}` }),
    });

    this.notificationTopic = notifyExecutions(this, this.pipeline, svc.platform.encryptionKey, svc.serviceName, o.notificationTopic);
  }

  private newProject(svc: PipelineTarget, hooks: HookBinding[], id: string, description: string, buildSpec: Record<string, unknown>,
    logGroup: logs.ILogGroup, docker: boolean): codebuild.PipelineProject {
    return newBuildProject(this, id, {
      description,
      buildSpec,
      logGroup,
      docker,
      cpuArchitecture: svc.taskDefinition.runtimePlatform?.cpuArchitecture ?? ecs.CpuArchitecture.X86_64,
      environment: {
        REPOSITORY_URI: svc.repository.repositoryUri,
        TASK_FAMILY: svc.taskDefinition.family,
        CONTAINER_NAME: svc.containerName,
        CLUSTER: svc.platform.cluster.clusterName,
        SERVICE: svc.serviceName,
        MIN_TASKS: String(svc.minTasks),
        APPSPEC_YAML: renderAppSpec({
          taskDefinition: '<TASK_DEFINITION>',
          containerName: svc.containerName,
          containerPort: svc.containerPort,
          capacity: svc.capacityStrategies.map((s) => ({ capacityProvider: s.capacityProvider, base: s.base ?? 0, weight: s.weight ?? 0 })),
          hooks: hooks.map((h) => ({ event: h.lifecycleEvent, functionArn: h.functionArn })),
        }),
      },
    });
  }

  /** The image build pushes and reads its repository, and nothing else. */
  private grantBuild(svc: PipelineTarget, project: codebuild.PipelineProject): void {
    svc.repository.grantPullPush(project);
    project.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ecr:DescribeImages'],
      resources: [svc.repository.repositoryArn],
    }));
  }

  /** Reading the live revision (CodeDeploy), and scaling the service from zero. */
  private grantRender(svc: PipelineTarget, project: codebuild.PipelineProject, readsRevision: boolean): void {
    if (readsRevision) {
      project.addToRolePolicy(new iam.PolicyStatement({
        // DescribeTaskDefinition supports no resource-level permissions.
        actions: ['ecs:DescribeTaskDefinition'],
        resources: ['*'],
      }));
    }
    project.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
      resources: [Stack.of(this).formatArn({ service: 'ecs', resource: 'service', resourceName: `${svc.platform.cluster.clusterName}/${svc.serviceName}` })],
    }));
  }
}
