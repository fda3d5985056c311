import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Routing, Source } from '../../lib';
import { errorOf, newPlatform } from '../util';

/** `Source.codeCommit({ initialCode })` is checked with the other props of the call that takes it. */

const ORDERS = Routing.path('/orders/*');
const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

/** A new empty temporary directory. */
function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'initial-code-'));
}

/** Runs `fn` with `dir` as the current directory, then restores the previous one. */
function inDirectory<T>(dir: string, fn: () => T): T {
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return fn();
  } finally {
    process.chdir(previous);
  }
}

test('a relative initialCode that does not exist fails naming the prop, the path it resolved to and the fix', () => {
  // GIVEN a current directory without services/orders
  const cwd = tempDir();
  const { platform } = newPlatform();
  // WHEN a service is seeded from it
  const message = inDirectory(cwd, () => errorOf(() => platform.addService('Orders', {
    routing: ORDERS,
    source: Source.codeCommit({ initialCode: 'services/orders' }),
  })));
  // THEN the library's message, not ENOENT
  expect(message).toBe([
    '[Test/Platform/OrdersStack/Orders] 1 invalid prop:',
    `  - source.initialCode: received "services/orders"; allowed: a directory whose files become the repository's first commit `
    + `(a relative path starts from the current directory, ${cwd}; this one resolves to ${path.join(cwd, 'services', 'orders')}, which does not exist). `
    + 'Fix: create that directory, or pass an absolute path such as path.join(__dirname, \'services/orders\').',
  ].join('\n'));
});

test('an initialCode that is a file fails and says so', () => {
  // GIVEN a file where a directory is expected
  const file = path.join(tempDir(), 'Dockerfile');
  fs.writeFileSync(file, 'FROM scratch\n');
  const { platform } = newPlatform();
  // WHEN
  const message = errorOf(() => platform.addService('Orders', { routing: ORDERS, source: Source.codeCommit({ initialCode: file }) }));
  // THEN
  expect(message).toContain(`  - source.initialCode: received ${JSON.stringify(file)}; allowed: a directory whose files become the repository's first commit `
    + `(${file} is not a directory).`);
});

test('initialCode together with an existing repository fails: only a new repository is seeded', () => {
  // GIVEN an existing repository and a real directory
  const dir = tempDir();
  const { stack, platform } = newPlatform();
  const repository = codecommit.Repository.fromRepositoryName(stack, 'Existing', 'orders');
  // WHEN
  const message = errorOf(() => platform.addService('Orders', { routing: ORDERS, source: Source.codeCommit({ repository, initialCode: dir }) }));
  // THEN
  expect(message.split('\n').slice(1)).toEqual([
    `  - source.initialCode: received ${JSON.stringify(dir)}; allowed: nothing when source.repository is given (only a new repository is seeded). `
    + 'Fix: push the code to the existing repository, or remove source.repository to create a new one.',
  ]);
});

test('a worker checks its initialCode the same way, with its other problems', () => {
  // GIVEN a missing absolute directory
  const missing = path.join(tempDir(), 'missing');
  const { platform } = newPlatform();
  // WHEN
  const message = errorOf(() => platform.addWorker('Resizer', {
    container: { image },
    source: Source.codeCommit({ initialCode: missing }),
  }));
  // THEN both problems of the call, the worker's path first
  expect(message).toMatch(/^\[Test\/Platform\/ResizerStack\/Resizer\] 2 invalid props:\n/);
  expect(message).toContain(`  - source.initialCode: received ${JSON.stringify(missing)}; allowed: a directory`);
  expect(message).toContain(`(${missing} does not exist). Fix: create that directory`);
  expect(message).toContain('  - container.image: received "set"');
});

test('an existing directory is accepted and seeds the repository', () => {
  // GIVEN a relative directory that exists
  const cwd = tempDir();
  fs.mkdirSync(path.join(cwd, 'services', 'orders'), { recursive: true });
  fs.writeFileSync(path.join(cwd, 'services', 'orders', 'Dockerfile'), 'FROM scratch\n');
  const { platform } = newPlatform();
  // WHEN
  const service = inDirectory(cwd, () => platform.addService('Orders', {
    routing: ORDERS,
    source: Source.codeCommit({ initialCode: 'services/orders' }),
  }));
  // THEN
  expect(service.pipeline?.sourceRepository).toBeInstanceOf(codecommit.Repository);
});
