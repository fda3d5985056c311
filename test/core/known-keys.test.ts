import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import {
  Capacity, ContainerPlatform, Deployment, EventTrigger, PlatformAlerts, PlatformDashboard, PlatformErrors, PromotionPipeline, Routing, SecureRepository,
  ServiceOptions, Source,
} from '../../lib';
import { nearestKey } from '../../lib/private/known-keys';
import { KNOWN_STRUCTS } from '../../lib/private/known-keys.data';
import { assemblyTypes, DATA_FILE, knownKeysSource } from '../../scripts/known-keys';
import { errorOf, newPlatform, newStack } from '../util';

const LIB = path.join(__dirname, '..', '..', 'lib');
const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27');

/** Every TypeScript source of lib/, outside the Lambda handlers. */
function libSources(dir = LIB): string {
  return fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'handler' ? '' : libSources(full);
    return e.name.endsWith('.ts') ? fs.readFileSync(full, 'utf8') : '';
  }).join('\n');
}

/** Adding service Orders with options that TypeScript would refuse (as JavaScript, tsx or another jsii language hands them over). */
function serviceError(options: Record<string, unknown>): string {
  const { platform } = newPlatform();
  return errorOf(() => platform.addService('Orders', { routing: Routing.path('/orders/*'), ...options } as unknown as ServiceOptions));
}

describe('the known keys are the jsii assembly\'s', () => {
  test('lib/private/known-keys.data.ts is what scripts/known-keys.ts writes from the assembly (regenerate it after changing a props interface)', () => {
    expect(fs.readFileSync(DATA_FILE, 'utf8')).toBe(knownKeysSource());
  });

  test('every constructor and factory of the package that takes a struct checks its keys', () => {
    // GIVEN the assembly's classes and the structs their constructors and static factories take
    const types = assemblyTypes();
    const sources = libSources();
    const checked = new Set([...sources.matchAll(/(?:checkKnownKeys\(p, (?:props|options)|refuseUnknownKeys\(this, \w+), '(\w+)'\)/g)].map((m) => m[1]));
    const remembered = new Set([...sources.matchAll(/'(\w+)', '\w+\.\w+', options\)/g)].map((m) => m[1]));
    const unchecked: string[] = [];
    for (const t of Object.values(types).filter((x) => x.kind === 'class')) {
      const calls = [
        ...((t as any).initializer?.parameters ?? []).map((p: any) => ({ p, how: checked, where: `new ${t.name}` })),
        // a static factory remembers its options for the construct it is given to, or builds a construct that checks them
        ...((t as any).methods ?? []).filter((m: any) => m.static).flatMap((m: any) => (m.parameters ?? []).map((p: any) => ({ p, how: new Set([...remembered, ...checked]), where: `${t.name}.${m.name}` }))),
        ...((t as any).methods ?? []).filter((m: any) => !m.static).flatMap((m: any) => (m.parameters ?? []).map((p: any) => ({ p, how: checked, where: `${t.name}.${m.name}` }))),
      ];
      for (const { p, how, where } of calls) {
        const struct = types[p.type.fqn];
        if (!struct?.datatype) continue;
        // addService(options) and the like build a construct whose props extend those options.
        const viaProps = Object.values(types).some((x) => x.datatype && how.has(x.name) && (x.interfaces ?? []).includes(p.type.fqn));
        if (!how.has(struct.name) && !viaProps) unchecked.push(`${where}(${p.name}: ${struct.name})`);
      }
    }
    // THEN none takes a struct whose keys go unchecked
    expect(unchecked).toEqual([]);
  });

  test('every struct a constructor or method takes, and every struct those hold, is checked where it enters', () => {
    // GIVEN the structs checked where they enter, and (through the keys that hold them) what they hold
    const types = assemblyTypes();
    const byName = new Map(Object.values(types).map((t) => [t.name, t]));
    const sources = libSources();
    const checked = [...sources.matchAll(/(?:checkKnownKeys\(p, (?:props|options)|refuseUnknownKeys\(this, \w+), '(\w+)'\)|'(\w+)', '\w+\.\w+', options\)/g)]
      .map((m) => m[1] ?? m[2]);
    const covered = new Set<string>();
    const cover = (name: string): void => {
      if (covered.has(name) || !KNOWN_STRUCTS[name]) return;
      covered.add(name);
      // the keys of its bases are its keys: checked with it
      (byName.get(name)?.interfaces ?? []).forEach((i) => cover(types[i]?.name ?? ''));
      Object.values(KNOWN_STRUCTS[name].nested).forEach((n) => cover(n.replace('[]', '')));
    };
    checked.forEach(cover);
    // WHEN the structs the public API takes are listed, with what they hold
    const inputs = new Set<string>();
    const take = (name: string): void => {
      if (inputs.has(name) || !KNOWN_STRUCTS[name]) return;
      inputs.add(name);
      Object.values(KNOWN_STRUCTS[name].nested).forEach((n) => take(n.replace('[]', '')));
    };
    for (const t of Object.values(types).filter((x) => x.kind === 'class')) {
      const params = [...((t as any).initializer?.parameters ?? []), ...((t as any).methods ?? []).flatMap((m: any) => m.parameters ?? [])];
      params.forEach((p: any) => take(types[p.type.fqn]?.name ?? ''));
    }
    // THEN each of them is checked
    const extendedByCovered = (name: string) => [...covered].some((c) => (byName.get(c)?.interfaces ?? []).some((i) => types[i]?.name === name));
    expect([...inputs].filter((name) => !covered.has(name) && !extendedByCovered(name))).toEqual([]);
    expect(inputs.size).toBeGreaterThan(25);
  });
});

describe('an unknown key fails in the library\'s format, naming the nearest known key', () => {
  test('Copilot habits: container.memory, count, and cpu at the top of a service', () => {
    // GIVEN / WHEN
    const message = serviceError({ container: { memory: 2048 }, count: 3, cpu: 512 });
    // THEN
    const keys = KNOWN_STRUCTS.ContainerOptions.keys.join(', ');
    expect(message).toContain('[Test/Platform/OrdersStack/Orders] 3 invalid props:');
    expect(message).toContain('  - count: received 3; allowed: a key of MicroserviceProps: ');
    expect(message).toContain('. Fix: did you mean desiredCount? Rename the key to that, or remove it.');
    expect(message).toContain('  - cpu: received 512; allowed: a key of MicroserviceProps: ');
    expect(message).toContain('. Fix: did you mean container.cpu? Rename the key to that, or remove it.');
    expect(message).toContain(`  - container.memory: received 2048; allowed: a key of ContainerOptions: ${keys}. `
      + 'Fix: did you mean container.memoryMiB? Rename the key to that, or remove it.');
    expect(PlatformErrors.isValidationError(new Error(message))).toBe(false); // the message alone is no error object...
  });

  test('the error is the library\'s validation error, with every problem of the call at once', () => {
    // GIVEN
    const { platform } = newPlatform();
    // WHEN
    let thrown: unknown;
    try {
      platform.addService('Orders', { routing: Routing.path('/orders/*'), variables: { A: '1' }, scaling: { minTasks: 5, maxTasks: 3 } } as unknown as ServiceOptions);
    } catch (e) {
      thrown = e;
    }
    // THEN
    expect(PlatformErrors.isValidationError(thrown)).toBe(true);
    expect((thrown as Error).message).toContain('  - variables: received {"A":"1"}; allowed: a key of MicroserviceProps: ');
    expect((thrown as Error).message).toContain('Fix: did you mean container.environment? Rename the key to that, or remove it.');
    expect((thrown as Error).message).toContain('  - scaling.minTasks: received 5; allowed: at most scaling.maxTasks (3).');
  });

  test('nested structs and lists of structs: scaling.min, health.gracePeriodSeconds, scaling.schedules[0].minimum', () => {
    // GIVEN / WHEN
    const message = serviceError({
      scaling: { min: 1, schedules: [{ id: 'Night', schedule: { expressionString: 'rate(1 hour)' }, minimum: 1 }] },
      health: { gracePeriodSeconds: 30 },
    });
    // THEN
    expect(message).toContain('  - scaling.min: received 1; allowed: a key of ScalingOptions: ');
    expect(message).toContain('Fix: did you mean scaling.minTasks? Rename the key to that, or remove it.');
    expect(message).toContain('  - scaling.schedules[0].minimum: received 1; allowed: a key of ScheduledScalingOptions: id, maxTasks, minTasks, schedule.');
    expect(message).toContain('  - health.gracePeriodSeconds: received 30; allowed: a key of HealthOptions: ');
    expect(message).toContain('Fix: did you mean health.gracePeriod? Rename the key to that, or remove it.');
  });

  test('the options of the library\'s factories: Deployment.blueGreen, Routing.rule, Source.codeCommit, Capacity.spot', () => {
    // GIVEN / WHEN
    const message = serviceError({
      routing: Routing.rule({ path: ['/orders/*'] } as any),
      deployment: Deployment.blueGreen({ trafic: 'canary' } as any),
      source: Source.codeCommit({ branchName: 'main' } as any),
      capacity: Capacity.spot({ spotWeigth: 3 } as any),
    });
    // THEN
    expect(message).toContain("  - routing.path: received [\"/orders/*\"]; allowed: a key of Routing.rule's options (RoutingRuleOptions): hosts, paths, priority. "
      + 'Fix: did you mean routing.paths? Rename the key to that, or remove it.');
    expect(message).toContain("  - deployment.trafic: received \"canary\"; allowed: a key of Deployment.blueGreen's options (BlueGreenOptions): hooks, smokeTest, terminationWait, traffic. "
      + 'Fix: did you mean deployment.traffic?');
    expect(message).toContain("  - source.branchName: received \"main\"; allowed: a key of Source.codeCommit's options (CodeCommitSourceOptions): branch, initialCode, repository. "
      + 'Fix: did you mean source.branch?');
    expect(message).toContain("  - capacity.spotWeigth: received 3; allowed: a key of Capacity.spot's options (SpotCapacityOptions): onDemandBase, onDemandWeight, spotWeight. "
      + 'Fix: did you mean capacity.spotWeight?');
  });

  test('a key with no known key near it is to be removed', () => {
    // GIVEN / WHEN
    const message = serviceError({ volumeMounts: [] });
    // THEN
    expect(message).toContain('  - volumeMounts: received []; allowed: a key of MicroserviceProps: ');
    expect(message).toContain('Fix: remove volumeMounts: it is not an option here, so it would be ignored.');
  });

  test('the platform, workers, jobs, event tasks, repositories, alerts and dashboards refuse unknown keys too', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    const bucket = new s3.Bucket(stack, 'Uploads');
    // WHEN / THEN
    expect(errorOf(() => new ContainerPlatform(newStack(), 'Platform', { maxAZs: 3 } as any)))
      .toContain('  - maxAZs: received 3; allowed: a key of ContainerPlatformProps: ');
    expect(errorOf(() => platform.addWorker('Resizer', { container: { image: IMAGE }, scaling: { max: 4 } } as any)))
      .toContain('  - scaling.max: received 4; allowed: a key of WorkerScalingOptions: maxTasks, messagesPerTask, minTasks, steps. Fix: did you mean scaling.maxTasks?');
    expect(errorOf(() => platform.addScheduledJob('Report', {
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)), container: { image: IMAGE }, retries: 3,
    } as any))).toContain('  - retries: received 3; allowed: a key of ScheduledJobProps: ');
    expect(errorOf(() => platform.addEventTask('Thumbnail', {
      trigger: EventTrigger.s3ObjectCreated(bucket, { prefixes: ['in/'] } as any), container: { image: IMAGE },
    }))).toContain("  - trigger.prefixes: received [\"in/\"]; allowed: a key of EventTrigger.s3ObjectCreated's options (S3TriggerOptions): prefix. Fix: did you mean trigger.prefix?");
    expect(errorOf(() => new SecureRepository(stack, 'Repo', { keep: 5 } as any))).toContain('  - keep: received 5; allowed: a key of SecureRepositoryProps: ');
    expect(errorOf(() => new PlatformAlerts(stack, 'Alerts', { platform, topics: [] } as any))).toContain('Fix: did you mean topic?');
    expect(errorOf(() => new PlatformDashboard(stack, 'Dashboard', { platform, queue: [] } as any))).toContain('Fix: did you mean queues?');
  });

  test('a promotion pipeline, its environments and a platform imported by name refuse unknown keys too', () => {
    // GIVEN a stack with an account, as a promotion pipeline and an import need
    const stack = newStack();
    // WHEN / THEN
    expect(errorOf(() => new PromotionPipeline(stack, 'Pipeline', { source: Source.codeCommit(), tests: ['npm test'] } as any)))
      .toContain('  - tests: received ["npm test"]; allowed: a key of PromotionPipelineProps: ');
    const pipeline = new PromotionPipeline(stack, 'Delivery', { source: Source.codeCommit() });
    expect(errorOf(() => pipeline.addEnvironment('Production', { approval: { email: ['release@example.com'] } } as any)))
      .toContain('  - approval.email: received ["release@example.com"]; allowed: a key of ApprovalOptions: ');
    expect(errorOf(() => pipeline.addEnvironment('Staging', { testCommand: ['curl -f https://staging.example.com/'] } as any)))
      .toContain('Fix: did you mean testCommands?');
    expect(errorOf(() => ContainerPlatform.fromName(stack, 'Shop', 'shop', { loadBalancer: 2 } as any)))
      .toContain('  - loadBalancer: received 2; allowed: a key of ContainerPlatformImportOptions: loadBalancers. Fix: did you mean loadBalancers?');
  });

  test('what is not an object literal is not judged: class instances, tokens, the known keys with undefined', () => {
    // GIVEN a service whose options hold class instances and undefined values only
    const { platform } = newPlatform();
    // WHEN / THEN
    expect(() => platform.addService('Orders', {
      routing: Routing.path('/orders/*'), deployment: Deployment.rolling(), container: { image: IMAGE, user: undefined }, desiredCount: undefined,
    })).not.toThrow();
  });
});

describe('a value of the wrong kind fails in the library\'s format before aws-cdk-lib fails on it without naming the prop', () => {
  test.each([
    ['an image name', { container: { image: 'nginx' } }, '  - container.image: received "nginx"; allowed: an ecs.ContainerImage. '
      + "Fix: use ecs.ContainerImage.fromRegistry('<image>') (or fromEcrRepository, fromAsset)."],
    ['a path instead of a Routing', { routing: '/orders/*' }, '  - routing: received "/orders/*"; allowed: a Routing. '
      + "Fix: use Routing.path('/orders/*'), Routing.host('orders.example.com') or Routing.rule({ ... })."],
    ['a deployment name', { deployment: 'blueGreen' }, '  - deployment: received "blueGreen"; allowed: a Deployment. Fix: use Deployment.rolling(), Deployment.blueGreen() or another Deployment factory.'],
    ['seconds as a number', { health: { interval: 10 } }, '  - health.interval: received 10; allowed: a Duration. Fix: use Duration.seconds(n), Duration.minutes(n) or another Duration factory.'],
    ['a secret ARN', { container: { secrets: { TOKEN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:t' } } },
      '  - container.secrets: received {"TOKEN":"arn:aws:secretsmanager:eu-west-1:111111111111:secret:t"}; allowed: an object of names to ecs.Secret. '
      + 'Fix: use ecs.Secret.fromSecretsManager(secret) or ecs.Secret.fromSsmParameter(parameter).'],
    ['a command line', { container: { command: 'npm start' } }, '  - container.command: received "npm start"; allowed: a list of strings. Fix: pass a list, such as ["npm start"].'],
    ['a number for a struct', { scaling: 3 }, '  - scaling: received 3; allowed: an object of ScalingOptions (cpuPercent, maxTasks, memoryPercent, minTasks, requestsPerTarget, schedules, steps). '
      + 'Fix: pass an object with some of these keys, such as { cpuPercent: ... }.'],
  ])('%s', (_, options, line) => {
    // GIVEN / WHEN
    const message = serviceError(options);
    // THEN only that problem is reported (nothing after could judge it), in the library's format
    expect(message).toBe(`[Test/Platform/OrdersStack/Orders] 1 invalid prop:\n${line}`);
  });

  test('a schedule given as its expression text is to be wrapped', () => {
    // GIVEN
    const { platform } = newPlatform();
    // WHEN
    const message = errorOf(() => platform.addScheduledJob('Report', { container: { image: IMAGE }, schedule: 'rate(1 hour)' as any }));
    // THEN
    expect(message).toContain("  - schedule: received \"rate(1 hour)\"; allowed: a scheduler.ScheduleExpression. Fix: wrap it: scheduler.ScheduleExpression.expression('rate(1 hour)').");
  });

  test('a CIDR block instead of a list of them', () => {
    expect(errorOf(() => new ContainerPlatform(newStack(), 'Platform', { allowedCidrs: '10.0.0.0/8' as any })))
      .toContain('  - allowedCidrs: received "10.0.0.0/8"; allowed: a list of strings. Fix: pass a list, such as ["10.0.0.0/8"].');
  });
});

describe('nearestKey', () => {
  test.each([
    ['memory', 'ContainerOptions', 'memoryMiB'],
    ['memory', 'ServiceOptions', 'container.memoryMiB'],
    ['count', 'ServiceOptions', 'desiredCount'],
    ['exec', 'ServiceOptions', 'enableExec'],
    ['Port', 'ContainerOptions', 'port'],
    ['healthcheck', 'ServiceOptions', 'container.healthCheckPath'],
    ['minTask', 'ScalingOptions', 'minTasks'],
    ['qwertyuiop', 'ServiceOptions', undefined],
  ])('%s in %s: %s', (key, type, expected) => {
    expect(nearestKey(key, type)).toBe(expected);
  });
});

describe('a string, number or boolean of the wrong type, and a required key left out, fail before anything reads them', () => {
  // As JavaScript, generated code or a config file hands them over: 'false' is a string, and
  // JavaScript would read it as true (an internal load balancer made public, exec turned on).
  test.each([
    ['the platform\'s internetFacing', () => errorOf(() => newPlatform({ internetFacing: 'false' } as any)), 'internetFacing: received "false"; allowed: a boolean. Fix: write true or false, without quotes.'],
    ['a service\'s enableExec', () => serviceError({ enableExec: 'false' }), 'enableExec: received "false"; allowed: a boolean. Fix: write true or false, without quotes.'],
    ['a service\'s nested container.readonlyRootFilesystem', () => serviceError({ container: { image: IMAGE, readonlyRootFilesystem: 'false' } }),
      'container.readonlyRootFilesystem: received "false"; allowed: a boolean. Fix: write true or false, without quotes.'],
    ['a factory\'s options: the smoke test\'s enabled', () => serviceError({ deployment: Deployment.blueGreen({ smokeTest: { enabled: 'false' as any } }) }),
      'deployment.smokeTest.enabled: received "false"; allowed: a boolean. Fix: write true or false, without quotes.'],
    ['a number written as a string', () => serviceError({ container: { image: IMAGE, port: '8080' } }), 'container.port: received "8080"; allowed: a number. Fix: write the number without quotes: 8080.'],
    ['a string written as a number', () => serviceError({ container: { image: IMAGE, user: 1000 } }), 'container.user: received 1000; allowed: a string. Fix: write it as a string: \'1000\'.'],
  ])('%s', (_what, make, expected) => {
    expect(make()).toContain(`  - ${expected}`);
  });

  test('a scheduled job\'s enabled: \'false\' is refused instead of enabling the schedule', () => {
    const { platform } = newPlatform();
    const message = errorOf(() => platform.addScheduledJob('Nightly', {
      container: { image: IMAGE }, schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)), enabled: 'false' as any,
    }));
    expect(message).toContain('  - enabled: received "false"; allowed: a boolean. Fix: write true or false, without quotes.');
  });

  test.each([
    ['Source.connection without repo', () => serviceError({ source: Source.connection({ connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/x', owner: 'o' } as any) }),
      ['source.repo: received undefined; allowed: a string (required). Fix: give source.repo.']],
    ['Source.connection with no options', () => serviceError({ source: (Source.connection as any)() }),
      ['source.connectionArn: received undefined; allowed: a string (required).', 'source.owner: received undefined;', 'source.repo: received undefined;']],
    ['Source.s3 without key', () => serviceError({ source: Source.s3({ bucket: new s3.Bucket(newStack(), 'B', { versioned: true }) } as any) }),
      ['source.key: received undefined; allowed: a string (required).']],
    ['a service without routing', () => serviceError({ routing: undefined, container: { image: IMAGE } }),
      ["routing: received undefined; allowed: a Routing: a service sits behind the shared load balancer, which blue/green deployments need for their traffic shift. Fix: add routing: Routing.path('/orders/*'); for a service without a load balancer use a QueueWorker."]],
    ['a scheduled job without schedule', () => errorOf(() => newPlatform().platform.addScheduledJob('Nightly', { container: { image: IMAGE } } as any)),
      ["schedule: received undefined; allowed: a scheduler.ScheduleExpression (required). Fix: give schedule: use scheduler.ScheduleExpression.rate(Duration.hours(1))"]],
    ['an event task without trigger', () => errorOf(() => newPlatform().platform.addEventTask('Ingest', { container: { image: IMAGE } } as any)),
      ['trigger: received undefined; allowed: an EventTrigger (required). Fix: give trigger: use EventTrigger.s3ObjectCreated(bucket) or EventTrigger.fromJson(pattern).']],
    ['a sidecar that is null', () => serviceError({ container: { image: IMAGE }, sidecars: [null] }),
      ['sidecars[0]: received null; allowed: an object of SidecarOptions (', '); image, name required. Fix: pass { image: ..., name: ... }.']],
    ['PlatformAlerts without props', () => errorOf(() => new (PlatformAlerts as any)(newStack(), 'Alerts')),
      ['props: received undefined; allowed: an object of PlatformAlertsProps (platform, topic); platform required. Fix: pass { platform: ... }.']],
  ])('%s', (_what, make, expected) => {
    const message = make();
    expect(message).toMatch(/^\[[^\]]+\] \d+ invalid props?:/);
    for (const e of expected) expect(message).toContain(e);
  });

  test('NaN and Infinity are shown as they are, not as JSON\'s null', () => {
    expect(serviceError({ container: { image: IMAGE, port: NaN } })).toContain('  - container.port: received NaN; allowed: an integer from 1 to 65535.');
    expect(serviceError({ container: { image: IMAGE, memoryMiB: Infinity } })).toContain('  - container.memoryMiB: received Infinity;');
  });
});
