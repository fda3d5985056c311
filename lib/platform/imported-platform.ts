import { CfnParameter, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PlatformContext } from '../foundation/platform-context';
import type { IContainerPlatform, ISharedLoadBalancer } from '../foundation/platform-contract';
import { Problems } from '../private/errors';
import { functionOfOwnAccount } from '../private/functions';
import { shortDigest } from '../private/hash';
import { checkKnownKeys } from '../private/known-keys';
import { publicationPrefix } from '../private/naming';
import { deployedStack } from '../private/stacks';
import type { ContainerPlatformImportOptions } from './options';
import { loadBalancerKey, PUBLISHED, PUBLISHED_LOAD_BALANCER } from './publication';
import { validateImport } from './validate-import';

/**
 * The type of a CloudFormation parameter whose value CloudFormation reads from SSM Parameter
 * Store when it creates or updates the stack (the parameter's default is the SSM name): a
 * String, or a StringList as a list. A name that does not exist fails the operation with
 * "Unable to fetch parameters [<name>] from parameter store for this account".
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html
 */
const SSM_STRING = 'AWS::SSM::Parameter::Value<String>';
const SSM_LIST = 'AWS::SSM::Parameter::Value<List<String>>';

/** `vpc-id` -> `VpcId`. */
function pascal(text: string): string {
  return text.split(/[^A-Za-z0-9]+/).filter((w) => w).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** A value made on first use: an import makes the parameters its workloads read, and no others (CloudFormation warns of unused parameters). */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** One load balancer of a platform imported by name; its values are read on first use. */
class ImportedLoadBalancer extends Construct implements ISharedLoadBalancer {
  private readonly made: {
    readonly loadBalancer: () => elbv2.IApplicationLoadBalancer;
    readonly securityGroup: () => ec2.ISecurityGroup;
    readonly productionListener: () => elbv2.IApplicationListener;
    readonly testListener: () => elbv2.IApplicationListener;
    readonly protocol: () => string;
    readonly productionPort: () => number;
    readonly testListenerPort: () => number;
  };

  constructor(scope: Construct, id: string, vpc: ec2.IVpc, value: (key: string, what: string) => string) {
    super(scope, id);
    const k = PUBLISHED_LOAD_BALANCER;
    const arn = once(() => value(k.arn, 'ARN'));
    const securityGroup = once(() => ec2.SecurityGroup.fromSecurityGroupId(this, 'SecurityGroup', value(k.securityGroupId, 'security group'), { mutable: false }));
    const productionPort = once(() => Token.asNumber(value(k.productionPort, 'production port')));
    const testListenerPort = once(() => Token.asNumber(value(k.testListenerPort, 'test listener port')));
    const listener = (listenerId: string, key: string, what: string) => once(() => elbv2.ApplicationListener.fromApplicationListenerAttributes(this, listenerId,
      { listenerArn: value(key, what), securityGroup: securityGroup() }));
    this.made = {
      loadBalancer: once(() => elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(this, 'Resource', {
        loadBalancerArn: arn(),
        securityGroupId: securityGroup().securityGroupId,
        vpc,
      })),
      securityGroup,
      productionListener: listener('ProductionListener', k.productionListenerArn, 'production listener'),
      testListener: listener('TestListener', k.testListenerArn, 'test listener'),
      protocol: once(() => value(k.protocol, 'protocol')),
      productionPort,
      testListenerPort,
    };
    this.arn = arn;
  }

  private readonly arn: () => string;

  public get loadBalancer(): elbv2.IApplicationLoadBalancer {
    return this.made.loadBalancer();
  }

  /**
   * The full name from the ARN: arn:<partition>:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>
   * names the load balancer app/<name>/<id> in its CloudWatch metrics.
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
   */
  public get loadBalancerFullName(): string {
    const parts = Fn.split('/', this.arn());
    return Fn.join('/', [Fn.select(1, parts), Fn.select(2, parts), Fn.select(3, parts)]);
  }

  public get securityGroup(): ec2.ISecurityGroup {
    return this.made.securityGroup();
  }

  public get productionListener(): elbv2.IApplicationListener {
    return this.made.productionListener();
  }

  public get testListener(): elbv2.IApplicationListener {
    return this.made.testListener();
  }

  public get protocol(): elbv2.ApplicationProtocol {
    return this.made.protocol() as elbv2.ApplicationProtocol;
  }

  public get productionPort(): number {
    return this.made.productionPort();
  }

  public get testListenerPort(): number {
    return this.made.testListenerPort();
  }
}

/**
 * A platform published under a name (`publish: true`) and imported by it in another stack
 * (`ContainerPlatform.fromName`): the contract's members as references whose values are
 * CloudFormation parameters of SSM types in the importing stack, each made when a workload first
 * reads it, and the platform's parts (provider, deployed-state function, smoke test, CodeDeploy
 * application, claims function) as references too. Its workloads' roles get the platform's IAM
 * path, and every workload claims its name, rule priority and route on the platform at deploy.
 */
export class ImportedPlatform extends Construct implements IContainerPlatform {
  /** @internal a platform imported by name (`ContainerPlatform.fromName`) */
  public static _create(scope: Construct, id: string, platformName: string, options: ContainerPlatformImportOptions): ImportedPlatform {
    return new ImportedPlatform(scope, id, platformName, options);
  }

  public readonly platformName: string;
  public readonly vpc: ec2.IVpc;
  public readonly cluster: ecs.ICluster;
  public readonly serviceSubnets: ec2.SubnetSelection;
  public readonly defaultLoadBalancer: ISharedLoadBalancer;
  public readonly loadBalancers: ISharedLoadBalancer[];
  public readonly removalPolicy = RemovalPolicy.RETAIN;
  private readonly made: { readonly key: () => kms.IKey; readonly topic: () => sns.ITopic; readonly bucket: () => s3.IBucket };

  private constructor(scope: Construct, id: string, platformName: string, options: ContainerPlatformImportOptions) {
    super(scope, id);
    const stack = Stack.of(this);
    const built = Token.isUnresolved(platformName) ? undefined : PlatformContext.builtInApp(this, stack.account, stack.region, platformName);
    const p = new Problems(this);
    checkKnownKeys(p, options, 'ContainerPlatformImportOptions');
    validateImport(p, this, platformName, options, built);
    p.throwIfAny();
    this.platformName = platformName;
    // In the app that builds the platform, its stack is deployed first.
    if (built) deployedStack(this).addStackDependency(deployedStack(built.platform));

    const value = (key: string, what: string) => this.parameter(key, SSM_STRING, what).valueAsString;

    // The subnets are a list of unknown length until deploy: the import's one "subnet" stands for
    // the whole list, which CloudFormation resolves wherever the subnets are used; the zones are
    // the Region's (Fn::GetAZs), which nothing of the platform reads.
    this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: value(PUBLISHED.vpcId, 'VPC'),
      availabilityZones: Fn.getAzs(),
      privateSubnetIds: this.parameter(PUBLISHED.serviceSubnets, SSM_LIST, 'service subnets').valueAsList,
    });
    const why = 'The platform imported by name publishes its subnets as an SSM StringList parameter, which CloudFormation resolves at deploy: '
      + 'the platform uses the whole list wherever the subnets are needed, never one subnet by index or zone, and never a route table.';
    for (const key of ['availabilityZones', 'privateSubnetIds']) new Problems(this.vpc).acknowledgeWarning(`@aws-cdk/aws-ec2:vpcAttributeIsListToken${key}`, why);
    for (const subnet of this.vpc.privateSubnets) new Problems(subnet).acknowledgeWarning('@aws-cdk/aws-ec2:noSubnetRouteTableId', why);
    this.serviceSubnets = { subnets: this.vpc.privateSubnets };

    // A published platform's cluster and CodeDeploy application are named after it.
    this.cluster = ecs.Cluster.fromClusterAttributes(this, 'Cluster', {
      clusterName: platformName,
      clusterArn: stack.formatArn({ service: 'ecs', resource: 'cluster', resourceName: platformName }),
      vpc: this.vpc,
      securityGroups: [],
    });
    this.made = {
      key: once(() => kms.Key.fromKeyArn(this, 'Key', value(PUBLISHED.encryptionKeyArn, 'key'))),
      topic: once(() => sns.Topic.fromTopicArn(this, 'AlarmTopic', value(PUBLISHED.alarmTopicArn, 'alarm topic'))),
      bucket: once(() => s3.Bucket.fromBucketName(this, 'AccessLogs', value(PUBLISHED.accessLogsBucketName, 'access-log bucket'))),
    };

    const count = options.loadBalancers ?? 1;
    this.loadBalancers = Array.from({ length: count }, (_, i) => new ImportedLoadBalancer(this, i === 0 ? 'LoadBalancer' : `LoadBalancer${i + 1}`, this.vpc,
      (key, what) => value(loadBalancerKey(i, key), `${what} of load balancer ${i}`)));
    this.defaultLoadBalancer = this.loadBalancers[0];

    const fn = (fnId: string, key: string, what: string) => once(() => functionOfOwnAccount(this, fnId, value(key, what)));
    const parts = {
      serviceToken: once(() => value(PUBLISHED.serviceToken, 'service provider')),
      stateFunction: fn('ServiceStateFunction', PUBLISHED.stateFunctionArn, 'deployed-state function'),
      smokeTestFunctionArn: once(() => value(PUBLISHED.smokeTestFunctionArn, 'smoke-test function')),
      smokeTestSecurityGroupId: once(() => value(PUBLISHED.smokeTestSecurityGroupId, 'smoke-test security group')),
      application: once(() => codedeploy.EcsApplication.fromEcsApplicationName(this, 'DeploymentApplication', platformName)),
      claimsServiceToken: once(() => value(PUBLISHED.claimsFunctionArn, 'claims function')),
    };
    PlatformContext.register(this, {
      imported: {
        get serviceToken() { return parts.serviceToken(); },
        get stateFunction() { return parts.stateFunction(); },
        get smokeTestFunctionArn() { return parts.smokeTestFunctionArn(); },
        get smokeTestSecurityGroupId() { return parts.smokeTestSecurityGroupId(); },
        get application() { return parts.application(); },
        get claimsServiceToken() { return parts.claimsServiceToken(); },
      },
    });
  }

  public get encryptionKey(): kms.IKey {
    return this.made.key();
  }

  public get alarmTopic(): sns.ITopic {
    return this.made.topic();
  }

  public get accessLogsBucket(): s3.IBucket {
    return this.made.bucket();
  }

  /**
   * The stack's parameter that CloudFormation reads from the platform's SSM parameter `key`,
   * made once per stack and parameter.
   */
  private parameter(key: string, type: string, what: string): CfnParameter {
    const name = `${publicationPrefix(this.platformName)}${key}`;
    const stack = Stack.of(this);
    const id = `Platform${pascal(this.platformName)}${pascal(key)}${shortDigest(name, 6).toUpperCase()}`;
    return (stack.node.tryFindChild(id) as CfnParameter | undefined) ?? new CfnParameter(stack, id, {
      type,
      default: name,
      description: `The ${what} of the platform '${this.platformName}', published in SSM Parameter Store as ${name} (ContainerPlatform.fromName)`,
    });
  }
}
