import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ContainerPlatform, ContainerPlatformProps, Microservice, Routing, ServiceOptions } from '../../lib';
import { errorOf, newPlatform, templateOf } from '../util';

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

/** A platform with one service 'Orders' (routed to /orders/* unless `options.routing` says otherwise), synthesized. */
export function serviceTemplate(options: Partial<ServiceOptions> = {}, platformProps: ContainerPlatformProps = {}, id = 'Orders'): SynthesizedService {
  const { stack, platform } = newPlatform(platformProps);
  const service = platform.addService(id, { routing: ORDERS_ROUTE, ...options });
  return { stack, platform, service, template: templateOf(stack) };
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

/** The logical ID of the only resource of `type` whose logical ID starts with `prefix`. */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}
