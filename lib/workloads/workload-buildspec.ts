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
 * The release step of a task: records the image in the SSM parameter the task definition
 * resolves (so a later `cdk deploy` keeps it), and registers a revision of the family with
 * it, which the schedule or rule runs next (they run the family's latest revision).
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
          'aws ssm put-parameter --name "$IMAGE_PARAMETER" --value "$IMAGE" --type String --overwrite > /dev/null',
          'aws ecs describe-task-definition --task-definition "$TASK_FAMILY" --query taskDefinition --output json > current-taskdef.json',
          `jq --arg name "$CONTAINER_NAME" --arg image "$IMAGE" '${keep} | with_entries(select(.value != null)) | .containerDefinitions |= map(if .name == $name then .image = $image else . end)' current-taskdef.json > taskdef.json`,
          'aws ecs register-task-definition --cli-input-json file://taskdef.json --query taskDefinition.taskDefinitionArn --output text',
        ],
      },
    },
  };
}
