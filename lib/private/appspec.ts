/** One hook of an ECS appspec. */
export interface AppSpecHook {
  readonly event: string;
  readonly functionArn: string;
}

/** One capacity provider of an ECS appspec. */
export interface AppSpecCapacity {
  readonly capacityProvider: string;
  readonly base: number;
  readonly weight: number;
}

/** What an ECS appspec describes. */
export interface AppSpecInput {
  /** A task definition ARN, or `<TASK_DEFINITION>` for CodePipeline to fill in. */
  readonly taskDefinition: string;
  readonly containerName: string;
  readonly containerPort: number;
  readonly capacity: AppSpecCapacity[];
  readonly hooks: AppSpecHook[];
}

/**
 * The appspec of a CodeDeploy ECS deployment. YAML, because `version: 0.0` must stay the
 * string 0.0 (JSON would make it the number 0). The capacity provider strategy must repeat
 * the service's, or CodeDeploy starts green on the cluster's default.
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html
 */
export function renderAppSpec(input: AppSpecInput): string {
  const lines = [
    'version: 0.0',
    'Resources:',
    '  - TargetService:',
    '      Type: AWS::ECS::Service',
    '      Properties:',
    `        TaskDefinition: "${input.taskDefinition}"`,
    '        LoadBalancerInfo:',
    `          ContainerName: "${input.containerName}"`,
    `          ContainerPort: ${input.containerPort}`,
  ];
  if (input.capacity.length > 0) {
    lines.push('        CapacityProviderStrategy:');
    for (const c of input.capacity) {
      lines.push(`          - CapacityProvider: "${c.capacityProvider}"`, `            Base: ${c.base}`, `            Weight: ${c.weight}`);
    }
  }
  if (input.hooks.length > 0) {
    lines.push('Hooks:');
    for (const h of input.hooks) lines.push(`  - ${h.event}: "${h.functionArn}"`);
  }
  return lines.join('\n') + '\n';
}
