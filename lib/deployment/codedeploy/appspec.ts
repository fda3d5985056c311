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

/** The awsvpc network configuration of an ECS appspec. */
export interface AppSpecNetwork {
  readonly subnets: string[];
  readonly securityGroups: string[];
  /** ENABLED or DISABLED. */
  readonly assignPublicIp: string;
}

/** What an ECS appspec describes. */
export interface AppSpecInput {
  /** A task definition ARN, or `<TASK_DEFINITION>` for CodePipeline to fill in. */
  readonly taskDefinition: string;
  readonly containerName: string;
  readonly containerPort: number;
  readonly capacity: AppSpecCapacity[];
  readonly hooks: AppSpecHook[];
  /** The network configuration of the replacement task set; without it, the service's. */
  readonly network?: AppSpecNetwork;
  /** The Fargate platform version of the replacement task set; without it, the service's. */
  readonly platformVersion?: string;
}

/**
 * The appspec of a CodeDeploy ECS deployment. YAML, because `version: 0.0` must stay the
 * string 0.0 (JSON would make it the number 0). The capacity provider strategy must repeat
 * the service's, or CodeDeploy starts green on the cluster's default. The network
 * configuration and platform version are optional properties of the target service: a
 * deployment is how they change on a CODE_DEPLOY service.
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
  if (input.platformVersion) lines.push(`        PlatformVersion: "${input.platformVersion}"`);
  if (input.network) {
    const list = (values: string[]) => `[${values.map((v) => `"${v}"`).join(', ')}]`;
    lines.push(
      '        NetworkConfiguration:',
      '          AwsvpcConfiguration:',
      `            Subnets: ${list(input.network.subnets)}`,
      `            SecurityGroups: ${list(input.network.securityGroups)}`,
      `            AssignPublicIp: "${input.network.assignPublicIp}"`,
    );
  }
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
