import { CfnParameter, Duration, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Deployment, Routing, Source, TrafficShift } from '../../lib';
import { FARGATE_SIZES } from '../../lib/private/fargate';
import { errorOf, newPlatform, newStack } from '../util';
import { addServiceError, IMAGE, newService, refTo, servicePathHeader, serviceTemplate } from './helpers';

/** Asserts that `message` is the error of service `id` with exactly one problem, this line. */
function expectOnly(message: string, line: string, id = 'Orders'): void {
  expect(message).toMatch(servicePathHeader(id, 1));
  expect(message.split('\n').slice(1)).toEqual([line]);
}

const PATH_ALLOWED = "allowed: a pattern of 1 to 128 characters that starts with '/' and uses only A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?. Fix: write it like '/orders/*'.";
const HOST_ALLOWED = "allowed: a host name of 1 to 128 characters using only A-Z a-z 0-9 - . * ?. Fix: write it like 'orders.example.com' (no scheme, port or path).";

describe('task size', () => {
  test('an invalid cpu/memory pair fails with the valid memory sizes for that cpu', () => {
    // GIVEN / WHEN
    const message = addServiceError({ container: { cpu: 256, memoryMiB: 4096 } });
    // THEN
    expectOnly(message, '  - container.memoryMiB: received 4096; allowed: for cpu 256: 512, 1024, 2048 MiB. Fix: pick one of these memory sizes, or change cpu.');
  });

  test('the listed sizes are those of the cpu asked for (1024 CPU units: 2 to 8 GiB)', () => {
    // GIVEN / WHEN
    const message = addServiceError({ container: { cpu: 1024, memoryMiB: 1024 } });
    // THEN
    expect(message).toContain('  - container.memoryMiB: received 1024; allowed: for cpu 1024: 2048, 3072, 4096, 5120, 6144, 7168, 8192 MiB.');
  });

  test('cpu alone, or memoryMiB alone, that the other\'s default does not go with: the error says the default was used and which values fit', () => {
    // GIVEN / WHEN
    const cpuOnly = addServiceError({ container: { cpu: 4096 } });
    const memoryOnly = addServiceError({ container: { memoryMiB: 4096 } });
    // THEN
    expectOnly(cpuOnly, '  - container.memoryMiB: received "512 (the default)"; allowed: for cpu 4096: 8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384, '
      + '17408, 18432, 19456, 20480, 21504, 22528, 23552, 24576, 25600, 26624, 27648, 28672, 29696, 30720 MiB. Fix: set memoryMiB too (the default, 512 MiB, goes with cpu 256 only).');
    expectOnly(memoryOnly, '  - container.cpu: received "256 (the default)"; allowed: for memoryMiB 4096: 512, 1024, 2048. Fix: set cpu too (the default, 256, takes 512, 1024, 2048 MiB).');
  });

  test('an invalid cpu fails with the Fargate CPU values', () => {
    // GIVEN / WHEN
    const message = addServiceError({ container: { cpu: 300 } });
    // THEN
    expectOnly(message, '  - container.cpu: received 300; allowed: 256, 512, 1024, 2048, 4096, 8192, 16384. Fix: pick one of the Fargate CPU values.');
  });

  test.each([...FARGATE_SIZES.entries()].map(([cpu, sizes]) => ({ cpu, first: sizes[0], last: sizes[sizes.length - 1] })))(
    'cpu $cpu accepts $first and $last MiB', ({ cpu, first, last }) => {
      // GIVEN / WHEN / THEN
      const { platform } = newPlatform();
      expect(() => platform.addService('Low', { routing: Routing.path('/low/*'), container: { cpu, memoryMiB: first } })).not.toThrow();
      expect(() => platform.addService('High', { routing: Routing.path('/high/*'), container: { cpu, memoryMiB: last } })).not.toThrow();
    });

  test('the Fargate table matches the AWS documentation', () => {
    // GIVEN / WHEN / THEN
    expect(Object.fromEntries([...FARGATE_SIZES.entries()].map(([cpu, sizes]) => [cpu, [sizes[0], sizes[1] - sizes[0], sizes[sizes.length - 1]]]))).toEqual({
      256: [512, 512, 2048],
      512: [1024, 1024, 4096],
      1024: [2048, 1024, 8192],
      2048: [4096, 1024, 16384],
      4096: [8192, 1024, 30720],
      8192: [16384, 4096, 61440],
      16384: [32768, 8192, 122880],
    });
    expect(FARGATE_SIZES.get(256)).toEqual([512, 1024, 2048]);
  });

  test.each([20, 201])('ephemeral storage of %d GiB fails', (gib) => {
    // GIVEN / WHEN
    const message = addServiceError({ container: { ephemeralStorageGiB: gib } });
    // THEN
    expectOnly(message, `  - container.ephemeralStorageGiB: received ${gib}; allowed: an integer from 21 to 200. Fix: omit it for the 20 GiB default, or choose 21 to 200 GiB.`);
  });
});

describe('container', () => {
  test.each([0, 65536])('port %d fails', (port) => {
    // GIVEN / WHEN
    const message = addServiceError({ container: { port } });
    // THEN
    expectOnly(message, `  - container.port: received ${port}; allowed: an integer from 1 to 65535. Fix: set container.port to a whole number between 1 and 65535.`);
  });

  test('a port equal to the platform\'s test listener port is a port like any other: the listener is the load balancer\'s, the port the task\'s', () => {
    // GIVEN / WHEN a service listening on 9000, the platform's test listener port
    const { template } = serviceTemplate({ container: { port: 9000 } });
    // THEN both target groups send to the tasks' port 9000
    for (const tg of Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')) as any[]) {
      expect(tg.Properties.Port).toBe(9000);
    }
    // AND the service's security group admits the load balancer on 9000
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 9000, ToPort: 9000, GroupId: refTo('OrdersSecurityGroup', 'GroupId'), SourceSecurityGroupId: refTo('LoadBalancerSecurityGroup', 'GroupId'),
    });
    // AND the test listener is still on 9000 of the load balancer, beside the production listener
    expect(Object.values(template.findResources('AWS::ElasticLoadBalancingV2::Listener')).map((l: any) => l.Properties.Port).sort()).toEqual([80, 9000]);
  });

  test('a health-check path not starting with \'/\' fails', () => {
    // GIVEN / WHEN
    const message = addServiceError({ container: { healthCheckPath: 'health' } });
    // THEN
    expectOnly(message, "  - container.healthCheckPath: received \"health\"; allowed: a path that starts with '/' (at most 1024 characters, no spaces). Fix: write it like '/health'.");
  });

  test('a variable in both secrets and environment fails', () => {
    // GIVEN
    const stack = newStack();
    const parameter = ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'Db', { parameterName: '/orders/db' });
    const { platform } = newPlatform({}, stack);
    // WHEN
    const message = errorOf(() => platform.addService('Orders', {
      routing: Routing.path('/orders/*'),
      container: { environment: { DB: 'x', MODE: 'prod' }, secrets: { DB: ecs.Secret.fromSsmParameter(parameter) } },
    }));
    // THEN
    expectOnly(message, '  - container.secrets: received ["DB"]; allowed: names not also used in container.environment. Fix: keep each variable in one of the two.');
  });

  test('an environment variable name starting with a digit fails', () => {
    // GIVEN / WHEN
    const message = addServiceError({ container: { environment: { '1MODE': 'x' } } });
    // THEN
    expectOnly(message, '  - container.environment: received "1MODE"; allowed: variable names of letters, digits and underscores, not starting with a digit. Fix: rename the variable.');
  });
});

describe('scaling and desired count', () => {
  test('minTasks above maxTasks fails', () => {
    // GIVEN / WHEN
    const message = addServiceError({ scaling: { minTasks: 5, maxTasks: 3 } });
    // THEN
    expectOnly(message, '  - scaling.minTasks: received 5; allowed: at most scaling.maxTasks (3). Fix: lower minTasks or raise maxTasks.');
  });

  test.each([1, 11])('a desired count of %d outside 2..10 fails', (desiredCount) => {
    // GIVEN / WHEN
    const message = addServiceError({ desiredCount });
    // THEN
    expectOnly(message, `  - desiredCount: received ${desiredCount}; allowed: a count from scaling.minTasks (2) to scaling.maxTasks (10). Fix: move desiredCount inside the scaling range, or omit it.`);
  });

  test.each([
    ['cpuPercent', 0],
    ['cpuPercent', 101],
    ['memoryPercent', 0],
    ['memoryPercent', 150],
  ] as const)('scaling.%s of %d fails', (prop, value) => {
    // GIVEN / WHEN
    const message = addServiceError({ scaling: { [prop]: value } });
    // THEN
    expectOnly(message, `  - scaling.${prop}: received ${value}; allowed: an integer from 1 to 100. Fix: set scaling.${prop} to a whole number between 1 and 100.`);
  });

  test('alarm percentages outside 1..100 fail', () => {
    // GIVEN / WHEN
    const message = addServiceError({ alarms: { cpuPercent: 120 } });
    // THEN
    expectOnly(message, '  - alarms.cpuPercent: received 120; allowed: an integer from 1 to 100. Fix: set alarms.cpuPercent to a whole number between 1 and 100.');
  });
});

describe('health options', () => {
  test('a timeout not shorter than the interval fails', () => {
    // GIVEN / WHEN
    const message = addServiceError({ health: { interval: Duration.seconds(10), timeout: Duration.seconds(10) } });
    // THEN
    expectOnly(message, '  - health.timeout: received "10 seconds"; allowed: less than health.interval (10 seconds). Fix: shorten the timeout or lengthen the interval.');
  });

  test('a healthy threshold outside 2..10 fails', () => {
    // GIVEN / WHEN
    const message = addServiceError({ health: { healthyThresholdCount: 1 } });
    // THEN
    expectOnly(message, '  - health.healthyThresholdCount: received 1; allowed: an integer from 2 to 10. Fix: set health.healthyThresholdCount to a whole number between 2 and 10.');
  });

  test('a deregistration delay above 3600 s fails', () => {
    // GIVEN / WHEN
    const message = addServiceError({ health: { deregistrationDelay: Duration.hours(2) } });
    // THEN
    expectOnly(message, '  - health.deregistrationDelay: received "7200 seconds"; allowed: whole seconds from 0 to 3600. Fix: use Duration.seconds(n) within that range.');
  });
});

describe('routing', () => {
  test('a path pattern longer than 128 characters fails', () => {
    // GIVEN
    const path = '/' + 'a'.repeat(128);
    // WHEN
    const message = addServiceError({ routing: Routing.path(path) });
    // THEN
    expectOnly(message, `  - routing.paths[0]: received "${path}"; ${PATH_ALLOWED}`);
  });

  test('a path pattern of 128 characters passes', () => {
    // GIVEN / WHEN / THEN
    expect(() => newService({ routing: Routing.path('/' + 'a'.repeat(127)) })).not.toThrow();
  });

  test('a path pattern with characters ALB rejects fails', () => {
    // GIVEN / WHEN
    const message = addServiceError({ routing: Routing.path('/orders/{id}') });
    // THEN
    expectOnly(message, `  - routing.paths[0]: received "/orders/{id}"; ${PATH_ALLOWED}`);
  });

  test('a path pattern not starting with \'/\' fails', () => {
    // GIVEN / WHEN
    const message = addServiceError({ routing: Routing.path('orders/*') });
    // THEN
    expectOnly(message, `  - routing.paths[0]: received "orders/*"; ${PATH_ALLOWED}`);
  });

  test('a host header with characters ALB rejects fails', () => {
    // GIVEN / WHEN
    const message = addServiceError({ routing: Routing.host('https://orders.example.com') });
    // THEN
    expectOnly(message, `  - routing.hosts[0]: received "https://orders.example.com"; ${HOST_ALLOWED}`);
  });

  test('a host header longer than 128 characters fails', () => {
    // GIVEN
    const host = 'a'.repeat(117) + '.example.com';
    // WHEN
    const message = addServiceError({ routing: Routing.host(host) });
    // THEN
    expectOnly(message, `  - routing.hosts[0]: received "${host}"; ${HOST_ALLOWED}`);
  });

  test('more than 3 path patterns fail', () => {
    // GIVEN / WHEN
    const message = addServiceError({ routing: Routing.rule({ paths: ['/a', '/b', '/c', '/d'] }) });
    // THEN
    expectOnly(message, '  - routing.paths: received ["/a","/b","/c","/d"]; allowed: at most 3 path patterns per rule. Fix: merge patterns with wildcards.');
  });

  test('more than 3 host headers fail', () => {
    // GIVEN / WHEN
    const message = addServiceError({ routing: Routing.rule({ hosts: ['a.example.com', 'b.example.com', 'c.example.com', 'd.example.com'] }) });
    // THEN
    expect(message).toMatch(servicePathHeader('Orders', 1));
    expect(message).toContain('  - routing.hosts: received ["a.example.com","b.example.com","c.example.com","d.example.com"]; allowed: at most 3 host headers per rule. Fix: merge hosts with wildcards such as *.example.com.');
  });

  test('more than 5 paths and hosts together fail', () => {
    // GIVEN / WHEN
    const message = addServiceError({ routing: Routing.rule({ paths: ['/a', '/b', '/c'], hosts: ['a.example.com', 'b.example.com', 'c.example.com'] }) });
    // THEN
    expectOnly(message, '  - routing: received {"paths":["/a","/b","/c"],"hosts":["a.example.com","b.example.com","c.example.com"]}; '
      + 'allowed: at most 5 paths and hosts together in one rule. Fix: route fewer values to this service.');
  });

  test('a routing without any condition fails', () => {
    // GIVEN / WHEN
    const message = addServiceError({ routing: Routing.rule({}) });
    // THEN
    expectOnly(message, "  - routing: received {\"paths\":[],\"hosts\":[]}; allowed: at least one path pattern or host. Fix: use Routing.path('/orders/*') or Routing.host('orders.example.com').");
  });

  test.each([0, 50001])('a priority of %d fails', (priority) => {
    // GIVEN / WHEN
    const message = addServiceError({ routing: Routing.rule({ paths: ['/orders/*'], priority }) });
    // THEN
    expectOnly(message, `  - routing.priority: received ${priority}; allowed: an integer from 1 to 50000. Fix: choose a priority no other service on this load balancer uses.`);
  });
});

describe('service id', () => {
  const ID_ALLOWED = "allowed: 1 to 32 letters, digits and hyphens, starting with a letter (it names the service, and target groups allow 32 characters). Fix: use a short name such as 'Orders'.";

  test('an id longer than 32 characters fails', () => {
    // GIVEN
    const id = 'O' + 'r'.repeat(32);
    // WHEN
    const message = addServiceError({}, {}, id);
    // THEN
    expectOnly(message, `  - id: received "${id}"; ${ID_ALLOWED}`, id);
  });

  test('an id of 32 characters passes', () => {
    // GIVEN / WHEN / THEN
    expect(() => newService({}, {}, undefined, 'O' + 'r'.repeat(31))).not.toThrow();
  });

  test.each(['orders_api', '1Orders'])('the id %s fails', (id) => {
    // GIVEN / WHEN
    const message = addServiceError({}, {}, id);
    // THEN
    expectOnly(message, `  - id: received "${id}"; ${ID_ALLOWED}`, id);
  });
});

describe('pipeline and image', () => {
  test('pipeline options without a source fail', () => {
    // GIVEN / WHEN
    const message = addServiceError({ pipeline: { testCommands: ['npm test'] } });
    // THEN
    expectOnly(message, '  - pipeline: received "set"; allowed: pipeline options only together with `source`. Fix: add `source` (for example Source.codeCommit()) or remove `pipeline`.');
  });

  test('container.image together with a source fails', () => {
    // GIVEN / WHEN
    const message = addServiceError({ source: Source.codeCommit(), container: { image: IMAGE } });
    // THEN
    expectOnly(message, '  - container.image: received "set"; allowed: no fixed image when the service has a `source` (the pipeline builds the image). Fix: remove `container.image`, or remove `source` to run the fixed image.');
  });
});

describe('blue/green options', () => {
  test('a canary of 0 % fails', () => {
    // GIVEN / WHEN
    const message = addServiceError({ deployment: Deployment.blueGreen({ traffic: TrafficShift.canary(0, Duration.minutes(5)) }) });
    // THEN
    expectOnly(message, '  - deployment.traffic.percent: received 0; allowed: an integer from 1 to 99. Fix: shift between 1 and 99 percent per step.');
  });

  test('a shift interval that is not whole minutes fails', () => {
    // GIVEN / WHEN
    const message = addServiceError({ deployment: Deployment.ecsBlueGreen({ traffic: TrafficShift.linear(10, Duration.seconds(90)) }) });
    // THEN
    expectOnly(message, "  - deployment.traffic.interval: received \"90 seconds\"; allowed: a whole number of minutes from 1 to 1440. Fix: use Duration.minutes(n) with 1 <= n <= 1440.");
  });
});

describe('reporting', () => {
  test('all problems of one call are reported together, in one error', () => {
    // GIVEN / WHEN
    const message = addServiceError({
      routing: Routing.path('orders'),
      container: { cpu: 256, memoryMiB: 8192, port: 0, ephemeralStorageGiB: 10, healthCheckPath: 'health' },
      scaling: { minTasks: 4, maxTasks: 2, cpuPercent: 0 },
    });
    // THEN
    expect(message).toMatch(servicePathHeader('Orders', 7));
    expect(message.split('\n').slice(1).map((l) => l.split(': received')[0])).toEqual([
      '  - container.memoryMiB',
      '  - container.ephemeralStorageGiB',
      '  - container.healthCheckPath',
      '  - container.port',
      '  - scaling.minTasks',
      '  - scaling.cpuPercent',
      '  - routing.paths[0]',
    ]);
  });

  test('unresolved tokens are not rejected', () => {
    // GIVEN
    const stack = newStack();
    const port = new CfnParameter(stack, 'Port', { type: 'Number' }).valueAsNumber;
    const path = new CfnParameter(stack, 'Path').valueAsString;
    const host = new CfnParameter(stack, 'Host').valueAsString;
    const count = Token.asNumber(new CfnParameter(stack, 'Count', { type: 'Number' }).valueAsNumber);
    const memory = new CfnParameter(stack, 'Memory', { type: 'Number' }).valueAsNumber;
    const { platform } = newPlatform({}, stack);
    // WHEN / THEN
    expect(() => platform.addService('Orders', {
      routing: Routing.rule({ paths: [path], hosts: [host] }),
      container: { port, memoryMiB: memory, healthCheckPath: path },
      desiredCount: count,
      scaling: { minTasks: count, cpuPercent: count },
    })).not.toThrow();
  });
});
