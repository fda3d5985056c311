import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../private/compliance';
import { DEFAULTS } from '../private/defaults';
import { fit } from '../private/text';

/** What one CodeBuild project of a pipeline runs. */
export interface BuildProjectProps {
  /** Said in the console (cut to the 255 characters CodeBuild keeps). */
  readonly description: string;
  readonly buildSpec: Record<string, unknown>;
  readonly logGroup: logs.ILogGroup;
  /** Whether it builds an image: privileged, with the docker layer cache, on ARM for ARM64 tasks. */
  readonly docker: boolean;
  /** The CPU architecture of the image it builds (ARM64 picks the ARM build image). */
  readonly cpuArchitecture: ecs.CpuArchitecture;
  /** The build's environment variables, in this order. */
  readonly environment: Record<string, string>;
  /**
   * The project's role.
   * @default - a new role
   */
  readonly role?: iam.IRole;
}

/**
 * The one way the platform's pipelines (a service's and a worker's, job's or event task's)
 * build a CodeBuild project: the standard Linux image (Amazon Linux ARM for ARM64 images), a
 * small instance, the build timeout, logs in the given log group, and the acknowledgements of
 * the findings that do not apply.
 */
export function newBuildProject(scope: Construct, id: string, props: BuildProjectProps): codebuild.PipelineProject {
  const docker = props.docker;
  const arm = props.cpuArchitecture === ecs.CpuArchitecture.ARM64;
  const environmentVariables: Record<string, codebuild.BuildEnvironmentVariable> = {};
  for (const [name, value] of Object.entries(props.environment)) environmentVariables[name] = { value };
  const project = new codebuild.PipelineProject(scope, id, {
    description: fit(props.description, 255),
    buildSpec: codebuild.BuildSpec.fromObject(props.buildSpec),
    environment: {
      buildImage: docker && arm ? codebuild.LinuxArmBuildImage.AMAZON_LINUX_2_STANDARD_3_0 : codebuild.LinuxBuildImage.STANDARD_7_0,
      computeType: codebuild.ComputeType.SMALL,
      privileged: docker,
    },
    cache: docker ? codebuild.Cache.local(codebuild.LocalCacheMode.DOCKER_LAYER) : undefined,
    timeout: DEFAULTS.buildTimeout,
    logging: { cloudWatch: { logGroup: props.logGroup } },
    environmentVariables,
    role: props.role,
  });
  acknowledge(project, 'AwsSolutions-CB4', 'Build outputs go to the pipeline\'s artifact bucket, encrypted at rest and reachable only over SSL.');
  if (docker) acknowledge(project, 'codebuild_project_environment_privileged_check', 'Building a container image with docker needs a privileged build environment.');
  return project;
}
