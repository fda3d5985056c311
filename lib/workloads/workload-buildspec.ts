import { renderBuildSpec } from '../pipeline/buildspec';

/** What the image build of a workload needs. */
export interface WorkloadBuildInput {
  readonly testCommands: string[];
  readonly dockerfile: string;
  readonly buildContext: string;
}

/**
 * The image build of a task that no service runs (a scheduled job or an event task): the
 * service build's steps up to the push, then `image.txt` with the pushed image for the
 * release step.
 */
export function renderTaskBuildSpec(input: WorkloadBuildInput): Record<string, unknown> {
  return renderBuildSpec({ ...input, target: 'task' });
}

/**
 * The release step of a task: registers a revision of the family from its newest ACTIVE
 * revision (`describe-task-definition` with the family alone describes that one:
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html),
 * with the new image. The schedule or rule runs the family's newest revision next, and
 * `Custom::DeployedState` reads the image back from it on the next `cdk deploy` that
 * registers a revision, so nothing outside the family records the image.
 */
export function renderTaskReleaseSpec(): Record<string, unknown> {
  const keep = '{family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes, placementConstraints, requiresCompatibilities, cpu, memory, runtimePlatform, ephemeralStorage}';
  return {
    version: '0.2',
    env: { shell: 'bash' },
    phases: {
      build: {
        commands: [
          'set -euo pipefail',
          'IMAGE="$(cat image.txt)"',
          'aws ecs describe-task-definition --task-definition "$TASK_FAMILY" --query taskDefinition --output json > current-taskdef.json',
          `jq --arg name "$CONTAINER_NAME" --arg image "$IMAGE" '${keep} | with_entries(select(.value != null)) | .containerDefinitions |= map(if .name == $name then .image = $image else . end)' current-taskdef.json > taskdef.json`,
          'aws ecs register-task-definition --cli-input-json file://taskdef.json --query taskDefinition.taskDefinitionArn --output text',
        ],
      },
    },
  };
}
