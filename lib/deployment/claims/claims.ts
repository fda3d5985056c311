import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { PlatformContext, PlatformSingleton } from '../../foundation/platform-context';
import type { IContainerPlatform, ISharedLoadBalancer } from '../../foundation/platform-contract';
import { platformLogGroup } from '../../foundation/platform-resources';
import { Routing } from '../../foundation/routing';
import { handlerAsset } from '../../private/assets';
import { acknowledgeAll } from '../../private/compliance';
import { DEFAULTS } from '../../private/defaults';
import { acknowledgeFunction, functionRole } from '../../private/function-role';
import { shortDigest } from '../../private/hash';
import { publicationPrefix } from '../../private/naming';
import { deployedStack } from '../../private/stacks';

/** Where a platform's claims live in SSM Parameter Store: `<publication prefix>claims/`. */
export function claimsPrefix(platformName: string): string {
  return `${publicationPrefix(platformName)}claims/`;
}

/** One thing a workload claims on its platform at deploy. */
export interface PlaceClaim {
  /** Unique on the platform: `name/<workload name>`, `priority/<load balancer>/<priority>`, `route/<load balancer>/<digest>`. */
  readonly key: string;
  /** What is claimed, in words, for the message of a conflict. */
  readonly what: string;
  /** How to resolve a conflict. */
  readonly fix: string;
}

/** The claim of a workload's name (`<platform name>-<id>`), which its ECS service, task family and alarms carry. */
export function nameClaim(workloadName: string): PlaceClaim {
  return { key: `name/${workloadName}`, what: `the workload name ${workloadName}`, fix: 'give one of the two workloads another ID' };
}

/** The claims of a service's rule priority and route on one load balancer of its platform (by its index). */
export function routeClaims(platform: IContainerPlatform, lb: ISharedLoadBalancer, routing: Routing, priority: number): PlaceClaim[] {
  const index = platform.loadBalancers.indexOf(lb);
  const hosts = [...routing.hosts].map((h) => h.toLowerCase()).sort();
  const paths = [...routing.paths].sort();
  const route = [paths.length > 0 ? `paths ${paths.join(' ')}` : '', hosts.length > 0 ? `hosts ${hosts.join(' ')}` : ''].filter((x) => x).join(' and ');
  return [
    {
      key: `priority/${index}/${priority}`,
      what: `the listener-rule priority ${priority} on load balancer ${index}`,
      fix: 'set Routing.rule({ ..., priority }) to another free number on one of the two services',
    },
    {
      key: `route/${index}/${shortDigest(JSON.stringify([hosts, paths]), 16)}`,
      what: `the route ${route} on load balancer ${index}`,
      fix: 'give one of the two services another path or host',
    },
  ];
}

/** The workload that claims, as the messages name it: its root stack's name and its path below that stack. */
function ownerOf(scope: IConstruct): string {
  const stack = deployedStack(scope);
  const below = scope.node.path.slice(stack.node.path.length + 1);
  return `${stack.stackName}/${below}`;
}

/**
 * The `Custom::PlatformClaims` resource of a workload of a published platform, or of a platform
 * imported by name: its name, rule priorities and routes, claimed at deploy before what uses
 * them (`dependents`), released when the workload goes. Nothing for a platform that is neither
 * (its workloads are checked at synth only, against those of the same app).
 */
export function claimPlaces(scope: Construct, platform: IContainerPlatform, claims: PlaceClaim[], dependents: IConstruct[]): CustomResource | undefined {
  const serviceToken = PlatformContext.of(platform).claimsServiceToken;
  if (!serviceToken) return undefined;
  const resource = new CustomResource(scope, 'Claims', {
    serviceToken,
    resourceType: 'Custom::PlatformClaims',
    serviceTimeout: DEFAULTS.customResourceTimeout,
    properties: {
      Platform: platform.platformName,
      Prefix: claimsPrefix(platform.platformName),
      Owner: ownerOf(scope),
      Claims: claims.map((c) => ({ Key: c.key, What: c.what, Fix: c.fix })),
    },
  });
  for (const d of dependents) d.node.addDependency(resource);
  return resource;
}

/** The platform's one claims function, made when it is published. */
const CLAIMS_FUNCTION = new PlatformSingleton(['ClaimsFunction', 'ClaimsFunctionLogs', 'ClaimsFunctionRole'], (platform) => {
  const logGroup = platformLogGroup(platform, platform, 'ClaimsFunctionLogs');
  const fn = new lambda.Function(platform, 'ClaimsFunction', {
    role: functionRole(platform, 'ClaimsFunctionRole', logGroup, false),
    description: 'cdk-container-platform: claims the names, rule priorities and routes of the workloads of the platform, in any app',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(handlerAsset('claims')),
    timeout: Duration.minutes(2),
    memorySize: 256,
    logGroup,
  });
  // Its claims only: parameters under the platform's claims prefix.
  // @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html (parameter resource type)
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameter'],
    resources: [Stack.of(platform).formatArn({ service: 'ssm', resource: 'parameter', resourceName: `${claimsPrefix(platform.platformName).slice(1)}*` })],
  }));
  acknowledgeFunction(fn);
  acknowledgeAll(fn, ['NIST.800.53.R5-LambdaInsideVPC', 'lambda_inside_vpc_check'],
    'It calls only the SSM API; outside a VPC it needs no NAT gateway or endpoints.');
  return fn;
});

/** The claims function of a platform, made on first use (by its publication). */
export function claimsFunction(platform: IContainerPlatform): lambda.Function {
  return PlatformContext.of(platform).singleton(CLAIMS_FUNCTION);
}
