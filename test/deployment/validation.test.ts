import { Duration, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { EXAMPLE_ENV } from '../../examples/env';
import { ContainerPlatform, Deployment, HookEvent, Routing, ServiceOptions, Source, TrafficShift } from '../../lib';
import { errorOf, newApp } from '../util';
import { flatPlatform, hookFunction } from './helpers';

/** Bad delivery input of issue 4 fails at synth with the prop, the value, what is allowed and the fix. */

const HEADER = '[Test/Platform/Orders] 1 invalid prop:\n';

/** The message of adding `Orders` with `options` (routing defaults to `/orders/*`). */
function addError(options: Partial<ServiceOptions> | ((stack: Stack) => Partial<ServiceOptions>)): string {
  const { stack, platform } = flatPlatform();
  const resolved = typeof options === 'function' ? options(stack) : options;
  return errorOf(() => platform.addService('Orders', { routing: Routing.path('/orders/*'), ...resolved }));
}

describe('traffic shift', () => {
  test.each([
    ['canary', 0, TrafficShift.canary(0, Duration.minutes(5))],
    ['canary', 100, TrafficShift.canary(100, Duration.minutes(5))],
    ['linear', 12.5, TrafficShift.linear(12.5, Duration.minutes(1))],
  ])('a %s percentage of %d is refused', (_kind, percent, traffic) => {
    // WHEN
    const message = addError({ deployment: Deployment.blueGreen({ traffic }) });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.traffic.percent: received ${percent}; allowed: an integer from 1 to 99. Fix: shift between 1 and 99 percent per step.`);
  });

  test('an interval of zero is refused', () => {
    // WHEN
    const message = addError({ deployment: Deployment.blueGreen({ traffic: TrafficShift.linear(10, Duration.minutes(0)) }) });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.traffic.interval: received "0 seconds"; allowed: a whole number of minutes, at least 1. Fix: use Duration.minutes(n) with n >= 1.`);
  });

  test('an interval that is not whole minutes is refused', () => {
    // WHEN
    const message = addError({ deployment: Deployment.blueGreen({ traffic: TrafficShift.canary(10, Duration.seconds(90)) }) });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.traffic.interval: received "90 seconds"; allowed: a whole number of minutes, at least 1. Fix: use Duration.minutes(n) with n >= 1.`);
  });

  test('the ECS-native policy is checked the same way', () => {
    // WHEN
    const message = addError({ deployment: Deployment.ecsBlueGreen({ traffic: TrafficShift.canary(0, Duration.minutes(5)) }) });
    // THEN
    expect(message).toContain('  - deployment.traffic.percent: received 0; allowed: an integer from 1 to 99.');
  });

  test('an ECS-native step longer than 24 hours is refused', () => {
    // WHEN
    const message = addError({ deployment: Deployment.ecsBlueGreen({ traffic: TrafficShift.canary(10, Duration.minutes(1441)) }) });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.traffic.interval: received "86460 seconds"; allowed: a whole number of minutes from 1 to 1440. Fix: use Duration.minutes(n) with 1 <= n <= 1440.`);
  });

  test('an ECS-native linear step below 3 percent is refused', () => {
    // WHEN
    const message = addError({ deployment: Deployment.ecsBlueGreen({ traffic: TrafficShift.linear(2, Duration.minutes(5)) }) });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.traffic.percent: received 2; allowed: at least 3 percent per step for the ECS LINEAR strategy. Fix: shift 3 percent or more per step.`);
  });

  test('the bounds 1 and 99 percent are accepted', () => {
    // GIVEN / WHEN / THEN
    const { platform } = flatPlatform();
    expect(() => platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen({ traffic: TrafficShift.canary(1, Duration.minutes(1)) }) })).not.toThrow();
    expect(() => platform.addService('Catalog', { routing: Routing.path('/catalog/*'), deployment: Deployment.blueGreen({ traffic: TrafficShift.linear(99, Duration.minutes(1)) }) })).not.toThrow();
  });
});

describe('termination wait', () => {
  test('beyond CodeDeploy\'s maximum of 2880 minutes is refused', () => {
    // WHEN
    const message = addError({ deployment: Deployment.blueGreen({ terminationWait: Duration.minutes(2881) }) });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.terminationWait: received "172860 seconds"; allowed: whole minutes from 0 to 2880 (CodeDeploy's maximum, 48 hours). Fix: use Duration.minutes(n) within that range.`);
  });

  test('that is not whole minutes is refused', () => {
    // WHEN
    const message = addError({ deployment: Deployment.blueGreen({ terminationWait: Duration.seconds(30) }) });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.terminationWait: received "30 seconds"; allowed: whole minutes from 0 to 2880 (CodeDeploy's maximum, 48 hours). Fix: use Duration.minutes(n) within that range.`);
  });

  test('of the ECS-native policy beyond the 24-hour bake-time maximum is refused', () => {
    // WHEN
    const message = addError({ deployment: Deployment.ecsBlueGreen({ terminationWait: Duration.minutes(1441) }) });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.terminationWait: received "86460 seconds"; allowed: whole minutes from 0 to 1440 (the ECS bake-time maximum, 24 hours). Fix: use Duration.minutes(n) within that range.`);
  });

  test('of exactly 2880 minutes (48 hours) is accepted', () => {
    // GIVEN / WHEN / THEN
    const { platform } = flatPlatform();
    expect(() => platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen({ terminationWait: Duration.hours(48) }) })).not.toThrow();
  });
});

describe('hooks', () => {
  test('an event CodeDeploy does not know is refused', () => {
    // WHEN
    const message = addError((stack) => ({
      deployment: Deployment.blueGreen({
        hooks: [
          { lifecycleEvent: HookEvent.BEFORE_INSTALL, function: hookFunction(stack, 'Good') },
          { lifecycleEvent: 'AfterTraffic' as HookEvent, function: hookFunction(stack, 'Bad') },
        ],
      }),
    }));
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.hooks[1].lifecycleEvent: received "AfterTraffic"; allowed: a value of HookEvent. `
      + 'Fix: use HookEvent.BEFORE_INSTALL, HookEvent.AFTER_INSTALL, HookEvent.AFTER_ALLOW_TEST_TRAFFIC, HookEvent.BEFORE_ALLOW_TRAFFIC, HookEvent.AFTER_ALLOW_TRAFFIC.');
  });
});

describe('a blue/green service without a load balancer', () => {
  test('is refused', () => {
    // GIVEN a service without routing
    const { platform } = flatPlatform();
    // WHEN
    const message = errorOf(() => platform.addService('Orders', { routing: undefined as unknown as Routing, deployment: Deployment.blueGreen() }));
    // THEN
    expect(message).toBe(`${HEADER}  - routing: received undefined; allowed: a Routing: a service sits behind the shared load balancer, which blue/green deployments need for their traffic shift. `
      + 'Fix: add routing: Routing.path(\'/orders/*\'); for a service without a load balancer use a QueueWorker.');
  });
});

describe('manual approval', () => {
  test('with neither emails nor a topic is refused', () => {
    // WHEN
    const message = addError({ deployment: Deployment.blueGreen(), source: Source.codeCommit(), pipeline: { approval: {} } });
    // THEN
    expect(message).toBe(`${HEADER}  - pipeline.approval: received {}; allowed: emails or a topic that tells someone an approval is waiting. Fix: add approval.emails (addresses) or approval.topic (an SNS topic).`);
  });

  test('with an empty list of emails is refused', () => {
    // WHEN
    const message = addError({ deployment: Deployment.blueGreen(), source: Source.codeCommit(), pipeline: { approval: { emails: [] } } });
    // THEN
    expect(message).toContain('  - pipeline.approval: received {"emails":[]}; allowed: emails or a topic that tells someone an approval is waiting.');
  });
});

describe('Service Connect', () => {
  test('with CodeDeploy blue/green is refused', () => {
    // WHEN
    const message = addError({ deployment: Deployment.blueGreen(), serviceConnect: true });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment: received "Deployment.blueGreen()"; allowed: the ECS deployment controller for a service using Service Connect (CodeDeploy cannot deploy it). `
      + 'Fix: use Deployment.ecsBlueGreen() with the same options, or turn serviceConnect off.');
  });

  test('with ECS-native blue/green is accepted', () => {
    // GIVEN / WHEN / THEN
    const { platform } = flatPlatform();
    expect(() => platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.ecsBlueGreen(), serviceConnect: true })).not.toThrow();
  });
});

describe('two pipelines writing the same repository', () => {
  test('are refused', () => {
    // GIVEN one repository for two services with sources
    const { stack, platform } = flatPlatform();
    const repository = ecr.Repository.fromRepositoryName(stack, 'Shared', 'shared-images');
    platform.addService('Catalog', { routing: Routing.path('/catalog/*'), source: Source.codeCommit(), repository: { repository } });
    // WHEN
    const message = errorOf(() => platform.addService('Orders', { routing: Routing.path('/orders/*'), source: Source.codeCommit(), repository: { repository } }));
    // THEN
    expect(message).toBe(`${HEADER}  - repository.repository: received "Test/Shared"; allowed: a repository that no other pipeline of this platform pushes to. `
      + 'Fix: Test/Platform/Catalog already builds into it; give each service with a source its own repository.');
  });

  test('a second service that only runs the shared repository\'s images is accepted', () => {
    // GIVEN
    const { stack, platform } = flatPlatform();
    const repository = ecr.Repository.fromRepositoryName(stack, 'Shared', 'shared-images');
    platform.addService('Catalog', { routing: Routing.path('/catalog/*'), source: Source.codeCommit(), repository: { repository } });
    // WHEN / THEN
    expect(() => platform.addService('Orders', { routing: Routing.path('/orders/*'), repository: { repository } })).not.toThrow();
  });
});

describe('several problems', () => {
  test('are reported together', () => {
    // WHEN
    const message = addError((stack) => ({
      deployment: Deployment.blueGreen({
        traffic: TrafficShift.canary(0, Duration.seconds(30)),
        terminationWait: Duration.minutes(3000),
        hooks: [{ lifecycleEvent: 'Later' as HookEvent, function: hookFunction(stack, 'Hook') }],
      }),
    }));
    // THEN
    expect(message.split('\n')[0]).toBe('[Test/Platform/Orders] 4 invalid props:');
    // (the values no enum has are found with the keys, before the values are judged)
    expect(message.split('\n').slice(1).map((l) => l.split(':')[0])).toEqual([
      '  - deployment.hooks[0].lifecycleEvent',
      '  - deployment.traffic.percent',
      '  - deployment.traffic.interval',
      '  - deployment.terminationWait',
    ]);
  });
});

describe('names derived from the service', () => {
  test('a platform name and service id longer than the 100 characters of a deployment group name are refused', () => {
    // GIVEN a stack whose name leaves no room for the service id
    const stack = new Stack(newApp(), `S${'x'.repeat(89)}`, { env: EXAMPLE_ENV });
    const platform = new ContainerPlatform(stack, 'Platform', { nestedServiceStacks: false });
    // WHEN
    const message = errorOf(() => platform.addService('OrdersService', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen() }));
    // THEN
    expect(message).toContain(`  - id: received "OrdersService"; allowed: a platform name and service id that together ('S${'x'.repeat(89)}-OrdersService') stay within 100 characters, ` +
      'the limit of the CodeDeploy deployment group and CodeCommit repository named after the service. Fix: shorten the service id, or the platform name (the stack name unless `platformName` is set).');
  });
});

const POSTGRES = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/postgres:17');

describe('what a cdk deploy can wait for', () => {
  test('a CodeDeploy traffic shift longer than a cdk deploy can wait is refused', () => {
    // GIVEN 1 % every minute: 100 minutes of shifting
    // WHEN
    const message = addError({ deployment: Deployment.blueGreen({ traffic: TrafficShift.linear(1, Duration.minutes(1)) }) });
    // THEN
    expect(message).toBe(`${HEADER}  - deployment.traffic: received "LINEAR 1 % every 1 minutes"; allowed: a traffic shift that, with the health-check grace period `
      + 'and 5 minutes to start green and run the hooks, ends within the 55 minutes a cdk deploy can wait for its deployment (about 106 minutes here). '
      + 'Fix: shift in fewer or shorter steps, for example TrafficShift.linear(10, Duration.minutes(3)) or TrafficShift.canary(10, Duration.minutes(15)).');
  });

  test('the longest shift that fits is accepted', () => {
    // GIVEN 49 minutes of canary + 1 minute of grace + 5 minutes of allowance = 55
    expect(() => flatPlatform().platform.addService('Orders', {
      routing: Routing.path('/orders/*'),
      deployment: Deployment.blueGreen({ traffic: TrafficShift.canary(10, Duration.minutes(49)) }),
    })).not.toThrow();
  });

  test('an ECS-native deployment that ECS cannot report complete within 55 minutes is refused: cdk deploy waits for it, bake time included', () => {
    // GIVEN 5 % every 10 minutes: AWS counts 100 / 5 - 1 = 19 step bake times (none after the last step), 190 minutes
    // WHEN
    const message = addError({ deployment: Deployment.ecsBlueGreen({ traffic: TrafficShift.linear(5, Duration.minutes(10)) }) });
    // THEN with the default 5 minutes of bake time and the 5-minute allowance
    expect(message).toBe(`${HEADER}  - deployment: received "linear 5 % every 10 minutes, terminationWait 5 minutes: about 200 minutes"; `
      + 'allowed: an ECS deployment that ECS reports complete within the 55 minutes a cdk deploy waits for it (the traffic shift, then the bake time of terminationWait, '
      + 'plus 5 minutes to start green and run the hooks; CloudFormation allows a custom resource one hour). Fix: shorten terminationWait or the traffic shift, '
      + 'or use Deployment.blueGreen() (CodeDeploy): its cdk deploy ends once production traffic has moved, and it keeps blue up to 48 hours.');
  });

  test.each<[string, TrafficShift | undefined, number, boolean]>([
    ['all at once with 50 minutes of bake time (50 + 5 = 55)', undefined, 50, true],
    ['all at once with 51 minutes of bake time', undefined, 51, false],
    ['a canary after 40 minutes, 10 minutes of bake time (40 + 10 + 5 = 55)', TrafficShift.canary(10, Duration.minutes(40)), 10, true],
    ['linear 11 % every 5 minutes: floor(100 / 11) = 9 steps, 45 + 5 + 5 = 55', TrafficShift.linear(11, Duration.minutes(5)), 5, true],
    ['linear 10 % every 5 minutes: 100 / 10 - 1 = 9 steps, 45 + 6 + 5 = 56', TrafficShift.linear(10, Duration.minutes(5)), 6, false],
  ])('ECS-native: %s fits: %s', (_name, traffic, bakeMinutes, fits) => {
    const add = () => flatPlatform().platform.addService('Orders', {
      routing: Routing.path('/orders/*'),
      deployment: Deployment.ecsBlueGreen({ traffic, terminationWait: Duration.minutes(bakeMinutes) }),
    });
    if (fits) expect(add).not.toThrow();
    else expect(errorOf(add)).toContain('an ECS deployment that ECS reports complete within the 55 minutes a cdk deploy waits for it');
  });

  test('on the Network Load Balancer the estimate holds the 30 minutes ECS adds to the traffic shift there', () => {
    // GIVEN a canary that fits on the Application Load Balancer (10 + 10 + 5 = 25 minutes)
    const deployment = Deployment.ecsBlueGreen({ traffic: TrafficShift.canary(10, Duration.minutes(10)), terminationWait: Duration.minutes(10) });
    expect(() => flatPlatform().platform.addService('Web', { routing: Routing.path('/web/*'), deployment })).not.toThrow();
    // WHEN the same policy shifts a TCP service's listeners
    // THEN 25 + 30 = 55 still fits; a minute more of bake time does not
    expect(() => flatPlatform().platform.addService('Ledger', {
      routing: Routing.tcp(5432, { testPort: 15432 }), container: { port: 5432, image: POSTGRES }, deployment,
    })).not.toThrow();
    const longer = errorOf(() => flatPlatform().platform.addService('Ledger', {
      routing: Routing.tcp(5432, { testPort: 15432 }), container: { port: 5432, image: POSTGRES },
      deployment: Deployment.ecsBlueGreen({ traffic: TrafficShift.canary(10, Duration.minutes(10)), terminationWait: Duration.minutes(11) }),
    }));
    expect(longer).toContain('received "canary 10 % every 10 minutes, terminationWait 11 minutes, 30 minutes for ECS\'s delays on a Network Load Balancer: about 56 minutes"');
  });
});
