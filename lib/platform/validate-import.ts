import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { PlatformContext } from '../foundation/platform-context';
import { Problems } from '../private/errors';
import { NAME_LIMITS } from '../private/name-limits';
import { deployedStack } from '../private/stacks';
import type { ContainerPlatformImportOptions } from './options';

/**
 * The most load balancers an import takes: Elastic Load Balancing allows 50 Application Load
 * Balancers per Region by default.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 */
export const MAX_IMPORTED_LOAD_BALANCERS = 50;

/**
 * Checks an import by name: a name a platform can publish under, known at synth; a number of load
 * balancers; and, when this app builds the platform in the same account and Region (`built`),
 * that it publishes, has that many load balancers and is deployed by another stack (a stack's
 * SSM-typed parameters resolve before its own resources exist).
 */
export function validateImport(p: Problems, scope: IConstruct, name: string, options: ContainerPlatformImportOptions,
  built: PlatformContext | undefined): void {
  const max = NAME_LIMITS.publishedPlatformName.max;
  if (Token.isUnresolved(name)) {
    p.add('platformName', name, 'a name known at synth (it names the SSM parameters the import reads)', "pass the platform's name as a literal, such as 'shop'");
  } else {
    p.require(/^[A-Za-z][A-Za-z0-9-]*$/.test(name) && name.length <= max, 'platformName', name,
      `the name of a published platform: letters, digits and hyphens, starting with a letter, at most ${max} characters`,
      "pass the platformName the platform is published under, such as 'shop'");
  }
  p.intRange('loadBalancers', options.loadBalancers, 1, MAX_IMPORTED_LOAD_BALANCERS, 'import at least the first load balancer, and no more than the platform has');
  if (!built) return;
  const platform = built.platform;
  p.require(built.published, 'platformName', name,
    `a published platform (${platform.node.path} of this app is named '${name}' but does not publish)`,
    `set publish: true on ${platform.node.path}`);
  p.require(deployedStack(platform) !== deployedStack(scope), 'scope', scope.node.path,
    `a stack other than the platform's own (${deployedStack(platform).stackName}): CloudFormation resolves a stack's SSM-typed parameters before it creates the stack's resources`,
    'use the platform itself in its own stack, and import it in the others');
  const wanted = options.loadBalancers ?? 1;
  if (!Token.isUnresolved(wanted)) {
    p.require(platform.loadBalancers.length >= wanted, 'loadBalancers', wanted,
      `at most the ${platform.loadBalancers.length} load balancer(s) ${platform.node.path} has`, 'import fewer, or add them to the platform with addLoadBalancer');
  }
}
