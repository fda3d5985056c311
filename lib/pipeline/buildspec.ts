import { BOOTSTRAP_TAG } from '../private/constants';

/** What the generated buildspec needs to know about its service. */
export interface BuildSpecInput {
  /** Commands run before the image is built, such as unit tests. */
  readonly testCommands: string[];
  readonly dockerfile: string;
  readonly buildContext: string;
  /**
   * What deploys the image: CodeDeploy blue/green (imageDetail.json; taskdef.json and
   * appspec.yaml are rendered by the step after the build, {@link renderDeployFilesSpec}), the
   * ECS deploy action of a service (imagedefinitions.json), or nothing but a release step of a
   * task that no service runs (image.txt). The build itself reads and changes nothing of ECS:
   * it runs the repository's Dockerfile and test commands.
   */
  readonly target: BuildTarget;
}

/** What deploys the image a build pushes. */
export type BuildTarget = 'codeDeployImage' | 'ecsService' | 'task' | 'promotion';

/**
 * The commands that write taskdef.json and appspec.yaml for CodeDeploy. taskdef.json is the
 * revision production runs now (the task definition of the service's PRIMARY task set) with
 * the image placeholder: it carries the settings of the last `cdk deploy` that reached
 * production, and never those of a revision CodeDeploy rolled back, which stays the family's
 * newest (issue 11, item 3). The family's newest revision stands in only when the service has
 * no primary task set.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskSet.html
 */
function codeDeployFiles(): string[] {
  return [
    'LIVE="$(aws ecs describe-services --cluster "$CLUSTER" --services "$SERVICE" --query "services[0].taskSets[?status==\'PRIMARY\'].taskDefinition | [0]" --output text)"',
    'if [ -z "$LIVE" ] || [ "$LIVE" = "None" ]; then LIVE="$TASK_FAMILY"; fi',
    'aws ecs describe-task-definition --task-definition "$LIVE" --query taskDefinition --output json > current-taskdef.json',
    `jq --arg name "$CONTAINER_NAME" '{family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes, placementConstraints, requiresCompatibilities, cpu, memory, runtimePlatform, ephemeralStorage} | with_entries(select(.value != null)) | .containerDefinitions |= map(if .name == $name then .image = "<IMAGE1_NAME>" else . end)' current-taskdef.json > taskdef.json`,
    'printf "%s" "$APPSPEC_YAML" > appspec.yaml',
  ];
}

/** A service created before its first image starts with no tasks: scale it to its minimum. */
function scaleFromZero(): string[] {
  return [
    'DESIRED="$(aws ecs describe-services --cluster "$CLUSTER" --services "$SERVICE" --query "services[0].desiredCount" --output text)"',
    'if [ "$DESIRED" = "0" ] && [ "$MIN_TASKS" != "0" ]; then aws ecs update-service --cluster "$CLUSTER" --service "$SERVICE" --desired-count "$MIN_TASKS" > /dev/null; fi',
  ];
}

/**
 * The image a promotion pipeline built, by digest: every environment deploys these very bytes
 * (a tag names an image only as long as nobody pushes it again; a digest always). Both
 * deployment files name it: imageDetail.json for CodeDeploy's ECS action, imagedefinitions.json
 * for the ECS deploy action, whichever each environment's deployment policy uses.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-pull-ecr-image.html (pull by digest: <repository URI>@sha256:...)
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/file-reference.html
 */
function promotedImageFiles(): string[] {
  return [
    'DIGEST="$(aws ecr describe-images --repository-name "$REPOSITORY_NAME" --image-ids imageTag="$IMAGE_TAG" --query "imageDetails[0].imageDigest" --output text)"',
    'IMAGE="$REPOSITORY_URI@$DIGEST"',
    `printf '{"ImageURI":"%s"}' "$IMAGE" > imageDetail.json`,
    `printf '[{"name":"%s","imageUri":"%s"}]' "$CONTAINER_NAME" "$IMAGE" > imagedefinitions.json`,
  ];
}

/**
 * The step of a promotion pipeline before it deploys to an environment, run by the pipeline's
 * account as a role of the environment's account (ENVIRONMENT_ROLE_ARN): a profile of the AWS
 * CLI assumes it with the build's own credentials (CodeBuild serves them as container
 * credentials). For CodeDeploy it writes taskdef.json from the revision the environment runs
 * and appspec.yaml from the environment's published appspec (APPSPEC_PARAMETER, which names the
 * environment's hooks); for every policy it raises a service created with no tasks to its minimum.
 * @see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html (role_arn, credential_source EcsContainer)
 * @see https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-env-vars.html (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)
 * @see https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html (commands of a phase run in one shell: an exported variable stays)
 */
export function renderPrepareSpec(codeDeploy: boolean): Record<string, unknown> {
  return {
    version: '0.2',
    env: { shell: 'bash' },
    phases: {
      build: {
        commands: [
          'set -euo pipefail',
          'aws configure set profile.environment.role_arn "$ENVIRONMENT_ROLE_ARN"',
          'aws configure set profile.environment.credential_source EcsContainer',
          'export AWS_PROFILE=environment',
          ...(codeDeploy ? ['APPSPEC_YAML="$(aws ssm get-parameter --name "$APPSPEC_PARAMETER" --query Parameter.Value --output text)"', ...codeDeployFiles()] : []),
          ...scaleFromZero(),
        ],
      },
    },
    ...(codeDeploy ? { artifacts: { files: ['taskdef.json', 'appspec.yaml'] } } : {}),
  };
}

/** The commands a promotion pipeline runs after it deployed to an environment (ENVIRONMENT, SERVICE and IMAGE set). */
export function renderEnvironmentTestSpec(commands: string[]): Record<string, unknown> {
  return { version: '0.2', env: { shell: 'bash' }, phases: { build: { commands: ['set -euo pipefail', ...commands] } } };
}

/**
 * The step between the image build (and its manual approval, if any) and CodeDeploy, which runs
 * no code of the repository: taskdef.json from the revision production runs at that moment (so
 * a `cdk deploy` made while the run waited for approval is not reverted), appspec.yaml, and a
 * service created with no tasks scaled to its minimum (only now: its bootstrap image is the
 * image being deployed). It reads the same environment variables as the build. Reading task
 * definitions (ecs:DescribeTaskDefinition, which takes no resource but "*") and changing the
 * service are this step's, never the build's, which runs the repository's Dockerfile and tests.
 */
export function renderDeployFilesSpec(): Record<string, unknown> {
  return {
    version: '0.2',
    env: { shell: 'bash' },
    phases: { build: { commands: ['set -euo pipefail', ...codeDeployFiles(), ...scaleFromZero()] } },
    artifacts: { files: ['taskdef.json', 'appspec.yaml'] },
  };
}

/**
 * The step between the image build (and its approval) and the ECS deploy action: a service
 * created with no tasks scaled to its minimum, by a project that runs no code of the repository.
 */
export function scaleFromZeroSpec(): Record<string, unknown> {
  return {
    version: '0.2',
    env: { shell: 'bash' },
    phases: { build: { commands: ['set -euo pipefail', ...scaleFromZero()] } },
  };
}

/**
 * The buildspec of a service's image build. It reads its service's coordinates from the
 * project's environment variables (REPOSITORY_URI, TASK_FAMILY, CONTAINER_NAME, CLUSTER,
 * SERVICE, MIN_TASKS, APPSPEC_YAML), so that the document itself is the same for every
 * service with the same options.
 * @see https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html
 */
export function renderBuildSpec(input: BuildSpecInput): Record<string, unknown> {
  const image = '$REPOSITORY_URI:$IMAGE_TAG';
  const exists = (tag: string) => `aws ecr describe-images --repository-name "$REPOSITORY_NAME" --image-ids imageTag=${tag} > /dev/null 2>&1`;
  const imageDetail = `printf '{"ImageURI":"%s"}' "${image}" > imageDetail.json`;
  const deployFiles = {
    codeDeployImage: [imageDetail],
    ecsService: [`printf '[{"name":"%s","imageUri":"%s"}]' "$CONTAINER_NAME" "${image}" > imagedefinitions.json`],
    task: [`printf "%s" "${image}" > image.txt`],
    promotion: promotedImageFiles(),
  }[input.target];
  const artifacts = {
    codeDeployImage: ['imageDetail.json'],
    ecsService: ['imagedefinitions.json'],
    task: ['image.txt'],
    promotion: ['imageDetail.json', 'imagedefinitions.json'],
  }[input.target];
  return {
    version: '0.2',
    env: { shell: 'bash' },
    phases: {
      pre_build: {
        commands: [
          'set -o pipefail',
          'REGISTRY="${REPOSITORY_URI%%/*}"',
          'REPOSITORY_NAME="${REPOSITORY_URI#*/}"',
          'aws ecr get-login-password --region "$AWS_DEFAULT_REGION" | docker login --username AWS --password-stdin "$REGISTRY"',
          // A tag valid for Docker and ECR (letters, digits, _ . -, not starting with . or -) and new
          // for every build (tags are immutable): the source version's first 12 characters (a
          // commit ID, or an S3 object's version ID, which may hold / or +) and the build number.
          // https://docs.docker.com/reference/cli/docker/image/tag/
          // https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-env-vars.html
          `IMAGE_TAG="$(printf '%s' "\${CODEBUILD_RESOLVED_SOURCE_VERSION:-manual}" | tr -c 'A-Za-z0-9_.-' '_' | cut -c1-12 | sed -e 's/^[.-]/_/' -e 's/^${BOOTSTRAP_TAG}/_${BOOTSTRAP_TAG}/')-\${CODEBUILD_BUILD_NUMBER}"`,
          // The image deployed last seeds the layer cache.
          'PREVIOUS="$(aws ecr describe-images --repository-name "$REPOSITORY_NAME" --query "sort_by(imageDetails,&imagePushedAt)[-1].imageTags[0]" --output text 2>/dev/null || true)"',
          'if [ -n "$PREVIOUS" ] && [ "$PREVIOUS" != "None" ]; then docker pull "$REPOSITORY_URI:$PREVIOUS" || true; CACHE_FROM="--cache-from $REPOSITORY_URI:$PREVIOUS"; else CACHE_FROM=""; fi',
          ...input.testCommands,
        ],
      },
      build: {
        commands: [
          `DOCKER_BUILDKIT=1 docker build --build-arg BUILDKIT_INLINE_CACHE=1 $CACHE_FROM -f "${input.dockerfile}" -t "${image}" "${input.buildContext}"`,
        ],
      },
      post_build: {
        commands: [
          // Tags are immutable: a rebuilt commit keeps the image pushed first.
          `${exists('"$IMAGE_TAG"')} || docker push "${image}"`,
          // The task definition the service was created with runs the bootstrap tag.
          `if ! ${exists(BOOTSTRAP_TAG)}; then docker tag "${image}" "$REPOSITORY_URI:${BOOTSTRAP_TAG}" && docker push "$REPOSITORY_URI:${BOOTSTRAP_TAG}"; fi`,
          ...deployFiles,
        ],
      },
    },
    artifacts: { files: artifacts },
  };
}
