import { Stack } from 'aws-cdk-lib';
import { Matcher, MatchResult, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ContainerPlatform, ContainerPlatformProps, Microservice, Routing, ServiceOptions } from '../../lib';
import { errorOf, newPlatform, newStack, templateOf } from '../util';

/** The route most tests give their service. */
export const ORDERS_ROUTE = Routing.path('/orders/*');

/** A public image, for services whose stack owns the image (no bootstrap from ECR). */
export const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27');

export interface SynthesizedService {
  readonly stack: Stack;
  readonly platform: ContainerPlatform;
  readonly service: Microservice;
  readonly template: Template;
}

/** A platform in `stack` (a new one by default) with one service `id` ('Orders', routed to /orders/* unless `options.routing` says otherwise). */
export function newService(options: Partial<ServiceOptions> = {}, platformProps: ContainerPlatformProps = {}, stack: Stack = newStack(), id = 'Orders'):
{ stack: Stack; platform: ContainerPlatform; service: Microservice } {
  const { platform } = newPlatform(platformProps, stack);
  const service = platform.addService(id, { routing: ORDERS_ROUTE, ...options });
  return { stack, platform, service };
}

/** {@link newService}, synthesized. */
export function serviceTemplate(options: Partial<ServiceOptions> = {}, platformProps: ContainerPlatformProps = {}, stack: Stack = newStack(), id = 'Orders'): SynthesizedService {
  const built = newService(options, platformProps, stack, id);
  return { ...built, template: templateOf(built.stack) };
}

/** The message of the error that adding the service 'Orders' (or `id`) with `options` throws. */
export function addServiceError(options: Partial<ServiceOptions>, platformProps: ContainerPlatformProps = {}, id = 'Orders'): string {
  const { platform } = newPlatform(platformProps);
  return errorOf(() => platform.addService(id, { routing: ORDERS_ROUTE, ...options }));
}

/** The Properties of the only resource of `type` (fails when there is not exactly one). */
export function onlyProperties(template: Template, type: string): any {
  const resources = Object.values(template.findResources(type));
  expect(resources).toHaveLength(1);
  return (resources[0] as any).Properties;
}

/**
 * The logical ID of the only resource of `type` whose logical ID contains `name` (services
 * in nested stacks have IDs like `OrdersLogs…`, in the platform's stack `PlatformOrdersLogs…`).
 */
export function logicalIdOf(template: Template, type: string, name: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(name));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/**
 * Where the service's errors come from: its construct path, with or without the nested stack
 * (`Test/Platform/OrdersStack/Orders` or `Test/Platform/Orders`).
 */
export function servicePathHeader(id = 'Orders', count = 1): RegExp {
  return new RegExp(`^\\[Test/Platform/(${id}Stack/)?${id}\\] ${count} invalid props?:\n`);
}

class RefTo extends Matcher {
  public readonly name = 'refTo';
  constructor(private readonly pattern: RegExp, private readonly attribute?: string) {
    super();
  }

  public test(actual: any): MatchResult {
    const result = new MatchResult(actual);
    const getAtt = actual?.['Fn::GetAtt'];
    const target: unknown = actual?.Ref ?? getAtt?.[0];
    const ok = typeof target === 'string' && this.pattern.test(target)
      && (this.attribute === undefined || (getAtt ? getAtt[1] === this.attribute : target.endsWith(this.attribute)));
    if (!ok) {
      result.recordFailure({
        matcher: this,
        path: [],
        message: `Expected a reference to ${this.pattern}${this.attribute ? `.${this.attribute}` : ''} (Ref, Fn::GetAtt or a nested stack's parameter), got ${JSON.stringify(actual)}`,
      });
    }
    return result;
  }
}

/**
 * Matches a reference to the resource whose logical ID contains `name` (optionally its
 * attribute `attribute`): a Ref or Fn::GetAtt in the same stack, or the parameter that a
 * nested stack gets for it (`referencetoTestPlatformKey...Arn`).
 */
export function refTo(name: string, attribute?: string): Matcher {
  return new RefTo(new RegExp(name), attribute);
}
