import { CustomResource, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DEFAULTS } from '../private/defaults';
import type { ContainerPlatform } from '../platform/container-platform';
import { acknowledge, acknowledgeAll } from '../private/compliance';
import { functionRole } from '../private/function-role';
import { handlerAsset } from '../private/assets';
import { shortDigest } from '../private/hash';

/**
 * The one function per platform that answers the platform's custom resources
 * (Custom::DeployedState and Custom::BlueGreenRollout).
 */
export function serviceStateFunction(platform: ContainerPlatform, cluster: ecs.ICluster): lambda.Function {
  const existing = platform.node.tryFindChild('ServiceStateFunction');
  if (existing) return existing as lambda.Function;
  const logGroup = platform._newLogGroup(platform, 'ServiceStateFunctionLogs');
  const fn = new lambda.Function(platform, 'ServiceStateFunction', {
    role: functionRole(platform, 'ServiceStateFunctionRole', logGroup, false),
    description: 'cdk-container-platform: reads the deployed image of services and starts blue/green rollouts of new task definitions',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(handlerAsset('service-state')),
    timeout: Duration.minutes(2),
    memorySize: 256,
    logGroup,
  });
  const stack = Stack.of(platform);
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['ecs:DescribeServices'],
    resources: [stack.formatArn({ service: 'ecs', resource: 'service', resourceName: `${cluster.clusterName}/*` })],
  }));
  fn.addToRolePolicy(new iam.PolicyStatement({
    // DescribeTaskDefinition supports no resource-level permissions.
    actions: ['ecs:DescribeTaskDefinition'],
    resources: ['*'],
  }));
  acknowledgeFunction(fn);
  acknowledgeAll(fn, ['NIST.800.53.R5-LambdaInsideVPC', 'lambda_inside_vpc_check'],
    'It calls only the ECS and CodeDeploy APIs; outside a VPC it needs no NAT gateway or endpoints.');
  return fn;
}

/** Why the platform's functions need no reserved concurrency and no dead-letter queue. */
export function acknowledgeFunction(fn: lambda.Function): void {
  acknowledge(fn, 'NIST.800.53.R5-LambdaConcurrency',
    'Invoked only by CloudFormation or a deployment, a few times per deployment; reserving concurrency fails in accounts with the default limit of 10.');
  acknowledge(fn, 'NIST.800.53.R5-LambdaDLQ',
    'Invoked synchronously by CloudFormation or a deployment, which record the failure; an asynchronous dead-letter queue would never receive anything.');
}

/** Properties of {@link DeployedState}. */
export interface DeployedStateProps {
  readonly cluster: ecs.ICluster;
  readonly serviceName: string;
  readonly containerName: string;
  /** The image used until something is deployed; none when the stack owns the image. */
  readonly bootstrapImage?: string;
  /** The desired count the service is created with. */
  readonly initialDesiredCount: number;
  readonly handler: lambda.IFunction;
}

/**
 * What is deployed now, read back by `cdk deploy`: the image the pipeline last deployed and
 * the desired count auto scaling set. The task definition the stack registers carries that
 * image, so a `cdk deploy` never reverts it, and it is read again exactly when the task
 * definition's settings change (the `Settings` property is their digest).
 */
export class DeployedState extends Construct {
  private readonly resource: CustomResource;
  private watched?: ecs.TaskDefinition;

  constructor(scope: Construct, id: string, props: DeployedStateProps) {
    super(scope, id);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: props.handler.functionArn,
      resourceType: 'Custom::DeployedState',
      serviceTimeout: DEFAULTS.customResourceTimeout,
      properties: {
        ClusterName: props.cluster.clusterName,
        ServiceName: props.serviceName,
        ContainerName: props.containerName,
        BootstrapImage: props.bootstrapImage ?? '',
        InitialDesiredCount: props.initialDesiredCount,
        Settings: Lazy.string({ produce: () => this.settingsDigest() }),
      },
    });
    this.resource.node.addDependency(props.handler);
  }

  /** The image deployed now (the bootstrap image before the first deployment). */
  public get image(): string {
    return this.resource.getAttString('Image');
  }

  /** The service's desired count now (the initial count before it exists). */
  public get desiredCount(): number {
    return Token.asNumber(this.resource.getAtt('DesiredCount'));
  }

  /** Re-read the deployed state whenever this task definition's settings change. */
  public watch(taskDefinition: ecs.TaskDefinition): void {
    this.watched = taskDefinition;
  }

  private settingsDigest(): string {
    if (!this.watched) return '';
    const cfn = this.watched.node.defaultChild as ecs.CfnTaskDefinition;
    const stack = Stack.of(this);
    const settings = {
      containers: stack.resolve(cfn.containerDefinitions),
      cpu: cfn.cpu,
      memory: cfn.memory,
      ephemeral: stack.resolve(cfn.ephemeralStorage),
      platform: stack.resolve(cfn.runtimePlatform),
      roles: [stack.resolve(cfn.executionRoleArn), stack.resolve(cfn.taskRoleArn)],
    };
    return shortDigest(JSON.stringify(settings), 16);
  }
}
