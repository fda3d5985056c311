import { CfnOutput, Duration, Lazy, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeAll, acknowledgeVpcCidrIngress, admitsAnyAddress } from '../private/compliance';
import { DEFAULTS } from '../private/defaults';
import { fit } from '../private/text';
import { PLATFORM_NOT_FOUND_BODY } from './not-found';
import type { ISharedLoadBalancer } from './platform-contract';

/** The settings a platform gives each of its load balancers. */
export interface SharedLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly internetFacing: boolean;
  /** Subnets of the load balancer. */
  readonly subnets: ec2.SubnetSelection;
  readonly protocol: elbv2.ApplicationProtocol;
  /**
   * @default - none (HTTP)
   */
  readonly certificate?: acm.ICertificate;
  /**
   * @default elbv2.SslPolicy.TLS13_12_RES_PQ
   */
  readonly sslPolicy?: elbv2.SslPolicy;
  readonly allowedCidrs: string[];
  readonly testListenerPort: number;
  readonly testListenerAllowedCidrs: string[];
  readonly accessLogsBucket: s3.IBucket;
  /**
   * @default - no web ACL
   */
  readonly webAclArn?: string;
  readonly deletionProtection: boolean;
}

/**
 * One Application Load Balancer that several services share: a production listener, a test
 * listener for blue/green, a 404 default, access logs. The platform counts the target groups,
 * rules and targets its services use against the load balancer's quotas, so that a full one
 * fails at synth.
 */
export class SharedLoadBalancer extends Construct implements ISharedLoadBalancer {
  /** The Application Load Balancer (an `elbv2.ApplicationLoadBalancer`). */
  public readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** The load balancer's security group: open outbound, inbound on its listeners from the allowed CIDR blocks. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The listener that serves production traffic (an `elbv2.ApplicationListener`). */
  public readonly productionListener: elbv2.IApplicationListener;
  /** The listener that blue/green deployments send test traffic to (an `elbv2.ApplicationListener`). */
  public readonly testListener: elbv2.IApplicationListener;
  private readonly alb: elbv2.ApplicationLoadBalancer;
  /** The protocol of both listeners. */
  public readonly protocol: elbv2.ApplicationProtocol;
  /** The port of the production listener: 443 with HTTPS, 80 with HTTP. */
  public readonly productionPort: number;
  /** The port of the test listener. */
  public readonly testListenerPort: number;
  /** The load balancer's full name (`app/<name>/<id>`), the dimension of its CloudWatch metrics. */
  public get loadBalancerFullName(): string {
    return this.alb.loadBalancerFullName;
  }

  /** The services routed through this load balancer, in the order they were added. */
  public readonly serviceNames: string[] = [];


  /** @internal a load balancer of a platform, with the platform's settings (`platform.addLoadBalancer`) */
  public static _create(scope: Construct, id: string, props: SharedLoadBalancerProps): SharedLoadBalancer {
    return new SharedLoadBalancer(scope, id, props);
  }

  private constructor(scope: Construct, id: string, props: SharedLoadBalancerProps) {
    super(scope, id);
    const https = props.protocol === elbv2.ApplicationProtocol.HTTPS;
    this.protocol = props.protocol;
    this.productionPort = https ? DEFAULTS.httpsPort : DEFAULTS.httpPort;
    this.testListenerPort = props.testListenerPort;

    // Outbound is open: a load balancer only connects to its registered targets, and a rule per
    // service would exhaust the 60 rules a security group holds. Each service's own security
    // group admits the load balancer on its container port only.
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: fit(`Load balancer ${this.node.path}`, 255),
      allowAllOutbound: true,
    });
    const alb = new elbv2.ApplicationLoadBalancer(this, 'Resource', {
      vpc: props.vpc,
      internetFacing: props.internetFacing,
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection,
      idleTimeout: Duration.seconds(DEFAULTS.idleTimeoutSeconds),
      vpcSubnets: props.subnets,
    });
    // One prefix for every load balancer: the log file names carry the load balancer, and the
    // bucket policy keeps a single statement however many load balancers there are.
    this.alb = alb;
    this.loadBalancer = alb;
    alb.logAccessLogs(props.accessLogsBucket, 'alb');
    if (props.webAclArn) {
      new wafv2.CfnWebACLAssociation(this, 'WebAcl', { resourceArn: this.loadBalancer.loadBalancerArn, webAclArn: props.webAclArn });
    } else {
      acknowledge(this.loadBalancer, 'NIST.800.53.R5-ALBWAFEnabled', 'No web ACL was given (webAclArn); WAF rules are specific to each application and billed per rule.');
    }
    if (!props.deletionProtection) {
      acknowledgeAll(this.loadBalancer, ['NIST.800.53.R5-ELBDeletionProtectionEnabled', 'elbv2_deletion_protection_enabled_check'],
        'The load balancer holds no data and is recreated by the stack; protection would block cdk destroy. Opt in with deletionProtection: true.');
    }

    const notFound = elbv2.ListenerAction.fixedResponse(404, {
      contentType: 'text/plain',
      messageBody: PLATFORM_NOT_FOUND_BODY,
    });
    const certificates = props.certificate ? [elbv2.ListenerCertificate.fromCertificateManager(props.certificate)] : undefined;
    const sslPolicy = https ? (props.sslPolicy ?? elbv2.SslPolicy.TLS13_12_RES_PQ) : undefined;
    const listener = (listenerId: string, port: number) => this.loadBalancer.addListener(listenerId, {
      protocol: props.protocol, port, certificates, sslPolicy, open: false, defaultAction: notFound,
    });
    this.productionListener = listener('ProductionListener', this.productionPort);
    this.testListener = listener('TestListener', props.testListenerPort);

    for (const cidr of props.allowedCidrs) this.allowIngress(cidr, this.productionPort, 'production listener');
    if (https) {
      const redirect = this.loadBalancer.addListener('HttpRedirectListener', {
        protocol: elbv2.ApplicationProtocol.HTTP,
        port: DEFAULTS.httpPort,
        open: false,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: String(DEFAULTS.httpsPort), permanent: true }),
      });
      acknowledge(redirect, 'NIST.800.53.R5-ELBv2ACMCertificateRequired',
        'This listener only answers with a permanent redirect to HTTPS on 443, whose listener has the certificate; it serves no content.');
      for (const cidr of props.allowedCidrs) this.allowIngress(cidr, DEFAULTS.httpPort, 'redirect to HTTPS');
    } else {
      for (const l of [this.productionListener, this.testListener]) {
        acknowledgeAll(l, ['NIST.800.53.R5-ALBHttpToHttpsRedirection', 'NIST.800.53.R5-ELBv2ACMCertificateRequired', 'alb_http_to_https_redirection_check'],
          'No certificate was given, so the platform serves HTTP; pass `certificate` for HTTPS with a redirect from port 80.');
      }
    }
    for (const cidr of props.testListenerAllowedCidrs) this.allowIngress(cidr, props.testListenerPort, 'test listener');
    if (props.allowedCidrs.some((c) => isVpcCidr(props.vpc, c))) acknowledgeVpcCidrIngress(this.securityGroup, 'The load balancer');
    if (admitsAnyAddress(props.allowedCidrs)) {
      acknowledge(this.securityGroup, 'AwsSolutions-EC23',
        'The production listener of an internet-facing load balancer is public by design; restrict it with allowedCidrs.');
    }
    new CfnOutput(this, 'DnsName', {
      value: this.loadBalancer.loadBalancerDnsName,
      description: Lazy.string({ produce: () => `Load balancer ${this.node.path}; services: ${this.serviceNames.join(', ') || 'none'}` }),
    });
  }

  private allowIngress(cidr: string, port: number, what: string): void {
    const peer = cidr.includes(':') ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr);
    this.securityGroup.addIngressRule(peer, ec2.Port.tcp(port), `${what} from ${cidr}`);
  }
}

/** Whether `cidr` is the VPC's own CIDR block, a reference (an imported VPC may have none: it is not then). */
function isVpcCidr(vpc: ec2.IVpc, cidr: string): boolean {
  if (!Token.isUnresolved(cidr)) return false;
  try {
    return cidr === vpc.vpcCidrBlock;
  } catch {
    return false;
  }
}
