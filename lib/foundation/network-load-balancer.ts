import { CfnOutput, Lazy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { acknowledgeAll } from '../private/compliance';
import { inboundRulesWarning, INBOUND_RULES_PER_SECURITY_GROUP } from '../private/constants';
import { Problems } from '../private/errors';
import { fit } from '../private/text';
import { PlatformContext, PlatformSingleton } from './platform-context';
import type { IContainerPlatform } from './platform-contract';

/**
 * One of the platform's two Network Load Balancers, each made with the first TCP service that
 * uses it: the internal one (`NetworkLoadBalancer`, in the service subnets) or the
 * internet-facing one (`PublicNetworkLoadBalancer`, in the public subnets). Cross-zone, with a
 * security group of its own and access logs in the platform's bucket. Each TCP service adds its
 * own listener and target group to one of them.
 */
export class PlatformNetworkLoadBalancer extends Construct {
  /** The platform's internal or internet-facing Network Load Balancer, made with the first TCP service on it. */
  public static of(platform: IContainerPlatform, internetFacing = false): PlatformNetworkLoadBalancer {
    return PlatformContext.of(platform).singleton(internetFacing ? PUBLIC : INTERNAL);
  }

  /** The Network Load Balancer. */
  public readonly loadBalancer: elbv2.NetworkLoadBalancer;
  /** Its security group: inbound on each TCP service's listener port from that service's allowed CIDR blocks. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The TCP services on the load balancer, in the order they were added. */
  public readonly serviceNames: string[] = [];

  private constructor(platform: IContainerPlatform, id: string, public readonly internetFacing: boolean) {
    super(platform, id);
    const context = PlatformContext.of(platform);
    // A Network Load Balancer gets security groups at creation only; with one, the tasks admit
    // the load balancer's group rather than client addresses (client IP preservation is off
    // by default for IP targets over TCP and TLS, so the tasks see the load balancer's address).
    // @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html
    // @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: platform.vpc,
      description: fit(`Network load balancer ${this.node.path}`, 255),
      allowAllOutbound: true,
    });
    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'Resource', {
      vpc: platform.vpc,
      internetFacing,
      vpcSubnets: internetFacing ? { subnetType: ec2.SubnetType.PUBLIC } : platform.serviceSubnets,
      securityGroups: [this.securityGroup],
      // Off by default on a Network Load Balancer: each zone's node then sends only to the
      // targets of its own zone, so with fewer tasks than zones, or uneven zones, the load would
      // split by zone rather than by task.
      // @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html#cross-zone-load-balancing
      crossZoneEnabled: true,
      deletionProtection: context.deletionProtection,
    });
    // Network Load Balancers log TLS connections only; the attribute is on for every one, as the
    // compliance rules ask. @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-access-logs.html
    this.loadBalancer.logAccessLogs(platform.accessLogsBucket, internetFacing ? 'nlb-public' : 'nlb');
    if (!context.deletionProtection) {
      acknowledgeAll(this.loadBalancer, ['NIST.800.53.R5-ELBDeletionProtectionEnabled', 'elbv2_deletion_protection_enabled_check'],
        'The load balancer holds no data and is recreated by the stack; protection would block cdk destroy. Opt in with deletionProtection: true.');
    }
    new CfnOutput(this, 'DnsName', {
      value: this.loadBalancer.loadBalancerDnsName,
      description: Lazy.string({ produce: () => `${internetFacing ? 'Internet-facing network' : 'Network'} load balancer ${this.node.path}; TCP services: ${this.serviceNames.join(', ') || 'none'}` }),
    });
  }

  /** The inbound rules of the security group (aws-cdk-lib writes each once), by what each admits on which port. */
  private readonly inbound = new Set<string>();

  /**
   * Admits `peer` on `port` through the load balancer's security group, for the construct `by`
   * (a TCP service's listener, or the smoke tests of one), counting the group's inbound rules.
   * Every rule counts in IPv4: a block is IPv4 (`Routing.tcp` refuses IPv6 ones), and a rule that
   * names a security group is counted in both versions (the quota page does not say which), so
   * no IPv6 count can pass the IPv4 one. The first rule past the 60 that AWS allows by default
   * warns on `by` (`load-balancer-rules`): CloudFormation would fail to add it unless the
   * account's quota was raised.
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
   */
  public admit(by: Construct, peer: ec2.IPeer, port: number, description: string): void {
    this.securityGroup.addIngressRule(peer, ec2.Port.tcp(port), description);
    const key = `${peer.uniqueId} ${port}`;
    if (this.inbound.has(key)) return;
    this.inbound.add(key);
    if (this.inbound.size !== INBOUND_RULES_PER_SECURITY_GROUP + 1) return;
    new Problems(by).warn('load-balancer-rules', inboundRulesWarning(`the security group of ${this.node.path}`, this.inbound.size,
      'one for each allowed block of each TCP service\'s listener, and one for the smoke tests of each blue/green TCP service',
      'List fewer, wider blocks in Routing.tcp(port, { allowedCidrs })'));
  }

  /** @internal made by the singletons */
  public static _make(platform: IContainerPlatform, internetFacing: boolean): PlatformNetworkLoadBalancer {
    return new PlatformNetworkLoadBalancer(platform, internetFacing ? 'PublicNetworkLoadBalancer' : 'NetworkLoadBalancer', internetFacing);
  }
}

const INTERNAL = new PlatformSingleton(['NetworkLoadBalancer'], (platform) => PlatformNetworkLoadBalancer._make(platform, false));
const PUBLIC = new PlatformSingleton(['PublicNetworkLoadBalancer'], (platform) => PlatformNetworkLoadBalancer._make(platform, true));

