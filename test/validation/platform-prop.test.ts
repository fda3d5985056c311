import { Duration, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { EventTask, EventTrigger, IContainerPlatform, Microservice, PlatformAlerts, PlatformDashboard, PlatformErrors, QueueWorker, Routing, ScheduledJob } from '../../lib';
import { errorOf, newPlatform } from '../util';
import { IMAGE, messageOf } from './helpers';

/**
 * Every construct that takes a `platform` refuses one that is missing or lacks members of the
 * IContainerPlatform contract, with the library's message and before reading any of it; and
 * accepts any construct that implements the contract.
 */

type Build = (stack: Stack, platform: IContainerPlatform) => Construct;

const container = { image: IMAGE };
const builders: Array<[string, Build]> = [
  ['Microservice', (stack, platform) => new Microservice(stack, 'Part', { platform, routing: Routing.path('/orders/*'), container })],
  ['QueueWorker', (stack, platform) => new QueueWorker(stack, 'Part', { platform, container })],
  ['ScheduledJob', (stack, platform) => new ScheduledJob(stack, 'Part', { platform, container, schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)) })],
  ['EventTask', (stack, platform) => new EventTask(stack, 'Part', { platform, container, trigger: EventTrigger.s3ObjectCreated(new s3.Bucket(stack, 'Uploads')) })],
  ['PlatformAlerts', (stack, platform) => new PlatformAlerts(stack, 'Part', { platform })],
  ['PlatformDashboard', (stack, platform) => new PlatformDashboard(stack, 'Part', { platform })],
];

const ALLOWED = 'allowed: an IContainerPlatform, such as a ContainerPlatform. Fix: pass the platform made with `new ContainerPlatform(...)`.';

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

  test('refuses an object that lacks members of the contract', () => {
    // GIVEN a construct with some of a platform's members only
    const { stack, platform } = newPlatform();
    const partial = new Construct(stack, 'Partial');
    Object.assign(partial, { vpc: platform.vpc, cluster: platform.cluster });
    // WHEN the construct is given it
    const message = errorOf(() => build(stack, partial as unknown as IContainerPlatform));
    // THEN it is refused by path, naming what is missing
    expect(message).toBe(messageOf('Test/Part', ['platform: received "Test/Partial"; allowed: an IContainerPlatform, such as a ContainerPlatform '
      + '(this one has no platformName, serviceSubnets, defaultLoadBalancer, loadBalancers, encryptionKey, alarmTopic, accessLogsBucket). '
      + 'Fix: pass the platform made with `new ContainerPlatform(...)`.']));
  });

  test('accepts another implementation of the contract: a construct with its public members', () => {
    // GIVEN a real platform, and another construct that implements the contract with its members
    const { stack, platform } = newPlatform();
    const other = new Construct(stack, 'Other');
    Object.assign(other, { platformName: 'Other', vpc: platform.vpc, cluster: platform.cluster, serviceSubnets: platform.serviceSubnets,
      defaultLoadBalancer: platform.addLoadBalancer('ForOther'), loadBalancers: [], encryptionKey: platform.encryptionKey,
      alarmTopic: platform.alarmTopic, accessLogsBucket: platform.accessLogsBucket, removalPolicy: platform.removalPolicy });
    Object.assign(other, { loadBalancers: [(other as unknown as IContainerPlatform).defaultLoadBalancer] });
    // WHEN the construct is built on it
    // THEN it is built: nothing below the platform needs more than the contract
    expect(build(stack, other as unknown as IContainerPlatform).node.path).toBe('Test/Part');
  });

  test('accepts a ContainerPlatform', () => {
    // GIVEN a platform
    const { stack, platform } = newPlatform();
    // WHEN the construct is built on it
    // THEN it is built (so the refusals above are about the platform, not the other props)
    expect(build(stack, platform).node.path).toBe('Test/Part');
  });
});
