import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { BlueGreenRoute } from '../../foundation/blue-green-route';
import type { IContainerPlatform } from '../../foundation/platform-contract';

/** What the CodeDeploy service role of a service is scoped to: handed over by the service. */
export interface CodeDeployRoleTarget {
  readonly platform: IContainerPlatform;
  readonly serviceName: string;
  /** Where the deployments shift the traffic: the service's rules, or its Network Load Balancer listeners. */
  readonly route: BlueGreenRoute;
  /** The alarms that roll a deployment back. */
  readonly deploymentAlarms: cloudwatch.IAlarm[];
  readonly taskRole: iam.IRole;
  readonly executionRole: iam.IRole;
}

/**
 * The service role of one service's CodeDeploy deployment group, scoped to that service: the
 * actions of the managed policy `AWSCodeDeployRoleForECS` that an ECS blue/green deployment of
 * this platform uses, on the service's own resources wherever the action takes a resource.
 *
 * The managed policy allows each of its actions on every resource of the account (and
 * `iam:PassRole` on every role), which is why it is not used:
 * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRoleForECS.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/codedeploy_IAM_role.html
 *
 * Left out of the managed policy's actions: `sns:Publish` (the deployment group has no
 * triggers) and `s3:GetObject`/`s3:GetObjectVersion` (no revision of this platform is in S3:
 * the `Custom::BlueGreenService` provider and CodePipeline's CodeDeployToECS action both hand
 * CodeDeploy the appspec as content; the pipeline's artifacts are read by the pipeline's role).
 *
 * Hook functions are added with `grantInvoke` by the caller.
 */
export function codeDeployServiceRole(scope: Construct, id: string, svc: CodeDeployRoleTarget): iam.Role {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com'),
    description: `CodeDeploy blue/green deployments of ${svc.serviceName}`.slice(0, 1000),
  });
  const stack = Stack.of(scope);
  const cluster = svc.platform.cluster.clusterName;

  // ECS: every action CodeDeploy uses takes a resource: DescribeServices and
  // UpdateServicePrimaryTaskSet the service (service/<cluster>/<service>), CreateTaskSet and
  // DeleteTaskSet a task set (task-set/<cluster>/<service>/<task set id>); the ID of a task set
  // is only known once CodeDeploy creates it, hence the `*` after the service's prefix.
  // @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
  // The service's ARN is built from names: the service (a Custom::BlueGreenService) waits for
  // this role, so it cannot be taken from the service.
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['ecs:DescribeServices', 'ecs:UpdateServicePrimaryTaskSet'],
    resources: [stack.formatArn({ service: 'ecs', resource: 'service', resourceName: `${cluster}/${svc.serviceName}` })],
  }));
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['ecs:CreateTaskSet', 'ecs:DeleteTaskSet'],
    resources: [stack.formatArn({ service: 'ecs', resource: 'task-set', resourceName: `${cluster}/${svc.serviceName}/*` })],
  }));

  // Elastic Load Balancing: on the Application Load Balancer CodeDeploy shifts traffic by
  // rewriting the forward action of the service's production and test listener rules (ModifyRule
  // takes listener-rule/app/...). ModifyListener, also in the managed policy, is needed when a
  // listener's default action forwards to the target groups; there the defaults are the
  // platform's fixed responses, but AWS does not document that CodeDeploy skips the call, so it
  // stays, on the two listeners of the deployment group only. On the Network Load Balancer the
  // service's own listeners forward by their default action, which ModifyListener rewrites
  // (listener/net/...); a Network Load Balancer has no rules. The target groups are named in the
  // actions: neither call needs a permission on them. The Describe* actions support no
  // resource-level permissions.
  // @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
  const route = svc.route;
  if (route.kind === 'application') {
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['elasticloadbalancing:ModifyRule'],
      resources: [route.productionRule.listenerRuleArn, route.testRule.listenerRuleArn],
    }));
  }
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['elasticloadbalancing:ModifyListener'],
    resources: [route.productionListener.listenerArn, route.testListener.listenerArn],
  }));
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules'],
    resources: ['*'],
  }));

  // CloudWatch: DescribeAlarms takes the alarm (alarm:<name>); only composite alarms need '*'.
  // @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
  // @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/permissions-reference-cw.html
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['cloudwatch:DescribeAlarms'],
    resources: svc.deploymentAlarms.map((a) => a.alarmArn),
  }));

  // CreateTaskSet passes the task definition's roles to ECS tasks: exactly these two.
  // @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html (CreateTaskSet: iam:PassRole, iam:PassedToService ecs-tasks.amazonaws.com)
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [svc.taskRole.roleArn, svc.executionRole.roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
  }));
  return role;
}
