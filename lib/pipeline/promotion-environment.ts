import { Stack } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { IContainerPlatform } from '../foundation/platform-contract';
import { platformRolePath } from '../foundation/platform-resources';
import { acknowledge, nagText } from '../private/compliance';
import { fitName } from '../private/naming';
import { deployedStack } from '../private/stacks';
import { fit } from '../private/text';

/** What a promotion pipeline needs of the workload of one environment: handed over by the workload. */
export interface PromotedWorkload {
  /** The workload: the parent of its side of the environment. */
  readonly scope: Construct;
  readonly platform: IContainerPlatform;
  /** The name of its ECS service (and CodeDeploy deployment group). */
  readonly workloadName: string;
  /** Its cluster's name, known at synth: a published platform's cluster is named after the platform. */
  readonly clusterName: string;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly containerName: string;
  readonly minTasks: number;
  /** Whether CodeDeploy deploys it (its policy is `Deployment.blueGreen()`); otherwise the ECS deploy action. */
  readonly codeDeploy: boolean;
  /** The appspec of its CodeDeploy deployments, with `<TASK_DEFINITION>`, naming its hooks. */
  readonly appSpec?: string;
}

/** The pipeline's roles that the environment's roles trust. */
export interface PipelineTrust {
  readonly toolingAccount: string;
  readonly pipelineRoleArn: string;
  readonly prepareProjectRoleArn: string;
}

/** What a workload's side of an environment tells the pipeline. */
export interface BoundEnvironment {
  /** The IAM path of the environment's roles (the platform's). */
  readonly path: string;
  /** The SSM parameter of the appspec, for CodeDeploy. */
  readonly appSpecParameterName?: string;
}

/** IAM role names: at most 64 characters. @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html */
const ROLE_NAME_MAX = 64;

/** The names of the roles of a workload's environment (unique in its account: the workload's name is). */
export function environmentRoleNames(workloadName: string): { readonly deploy: string; readonly prepare: string } {
  return { deploy: fitName(`${workloadName}-deploy`, ROLE_NAME_MAX), prepare: fitName(`${workloadName}-prepare`, ROLE_NAME_MAX) };
}

/** A role's ARN from its account, path and name, in the partition of `stack`. */
export function roleArn(stack: Stack, account: string, path: string, name: string): string {
  return `arn:${stack.partition}:iam::${account}:role${path}${name}`;
}

/**
 * A principal of the pipeline's account that is exactly one role: the account, with
 * `aws:PrincipalArn` equal to the role's ARN. Unlike the role's ARN as principal, it does not
 * need the role to exist when the policy is created, and does not break when the role is created
 * again.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
 */
function exactly(account: string, arn: string): iam.IPrincipal {
  return new iam.AccountPrincipal(account).withConditions({ ArnEquals: { 'aws:PrincipalArn': arn } });
}

/**
 * The workload's side of an environment of a promotion pipeline, in the workload's account:
 * - a deploy role that exactly the pipeline's role assumes (the Deploy action's role): it may
 *   deploy exactly this workload (through its CodeDeploy deployment group, or its ECS service),
 *   pass exactly its task's roles, and read the pipeline's artifacts (objects of buckets of the
 *   pipeline's account, decrypted with keys of that account through S3);
 * - a prepare role that exactly the prepare project's role assumes: it may read the service and
 *   the revision it runs, raise it from 0 tasks, and read the published appspec;
 * - for CodeDeploy, the appspec of the workload's deployments as an SSM parameter (it names the
 *   environment's hooks, which the pipeline's account cannot know).
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-cross-account.html
 */
export function bindEnvironment(target: PromotedWorkload, trust: PipelineTrust): BoundEnvironment {
  const scope = new Construct(target.scope, 'Promotion');
  const stack = deployedStack(target.scope);
  const path = platformRolePath(target.platform);
  const names = environmentRoleNames(target.workloadName);
  const arn = (service: string, resource: string, name: string, sep = '/') => `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}${sep}${name}`;
  const task = target.taskDefinition;
  const taskRoles = [task.taskRole.roleArn, task.obtainExecutionRole().roleArn];
  const serviceArn = arn('ecs', 'service', `${target.clusterName}/${target.workloadName}`);

  const deploy = new iam.Role(scope, 'DeployRole', {
    roleName: names.deploy,
    path,
    assumedBy: exactly(trust.toolingAccount, trust.pipelineRoleArn),
    description: fit(`Deploys ${target.workloadName} for the pipeline ${trust.pipelineRoleArn}`, 1000),
  });
  if (target.codeDeploy) {
    // What CodePipeline's CodeDeployToECS action does as its role: the application, the group and
    // its configuration, the task definition it registers (passing the task's roles).
    // @see https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECSbluegreen.html#action-reference-ECSbluegreen-permissions-action
    const application = target.clusterName;
    deploy.addToPolicy(new iam.PolicyStatement({
      actions: ['codedeploy:GetApplication', 'codedeploy:GetApplicationRevision', 'codedeploy:RegisterApplicationRevision'],
      resources: [arn('codedeploy', 'application', application, ':')],
    }));
    deploy.addToPolicy(new iam.PolicyStatement({
      actions: ['codedeploy:CreateDeployment', 'codedeploy:GetDeployment'],
      resources: [arn('codedeploy', 'deploymentgroup', `${application}/${target.workloadName}`, ':')],
    }));
    deploy.addToPolicy(new iam.PolicyStatement({ actions: ['codedeploy:GetDeploymentConfig'], resources: [arn('codedeploy', 'deploymentconfig', '*', ':')] }));
  } else {
    // What CodePipeline's ECS action does as its role: a revision of the service's task definition
    // with the image, registered, and the service updated to it.
    // @see https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECS.html#edit-role-ecs
    deploy.addToPolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeServices', 'ecs:UpdateService'], resources: [serviceArn] }));
    deploy.addToPolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeTasks'], resources: [arn('ecs', 'task', `${target.clusterName}/*`)] }));
    deploy.addToPolicy(new iam.PolicyStatement({
      actions: ['ecs:ListTasks'],
      resources: [arn('ecs', 'container-instance', `${target.clusterName}/*`)],
    }));
    deploy.addToPolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }));
  }
  // RegisterTaskDefinition and DescribeTaskDefinition support no resource-level permissions.
  // @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
  deploy.addToPolicy(new iam.PolicyStatement({ actions: ['ecs:RegisterTaskDefinition'], resources: ['*'] }));
  deploy.addToPolicy(new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: taskRoles,
    conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
  }));
  // The artifacts: objects of the pipeline's account's buckets, through S3 with its keys (its
  // bucket and key policies name this role). The bucket's name is the pipeline's stack's to make.
  // @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceaccount
  // @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
  deploy.addToPolicy(new iam.PolicyStatement({
    actions: ['s3:GetObject', 's3:GetObjectVersion'],
    resources: ['arn:aws:s3:::*/*'.replace('aws', stack.partition)],
    conditions: { StringEquals: { 'aws:ResourceAccount': trust.toolingAccount } },
  }));
  deploy.addToPolicy(new iam.PolicyStatement({
    actions: ['kms:Decrypt', 'kms:DescribeKey'],
    resources: [`arn:${stack.partition}:kms:${stack.region}:${trust.toolingAccount}:key/*`],
    conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
  }));

  const prepare = new iam.Role(scope, 'PrepareRole', {
    roleName: names.prepare,
    path,
    assumedBy: exactly(trust.toolingAccount, trust.prepareProjectRoleArn),
    description: fit(`Prepares the deployments of ${target.workloadName} for ${trust.prepareProjectRoleArn}`, 1000),
  });
  prepare.addToPolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeServices', 'ecs:UpdateService'], resources: [serviceArn] }));
  prepare.addToPolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }));
  let appSpecParameterName: string | undefined;
  if (target.codeDeploy && target.appSpec) {
    appSpecParameterName = `/cdk-container-platform/promotion/${target.workloadName}/appspec`;
    const parameter = new ssm.StringParameter(scope, 'AppSpec', {
      parameterName: appSpecParameterName,
      stringValue: target.appSpec,
      description: fit(`The appspec of the CodeDeploy deployments of ${target.workloadName} by its promotion pipeline`, 1024),
    });
    prepare.addToPolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameter.parameterArn] }));
  }
  const policy = deploy.node.findChild('DefaultPolicy').node.defaultChild!;
  acknowledge(policy, `AwsSolutions-IAM5[Resource::${nagText(stack, `arn:${stack.partition}:s3:::*/*`)}]`, 'The pipeline\'s artifacts: objects of its account\'s buckets only '
    + '(aws:ResourceAccount), whose bucket policy admits this role; the bucket\'s name is made in that account.');
  acknowledge(policy, `AwsSolutions-IAM5[Resource::${nagText(stack, `arn:${stack.partition}:kms:${stack.region}:${trust.toolingAccount}:key/*`)}]`, 'The pipeline\'s artifact key: '
    + 'keys of its account used through S3 only (kms:ViaService), whose key policy admits this role; the key\'s ID is made in that account.');
  return { path, appSpecParameterName };
}
