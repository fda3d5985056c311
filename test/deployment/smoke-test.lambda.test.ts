import * as http from 'node:http';
import * as net from 'node:net';
import { AddressInfo, Socket } from 'node:net';
import * as tls from 'node:tls';
import { GetDeploymentCommand, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { handler, passes, smokeTest, SmokeTestSettings } from '../../lib/deployment/smoke-test/handler';
import { SMOKE_TEST_TIMING } from '../../lib/deployment/smoke-test/timing';
import { PLATFORM_NOT_FOUND_BODY } from '../../lib/foundation/not-found';

/** The built-in smoke test: a real HTTP server on 127.0.0.1 plays the load balancer's test listener. */

const mockEc2Send = jest.fn();
const mockCodeDeploySend = jest.fn();
const mockSsmSend = jest.fn();
const mockEcsSend = jest.fn();
jest.mock('@aws-sdk/client-ecs', () => ({
  ...jest.requireActual('@aws-sdk/client-ecs'),
  ECSClient: jest.fn(() => ({ send: (command: unknown) => mockEcsSend(command) })),
}));
jest.mock('@aws-sdk/client-ec2', () => ({
  ...jest.requireActual('@aws-sdk/client-ec2'),
  EC2Client: jest.fn(() => ({ send: (command: unknown) => mockEc2Send(command) })),
}));
jest.mock('@aws-sdk/client-codedeploy', () => ({
  ...jest.requireActual('@aws-sdk/client-codedeploy'),
  CodeDeployClient: jest.fn(() => ({ send: (command: unknown) => mockCodeDeploySend(command) })),
}));
jest.mock('@aws-sdk/client-ssm', () => ({
  ...jest.requireActual('@aws-sdk/client-ssm'),
  SSMClient: jest.fn(() => ({ send: (command: unknown) => mockSsmSend(command) })),
}));

const HOOK_EVENT = { DeploymentId: 'd-ABCDEF123', LifecycleEventHookExecutionId: 'hook-execution-1' };
const PREFIX = '/cdk-container-platform/smoke-test/';

describe('passes', () => {
  // With no codes given, a real success: 2xx or 3xx, what the target group's health check accepts.
  test.each([
    [200, 'ok', [], true],
    [204, '', [], true],
    [302, '', [], true],
    [399, '', [], true],
    [199, '', [], false],
    [400, '', [], false],
    [404, 'Not Found', [], false],
    [499, '', [], false],
    [500, '', [], false],
    [200, 'ok', [200], true],
    [204, '', [200, 204], true],
    [204, '', [200], false],
    [500, '', [500], true],
    [404, 'no such order', [404], true],
  ])('status %d with body %p and expected %p passes: %p', (status, body, expected, result) => {
    expect(passes(status, body, expected)).toBe(result);
  });

  test('never accepts the platform\'s own 404, even when 404 is an expected code', () => {
    expect(passes(404, PLATFORM_NOT_FOUND_BODY, [404])).toBe(false);
    expect(passes(404, `${PLATFORM_NOT_FOUND_BODY}\n`, [])).toBe(false);
  });
});

describe('handler', () => {
  let server: http.Server;
  let requests: Array<{ path?: string; host?: string }>;
  let status: number;
  let body: string;
  let settings: SmokeTestSettings;
  const savedPrefix = process.env.PARAMETER_PREFIX;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push({ path: req.url, host: req.headers.host });
      res.statusCode = status;
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.PARAMETER_PREFIX = PREFIX;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    if (savedPrefix === undefined) delete process.env.PARAMETER_PREFIX;
    else process.env.PARAMETER_PREFIX = savedPrefix;
  });

  beforeEach(() => {
    requests = [];
    status = 200;
    body = 'ok';
    settings = {
      loadBalancerName: 'app/Test-Platform/0123456789abcdef',
      port: (server.address() as AddressInfo).port,
      protocol: 'http',
      host: 'orders.example.com',
      path: '/orders/health',
      expectedStatus: [200],
      attempts: 1,
    };
    mockEc2Send.mockReset().mockResolvedValue({ NetworkInterfaces: [{ PrivateIpAddress: '127.0.0.1' }] });
    mockSsmSend.mockReset().mockImplementation(async () => ({ Parameter: { Value: JSON.stringify(settings) } }));
    mockEcsSend.mockReset().mockResolvedValue({ services: [{ desiredCount: 2 }] });
    mockCodeDeploySend.mockReset().mockImplementation(async (command: unknown) =>
      (command instanceof GetDeploymentCommand ? { deploymentInfo: { deploymentGroupName: 'Test-Orders' } } : {}));
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });

  /** The status the handler reported to CodeDeploy. */
  function reported(): unknown {
    const puts = mockCodeDeploySend.mock.calls.map(([c]) => c).filter((c) => c instanceof PutLifecycleEventHookExecutionStatusCommand);
    expect(puts).toHaveLength(1);
    return puts[0].input;
  }

  test('finds the service from the CodeDeploy deployment and reads its settings from SSM', async () => {
    // WHEN
    await handler(HOOK_EVENT);
    // THEN
    const getDeployment = mockCodeDeploySend.mock.calls[0][0];
    expect(getDeployment).toBeInstanceOf(GetDeploymentCommand);
    expect(getDeployment.input).toEqual({ deploymentId: 'd-ABCDEF123' });
    const getParameter = mockSsmSend.mock.calls[0][0];
    expect(getParameter).toBeInstanceOf(GetParameterCommand);
    expect(getParameter.input).toEqual({ Name: `${PREFIX}Test-Orders` });
  });

  test('finds the service of an ECS lifecycle hook from its ARN', async () => {
    // WHEN
    await handler({ executionDetails: { serviceArn: 'arn:aws:ecs:eu-west-1:111111111111:service/Test-Cluster/Test-Carts' } });
    // THEN
    expect(mockSsmSend.mock.calls[0][0].input).toEqual({ Name: `${PREFIX}Test-Carts` });
  });

  test('looks up the load balancer\'s network interfaces by their description', async () => {
    // WHEN
    await handler(HOOK_EVENT);
    // THEN
    const command = mockEc2Send.mock.calls[0][0];
    expect(command).toBeInstanceOf(DescribeNetworkInterfacesCommand);
    expect(command.input).toEqual({ Filters: [{ Name: 'description', Values: ['ELB app/Test-Platform/0123456789abcdef'] }] });
  });

  test('reports Succeeded when the service answers an expected status through the test listener', async () => {
    // WHEN
    const result = await handler(HOOK_EVENT);
    // THEN
    expect(reported()).toEqual({ deploymentId: 'd-ABCDEF123', lifecycleEventHookExecutionId: 'hook-execution-1', status: 'Succeeded' });
    expect(result).toEqual({ hookStatus: 'SUCCEEDED' });
  });

  test('requests the path with the Host header of the settings', async () => {
    // WHEN
    await handler(HOOK_EVENT);
    // THEN
    expect(requests).toEqual([{ path: '/orders/health', host: 'orders.example.com' }]);
  });

  test('reports Failed when the service answers a status that is not expected', async () => {
    // GIVEN the service answers 503
    status = 503;
    // WHEN
    const result = await handler(HOOK_EVENT);
    // THEN
    expect(reported()).toEqual({ deploymentId: 'd-ABCDEF123', lifecycleEventHookExecutionId: 'hook-execution-1', status: 'Failed' });
    expect(result).toEqual({ hookStatus: 'FAILED' });
    expect(console.error).toHaveBeenCalledWith('smoke test failed: /orders/health answered 503, expected 200');
  });

  test('retries until an attempt passes', async () => {
    // GIVEN two attempts, of which the first answers 503
    let calls = 0;
    server.removeAllListeners('request');
    server.on('request', (req, res) => {
      requests.push({ path: req.url, host: req.headers.host });
      res.statusCode = calls++ === 0 ? 503 : 200;
      res.end('ok');
    });
    try {
      // WHEN (1 ms between attempts instead of 5 s)
      const problem = await smokeTest({ ...settings, attempts: 2 }, 1);
      // THEN
      expect(requests).toHaveLength(2);
      expect(problem).toBeUndefined();
    } finally {
      server.removeAllListeners('request');
      server.on('request', (req, res) => {
        requests.push({ path: req.url, host: req.headers.host });
        res.statusCode = status;
        res.end(body);
      });
    }
  });

  test('reports Failed when the load balancer has no network interfaces', async () => {
    // GIVEN
    mockEc2Send.mockResolvedValue({ NetworkInterfaces: [] });
    // WHEN
    const result = await handler(HOOK_EVENT);
    // THEN
    expect(reported()).toEqual(expect.objectContaining({ status: 'Failed' }));
    expect(result).toEqual({ hookStatus: 'FAILED' });
    expect(console.error).toHaveBeenCalledWith('smoke test failed: no network interfaces found for app/Test-Platform/0123456789abcdef');
  });

  test('reports Failed when the service has no settings', async () => {
    // GIVEN SSM does not know the service
    mockSsmSend.mockRejectedValue(Object.assign(new Error('ParameterNotFound'), { name: 'ParameterNotFound' }));
    // WHEN
    const result = await handler(HOOK_EVENT);
    // THEN the deployment is failed rather than left waiting for the hook
    expect(reported()).toEqual(expect.objectContaining({ status: 'Failed' }));
    expect(result).toEqual({ hookStatus: 'FAILED' });
  });

  test('reports Failed when nothing listens on the test port', async () => {
    // GIVEN a port nobody listens on
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    settings = { ...settings, port: (closed.address() as AddressInfo).port };
    await new Promise((resolve) => closed.close(resolve));
    // WHEN
    const result = await handler(HOOK_EVENT);
    // THEN
    expect(reported()).toEqual(expect.objectContaining({ status: 'Failed' }));
    expect(result).toEqual({ hookStatus: 'FAILED' });
  });

  test('reports Failed when the request reaches the platform\'s 404 default action instead of the service', async () => {
    // GIVEN the test listener answers with the platform's default action (no rule matched), and any success is expected
    status = 404;
    body = PLATFORM_NOT_FOUND_BODY;
    settings = { ...settings, expectedStatus: [] };
    // WHEN
    const result = await handler(HOOK_EVENT);
    // THEN
    expect(reported()).toEqual(expect.objectContaining({ status: 'Failed' }));
    expect(result).toEqual({ hookStatus: 'FAILED' });
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('the platform\'s 404 default action answered'));
  });

  test('reports Failed before the function times out when the service never answers', async () => {
    // GIVEN a listener that accepts connections and never answers, and a function with little time left
    const silent = http.createServer(() => undefined);
    const connections: Socket[] = [];
    silent.on('connection', (socket) => connections.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    settings = { ...settings, port: (silent.address() as AddressInfo).port, attempts: 3 };
    const context = { getRemainingTimeInMillis: () => SMOKE_TEST_TIMING.reportReserveMs + 300 };
    try {
      // WHEN
      const started = Date.now();
      const result = await handler(HOOK_EVENT, context);
      // THEN Failed is reported about 300 ms in, not when the requests time out
      expect(Date.now() - started).toBeLessThan(SMOKE_TEST_TIMING.requestTimeoutMs);
      expect(reported()).toEqual(expect.objectContaining({ status: 'Failed' }));
      expect(result).toEqual({ hookStatus: 'FAILED' });
      expect(console.error).toHaveBeenCalledWith(expect.stringContaining('ran out of time'));
      // AND the request is abandoned with the invocation (Lambda would resume it in the next one):
      // its connection closes now, not when the request's own timeout ends it
      expect(connections).toHaveLength(1);
      await Promise.all(connections.map((c) => (c.destroyed ? undefined : new Promise((resolve) => c.once('close', resolve)))));
      expect(Date.now() - started).toBeLessThan(SMOKE_TEST_TIMING.requestTimeoutMs);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('retries the report when PutLifecycleEventHookExecutionStatus throws', async () => {
    // GIVEN CodeDeploy throttles the first report
    let puts = 0;
    mockCodeDeploySend.mockImplementation(async (command: unknown) => {
      if (command instanceof GetDeploymentCommand) return { deploymentInfo: { deploymentGroupName: 'Test-Orders' } };
      if (puts++ === 0) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return {};
    });
    // WHEN
    const result = await handler(HOOK_EVENT);
    // THEN the same status is sent again
    const statuses = mockCodeDeploySend.mock.calls.map(([c]) => c)
      .filter((c) => c instanceof PutLifecycleEventHookExecutionStatusCommand).map((c) => c.input.status);
    expect(statuses).toEqual(['Succeeded', 'Succeeded']);
    expect(result).toEqual({ hookStatus: 'SUCCEEDED' });
  });

  test('does not repeat a report that CodeDeploy already has', async () => {
    // GIVEN a report that CodeDeploy recorded although the answer was lost
    mockCodeDeploySend.mockImplementation(async (command: unknown) => {
      if (command instanceof GetDeploymentCommand) return { deploymentInfo: { deploymentGroupName: 'Test-Orders' } };
      throw Object.assign(new Error('already completed'), { name: 'LifecycleEventAlreadyCompletedException' });
    });
    // WHEN
    const result = await handler(HOOK_EVENT);
    // THEN
    reported();
    expect(result).toEqual({ hookStatus: 'SUCCEEDED' });
  });

  test('fails the invocation when every report attempt throws', async () => {
    // GIVEN CodeDeploy refuses every report
    mockCodeDeploySend.mockImplementation(async (command: unknown) => {
      if (command instanceof GetDeploymentCommand) return { deploymentInfo: { deploymentGroupName: 'Test-Orders' } };
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    });
    // WHEN / THEN the invocation ends in an error after the attempts, so that it is visible in the function's errors
    await expect(handler(HOOK_EVENT)).rejects.toThrow('Rate exceeded');
    const puts = mockCodeDeploySend.mock.calls.filter(([c]) => c instanceof PutLifecycleEventHookExecutionStatusCommand);
    expect(puts).toHaveLength(SMOKE_TEST_TIMING.reportAttempts);
  });

  test('stops attempting when too little time is left for another attempt', async () => {
    // GIVEN a service that answers 503, and after the first attempt less time left than a request may take
    status = 503;
    const remaining = () => SMOKE_TEST_TIMING.requestTimeoutMs - 1;
    // WHEN
    const problem = await smokeTest({ ...settings, attempts: 5 }, 1, remaining);
    // THEN
    expect(requests).toHaveLength(1);
    expect(problem).toBe('stopped after 1 of 5 attempts, the time left is too short for another: /orders/health answered 503, expected 200');
  });

  test('as an ECS lifecycle hook of a service that runs no task (created at 0 tasks) passes without a request', async () => {
    // GIVEN
    mockEcsSend.mockResolvedValue({ services: [{ desiredCount: 0 }] });
    // WHEN
    const result = await handler({ executionDetails: { serviceArn: 'arn:aws:ecs:eu-west-1:111111111111:service/Test-Cluster/Test-Carts' } });
    // THEN
    expect(mockEcsSend.mock.calls[0][0].input).toEqual({ cluster: 'Test-Cluster', services: ['Test-Carts'] });
    expect(requests).toEqual([]);
    expect(result).toEqual({ hookStatus: 'SUCCEEDED' });
  });

  test('as an ECS lifecycle hook reports nothing to CodeDeploy and returns the hook status', async () => {
    // WHEN
    const result = await handler({ executionDetails: { serviceArn: 'arn:aws:ecs:eu-west-1:111111111111:service/Test-Cluster/Test-Carts' } });
    // THEN
    expect(mockCodeDeploySend).not.toHaveBeenCalled();
    expect(result).toEqual({ hookStatus: 'SUCCEEDED' });
  });
});

/**
 * A self-signed certificate and its key, for this test's TLS server only (CN smoke-test.invalid,
 * made with `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500`):
 * the smoke test checks no certificate, as it connects by address.
 */
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgi4MF/BsHOjOlQHkp
dZ9H+Ozj8x43AFYd+HD9emWimCKhRANCAATC7W2kigwS0unQHSj/R4RwCT41AyD1
7dfqX7bDBTh+s16Re4V7tpkzkFpwGuSNB3VLa+aMd7gnq+NCB706av8Q
-----END PRIVATE KEY-----`;
const TEST_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBkTCCATegAwIBAgIUFbYIQ84L2SDuz6HlRA7jdE/OdHgwCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSc21va2UtdGVzdC5pbnZhbGlkMCAXDTI2MTIwNzA2Mjk1OFoY
DzIxMjYxMTEzMDYyOTU4WjAdMRswGQYDVQQDDBJzbW9rZS10ZXN0LmludmFsaWQw
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATC7W2kigwS0unQHSj/R4RwCT41AyD1
7dfqX7bDBTh+s16Re4V7tpkzkFpwGuSNB3VLa+aMd7gnq+NCB706av8Qo1MwUTAd
BgNVHQ4EFgQUvKwmRpBpRdKlP04czQgBaMVOVDAwHwYDVR0jBBgwFoAUvKwmRpBp
RdKlP04czQgBaMVOVDAwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBF
AiEAxMgi60uumG6+kI9CUBBnkhYN7VJIRpt7tY3j5l6jKbYCIACE5wOl7E39VdrF
eIAcsmlyPBSC1McUoWFU7RCKlX0g
-----END CERTIFICATE-----`;

/** Listens on 127.0.0.1 at a free port; resolves with the port. */
async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port on which nothing listens (taken, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the smoke test of a TCP service (the test listener of the Network Load Balancer)', () => {
  const base: SmokeTestSettings = {
    loadBalancerName: 'net/Test-Platform/0123456789abcdef', port: 0, protocol: 'tcp', host: '', path: '', expectedStatus: [], attempts: 1,
  };
  const servers: net.Server[] = [];

  beforeEach(() => {
    mockEc2Send.mockReset().mockResolvedValue({ NetworkInterfaces: [{ PrivateIpAddress: '127.0.0.1' }] });
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** A TCP server that accepts connections (and counts them), closing each at once. */
  async function tcpServer(): Promise<{ port: number; connections: () => number }> {
    let count = 0;
    const server = net.createServer((socket) => {
      count++;
      socket.destroy();
    });
    servers.push(server);
    return { port: await listen(server), connections: () => count };
  }

  test('tcp: passes when a connection to the test listener opens', async () => {
    const { port, connections } = await tcpServer();
    await expect(smokeTest({ ...base, port }, 0)).resolves.toBeUndefined();
    expect(connections()).toBe(1);
    // at the load balancer's own addresses, looked up by the Network Load Balancer's description
    expect(mockEc2Send.mock.calls[0][0]).toBeInstanceOf(DescribeNetworkInterfacesCommand);
    expect(mockEc2Send.mock.calls[0][0].input).toEqual({ Filters: [{ Name: 'description', Values: ['ELB net/Test-Platform/0123456789abcdef'] }] });
  });

  test('tcp: fails, naming the cause, when nothing listens on the test port', async () => {
    const port = await closedPort();
    const problem = await smokeTest({ ...base, port, attempts: 2 }, 0);
    expect(problem).toMatch(/ECONNREFUSED/);
    expect(mockEc2Send).toHaveBeenCalledTimes(2);
  });

  test('tls: passes when the TLS handshake with the test listener ends', async () => {
    let handshakes = 0;
    const server = tls.createServer({ key: TEST_KEY, cert: TEST_CERTIFICATE });
    // the server's side of the handshake ends after the client's (which sends the last message)
    const serverDone = new Promise<void>((resolve) => server.on('secureConnection', (socket) => {
      handshakes++;
      socket.destroy();
      resolve();
    }));
    servers.push(server);
    const port = await listen(server);
    await expect(smokeTest({ ...base, port, protocol: 'tls' }, 0)).resolves.toBeUndefined();
    await serverDone;
    expect(handshakes).toBe(1);
  });

  test('tls: fails when the listener accepts the connection but no TLS handshake follows (a TCP listener)', async () => {
    const { port, connections } = await tcpServer();
    const problem = await smokeTest({ ...base, port, protocol: 'tls' }, 0);
    expect(connections()).toBe(1);
    expect(problem).toBeDefined();
    expect(problem).toMatch(/socket disconnected|ECONNRESET|closed before the TLS handshake ended/);
  });

  test('tls: fails when nothing answers the handshake within the bound', async () => {
    // a server that accepts and then says nothing: the handshake never ends
    const held: net.Socket[] = [];
    const server = net.createServer((socket) => { held.push(socket); });
    servers.push(server);
    const port = await listen(server);
    try {
      // the bound runs on node:timers (see the handler), so this waits for it
      await expect(smokeTest({ ...base, port, protocol: 'tls' }, 0)).resolves.toBe(`no TLS handshake within ${SMOKE_TEST_TIMING.requestTimeoutMs / 1000} s`);
    } finally {
      held.forEach((socket) => socket.destroy());
    }
  });

  test('http (a TCP service with httpHealthCheckPath): a GET of the path, passing on 2xx or 3xx', async () => {
    const paths: Array<string | undefined> = [];
    let code = 200;
    const server = http.createServer((req, res) => {
      paths.push(req.url);
      res.statusCode = code;
      res.end('ok');
    });
    servers.push(server);
    const port = await listen(server);
    await expect(smokeTest({ ...base, port, protocol: 'http', path: '/health' }, 0)).resolves.toBeUndefined();
    code = 503;
    await expect(smokeTest({ ...base, port, protocol: 'http', path: '/health' }, 0)).resolves.toBe('/health answered 503, expected a 2xx or 3xx status');
    expect(paths).toEqual(['/health', '/health']);
  });
});
