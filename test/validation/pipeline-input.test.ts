import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PromotionPipeline, Routing, Source } from '../../lib';
import { errorOf, newPlatform } from '../util';
import { messageOf, ORDERS, serviceError } from './helpers';

/** Bad sources and pipeline options fail with the library's message, under the service's path. */

const CONNECTION_ARN = 'arn:aws:codeconnections:eu-west-1:111111111111:connection/11111111-2222-3333-4444-555555555555';
const BRANCH = "a Git branch name of 1 to 256 characters without spaces, control characters, ~ ^ : ? * [ \\ or '..', "
  + "not starting or ending with '/' or '.', not ending with '.lock'. Fix: use a branch such as 'main'.";
const ARN = 'a CodeConnections connection ARN, arn:aws:codeconnections:<region>:<account>:connection/<id> (or arn:aws:codestar-connections:...). '
  + 'Fix: copy the ARN of an available connection from the console (Developer Tools > Settings > Connections).';

const cases: Array<[string, (stack: Stack) => Source, string[]]> = [
  ['an empty CodeCommit branch', () => Source.codeCommit({ branch: '' }), [`source.branch: received ""; allowed: ${BRANCH}`]],
  ['a CodeCommit branch with a space and two dots', () => Source.codeCommit({ branch: 'my branch..x' }), [`source.branch: received "my branch..x"; allowed: ${BRANCH}`]],
  ['a connection with an empty owner and repository', () => Source.connection({ connectionArn: CONNECTION_ARN, owner: '', repo: '' }), [
    "source.owner: received \"\"; allowed: the user or organization that owns the repository, without spaces. Fix: write it as in the repository's URL, e.g. 'my-org' in github.com/my-org/orders.",
    "source.repo: received \"\"; allowed: the repository's name, without spaces or '/'. Fix: write it as in the repository's URL, e.g. 'orders' in github.com/my-org/orders.",
  ]],
  ['a connection that is not a connection ARN', () => Source.connection({ connectionArn: 'github', owner: 'my-org', repo: 'orders' }),
    [`source.connectionArn: received "github"; allowed: ${ARN}`]],
  ['an ARN of another service', () => Source.connection({ connectionArn: 'arn:aws:codecommit:eu-west-1:111111111111:orders', owner: 'my-org', repo: 'orders' }),
    [`source.connectionArn: received "arn:aws:codecommit:eu-west-1:111111111111:orders"; allowed: ${ARN}`]],
  ['a connection with an empty branch', () => Source.connection({ connectionArn: CONNECTION_ARN, owner: 'my-org', repo: 'orders', branch: '' }),
    [`source.branch: received ""; allowed: ${BRANCH}`]],
  ['an S3 source with an empty key', (stack) => Source.s3({ bucket: new s3.Bucket(stack, 'Sources', { versioned: true }), key: '' }),
    ["source.key: received \"\"; allowed: an object key of 1 to 1024 characters. Fix: name the zip file, such as 'orders/source.zip'."]],
  ['an S3 source in a bucket without versioning', (stack) => Source.s3({ bucket: new s3.Bucket(stack, 'Sources'), key: 'orders.zip' }),
    ['source.bucket: received "Test/Sources"; allowed: a versioned bucket (the S3 source action of CodePipeline needs versioning). Fix: create the bucket with versioned: true.']],
];

test.each(cases)('%s', (_name, source, lines) => {
  // GIVEN / WHEN
  const message = serviceError((stack) => ({ source: source(stack) }));
  // THEN
  expect(message).toBe(messageOf(ORDERS, lines));
});

test('an approval address that is not an email', () => {
  // GIVEN / WHEN
  const message = serviceError({ source: Source.codeCommit(), pipeline: { approval: { emails: ['ops@example.com', 'bob'] } } });
  // THEN
  expect(message).toBe(messageOf(ORDERS, ['pipeline.approval.emails[1]: received "bob"; allowed: an email address such as ops@example.com. Fix: write the whole address, name@domain.']));
});

test('an empty Dockerfile name and build context', () => {
  // GIVEN / WHEN
  const message = serviceError({ source: Source.codeCommit(), pipeline: { dockerfile: '', buildContext: '' } });
  // THEN
  expect(message).toBe(messageOf(ORDERS, [
    "pipeline.dockerfile: received \"\"; allowed: a path relative to the build context. Fix: omit it for 'Dockerfile', or name your file.",
    "pipeline.buildContext: received \"\"; allowed: a directory of the source. Fix: omit it for '.', the repository's root.",
  ]));
});

test('a Dockerfile or build context outside the source, and blank test commands', () => {
  // GIVEN / WHEN
  const message = serviceError({ source: Source.codeCommit(), pipeline: { dockerfile: '/abs/Dockerfile', buildContext: 'services/../../up', testCommands: ['npm test', '  '] } });
  // THEN
  expect(message).toBe(messageOf(ORDERS, [
    'pipeline.testCommands[1]: received "  "; allowed: a command. Fix: remove the empty command.',
    "pipeline.dockerfile: received \"/abs/Dockerfile\"; allowed: a path relative to the build context, inside the source (no leading / and no ..). Fix: write it from the build context, such as 'docker/Dockerfile'.",
    "pipeline.buildContext: received \"services/../../up\"; allowed: a directory of the source (no leading / and no ..). Fix: write it from the repository's root, such as 'services/orders'.",
  ]));
  // AND paths inside the source pass
  expect(() => newPlatform().platform.addService('Orders', {
    routing: Routing.path('/orders/*'), source: Source.codeCommit(), pipeline: { dockerfile: 'docker/Dockerfile.prod', buildContext: 'services/orders', testCommands: ['npm test'] },
  })).not.toThrow();
});

test('valid sources pass: a versioned bucket, a codestar-connections ARN, branches with slashes', () => {
  // GIVEN
  const valid = [
    (stack: Stack) => Source.s3({ bucket: new s3.Bucket(stack, 'Sources', { versioned: true }), key: 'orders/source.zip' }),
    () => Source.connection({ connectionArn: 'arn:aws:codestar-connections:eu-west-1:111111111111:connection/abc', owner: 'my-org', repo: 'orders', branch: 'release/2026.1' }),
    () => Source.codeCommit({ branch: 'feature/x-1', initialCode: __dirname }),
  ];
  for (const source of valid) {
    const { stack, platform } = newPlatform();
    // WHEN / THEN
    expect(() => platform.addService('Orders', { routing: Routing.path('/orders/*'), source: source(stack) })).not.toThrow();
  }
});

test('a promotion pipeline\'s own testCommands, dockerfile and buildContext are checked under their own names', () => {
  // GIVEN
  const stack = new Stack(newPlatform().stack.node.root as App, 'Delivery', { env: { account: '111111111111', region: 'eu-west-1' } });
  // WHEN
  const message = errorOf(() => new PromotionPipeline(stack, 'Pipeline', { source: Source.codeCommit(), testCommands: [''], dockerfile: '../Dockerfile' }));
  // THEN
  expect(message).toBe(messageOf('Delivery/Pipeline', [
    'testCommands[0]: received ""; allowed: a command. Fix: remove the empty command.',
    "dockerfile: received \"../Dockerfile\"; allowed: a path relative to the build context, inside the source (no leading / and no ..). Fix: write it from the build context, such as 'docker/Dockerfile'.",
  ]));
});
