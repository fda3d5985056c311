import { Duration, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { EventTask, EventTrigger, IContainerPlatform, Microservice, PlatformAlerts, PlatformDashboard, PlatformErrors, QueueWorker, Routing, ScheduledJob } from '../../lib';
import { errorOf, newPlatform } from '../util';
import { IMAGE, messageOf } from './helpers';

/**
 * Every construct that takes a `platform` refuses one that is missing or is not a
 * ContainerPlatform (an object with the contract's public members only, as a user of another
 * language could write), with the library's message and before reading any of it.
 */

type Build = (stack: Stack, platform: IContainerPlatform) => Construct;

const container = { image: IMAGE };
const builders: Array<[string, Build]> = [
  ['Microservice', (stack, platform) => new Microservice(stack, 'Part', { platform, routing: Routing.path('/orders/*'), container })],
  ['QueueWorker', (stack, platform) => new QueueWorker(stack, 'Part', { platform, container })],
  ['ScheduledJob', (stack, platform) => new ScheduledJob(stack, 'Part', { platform, container, schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)) })],
  ['EventTask', (stack, platform) => new EventTask(stack, 'Part', { platform, container, trigger: EventTrigger.s3ObjectCreated(new s3.Bucket(stack, 'Uploads')) })],
  ['PlatformAlerts', (stack, platform) => new PlatformAlerts(stack, 'Part', { platform })],
  ['PlatformDashboard', (stack, platform) => new PlatformDashboard(stack, 'Part', { platform: platform as never })],
];

const ALLOWED = 'allowed: a ContainerPlatform (the only implementation of IContainerPlatform). Fix: pass the platform made with `new ContainerPlatform(...)`.';

describe.each(builders)('%s', (_name, build) => {
  test('refuses a missing platform', () => {
    // GIVEN a stack without a platform
    const stack = new Stack();
    // WHEN the construct is built without one (as JavaScript lets a caller do)
    let error: unknown;
    try {
      build(stack, undefined as never);
    } catch (e) {
      error = e;
    }
    // THEN it fails with the library's error, naming the prop
    expect(PlatformErrors.isValidationError(error)).toBe(true);
    expect((error as Error).message).toBe(messageOf('Default/Part', [`platform: received undefined; ${ALLOWED}`]));
  });

  test('refuses an object with the public members of a platform', () => {
    // GIVEN a real platform, and a look-alike with its public members but not its internals
    const { stack, platform } = newPlatform();
    const lookAlike = new Construct(stack, 'LookAlike');
    Object.assign(lookAlike, { vpc: platform.vpc, cluster: platform.cluster, serviceSubnets: platform.serviceSubnets,
      defaultLoadBalancer: platform.defaultLoadBalancer, loadBalancers: platform.loadBalancers, encryptionKey: platform.encryptionKey,
      alarmTopic: platform.alarmTopic, accessLogsBucket: platform.accessLogsBucket, removalPolicy: platform.removalPolicy });
    // WHEN the construct is given the look-alike
    const message = errorOf(() => build(stack, lookAlike as unknown as IContainerPlatform));
    // THEN it is refused by path
    expect(message).toBe(messageOf('Test/Part', [`platform: received "Test/LookAlike"; ${ALLOWED}`]));
  });

  test('accepts a ContainerPlatform', () => {
    // GIVEN a platform
    const { stack, platform } = newPlatform();
    // WHEN the construct is built on it
    // THEN it is built (so the refusals above are about the platform, not the other props)
    expect(build(stack, platform).node.path).toBe('Test/Part');
  });
});
