import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './compliance';

/**
 * A Lambda execution role with exactly what the function needs to run: writing to its own
 * log group, and for a function in a VPC the network-interface actions (which support no
 * resource-level permissions), instead of the AWS managed policies' broader grants.
 */
export function functionRole(scope: Construct, id: string, logGroup: logs.ILogGroup, inVpc: boolean): iam.Role {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of ${scope.node.path}`,
  });
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn],
  }));
  if (inVpc) {
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      resources: ['*'],
    }));
  }
  return role;
}

/** Why the platform's functions need no reserved concurrency and no dead-letter queue. */
export function acknowledgeFunction(fn: lambda.Function): void {
  acknowledge(fn, 'NIST.800.53.R5-LambdaConcurrency',
    'Invoked only by CloudFormation or a deployment, a few times per deployment; reserving concurrency fails in accounts with the default limit of 10.');
  acknowledge(fn, 'NIST.800.53.R5-LambdaDLQ',
    'Invoked synchronously by CloudFormation or a deployment, which record the failure; an asynchronous dead-letter queue would never receive anything.');
}
