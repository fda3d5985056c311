/**
 * What AWS authorizes for each API call the model answers: the IAM action (the operation's
 * name under the service's prefix, `ecs:UpdateService`; the Service Authorization Reference
 * lists each), the resource ARN(s) it touches, the condition keys the request carries, and the
 * other actions the call needs (iam:PassRole for a role the call hands to a service, tagging on
 * creation).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodedeploy.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html ("When a user passes a role ARN as a parameter to any API that uses the role to assign permissions to the service, the service checks whether that user has the iam:PassRole permission")
 */
import { arn } from './aws';
import type { Request } from './iam';
import type { World } from './world';

type Input = Record<string, any>;

export function clusterArn(cluster: string): string {
  return String(cluster).startsWith('arn:') ? String(cluster) : arn('ecs', `cluster/${cluster}`);
}

export function clusterNameOf(cluster: string): string {
  return String(cluster).replace(/^arn:.*:cluster\//, '');
}

export function serviceArn(cluster: string, service: string): string {
  if (String(service).startsWith('arn:')) return String(service);
  return arn('ecs', `service/${clusterNameOf(cluster)}/${service}`);
}

export function deploymentGroupArn(application: string, group: string): string {
  return arn('codedeploy', `deploymentgroup:${application}/${group}`);
}

/** An SSM parameter's ARN: `parameter/<name without its leading slash>`. */
export function parameterArn(name: string): string {
  return String(name).startsWith('arn:') ? String(name) : arn('ssm', `parameter/${String(name).replace(/^\//, '')}`);
}

/**
 * The roles a call hands to a service, and the service principal it hands them to: ECS tasks
 * get a task definition's task and execution roles; ECS itself gets the infrastructure role of
 * a load balancer's advanced configuration and the role of a lifecycle hook.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-permissions.html
 */
export function passRoles(roles: Array<string | undefined>, to: string): Request[] {
  return [...new Set(roles.filter((r): r is string => !!r && r.startsWith('arn:')))]
    .map((role) => ({ action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': to } }));
}

function ecsServiceRoles(input: Input): Request[] {
  const lbRoles = ((input.loadBalancers ?? []) as Input[]).map((lb) => lb.advancedConfiguration?.roleArn as string | undefined);
  const hookRoles = ((input.deploymentConfiguration?.lifecycleHooks ?? []) as Input[]).map((h) => h.roleArn as string | undefined);
  return passRoles([...lbRoles, ...hookRoles, input.role], 'ecs.amazonaws.com');
}

/** The requests one API call makes of IAM (the first is the call's own action). */
export function requestsFor(world: World, service: string, operation: string, input: Input): Request[] {
  const cluster = input.cluster ?? 'default';
  const ecsCluster = { 'ecs:cluster': clusterArn(cluster) };
  switch (`${service}:${operation}`) {
    case 'ECS:DescribeServices':
      return (input.services as string[]).map((s) => ({ action: 'ecs:DescribeServices', resource: serviceArn(cluster, s), context: ecsCluster }));
    case 'ECS:DescribeTaskDefinition':
      return [{ action: 'ecs:DescribeTaskDefinition', resource: '*' }];
    case 'ECS:RegisterTaskDefinition': {
      const family = String(input.family);
      const next = world.ecs.nextRevision(family);
      const td = arn('ecs', `task-definition/${family}:${next}`);
      return [
        { action: 'ecs:RegisterTaskDefinition', resource: td },
        // Tags on creation need ecs:TagResource too (the tag resource authorization account setting).
        // @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html
        ...((input.tags ?? []).length > 0 ? [{ action: 'ecs:TagResource', resource: td, context: { 'ecs:CreateAction': 'RegisterTaskDefinition' } }] : []),
        ...passRoles([input.taskRoleArn, input.executionRoleArn], 'ecs-tasks.amazonaws.com'),
      ];
    }
    case 'ECS:CreateService': {
      const resource = serviceArn(cluster, input.serviceName);
      return [
        { action: 'ecs:CreateService', resource, context: ecsCluster },
        ...((input.tags ?? []).length > 0 ? [{ action: 'ecs:TagResource', resource, context: { 'ecs:CreateAction': 'CreateService' } }] : []),
        ...ecsServiceRoles(input),
      ];
    }
    case 'ECS:UpdateService':
      return [{ action: 'ecs:UpdateService', resource: serviceArn(cluster, input.service), context: ecsCluster }, ...ecsServiceRoles(input)];
    case 'ECS:DeleteService':
      return [{ action: 'ecs:DeleteService', resource: serviceArn(cluster, input.service), context: ecsCluster }];
    case 'ECS:TagResource':
    case 'ECS:UntagResource':
      return [{ action: `ecs:${operation}`, resource: String(input.resourceArn) }];
    case 'CodeDeploy:ListDeployments':
    case 'CodeDeploy:CreateDeployment':
      return [{ action: `codedeploy:${operation}`, resource: deploymentGroupArn(input.applicationName, input.deploymentGroupName) }];
    case 'CodeDeploy:BatchGetDeployments':
      // Each deployment is authorized on its group (BatchGetDeployments takes the deploymentgroup resource type).
      return (input.deploymentIds as string[]).map((id) => {
        const d = world.codedeploy.deployments.find((x) => x.id === id);
        return { action: 'codedeploy:BatchGetDeployments', resource: d ? deploymentGroupArn(d.group.application, d.group.name) : deploymentGroupArn('*', '*') };
      });
    case 'CodeDeploy:GetDeployment':
    case 'CodeDeploy:StopDeployment':
    case 'CodeDeploy:PutLifecycleEventHookExecutionStatus': {
      const d = world.codedeploy.deployments.find((x) => x.id === input.deploymentId);
      // An unknown deployment: CodeDeploy answers DeploymentDoesNotExistException after authorizing on the account's groups.
      const group = d ? deploymentGroupArn(d.group.application, d.group.name) : deploymentGroupArn('*', '*');
      return [{ action: `codedeploy:${operation}`, resource: group }];
    }
    case 'SSM:GetParameter':
    case 'SSM:PutParameter':
    case 'SSM:DeleteParameter':
      return [{ action: `ssm:${operation}`, resource: parameterArn(input.Name) }];
    case 'EC2:DescribeNetworkInterfaces':
      return [{ action: 'ec2:DescribeNetworkInterfaces', resource: '*' }];
    case 'CloudFormation:DescribeStacks':
      // A stack's ARN names it: arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>.
      // @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudformation.html
      return [{ action: 'cloudformation:DescribeStacks', resource: world.cfn.describeStack(String(input.StackName)).StackId }];
    case 'ElasticLoadBalancingV2:DescribeRules':
      return [{ action: 'elasticloadbalancing:DescribeRules', resource: '*' }];
    case 'ElasticLoadBalancingV2:DescribeListeners':
      // No resource-level permission: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
      return [{ action: 'elasticloadbalancing:DescribeListeners', resource: '*' }];
    default:
      throw new Error(`the lifecycle model does not know what ${service}:${operation} needs of IAM`);
  }
}

