import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct, IConstruct } from 'constructs';
import { Problems } from '../private/errors';
import type { PlatformDns } from './platform-dns';
import type { SharedLoadBalancer } from './shared-load-balancer';

/**
 * What the parts of a platform (services, workers, jobs, event tasks, pipelines, deployments)
 * are given of it: the shared foundation they run on. The parts depend on this contract instead
 * of the class that composes them, {@link ContainerPlatform}, which is its only implementation:
 * pass a `ContainerPlatform` wherever a prop asks for one.
 */
export interface IContainerPlatform extends IConstruct {
  /** The VPC the platform's tasks and load balancers run in. */
  readonly vpc: ec2.IVpc;
  /** The ECS cluster, with the Fargate and Fargate Spot capacity providers. */
  readonly cluster: ecs.Cluster;
  /** Where the platform's tasks run. */
  readonly serviceSubnets: ec2.SubnetSelection;
  /** The load balancer services use unless they name another. */
  readonly defaultLoadBalancer: SharedLoadBalancer;
  /** Every load balancer of the platform, the first one first. */
  readonly loadBalancers: SharedLoadBalancer[];
  /** The key of the platform's log groups and topics. */
  readonly encryptionKey: kms.IKey;
  /** The topic every alarm of the platform notifies. */
  readonly alarmTopic: sns.ITopic;
  /** The bucket the load balancers' access logs and the buckets' server access logs go to. */
  readonly accessLogsBucket: s3.IBucket;
  /** What happens to the platform's stateful resources when they leave the stack. */
  readonly removalPolicy: RemovalPolicy;

  /** @internal the certificate and alias records of the platform's domain, if it has one */
  readonly _dns?: PlatformDns;
  /** @internal whether the tasks reach AWS through VPC endpoints only (no NAT gateways) */
  readonly _isolated: boolean;
  /** @internal a log group encrypted with the platform's key, with its retention and removal policy */
  _newLogGroup(scope: Construct, id: string, retention?: logs.RetentionDays): logs.LogGroup;
  /** @internal lists a workload of the platform; each registers itself when built */
  _register(workload: IConstruct): void;
  /** @internal the platform's one part of a kind, made on first use */
  _singleton<T extends IConstruct>(key: PlatformSingleton<T>): T;
  /** @internal calls `watch` for each load balancer, now and as they are added */
  _watchLoadBalancers(watch: (lb: SharedLoadBalancer) => void): void;
  /** @internal a queue worker's tasks reach SQS (in isolated subnets, through an endpoint) */
  _reachQueues(): void;
  /** @internal the cluster's Service Connect namespace, created for the first service that joins */
  _serviceConnectNamespace(): void;
  /** @internal records that `owner` joins Service Connect as `name`; returns the earlier owner, if any */
  _claimDiscoveryName(name: string, owner: Construct): Construct | undefined;
  /** @internal records that `owner`'s pipeline pushes to `repository`; returns the earlier owner, if any */
  _claimRepository(repository: ecr.IRepository, owner: Construct): Construct | undefined;
}

/**
 * A part of which a platform has at most one, made on first use (the smoke test, the CodeDeploy
 * application, the deployed-state function, the blue/green service provider). The module that
 * owns the part declares its key; the platform holds the instance by that key, so nobody finds
 * it by a child-id string and the platform does not import the part.
 */
export class PlatformSingleton<T extends IConstruct> {
  /** @param create makes the part in the platform (with its construct ID: a public contract) */
  constructor(public readonly create: (platform: IContainerPlatform) => T) {}
}

/** Marks the contract's one implementation, so that a part can tell it from an object of the same shape. */
const PLATFORM = Symbol.for('cdk-container-platform.ContainerPlatform');

/** @param platform the ContainerPlatform being built */
export function markPlatform(platform: IContainerPlatform): void {
  Object.defineProperty(platform, PLATFORM, { value: true });
}

/**
 * Refuses, at synthesis and before anything reads it, a `platform` prop that is missing or is
 * not a ContainerPlatform (such as an object that merely has its public members).
 */
export function requirePlatform(scope: IConstruct, platform: IContainerPlatform | undefined): void {
  if ((platform as unknown as Record<symbol, unknown> | undefined)?.[PLATFORM] === true) return;
  const p = new Problems(scope);
  p.add('platform', platform === undefined ? undefined : (platform.node?.path ?? typeof platform),
    'a ContainerPlatform (the only implementation of IContainerPlatform)', 'pass the platform made with `new ContainerPlatform(...)`');
  p.throwIfAny();
}
