import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { EXAMPLE_ENV } from '../../examples/env';
import { ContainerPlatform, ContainerPlatformProps, Deployment, Routing, SecureRepository, Source, TrafficShift } from '../../lib';
import { errorOf, newPlatform, newStack } from '../util';
import { messageOf, ORDERS, platformError, serviceError } from './helpers';

/**
 * Inputs a stranger passes that TypeScript would catch or that look right and are not: each is
 * refused at synth in the library's format, where before it reached aws-cdk-lib (a TypeError or
 * its own message), a template that fails at deploy, or a build that fails at run time.
 */

describe('a removal policy the stateful resources cannot take is refused', () => {
  test.each([
    ['the platform', () => platformError({ removalPolicy: RemovalPolicy.SNAPSHOT }), 'Test/Platform', 'snapshot'],
    ['a secure repository', () => errorOf(() => new SecureRepository(newStack(), 'Images', { removalPolicy: RemovalPolicy.SNAPSHOT })), 'Test/Images', 'snapshot'],
  ])('%s', (_what, make, path, value) => {
    expect(make()).toBe(messageOf(path, [
      `removalPolicy: received "${value}"; allowed: RemovalPolicy.RETAIN, RemovalPolicy.DESTROY or RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE `
      + '(the key, buckets, log groups and repositories take no snapshot). Fix: use RemovalPolicy.RETAIN to keep them, or RemovalPolicy.DESTROY to delete them with the stack.',
    ]));
  });

  test('a string that is no RemovalPolicy (JavaScript) is refused with the enum\'s values', () => {
    expect(platformError({ removalPolicy: 'nuke' as RemovalPolicy })).toBe(messageOf('Test/Platform', [
      'removalPolicy: received "nuke"; allowed: a value of RemovalPolicy. Fix: use RemovalPolicy.DESTROY, RemovalPolicy.RETAIN, RemovalPolicy.SNAPSHOT, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE.',
    ]));
  });

  test('RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE is taken', () => {
    expect(() => newPlatform({ removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE })).not.toThrow();
  });
});

test('keepImages as a token is refused: it is written into the lifecycle policy\'s text', () => {
  const message = errorOf(() => {
    const stack = newStack();
    new SecureRepository(stack, 'Images', { keepImages: new CfnParameter(stack, 'Keep', { type: 'Number' }).valueAsNumber });
  });
  expect(message).toBe(messageOf('Test/Images', [
    'keepImages: received "an unresolved token"; allowed: a number known at synth (it is written into the text of the lifecycle policy). Fix: pass a literal such as 30.',
  ]));
});

describe('the Dockerfile and build context go into the build\'s shell command, so the shell\'s own characters are refused', () => {
  test.each([
    ['dockerfile', 'Docker"file', 'rename the file'],
    ['dockerfile', 'Dockerfile.$HOME', 'rename the file'],
    ['buildContext', 'app/`id`', 'rename the directory'],
  ])('pipeline.%s %p', (prop, value, fix) => {
    const message = serviceError({ source: Source.codeCommit(), pipeline: { [prop]: value } });
    expect(message).toBe(messageOf(ORDERS, [
      `pipeline.${prop}: received ${JSON.stringify(value)}; allowed: a path without ", $, \`, \\ or line breaks (it is passed to docker build through the shell). Fix: ${fix}.`,
    ]));
  });
});

test('a traffic shift\'s interval that is not a Duration is refused before the deployment\'s timing reads it', () => {
  const message = serviceError({ deployment: Deployment.blueGreen({ traffic: TrafficShift.canary(10, 5 as unknown as Duration) }) });
  expect(message).toBe(messageOf(ORDERS, [
    'deployment.traffic.interval: received 5; allowed: a Duration. Fix: use Duration.minutes(n), such as TrafficShift.canary(10, Duration.minutes(5)).',
  ]));
});

describe('an ID that is not a string is refused where the platform names its child', () => {
  test.each([
    ['a service', 'service', (platform: any) => platform.addService(5, { container: {} })],
    ['a load balancer', 'load balancer', (platform: any) => platform.addLoadBalancer(5)],
  ])('%s', (_what, kind, add) => {
    const { platform } = newPlatform();
    expect(errorOf(() => add(platform))).toBe(messageOf('Test/Platform', [
      `id: received 5; allowed: a string known at synth (it names the ${kind} and its resources). Fix: pass an ID such as 'Orders'.`,
    ]));
  });
});

describe('a certificate from another region is refused (ACM certificates are regional)', () => {
  const ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';
  test('the platform\'s certificate', () => {
    const message = platformError((stack) => ({ certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', ARN) }));
    expect(message).toBe(messageOf('Test/Platform', [
      `certificate: received "${ARN}"; allowed: an ACM certificate in the load balancer's region, eu-west-1 (certificates are regional). Fix: request or import the certificate in eu-west-1, and pass that one.`,
    ]));
  });

  test('a TCP service\'s TLS certificate', () => {
    const message = serviceError((stack) => ({ routing: Routing.tcp(8883, { tls: { certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', ARN) } }), container: { port: 1883 } }));
    expect(message).toContain(`  - routing.tls.certificate: received "${ARN}"; allowed: an ACM certificate in the load balancer's region, eu-west-1 (certificates are regional).`);
  });
});

test('an approver listed twice is refused (one subscription per address)', () => {
  const message = serviceError({ source: Source.codeCommit(), pipeline: { approval: { emails: ['ops@example.com', 'OPS@example.com'] } } });
  expect(message).toBe(messageOf(ORDERS, [
    'pipeline.approval.emails[1]: received "OPS@example.com"; allowed: an address not already listed (emails[0] is the same). Fix: list each address once.',
  ]));
});

test('service subnets that are public are refused: the tasks have no public address there', () => {
  const message = platformError({ serviceSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
  expect(message).toBe(messageOf('Test/Platform', [
    'serviceSubnets: received {"subnetType":"Public"}; allowed: private subnets (with egress through NAT, or isolated with the VPC endpoints the platform adds): '
    + 'the tasks have no public IP address, so in a public subnet they could not pull their image. Fix: leave serviceSubnets out, or select the private or isolated subnets of the VPC.',
  ]));
});

test('initialCode that holds the app\'s output is refused: the asset would copy itself', () => {
  // GIVEN the output of the app inside the directory given as initialCode
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'initial-code-'));
  try {
    const app = new App({ outdir: path.join(dir, 'cdk.out') });
    const { platform } = newPlatform({}, new Stack(app, 'Test', { env: EXAMPLE_ENV }));
    // WHEN / THEN
    const message = errorOf(() => platform.addService('Orders', { routing: Routing.path('/orders/*'), source: Source.codeCommit({ initialCode: dir }) }));
    expect(message).toBe(messageOf(ORDERS, [
      `source.initialCode: received ${JSON.stringify(dir)}; allowed: a directory that does not hold the app's output (it holds ${path.join(dir, 'cdk.out')}). `
      + "Fix: keep the service's code in a folder of its own, such as path.join(__dirname, 'services/orders').",
    ]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a protocol written in lower case (JavaScript) is refused: the listener would get a protocol CloudFormation rejects', () => {
  expect(platformError({ protocol: 'https' as any })).toBe(messageOf('Test/Platform', [
    'protocol: received "https"; allowed: a value of elasticloadbalancingv2.ApplicationProtocol. '
    + 'Fix: use elasticloadbalancingv2.ApplicationProtocol.HTTP, elasticloadbalancingv2.ApplicationProtocol.HTTPS.',
  ]));
});

test('an environment variable whose name is a token is refused: names are written into the task definition', () => {
  const message = serviceError((stack) => ({ container: { environment: { [new CfnParameter(stack, 'Name').valueAsString]: 'x' } } }));
  expect(message).toBe(messageOf(ORDERS, [
    'container.environment: received "an unresolved token"; allowed: a variable name known at synth (names are written into the task definition; only values may come from parameters). '
    + 'Fix: write the name literally, and pass the parameter as its value.',
  ]));
});

test('a negative container.cpu is one problem, not also the sidecars\' share of it', () => {
  const message = serviceError({ container: { cpu: -256 } });
  expect(message.split('\n')[0]).toBe(`[${ORDERS}] 1 invalid prop:`);
  expect(message).toContain('  - container.cpu: received -256;');
});

describe('values of the wrong kind inside lists and maps (JavaScript) are refused where they are judged', () => {
  test('an environment value that is not text, of the container or of a sidecar', () => {
    // GIVEN / WHEN
    const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27');
    const message = serviceError({
      container: { environment: { PORT: 8080 as unknown as string } },
      sidecars: [{ name: 'proxy', image, environment: { DEBUG: true as unknown as string } }],
    });
    // THEN both are named, with the fix
    expect(message).toContain('  - container.environment.PORT: received 8080; allowed: a string (the values of environment variables are text). Fix: write it as text, such as \'8080\'.');
    expect(message).toContain('  - sidecars[0].environment.DEBUG: received true; allowed: a string (the values of environment variables are text). Fix: write it as text, such as \'true\'.');
  });

  test('a path pattern or host that is not text', () => {
    // GIVEN / WHEN
    const message = serviceError({ routing: Routing.rule({ paths: [['/a'] as unknown as string], hosts: [7 as unknown as string] }) });
    // THEN
    expect(message).toBe(messageOf(ORDERS, [
      'routing.paths[0]: received ["/a"]; allowed: a string. Fix: write each pattern as a string, such as \'/orders/*\' or \'orders.example.com\'.',
      'routing.hosts[0]: received 7; allowed: a string. Fix: write each pattern as a string, such as \'/orders/*\' or \'orders.example.com\'.',
    ]));
  });

  test('props passed as null', () => {
    // GIVEN / WHEN
    const message = errorOf(() => new ContainerPlatform(newStack(), 'Platform', null as unknown as ContainerPlatformProps));
    // THEN
    expect(message).toMatch(/^\[Test\/Platform\] 1 invalid prop:\n {2}- props: received null; allowed: an object of ContainerPlatformProps \(.*\), or nothing\. Fix: pass \{\} or leave the props out\.$/);
  });
});
