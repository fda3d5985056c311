import { ArnFormat, CfnMapping, Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { PlatformContext, PlatformSingleton } from '../../foundation/platform-context';
import type { IContainerPlatform, ISharedLoadBalancer } from '../../foundation/platform-contract';
import { platformLogGroup } from '../../foundation/platform-resources';
import type { Routing } from '../../foundation/routing';
import { handlerAsset } from '../../private/assets';
import { DEFAULTS } from '../../private/defaults';
import { Problems } from '../../private/errors';
import { acknowledgeFunction, functionRole } from '../../private/function-role';
import { functionOfOwnAccount } from '../../private/functions';
import { fit } from '../../private/text';
import { SmokeTestOptions } from '../policy/deployment';
import { defaultSmokeTestPath } from './paths';
import { SMOKE_TEST_TIMING } from './timing';

/** Where the smoke-test settings of a platform's services live: the function reads them when a deployment of a service calls it. */
export const SMOKE_TEST_PARAMETER_PREFIX = '/cdk-container-platform/smoke-test/';

/**
 * The parameter path of one platform's settings: two platforms in one stack keep theirs apart. A
 * published platform's (and so an imported one's) is named after the platform, unique in its
 * account and Region, so that importers know it at synth.
 */
export function settingsPrefix(platform: IContainerPlatform): string {
  const context = PlatformContext.of(platform);
  const key = context.published || context.imported ? platform.platformName : Names.uniqueId(platform);
  return `${SMOKE_TEST_PARAMETER_PREFIX}${key}/`;
}

/**
 * The smoke test's protocol (`http`, `https`) for a listener protocol known only at deploy (a
 * load balancer of a platform imported by name publishes `HTTP` or `HTTPS`): a mapping of the
 * stack, looked up by CloudFormation.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-findinmap.html
 */
function smokeTestProtocol(scope: IConstruct, protocol: string): string {
  const stack = Stack.of(scope);
  const id = 'CdkContainerPlatformProtocols';
  const mapping = (stack.node.tryFindChild(id) as CfnMapping | undefined)
    ?? new CfnMapping(stack, id, { mapping: { [elbv2.ApplicationProtocol.HTTP]: { Scheme: 'http' }, [elbv2.ApplicationProtocol.HTTPS]: { Scheme: 'https' } } });
  return mapping.findInMap(protocol, 'Scheme');
}

/** What the smoke test needs of a service: handed over by the service. */
export interface SmokeTestTarget {
  /** The service: the parent of its settings parameter, and where warnings go. */
  readonly scope: Construct;
  readonly platform: IContainerPlatform;
  readonly serviceName: string;
  /** The Application Load Balancer of a service routed by path or host (none for a TCP service). */
  readonly sharedLoadBalancer?: ISharedLoadBalancer;
  readonly routing: Routing;
  /** The path the load balancer checks with HTTP (none for a TCP service checked with TCP). */
  readonly healthCheckPath?: string;
  /** The platform's Network Load Balancer, for a TCP service (`Routing.tcp`). */
  readonly networkLoadBalancer?: NetworkLoadBalancerReach;
}

/** What the smoke test needs of the platform's Network Load Balancer: its name, its security group, and a rule admitting the smoke tests. */
export interface NetworkLoadBalancerReach {
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  readonly securityGroup: ec2.ISecurityGroup;
  /** Admits `peer` on `port` through the load balancer's security group, counting its rules against AWS's quota. */
  admit(by: Construct, peer: ec2.IPeer, port: number, description: string): void;
}

/**
 * The built-in AfterAllowTestTraffic hook of the platform's blue/green deployments: one
 * function in the VPC that requests the deploying service through its load balancer's test
 * listener (at the load balancer's private addresses, so that it works for internet-facing
 * and internal load balancers alike) and fails the deployment on a bad answer. Each service's
 * path, host and expected answer are in an SSM parameter named after the service, so that
 * the platform needs one function and one security-group rule per load balancer, whatever
 * the number of services. A TCP service's test listener on the Network Load Balancer has a port
 * of its own, opened to the function alone, which connects there.
 *
 * Made by the platform, once, with its first blue/green service (`service.smokeTest`, `SmokeTest.of(platform)`).
 */
export class SmokeTest extends Construct {
  /**
   * The platform's smoke test, created with its first blue/green service (with the platform,
   * when it is published); for a platform imported by name, the published smoke test.
   */
  public static of(platform: IContainerPlatform): SmokeTest {
    const context = PlatformContext.of(platform);
    return context.singleton(context.imported ? SmokeTest.IMPORTED : SmokeTest.SINGLETON);
  }

  /** The platform's one smoke test. */
  private static readonly SINGLETON = new PlatformSingleton(['SmokeTest'], (platform) => new SmokeTest(platform, 'SmokeTest', platform));
  /** The published smoke test of the platform a platform imports by name. */
  private static readonly IMPORTED = new PlatformSingleton(['SmokeTest'], (platform) => new SmokeTest(platform, 'SmokeTest', platform, true));

  /** The function that CodeDeploy or ECS runs after test traffic reaches green. */
  public readonly function: lambda.IFunction;
  private readonly group: () => ec2.ISecurityGroup;
  /** Where the function reads each service's settings: `<prefix><service name>` (a token for an imported platform). */
  private readonly prefix: string;
  private readonly reached = new Set<ISharedLoadBalancer>();
  private codeDeployAllowed = false;

  private constructor(scope: Construct, id: string, private readonly platform: IContainerPlatform, imported = false) {
    super(scope, id);
    const parts = PlatformContext.of(platform).imported;
    if (imported && parts) {
      // The platform that publishes it reaches every load balancer it has and may report on every
      // deployment group of its application: nothing is added for a platform importing it.
      this.function = functionOfOwnAccount(this, 'Function', parts.smokeTestFunctionArn);
      let group: ec2.ISecurityGroup | undefined;
      this.group = () => (group ??= ec2.SecurityGroup.fromSecurityGroupId(this, 'SecurityGroup', parts.smokeTestSecurityGroupId, { mutable: false }));
      this.prefix = settingsPrefix(platform);
      this.codeDeployAllowed = true;
      for (const lb of platform.loadBalancers) this.reached.add(lb);
      return;
    }
    this.prefix = settingsPrefix(platform);
    const stack = Stack.of(platform);
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: platform.vpc,
      description: fit(`Smoke tests of ${platform.node.path}`, 255),
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'to the CodeDeploy, EC2 and SSM APIs');
    this.group = () => securityGroup;

    const logGroup = platformLogGroup(platform, this, 'Logs');
    const fn = new lambda.Function(this, 'Function', {
      role: functionRole(this, 'Role', logGroup, true),
      description: fit(`Smoke tests of the blue/green deployments of ${platform.node.path}`, 256),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(handlerAsset('smoke-test')),
      timeout: Duration.seconds(SMOKE_TEST_TIMING.functionTimeoutSeconds),
      memorySize: 256,
      vpc: platform.vpc,
      vpcSubnets: platform.serviceSubnets,
      securityGroups: [securityGroup],
      logGroup,
      environment: { PARAMETER_PREFIX: this.prefix },
    });
    this.function = fn;
    fn.addToRolePolicy(new iam.PolicyStatement({
      // DescribeNetworkInterfaces supports no resource-level permissions.
      actions: ['ec2:DescribeNetworkInterfaces'],
      resources: ['*'],
    }));
    // An ECS hook on a service that runs no task passes (smoke-test.lambda.ts, nothingToTest).
    fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ecs:DescribeServices'],
      resources: [stack.formatArn({ service: 'ecs', resource: 'service', resourceName: `${platform.cluster.clusterName}/*` })],
    }));
    fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ssm:GetParameter'],
      resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: `${this.prefix.slice(1)}*` })],
    }));
    acknowledgeFunction(fn);
    PlatformContext.of(platform).watchLoadBalancers((lb) => this._reach(lb));
  }

  /** The function's security group: it reaches the test listeners of the platform's load balancers and the AWS APIs on 443. */
  public get securityGroup(): ec2.ISecurityGroup {
    return this.group();
  }

  /** @internal lets the smoke test reach a load balancer's test listener. */
  public _reach(lb: ISharedLoadBalancer): void {
    if (this.reached.has(lb)) return;
    this.reached.add(lb);
    this.securityGroup.addEgressRule(lb.securityGroup, ec2.Port.tcp(lb.testListenerPort), `to the test listener of ${lb.node.id}`);
    lb.securityGroup.addIngressRule(this.securityGroup, ec2.Port.tcp(lb.testListenerPort), 'smoke tests');
  }

  /** @internal lets the function read CodeDeploy deployments of the platform's services and report on them. */
  public _allowCodeDeploy(application: codedeploy.IEcsApplication): void {
    if (this.codeDeployAllowed) return;
    this.codeDeployAllowed = true;
    const stack = Stack.of(this);
    this.function.addToRolePolicy(new iam.PolicyStatement({
      actions: ['codedeploy:GetDeployment'],
      resources: [stack.formatArn({
        service: 'codedeploy',
        resource: 'deploymentgroup',
        resourceName: `${application.applicationName}/${this.platform.platformName}-*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
    }));
    // The Service Authorization Reference lists no resource type for
    // PutLifecycleEventHookExecutionStatus, so only "*" allows it. CodeDeploy's permissions
    // reference names a deployment group ARN; an AWS engineer reported that page wrong for the
    // same kind of action (StopDeployment, awsdocs/aws-codedeploy-user-guide#18). The platform
    // follows the Service Authorization Reference, from which AWS evaluates the policy.
    // @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodedeploy.html
    this.function.addToRolePolicy(new iam.PolicyStatement({
      actions: ['codedeploy:PutLifecycleEventHookExecutionStatus'],
      resources: ['*'],
    }));
  }

  /**
   * @internal the SSM parameter with what the smoke test requests of one service and what it
   * accepts (created in the service's scope).
   */
  public _settingsFor(svc: SmokeTestTarget, options: SmokeTestOptions): ssm.StringParameter {
    const settings = svc.routing.tcpPort !== undefined ? this.networkSettings(svc, options) : this.applicationSettings(svc, options);
    return new ssm.StringParameter(svc.scope, 'SmokeTestSettings', {
      parameterName: `${this.prefix}${svc.serviceName}`,
      description: fit(`What the smoke test of ${svc.serviceName} requests through the test listener and accepts`, 1024),
      stringValue: Stack.of(svc.scope).toJsonString(settings),
    });
  }

  /**
   * A TCP service's settings: the test listener of the platform's Network Load Balancer, which
   * admits the smoke test's security group on that port and nothing else (the service's clients
   * have the production port; the test listener reaches green before production does, so it
   * stays closed to them). With an HTTP health-check path, a GET there (HTTPS with tls, without
   * checking the certificate: the test connects by address); otherwise a connection (a TLS
   * handshake with tls) must open.
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html
   */
  private networkSettings(svc: SmokeTestTarget, options: SmokeTestOptions): Record<string, unknown> {
    const nlb = svc.networkLoadBalancer;
    const testPort = svc.routing.tcpOptions?.testPort;
    if (!nlb || testPort === undefined) throw new Error('cdk-container-platform: the smoke test of a TCP service needs its Network Load Balancer and test port');
    const rule = `${svc.scope.node.id} test listener`;
    this.securityGroup.addEgressRule(nlb.securityGroup, ec2.Port.tcp(testPort), `to the ${rule} (TCP ${testPort})`);
    nlb.admit(svc.scope, this.securityGroup, testPort, `smoke tests of ${svc.scope.node.id} (TCP ${testPort})`);
    const tls = svc.routing.tcpOptions?.tls !== undefined;
    const httpPath = svc.routing.tcpOptions?.httpHealthCheckPath;
    return {
      loadBalancerName: nlb.loadBalancer.loadBalancerFullName,
      port: testPort,
      protocol: httpPath !== undefined ? (tls ? 'https' : 'http') : (tls ? 'tls' : 'tcp'),
      host: '',
      path: httpPath !== undefined ? (options.path ?? httpPath) : '',
      expectedStatus: options.expectedStatusCodes ?? [],
      attempts: options.attempts ?? DEFAULTS.smokeTestAttempts,
    };
  }

  /** A service's settings on its Application Load Balancer's test listener. */
  private applicationSettings(svc: SmokeTestTarget, options: SmokeTestOptions): Record<string, unknown> {
    const lb = svc.sharedLoadBalancer;
    if (!lb || svc.healthCheckPath === undefined) throw new Error('cdk-container-platform: the smoke test of an HTTP service needs its load balancer and health-check path');
    this._reach(lb);
    const fallback = defaultSmokeTestPath(svc.routing, svc.healthCheckPath);
    if (options.path === undefined && !fallback.isHealthCheckPath) {
      new Problems(svc.scope).warn('smoke-test-path',
        `The smoke test requests ${fallback.path} (a path of the routing ${svc.routing.paths.join(', ')}) because the health-check path ${svc.healthCheckPath} ` +
        'is outside the routing: the test listener would answer it with the platform\'s 404. Deployments fail unless the service answers 2xx or 3xx there; ' +
        'set the deployment\'s smokeTest.path to a path of the route that the service is sure to answer, or put the health check under the route.');
    }
    return {
      loadBalancerName: lb.loadBalancerFullName,
      port: lb.testListenerPort,
      protocol: Token.isUnresolved(lb.protocol) ? smokeTestProtocol(svc.scope, lb.protocol) : lb.protocol === elbv2.ApplicationProtocol.HTTPS ? 'https' : 'http',
      host: svc.routing.hosts[0]?.replace(/^\*\./, 'smoke.').replace(/[*?]/g, 'x') ?? '',
      path: options.path ?? fallback.path,
      // Empty: any 2xx or 3xx, what the target group's health check accepts.
      expectedStatus: options.expectedStatusCodes ?? [],
      attempts: options.attempts ?? DEFAULTS.smokeTestAttempts,
    };
  }
}
