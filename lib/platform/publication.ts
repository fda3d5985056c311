import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { claimsFunction } from '../deployment/claims/claims';
import { platformApplication } from '../deployment/codedeploy/codedeploy-application';
import { allowReadingRules, serviceStateFunction } from '../deployment/deployed-state/deployed-state';
import { ownServiceProvider } from '../deployment/provider/service-provider';
import { SmokeTest } from '../deployment/smoke-test/smoke-test';
import { PlatformContext } from '../foundation/platform-context';
import type { IContainerPlatform, ISharedLoadBalancer } from '../foundation/platform-contract';
import { platformRolePath } from '../foundation/platform-resources';
import { publicationPrefix } from '../private/naming';
import { fit } from '../private/text';

/**
 * What a published platform writes, each under `publicationPrefix(platformName)`: one SSM
 * parameter per value (a StringList for the lists), so that an importing stack reads each as a
 * CloudFormation parameter of type `AWS::SSM::Parameter::Value<String>` (or `List<String>`).
 */
export const PUBLISHED = {
  vpcId: 'vpc-id',
  serviceSubnets: 'service-subnets',
  clusterName: 'cluster-name',
  encryptionKeyArn: 'encryption-key-arn',
  alarmTopicArn: 'alarm-topic-arn',
  accessLogsBucketName: 'access-logs-bucket-name',
  codeDeployApplication: 'codedeploy-application-name',
  serviceToken: 'service-provider-service-token',
  stateFunctionArn: 'deployed-state-function-arn',
  smokeTestFunctionArn: 'smoke-test-function-arn',
  smokeTestSecurityGroupId: 'smoke-test-security-group-id',
  claimsFunctionArn: 'claims-function-arn',
  rolePath: 'role-path',
} as const;

/** What a published platform writes of each of its load balancers, under `load-balancers/<index>/`. */
export const PUBLISHED_LOAD_BALANCER = {
  arn: 'arn',
  securityGroupId: 'security-group-id',
  productionListenerArn: 'production-listener-arn',
  testListenerArn: 'test-listener-arn',
  productionPort: 'production-port',
  testListenerPort: 'test-listener-port',
  protocol: 'protocol',
} as const;

/** The key of a value of the load balancer at `index` (0 is the platform's first). */
export function loadBalancerKey(index: number, key: string): string {
  return `load-balancers/${index}/${key}`;
}

/** `vpc-id` -> `VpcId`: a construct ID for a key. */
function idOf(key: string): string {
  return key.split(/[-/]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/**
 * The publication of a platform under its name (`publish: true`): SSM parameters of what the
 * workloads of platforms importing it need, in its account and Region, and the parts of the
 * platform those workloads use, made now rather than with the platform's own first service:
 * the service provider (which may pass every role under the platform's IAM path and deploy
 * through its CodeDeploy application), the deployed-state function (which may read listener
 * rules), the smoke test (which may report on the application's deployments), the CodeDeploy
 * application (named after the platform) and the claims function; an isolated platform also
 * gets its SQS endpoint, which an importing queue worker cannot add.
 */
export class PlatformPublication extends Construct {
  private readonly prefix: string;

  constructor(scope: Construct, id: string, private readonly platform: IContainerPlatform) {
    super(scope, id);
    const name = platform.platformName;
    this.prefix = publicationPrefix(name);
    const context = PlatformContext.of(platform);

    const provider = ownServiceProvider(platform);
    provider.allowImporters();
    provider.allowCodeDeploy();
    const application = platformApplication(platform);
    const smokeTest = SmokeTest.of(platform);
    smokeTest._allowCodeDeploy(application);
    const stateFunction = serviceStateFunction(platform);
    allowReadingRules(stateFunction);
    const claims = claimsFunction(platform);
    context.enableClaims(claims.functionArn);
    context.reachQueues();

    const vpc = platform.vpc;
    this.publishList(PUBLISHED.serviceSubnets, vpc.selectSubnets(platform.serviceSubnets).subnetIds, 'the subnets the tasks run in');
    this.publish(PUBLISHED.vpcId, vpc.vpcId, 'the VPC');
    this.publish(PUBLISHED.clusterName, platform.cluster.clusterName, 'the ECS cluster');
    this.publish(PUBLISHED.encryptionKeyArn, platform.encryptionKey.keyArn, 'the key of the log groups and topics');
    this.publish(PUBLISHED.alarmTopicArn, platform.alarmTopic.topicArn, 'the topic every alarm notifies');
    this.publish(PUBLISHED.accessLogsBucketName, platform.accessLogsBucket.bucketName, 'the bucket of the access logs');
    this.publish(PUBLISHED.codeDeployApplication, application.applicationName, 'the CodeDeploy application');
    this.publish(PUBLISHED.serviceToken, provider.serviceToken, 'the service token of the service provider');
    this.publish(PUBLISHED.stateFunctionArn, stateFunction.functionArn, 'the deployed-state function');
    this.publish(PUBLISHED.smokeTestFunctionArn, smokeTest.function.functionArn, 'the smoke-test function');
    this.publish(PUBLISHED.smokeTestSecurityGroupId, smokeTest.securityGroup.securityGroupId, 'the security group of the smoke test');
    this.publish(PUBLISHED.claimsFunctionArn, claims.functionArn, 'the function that claims the names, priorities and routes of the workloads');
    this.publish(PUBLISHED.rolePath, platformRolePath(platform), 'the IAM path of the roles the provider may pass');
    let index = 0;
    context.watchLoadBalancers((lb) => this.publishLoadBalancer(lb, index++));
  }

  private publishLoadBalancer(lb: ISharedLoadBalancer, index: number): void {
    const k = PUBLISHED_LOAD_BALANCER;
    const what = `load balancer ${index} (${lb.node.id})`;
    this.publish(loadBalancerKey(index, k.arn), lb.loadBalancer.loadBalancerArn, `the ARN of ${what}`);
    this.publish(loadBalancerKey(index, k.securityGroupId), lb.securityGroup.securityGroupId, `the security group of ${what}`);
    this.publish(loadBalancerKey(index, k.productionListenerArn), lb.productionListener.listenerArn, `the production listener of ${what}`);
    this.publish(loadBalancerKey(index, k.testListenerArn), lb.testListener.listenerArn, `the test listener of ${what}`);
    this.publish(loadBalancerKey(index, k.productionPort), String(lb.productionPort), `the production port of ${what}`);
    this.publish(loadBalancerKey(index, k.testListenerPort), String(lb.testListenerPort), `the test listener port of ${what}`);
    this.publish(loadBalancerKey(index, k.protocol), lb.protocol, `the protocol (HTTP or HTTPS) of the listeners of ${what}`);
  }

  private publish(key: string, value: string, what: string): void {
    new ssm.StringParameter(this, idOf(key), {
      parameterName: `${this.prefix}${key}`,
      stringValue: value,
      description: this.describe(what),
    });
  }

  private publishList(key: string, values: string[], what: string): void {
    new ssm.StringListParameter(this, idOf(key), {
      parameterName: `${this.prefix}${key}`,
      stringListValue: values,
      description: this.describe(what),
    });
  }

  private describe(what: string): string {
    return fit(`cdk-container-platform: ${what} of the platform '${this.platform.platformName}', published for ContainerPlatform.fromName`, 1024);
  }
}
