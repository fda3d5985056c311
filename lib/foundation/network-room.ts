import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IConstruct } from 'constructs';
import { validateCertificateRegion } from '../private/certificate';
import { checkIpv4RuleBlock } from '../private/cidr';
import type { Problems } from '../private/errors';
import { REQUIRED } from '../private/known-keys';
import type { IContainerPlatform } from './platform-contract';
import type { Routing } from './routing';

/**
 * Quotas of one Network Load Balancer: "Listeners per Network Load Balancer | 50 | No", and, with
 * cross-zone load balancing on (as here), at most 500 targets per load balancer whatever the
 * number of zones (a target registered with N target groups counts N times).
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html
 */
export const MAX_LISTENERS_PER_NETWORK_LOAD_BALANCER = 50;
export const MAX_TARGETS_PER_CROSS_ZONE_NETWORK_LOAD_BALANCER = 500;

/** Listener ports: 1 to 65535. @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html */
const MAX_PORT = 65535;

/**
 * What the TCP services of a platform take of its Network Load Balancer: one listener port each,
 * and targets against its quotas; recorded before the load balancer exists.
 */
export class NetworkLoadBalancerRoom {
  private readonly ports = new Map<number, IConstruct>();
  private targets = 0;
  /** How messages name the load balancer. */
  private readonly name: string;

  constructor(platform: IContainerPlatform, internetFacing: boolean) {
    this.name = `the platform's ${internetFacing ? 'internet-facing' : 'internal'} Network Load Balancer (${platform.node.path})`;
  }

  /**
   * Claims the service's listener ports (its port, and the test listener's of a blue/green
   * deployment) and targets; records the problems in `p` under `prop`.
   */
  public reserve(p: Problems, owner: IConstruct, prop: string, routing: Routing, maxTargets: number): void {
    const wanted: Array<[string, number]> = [[`${prop}.port`, routing.tcpPort!]];
    const testPort = routing.tcpOptions?.testPort;
    if (testPort !== undefined) wanted.push([`${prop}.testPort`, testPort]);
    const example = testPort === undefined ? 'Routing.tcp(5432)' : 'Routing.tcp(5432, { testPort: 15432 })';
    for (const [key, port] of wanted) {
      if (Token.isUnresolved(port)) {
        p.add(key, '(a token)', 'a port known at synth (the platform gives each listener of a Network Load Balancer its own port, and checks they differ)',
          `write the port as a number, such as ${example}`);
        return;
      }
    }
    const ports = wanted.map(([, port]) => port);
    let taken = false;
    for (const [key, port] of wanted) {
      const other = this.ports.get(port);
      if (!other) continue;
      taken = true;
      p.add(key, port, `a port no other listener of ${this.name} has (${other.node.path} listens on ${port}; a Network Load Balancer has one listener per port)`,
        'give one of the services another Routing.tcp port or testPort (the container port may stay the same)');
    }
    if (taken) return;
    const need: string[] = [];
    if (this.ports.size + ports.length > MAX_LISTENERS_PER_NETWORK_LOAD_BALANCER) {
      need.push(`${ports.length === 1 ? 'a listener' : `${ports.length} listeners (production and test)`}: it has ${this.ports.size} of the `
        + `${MAX_LISTENERS_PER_NETWORK_LOAD_BALANCER} listeners a Network Load Balancer holds (not adjustable)`);
    }
    const countable = !Token.isUnresolved(maxTargets);
    if (countable && this.targets + maxTargets > MAX_TARGETS_PER_CROSS_ZONE_NETWORK_LOAD_BALANCER) {
      need.push(`${maxTargets} more targets (scaling.maxTasks at the deployment's maximum percent): it has ${this.targets} of the `
        + `${MAX_TARGETS_PER_CROSS_ZONE_NETWORK_LOAD_BALANCER} targets a cross-zone Network Load Balancer holds`);
    }
    if (need.length > 0) {
      p.add(prop, testPort === undefined ? `Routing.tcp(${routing.tcpPort})` : `Routing.tcp(${routing.tcpPort}, { testPort: ${testPort} })`,
        `room on ${this.name} for ${need.join(' and ')}`,
        `put ${owner.node.id} on another platform, or lower scaling.maxTasks of the TCP services`);
      return;
    }
    for (const port of ports) this.ports.set(port, owner);
    if (countable) this.targets += maxTargets;
  }
}

/**
 * Checks a TCP routing's own options, and that an internet-facing one has public subnets to go
 * in; records problems under `prop`.
 */
export function validateTcpRouting(p: Problems, prop: string, routing: Routing, platform: IContainerPlatform): void {
  const port = routing.tcpPort!;
  const o = routing.tcpOptions ?? {};
  if (o.internetFacing === true) validatePublicSubnets(p, `${prop}.internetFacing`, platform.vpc);
  p.intRange(`${prop}.port`, port, 1, MAX_PORT, 'use the port clients connect to, from 1 to 65535, such as Routing.tcp(5432)');
  if (o.testPort !== undefined && !Token.isUnresolved(o.testPort)) {
    p.intRange(`${prop}.testPort`, o.testPort, 1, MAX_PORT, 'use a free port of the load balancer from 1 to 65535, such as Routing.tcp(5432, { testPort: 15432 })');
    if (!Token.isUnresolved(port)) {
      p.require(o.testPort !== port, `${prop}.testPort`, o.testPort, `a port other than the service's port ${port} (the test and the production listener are two listeners)`,
        'choose another test port, such as Routing.tcp(5432, { testPort: 15432 })');
    }
  }
  if (o.tls !== undefined) {
    p.require(o.tls !== null && typeof o.tls === 'object' && o.tls.certificate !== undefined && o.tls.certificate !== null,
      `${prop}.tls.certificate`, o.tls?.certificate, REQUIRED['TcpTlsOptions.certificate'].allowed, REQUIRED['TcpTlsOptions.certificate'].fix);
    validateCertificateRegion(p, `${prop}.tls.certificate`, o.tls?.certificate, Stack.of(platform).region);
  }
  if (o.allowedCidrs !== undefined) {
    p.require(o.allowedCidrs.length > 0, `${prop}.allowedCidrs`, o.allowedCidrs, 'at least one CIDR block',
      `leave allowedCidrs out for ${o.internetFacing === true ? 'any IPv4 address' : 'the VPC\'s own CIDR block'}, or list the blocks that may connect`);
    // The platform's Network Load Balancers have the default IP address type, ipv4: "clients can
    // communicate with the Network Load Balancer using IPv4 addresses only, or using both IPv4 and
    // IPv6 addresses (dualstack)", and dualstack needs subnets with IPv6 CIDR blocks. An IPv6 block
    // would open the security group to clients that cannot reach the load balancer at all.
    // @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-ip-address-type.html
    o.allowedCidrs.forEach((cidr, i) => checkIpv4RuleBlock(p, `${prop}.allowedCidrs[${i}]`, cidr, 'the platform\'s Network Load Balancers', {
      allowed: 'an IPv4 CIDR block such as 10.0.0.0/16 (the platform\'s Network Load Balancers have IPv4 addresses only)',
      fix: 'write the block with its prefix length, such as 203.0.113.0/24',
    }));
  }
  const path = o.httpHealthCheckPath;
  if (path !== undefined && !Token.isUnresolved(path)) {
    // "The destination for health checks on the targets ... Length Constraints: Minimum length of 1. Maximum length of 1024."
    // @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html (HealthCheckPath)
    p.require(path.startsWith('/') && path.length <= 1024 && !/\s/.test(path), `${prop}.httpHealthCheckPath`, path,
      "a path of at most 1024 characters that starts with '/' and has no spaces", "write it like '/health'");
  }
}

/**
 * An internet-facing Network Load Balancer goes in the VPC's public subnets: "[Network Load
 * Balancers] You can specify subnets from one or more Availability Zones" (unlike an Application
 * Load Balancer, which needs two), so one public subnet is enough.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html
 */
function validatePublicSubnets(p: Problems, prop: string, vpc: ec2.IVpc): void {
  let count = 0;
  try {
    count = vpc.selectSubnets({ subnetType: ec2.SubnetType.PUBLIC }).subnets.length;
  } catch {
    // aws-cdk-lib throws for a VPC without subnets of the type: reported below.
  }
  p.require(count > 0, prop, true, `a platform VPC with public subnets, for the internet-facing Network Load Balancer (${vpc.node.path} has none)`,
    'give the platform a VPC with public subnets, or leave internetFacing out for the internal Network Load Balancer');
}
