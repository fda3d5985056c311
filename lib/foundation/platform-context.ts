import { Stack, Token } from 'aws-cdk-lib';
import type * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { IConstruct } from 'constructs';
import { Problems } from '../private/errors';
import { LoadBalancerRoom } from './load-balancer-room';
import { NetworkLoadBalancerRoom } from './network-room';
import type { IContainerPlatform, ISharedLoadBalancer } from './platform-contract';
import type { PlatformDns } from './platform-dns';
import { addQueueEndpoint } from './platform-resources';

/**
 * A part of which a platform has at most one, made on first use (the smoke test, the CodeDeploy
 * application, the deployed-state function, the service provider). The module that owns the
 * part declares its key with the construct IDs the part takes in the platform; the platform's
 * context holds the instance by that key, and no workload may take those IDs, whether the part
 * exists yet or not.
 */
export class PlatformSingleton<T extends IConstruct> {
  private static readonly declared: Array<PlatformSingleton<IConstruct>> = [];

  /** The child IDs of the platform that every singleton declared so far reserves, sorted. */
  public static get reservedIds(): string[] {
    return [...new Set(PlatformSingleton.declared.flatMap((s) => s.childIds))].sort();
  }

  /**
   * @param childIds the construct IDs `create` gives its children of the platform (a public contract)
   * @param create makes the part in the platform
   */
  constructor(public readonly childIds: string[], public readonly create: (platform: IContainerPlatform) => T) {
    PlatformSingleton.declared.push(this);
  }
}

/**
 * What a platform imported by name (`ContainerPlatform.fromName`) takes from the platform's
 * publication instead of making it: references to the platform's own parts, which its services
 * use as the platform's own services use the parts themselves.
 */
export interface ImportedParts {
  /** The service token of the platform's service provider. */
  readonly serviceToken: string;
  /** The platform's deployed-state function. */
  readonly stateFunction: lambda.IFunction;
  /** The ARN of the platform's smoke-test function. */
  readonly smokeTestFunctionArn: string;
  /** The smoke-test function's security group. */
  readonly smokeTestSecurityGroupId: string;
  /** The platform's CodeDeploy application. */
  readonly application: codedeploy.IEcsApplication;
  /** The service token of the platform's claims function (Custom::PlatformClaims). */
  readonly claimsServiceToken: string;
}

/** What the implementation of a platform tells its context that the contract does not show. */
export interface PlatformSettings {
  /**
   * Whether the platform's tasks reach AWS through VPC endpoints only (no NAT gateways).
   * @default false
   */
  readonly isolated?: boolean;
  /**
   * The certificate and alias records of the platform's domain.
   * @default - no domain
   */
  readonly dns?: PlatformDns;
  /**
   * Whether the platform publishes itself under its name (`publish: true`): its services claim
   * their names, priorities and routes at deploy, and its CodeDeploy application is named after it.
   * @default false
   */
  readonly published?: boolean;
  /**
   * The parts of the platform this one imports by name.
   * @default - the platform makes its own parts
   */
  readonly imported?: ImportedParts;
  /**
   * Whether the platform's load balancers, the Network Load Balancer of its TCP services
   * included, have deletion protection.
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/** The platforms of one app, and the workload names claimed under each platform name. */
interface AppPlatforms {
  readonly contexts: Map<IConstruct, PlatformContext>;
  /** By `<account>/<region>/<platform name>`: workload ID to the workload that claimed it. */
  readonly names: Map<string, Map<string, IConstruct>>;
  /** The rooms of load balancers of platforms imported by name, by `<account>/<region>/<platform name>/<index>`. */
  readonly importedRooms: Map<string, LoadBalancerRoom>;
}

/** The one home of platform-internal state: per app (the root construct), per platform. */
const APPS = new WeakMap<IConstruct, AppPlatforms>();

function appOf(scope: IConstruct): AppPlatforms {
  const root = scope.node.root;
  let app = APPS.get(root);
  if (!app) {
    app = { contexts: new Map(), names: new Map(), importedRooms: new Map() };
    APPS.set(root, app);
  }
  return app;
}

/**
 * What the parts of one platform share beyond its public contract ({@link IContainerPlatform}):
 * the workloads built on it and the names they claim, its singletons, the Service Connect names
 * and pipeline repositories taken, its load balancers as they are added and what the services
 * take of each (routes, priorities, quotas), and the settings its
 * implementation gives (isolated subnets, a domain). Any implementation of the contract has one,
 * made on first use: `PlatformContext.of(platform)`.
 */
export class PlatformContext {
  /** The context of `platform`, made with the default settings on first use. */
  public static of(platform: IContainerPlatform): PlatformContext {
    const app = appOf(platform);
    let context = app.contexts.get(platform);
    if (!context) {
      context = new PlatformContext(platform, {});
      app.contexts.set(platform, context);
    }
    return context;
  }

  /** Gives a platform being built its context and settings, before any part uses it. */
  public static register(platform: IContainerPlatform, settings: PlatformSettings): PlatformContext {
    const app = appOf(platform);
    if (app.contexts.has(platform)) throw new Error(`cdk-container-platform: ${platform.node.path} has a context already`);
    const context = new PlatformContext(platform, settings);
    app.contexts.set(platform, context);
    return context;
  }

  /** Whether the platform's tasks reach AWS through VPC endpoints only. */
  public readonly isolated: boolean;
  /** The certificate and alias records of the platform's domain, if it has one. */
  public readonly dns?: PlatformDns;
  /** Whether the platform publishes itself under its name. */
  public readonly published: boolean;
  /** The parts of the platform this one imports by name, if it is imported. */
  public readonly imported?: ImportedParts;
  /** Whether the platform's load balancers have deletion protection. */
  public readonly deletionProtection: boolean;
  private claimsToken?: string;

  private readonly workloadList: IConstruct[] = [];
  private readonly singletons = new Map<PlatformSingleton<IConstruct>, IConstruct>();
  private readonly discoveryNames = new Map<string, IConstruct>();
  private readonly pipelineRepositories = new Map<string, IConstruct>();
  private readonly loadBalancerWatchers: Array<(lb: ISharedLoadBalancer) => void> = [];
  private readonly rooms = new Map<ISharedLoadBalancer, LoadBalancerRoom>();
  private readonly networkRooms = new Map<boolean, NetworkLoadBalancerRoom>();

  private constructor(public readonly platform: IContainerPlatform, settings: PlatformSettings) {
    this.isolated = settings.isolated ?? false;
    this.dns = settings.dns;
    this.published = settings.published ?? false;
    this.imported = settings.imported;
    this.deletionProtection = settings.deletionProtection ?? false;
  }

  /**
   * The platform of this app, account and Region published or built under `name`, if there is
   * one: a platform imported by name in the app that builds it shares its routes, priorities and
   * names at synth. Imported platforms are not counted.
   */
  public static builtInApp(scope: IConstruct, account: string, region: string, name: string, publishedOnly = false): PlatformContext | undefined {
    const built = [...appOf(scope).contexts.values()].filter((c) => !c.imported && c.platform.platformName === name
      && Stack.of(c.platform).account === account && Stack.of(c.platform).region === region);
    return built.find((c) => c.published) ?? (publishedOnly ? undefined : built[0]);
  }

  /**
   * The service token of the platform's claims function, when its workloads claim their names,
   * rule priorities and routes at deploy (a published platform, or one imported by name).
   */
  public get claimsServiceToken(): string | undefined {
    return this.imported?.claimsServiceToken ?? this.claimsToken;
  }

  /** Makes the workloads of a published platform claim at deploy, through the given claims function. */
  public enableClaims(serviceToken: string): void {
    this.claimsToken = serviceToken;
  }

  /** The workloads built on the platform, in the order they were built. */
  public get workloads(): IConstruct[] {
    return [...this.workloadList];
  }

  /**
   * Claims the name of a workload (`<platform name>-<id>` names its resources) for `owner`:
   * records a problem when another workload named after the same platform name has the ID, or
   * when the workload is a child of the platform with an ID a singleton reserves.
   */
  public claimWorkload(p: Problems, owner: IConstruct, id: string): void {
    const platform = this.platform;
    const reserved = PlatformSingleton.reservedIds;
    if (owner.node.scope === platform && reserved.includes(id)) {
      p.add('id', id, `an ID other than ${reserved.join(', ')} (the platform creates these when a service needs them)`,
        'give each service, worker, job and event task its own ID');
      return;
    }
    const name = platform.platformName;
    const stack = Stack.of(platform);
    const names = appOf(platform).names;
    const key = `${stack.account}/${stack.region}/${name}`;
    const claimed = names.get(key) ?? new Map<string, IConstruct>();
    names.set(key, claimed);
    const other = claimed.get(id);
    if (other && other !== owner) {
      p.add('id', id, `an ID no other workload named after '${name}' uses (${other.node.path} has it; the physical names of a workload are '<platform name>-<id>')`,
        'rename one of the two workloads, or give one of the platforms its own `platformName`');
      return;
    }
    claimed.set(id, owner);
  }

  /** Lists a workload on the platform (dashboards, alerts) once its props passed validation. */
  public addWorkload(workload: IConstruct): void {
    this.workloadList.push(workload);
  }

  /** The platform's one part of a kind, made on first use (its children must be the IDs it declares). */
  public singleton<T extends IConstruct>(key: PlatformSingleton<T>): T {
    let part = this.singletons.get(key) as T | undefined;
    if (part) return part;
    const platform = this.platform;
    const before = new Set(platform.node.children);
    part = key.create(platform);
    const undeclared = platform.node.children.filter((c) => !before.has(c) && !PlatformSingleton.reservedIds.includes(c.node.id));
    if (undeclared.length > 0) {
      throw new Error(`cdk-container-platform: a singleton made children it does not declare: ${undeclared.map((c) => c.node.id).join(', ')}`);
    }
    this.singletons.set(key, part);
    return part;
  }

  /** Calls `watch` for each of the platform's load balancers, now and as they are added. */
  public watchLoadBalancers(watch: (lb: ISharedLoadBalancer) => void): void {
    this.loadBalancerWatchers.push(watch);
    for (const lb of this.platform.loadBalancers) watch(lb);
  }

  /**
   * What the platform's services take of one of its load balancers: routes, priorities, quotas.
   * An imported platform shares the room of the same load balancer with the platform it imports
   * when the app builds that platform, and with the other imports of the same platform otherwise.
   */
  public roomOf(lb: ISharedLoadBalancer): LoadBalancerRoom {
    if (this.imported) return this.importedRoom(lb);
    let room = this.rooms.get(lb);
    if (!room) {
      room = new LoadBalancerRoom(lb);
      this.rooms.set(lb, room);
    }
    return room;
  }

  private importedRoom(lb: ISharedLoadBalancer): LoadBalancerRoom {
    const index = this.platform.loadBalancers.indexOf(lb);
    const stack = Stack.of(this.platform);
    const name = this.platform.platformName;
    const built = PlatformContext.builtInApp(this.platform, stack.account, stack.region, name);
    const twin = built?.platform.loadBalancers[index];
    if (built && twin) return built.roomOf(twin);
    const rooms = appOf(this.platform).importedRooms;
    const key = `${stack.account}/${stack.region}/${name}/${index}`;
    let room = rooms.get(key);
    if (!room) {
      room = new LoadBalancerRoom(lb);
      rooms.set(key, room);
    }
    return room;
  }

  /** What the platform's TCP services take of its internal or internet-facing Network Load Balancer: listener ports, quotas. */
  public roomOfNetworkLoadBalancer(internetFacing: boolean): NetworkLoadBalancerRoom {
    let room = this.networkRooms.get(internetFacing);
    if (!room) {
      room = new NetworkLoadBalancerRoom(this.platform, internetFacing);
      this.networkRooms.set(internetFacing, room);
    }
    return room;
  }

  /** Tells the watchers that the platform has a new load balancer. */
  public loadBalancerAdded(lb: ISharedLoadBalancer): void {
    for (const watch of this.loadBalancerWatchers) watch(lb);
  }

  /** Lets a queue worker's tasks reach SQS: in isolated subnets, through an endpoint. */
  public reachQueues(): void {
    if (this.isolated) addQueueEndpoint(this.platform.vpc);
  }

  /** The cluster's Service Connect namespace, created for the first service that joins. */
  public serviceConnectNamespace(): void {
    const platform = this.platform;
    const cluster = platform.cluster;
    if (cluster.defaultCloudMapNamespace) return;
    if (!(cluster instanceof ecs.Cluster)) {
      const p = new Problems(platform);
      p.add('cluster', cluster.node.path, 'a cluster with a default Cloud Map namespace for Service Connect',
        'give the cluster a default namespace, or turn serviceConnect off');
      p.throwIfAny();
      return;
    }
    cluster.addDefaultCloudMapNamespace({
      name: `${platform.node.id}.${Stack.of(platform).stackName}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-'),
      type: servicediscovery.NamespaceType.HTTP,
      useForServiceConnect: true,
    });
  }

  /** Records that `owner` joins Service Connect as `name`; returns the earlier owner of the name, if any. */
  public claimDiscoveryName(name: string, owner: IConstruct): IConstruct | undefined {
    const earlier = this.discoveryNames.get(name);
    if (!earlier) this.discoveryNames.set(name, owner);
    return earlier;
  }

  /** Records that `owner`'s pipeline pushes to `repository`; returns the earlier owner, if any. */
  public claimRepository(repository: ecr.IRepository, owner: IConstruct): IConstruct | undefined {
    const key = Token.isUnresolved(repository.repositoryName) ? repository.node.path : repository.repositoryName;
    const earlier = this.pipelineRepositories.get(key);
    if (!earlier) this.pipelineRepositories.set(key, owner);
    return earlier;
  }
}
