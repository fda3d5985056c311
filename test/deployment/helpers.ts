import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { ContainerPlatform, ContainerPlatformProps, Microservice, Routing, ServiceOptions } from '../../lib';
import { newPlatform, templateOf } from '../util';

/** A resource of a synthesized template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DependsOn?: string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/**
 * Platform props that keep every service in the platform's own stack, so that one template
 * holds the service and the platform resources it references. (`nestedServiceStacks` is set
 * through a cast so that these helpers compile whether or not the prop exists.)
 */
export function flatProps(props: ContainerPlatformProps = {}): ContainerPlatformProps {
  const flat: Record<string, unknown> = { nestedServiceStacks: false, ...props };
  return flat as ContainerPlatformProps;
}

/** A platform whose services stay in its stack (see {@link flatProps}). */
export function flatPlatform(props: ContainerPlatformProps = {}): { stack: Stack; platform: ContainerPlatform } {
  return newPlatform(flatProps(props));
}

/** A platform with one service `Orders` on `/orders/*`, plus the synthesized template. */
export interface ServiceFixture {
  readonly stack: Stack;
  readonly platform: ContainerPlatform;
  readonly service: Microservice;
  readonly template: Template;
}

/**
 * Synthesizes a platform with one service named `id` (routing defaults to `/orders/*`).
 * `options` may be a function of the stack, to create hook functions or secrets in it.
 */
export function serviceFixture(
  options: Partial<ServiceOptions> | ((stack: Stack) => Partial<ServiceOptions>) = {},
  id = 'Orders',
  platformProps: ContainerPlatformProps = {},
): ServiceFixture {
  const { stack, platform } = flatPlatform(platformProps);
  const resolved = typeof options === 'function' ? options(stack) : options;
  const service = platform.addService(id, { routing: Routing.path('/orders/*'), ...resolved });
  return { stack, platform, service, template: templateOf(Stack.of(service)) };
}

/** Every resource of `type`, by logical ID. */
export function resourcesOfType(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/** The one resource of `type` whose logical ID starts with `prefix` (fails on none or several). */
export function resource(template: Template, type: string, prefix = ''): { id: string; resource: CfnResource } {
  const matches = Object.entries(resourcesOfType(template, type)).filter(([id]) => id.startsWith(prefix));
  if (matches.length !== 1) {
    throw new Error(`expected one ${type} whose logical ID starts with '${prefix}', found ${matches.map(([id]) => id).join(', ') || 'none'}`);
  }
  return { id: matches[0][0], resource: matches[0][1] };
}

/** The logical ID of the one resource of `type` whose logical ID starts with `prefix`. */
export function logicalId(template: Template, type: string, prefix = ''): string {
  return resource(template, type, prefix).id;
}

/**
 * A template value as one string: `Ref`s become `{Logical}`, `Fn::GetAtt`s `{Logical.Attr}`,
 * `Fn::Join`s are joined. Lets tests parse values that mix text and references.
 */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const o = value as Record<string, any>;
  if (o.Ref) return `{${o.Ref}}`;
  if (o['Fn::GetAtt']) return `{${o['Fn::GetAtt'].join('.')}}`;
  if (o['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(flatten).join(o['Fn::Join'][0]);
  return JSON.stringify(value);
}

/** Parses a YAML document such as an appspec. */
export function parseYaml(text: string): any {
  return parse(text);
}

/** The parsed BuildSpec of a CodeBuild project. */
export function buildSpecOf(project: CfnResource): any {
  return JSON.parse(project.Properties!.Source.BuildSpec);
}

/** One environment variable of a CodeBuild project (its `Value`, unresolved). */
export function buildEnv(project: CfnResource, name: string): unknown {
  const variable = (project.Properties!.Environment.EnvironmentVariables as any[]).find((v) => v.Name === name);
  if (!variable) throw new Error(`no environment variable ${name}`);
  return variable.Value;
}

/** An identity-policy statement with the logical ID of the policy or role it is in. */
export interface OwnedStatement {
  readonly owner: string;
  readonly statement: Record<string, any>;
}

/** Every statement of every AWS::IAM::Policy and of every role's inline policies. */
export function identityStatements(template: Template): OwnedStatement[] {
  const out: OwnedStatement[] = [];
  for (const [id, r] of Object.entries(resourcesOfType(template, 'AWS::IAM::Policy'))) {
    for (const statement of r.Properties!.PolicyDocument.Statement) out.push({ owner: id, statement });
  }
  for (const [id, r] of Object.entries(resourcesOfType(template, 'AWS::IAM::Role'))) {
    for (const policy of r.Properties!.Policies ?? []) {
      for (const statement of policy.PolicyDocument.Statement) out.push({ owner: id, statement });
    }
  }
  return out;
}

/** The statements of the policies attached to `roleLogicalId`. */
export function statementsOfRole(template: Template, roleLogicalId: string): Record<string, any>[] {
  return Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties!.Roles as any[]).some((r) => r.Ref === roleLogicalId))
    .flatMap((p) => p.Properties!.PolicyDocument.Statement);
}

/** The actions of a statement as a list. */
export function actionsOf(statement: Record<string, any>): string[] {
  return [statement.Action ?? []].flat();
}

/** A Lambda function to use as a deployment hook. */
export function hookFunction(scope: Construct, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
}

/** The logical ID of the security group of the (one) load balancer. */
export function loadBalancerSecurityGroupId(template: Template): string {
  const lb = Object.values(resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer'));
  if (lb.length !== 1) throw new Error(`expected one load balancer, found ${lb.length}`);
  return lb[0].Properties!.SecurityGroups[0]['Fn::GetAtt'][0];
}

/** The logical ID of the listener on `port`. */
export function listenerId(template: Template, port: number): string {
  const ids = Object.entries(resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::Listener'))
    .filter(([, r]) => r.Properties!.Port === port).map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one listener on port ${port}, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}

/**
 * The platform provider's one statement for passing roles: every role under the platform's
 * role path (task and execution roles, and the roles ECS assumes for a service), to ECS tasks
 * and to ECS, for all its services at once.
 */
export function passPlatformRoles(platformName = 'Test', region = 'eu-west-1'): Record<string, unknown> {
  return {
    Effect: 'Allow',
    Action: 'iam:PassRole',
    Resource: `arn:aws:iam::111111111111:role/cdk-container-platform/${platformName}/${region}/*`,
    Condition: { StringEquals: { 'iam:PassedToService': ['ecs-tasks.amazonaws.com', 'ecs.amazonaws.com'] } },
  };
}
