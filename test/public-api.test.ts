import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as api from '../lib';
import { EventTrigger, PlatformErrors, Routing, Source } from '../lib';
import { newPlatform, templateOf } from './util';

/** What an app that imports the package sees: the public API is the product, nothing else. */

test('exports only classes and enums at run time: no limits, helpers or handler constants', () => {
  // GIVEN every run-time value the package exports (interfaces have none: a transpiler that
  // compiles file by file re-exports them as undefined)
  const values = Object.entries(api).filter(([, v]) => v !== undefined);
  // THEN each is a class (a function with a prototype) or an enum (an object of constants)
  const other = values.filter(([, v]) => !(typeof v === 'function' && v.prototype) && !(typeof v === 'object' && v !== null));
  expect(other.map(([name]) => name)).toEqual([]);
  // and the names users reach for are there, while the internals that leaked before are not
  expect(Object.keys(api)).toEqual(expect.arrayContaining(['ContainerPlatform', 'Routing', 'Deployment', 'Source', 'PlatformErrors', 'PlatformTemplates']));
  for (const internal of ['MAX_RULES_PER_LOAD_BALANCER', 'platformApplication', 'SMOKE_TEST_PARAMETER_PREFIX', 'ContainerPlatformValidationError']) {
    expect(Object.keys(api)).not.toContain(internal);
  }
});

describe('PlatformErrors.isValidationError', () => {
  test('is true for the error of invalid props', () => {
    // GIVEN
    const { platform } = newPlatform();
    // WHEN
    let error: unknown;
    try {
      platform.addService('Orders', { routing: Routing.path('orders') });
    } catch (e) {
      error = e;
    }
    // THEN
    expect(error).toBeInstanceOf(Error);
    expect(PlatformErrors.isValidationError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^\[Test\/Platform\/OrdersStack\/Orders\] /);
  });

  test('is false for other errors and for values that are not errors', () => {
    expect(PlatformErrors.isValidationError(new Error('other'))).toBe(false);
    expect(PlatformErrors.isValidationError({ message: 'not an error' })).toBe(false);
    expect(PlatformErrors.isValidationError(undefined)).toBe(false);
  });
});

describe('the constructs the platform makes', () => {
  // The published API (jsii's assembly, which `npm run build` writes before the tests run):
  // what every language sees of each class.
  const assemblyFile = path.join(__dirname, '..', '.jsii');
  const types = (): Record<string, { initializer?: unknown }> => {
    if (!fs.existsSync(assemblyFile)) throw new Error(`${assemblyFile} is missing: run \`npm run build\` first (npm test does)`);
    return JSON.parse(fs.readFileSync(assemblyFile, 'utf8')).types;
  };

  test('cannot be made by hand: the platform or the workload hands each its contract, and users read them from their owner', () => {
    // GIVEN the published classes
    const published = types();
    // THEN they have no public constructor (`platform.loadBalancers`, `service.blueGreenService`, `.blueGreen`,
    // `.smokeTest`, `.pipeline`, `.dashboard`, `worker.pipeline`)
    for (const part of ['SharedLoadBalancer', 'BlueGreenService', 'BlueGreenDeployment', 'SmokeTest', 'ServicePipeline', 'ServiceDashboard', 'WorkloadPipeline']) {
      expect({ part, constructible: 'initializer' in published[`cdk-container-platform.${part}`] }).toEqual({ part, constructible: false });
    }
    // while what users build has one (so the check reads constructors where they exist)
    for (const built of ['ContainerPlatform', 'Microservice', 'QueueWorker', 'PlatformDashboard']) {
      expect({ built, constructible: 'initializer' in published[`cdk-container-platform.${built}`] }).toEqual({ built, constructible: true });
    }
  });
});

describe('workloadName', () => {
  // The one name every workload exposes: the platform's stack name and the workload's ID.
  function build() {
    const { stack, platform } = newPlatform();
    const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');
    const service = platform.addService('Orders', { routing: Routing.path('/orders/*'), container: { image } });
    const worker = platform.addWorker('Invoices', { container: { image } });
    const job = platform.addScheduledJob('Report', { schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)), source: Source.codeCommit() });
    const task = platform.addEventTask('Thumbnail', { trigger: EventTrigger.s3ObjectCreated(new s3.Bucket(stack, 'Uploads')), source: Source.codeCommit() });
    return { service, worker, job, task, t: templateOf(stack) };
  }
  let built: ReturnType<typeof build>;
  // GIVEN one workload of each kind on a platform in stack Test (synthesized once)
  beforeAll(() => {
    built = build();
  });

  test('is the stack name and the ID on all four workloads', () => {
    const { service, worker, job, task } = built;
    // THEN each exposes the same kind of name under the same member
    expect([service, worker, job, task].map((w) => w.workloadName)).toEqual(['Test-Orders', 'Test-Invoices', 'Test-Report', 'Test-Thumbnail']);
  });

  test('is the name the workloads\' resources carry in the template', () => {
    const { service, worker, job, task, t } = built;
    // THEN the service's and the worker's ECS services are named by it
    const serviceNames = [...Object.values<any>(t.findResources('Custom::EcsService')), ...Object.values<any>(t.findResources('AWS::ECS::Service'))]
      .map((r) => r.Properties.ServiceName);
    expect(serviceNames.sort()).toEqual([service.workloadName, worker.workloadName].sort());
    // AND the job's and the task's pipelines describe their builds by it
    const builds = Object.values<any>(t.findResources('AWS::CodeBuild::Project')).map((r) => r.Properties.Description);
    expect(builds).toEqual(expect.arrayContaining([`Builds the image of ${job.workloadName}`, `Builds the image of ${task.workloadName}`]));
  });
});
