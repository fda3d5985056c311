import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { SmokeTestOptions } from './deployment';
import type { Microservice } from '../service/microservice';
import { handlerAsset } from '../private/assets';
import { acknowledgeFunction } from './deployed-state';
import { functionRole } from '../private/function-role';
import { fit } from '../private/text';

/** Properties of {@link SmokeTest}. */
export interface SmokeTestProps {
  readonly microservice: Microservice;
  readonly options: SmokeTestOptions;
}

/**
 * The built-in AfterAllowTestTraffic hook: a function in the VPC that requests the service
 * through the test listener (at the load balancer's private addresses, so it works for
 * internet-facing and internal load balancers alike) and fails the deployment on a bad answer.
 */
export class SmokeTest extends Construct {
  public readonly function: lambda.Function;
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: SmokeTestProps) {
    super(scope, id);
    const svc = props.microservice;
    const platform = svc.platform;
    const lb = svc.sharedLoadBalancer;
    const routing = svc.routing;
    const prefixPath = routing.paths[0]?.replace(/[*?].*$/, '');
    const path = props.options.path ?? prefixPath ?? svc.healthCheckPath;
    const expected = props.options.expectedStatusCodes ?? (prefixPath && !props.options.path ? [] : [200]);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: platform.vpc,
      description: fit(`Smoke test of ${svc.node.path}`, 255),
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(lb.securityGroup, ec2.Port.tcp(lb.testListenerPort), 'to the test listener');
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'to the CodeDeploy and EC2 APIs');
    new ec2.CfnSecurityGroupIngress(this, 'LoadBalancerIngress', {
      groupId: lb.securityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: lb.testListenerPort,
      toPort: lb.testListenerPort,
      sourceSecurityGroupId: this.securityGroup.securityGroupId,
      description: `smoke test of ${svc.node.id}`,
    });

    const logGroup = platform._newLogGroup(this, 'Logs');
    this.function = new lambda.Function(this, 'Function', {
      role: functionRole(this, 'Role', logGroup, true),
      description: fit(`Smoke test of ${svc.node.path} through the test listener`, 256),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(handlerAsset('smoke-test')),
      timeout: Duration.minutes(2),
      memorySize: 256,
      vpc: platform.vpc,
      vpcSubnets: platform.serviceSubnets,
      securityGroups: [this.securityGroup],
      logGroup,
      environment: {
        LOAD_BALANCER_NAME: lb.loadBalancer.loadBalancerFullName,
        PORT: String(lb.testListenerPort),
        PROTOCOL: lb.protocol === elbv2.ApplicationProtocol.HTTPS ? 'https' : 'http',
        HOST: routing.hosts[0]?.replace(/^\*\./, 'smoke.').replace(/[*?]/g, 'x') ?? '',
        PATH: path,
        EXPECTED_STATUS: expected.join(','),
        ATTEMPTS: String(props.options.attempts ?? 5),
      },
    });
    this.function.addToRolePolicy(new iam.PolicyStatement({
      // DescribeNetworkInterfaces supports no resource-level permissions.
      actions: ['ec2:DescribeNetworkInterfaces'],
      resources: ['*'],
    }));
    acknowledgeFunction(this.function);
  }
}
