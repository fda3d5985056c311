import { Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ContainerPlatform, ContainerPlatformProps, Routing, ServiceOptions } from '../../lib';
import { errorOf, newPlatform, newStack } from '../util';

/** A public image, for workloads whose stack owns the image. */
export const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27');

/** Where the errors of service `Orders` (in its nested stack) come from. */
export const ORDERS = 'Test/Platform/OrdersStack/Orders';

/** The whole message that a validation error with these problems has: a header, then one line per problem. */
export function messageOf(path: string, lines: string[]): string {
  const n = lines.length;
  return `[${path}] ${n} invalid prop${n === 1 ? '' : 's'}:\n${lines.map((l) => `  - ${l}`).join('\n')}`;
}

/** The message of adding service `Orders` (routed to /orders/* unless `options` routes it) to a new platform. */
export function serviceError(options: Partial<ServiceOptions> | ((stack: Stack, platform: ContainerPlatform) => Partial<ServiceOptions>),
  platformProps: ContainerPlatformProps = {}): string {
  const { stack, platform } = newPlatform(platformProps);
  const resolved = typeof options === 'function' ? options(stack, platform) : options;
  return errorOf(() => platform.addService('Orders', { routing: Routing.path('/orders/*'), ...resolved }));
}

/** The message of creating a platform `Platform` with `props` (a function of the stack, to import things into it). */
export function platformError(props: ContainerPlatformProps | ((stack: Stack) => ContainerPlatformProps)): string {
  const stack = newStack();
  return errorOf(() => new ContainerPlatform(stack, 'Platform', typeof props === 'function' ? props(stack) : props));
}
