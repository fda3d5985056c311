import { PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { handler, passes } from '../../lib/deployment/smoke-test.lambda';

/** The built-in smoke test: a real HTTP server on 127.0.0.1 plays the load balancer's test listener. */

const mockEc2Send = jest.fn();
const mockCodeDeploySend = jest.fn();
jest.mock('@aws-sdk/client-ec2', () => ({
  ...jest.requireActual('@aws-sdk/client-ec2'),
  EC2Client: jest.fn(() => ({ send: (command: unknown) => mockEc2Send(command) })),
}));
jest.mock('@aws-sdk/client-codedeploy', () => ({
  ...jest.requireActual('@aws-sdk/client-codedeploy'),
  CodeDeployClient: jest.fn(() => ({ send: (command: unknown) => mockCodeDeploySend(command) })),
}));

const HOOK_EVENT = { DeploymentId: 'd-ABCDEF123', LifecycleEventHookExecutionId: 'hook-execution-1' };

describe('passes', () => {
  test.each([
    [200, '200', true],
    [204, '200,204', true],
    [204, '200', false],
    [404, '', true],
    [404, undefined, true],
    [499, '', true],
    [500, '', false],
    [503, undefined, false],
    [302, '', true],
    [199, '', false],
    [500, '500', true],
  ])('status %d with expected %p passes: %p', (status, expected, result) => {
    expect(passes(status, expected)).toBe(result);
  });
});

describe('handler', () => {
  let server: http.Server;
  let requests: Array<{ path?: string; host?: string }>;
  let status: number;
  const KEYS = ['LOAD_BALANCER_NAME', 'PORT', 'PROTOCOL', 'HOST', 'PATH', 'EXPECTED_STATUS', 'ATTEMPTS'];
  const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push({ path: req.url, host: req.headers.host });
      res.statusCode = status;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    // The handler reads process.env itself: put back what the worker had (PATH above all).
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  beforeEach(() => {
    requests = [];
    status = 200;
    mockEc2Send.mockReset();
    mockCodeDeploySend.mockReset().mockResolvedValue({});
    Object.assign(process.env, {
      LOAD_BALANCER_NAME: 'app/Test-Platform/0123456789abcdef',
      PORT: String((server.address() as AddressInfo).port),
      PROTOCOL: 'http',
      HOST: 'orders.example.com',
      PATH: '/orders/health',
      EXPECTED_STATUS: '200',
      ATTEMPTS: '1',
    });
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });

  /** The status the handler reported to CodeDeploy. */
  function reported(): unknown {
    expect(mockCodeDeploySend).toHaveBeenCalledTimes(1);
    const command = mockCodeDeploySend.mock.calls[0][0];
    expect(command).toBeInstanceOf(PutLifecycleEventHookExecutionStatusCommand);
    return command.input;
  }

  test('looks up the load balancer\'s network interfaces by their description', async () => {
    // GIVEN
    mockEc2Send.mockResolvedValue({ NetworkInterfaces: [{ PrivateIpAddress: '127.0.0.1' }] });
    // WHEN
    await handler(HOOK_EVENT);
    // THEN
    const command = mockEc2Send.mock.calls[0][0];
    expect(command).toBeInstanceOf(DescribeNetworkInterfacesCommand);
    expect(command.input).toEqual({ Filters: [{ Name: 'description', Values: ['ELB app/Test-Platform/0123456789abcdef'] }] });
  });

  test('reports Succeeded when the service answers an expected status through the test listener', async () => {
    // GIVEN the load balancer's node at 127.0.0.1 answers 200
    mockEc2Send.mockResolvedValue({ NetworkInterfaces: [{ PrivateIpAddress: '127.0.0.1' }] });
    // WHEN
    const result = await handler(HOOK_EVENT);
    // THEN
    expect(reported()).toEqual({ deploymentId: 'd-ABCDEF123', lifecycleEventHookExecutionId: 'hook-execution-1', status: 'Succeeded' });
    expect(result).toEqual({ hookStatus: 'SUCCEEDED' });
  });

  test('requests PATH with the Host header of HOST', async () => {
    // GIVEN
    mockEc2Send.mockResolvedValue({ NetworkInterfaces: [{ PrivateIpAddress: '127.0.0.1' }] });
    // WHEN
    await handler(HOOK_EVENT);
    // THEN
    expect(requests).toEqual([{ path: '/orders/health', host: 'orders.example.com' }]);
  });

  test('reports Failed when the service answers a status that is not expected', async () => {
    // GIVEN the service answers 503
    status = 503;
    mockEc2Send.mockResolvedValue({ NetworkInterfaces: [{ PrivateIpAddress: '127.0.0.1' }] });
    // WHEN
    const result = await handler(HOOK_EVENT);
    // THEN
    expect(reported()).toEqual({ deploymentId: 'd-ABCDEF123', lifecycleEventHookExecutionId: 'hook-execution-1', status: 'Failed' });
    expect(result).toEqual({ hookStatus: 'FAILED' });
    expect(console.error).toHaveBeenCalledWith('smoke test failed: /orders/health answered 503, expected 200');
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

  test('reports Failed when nothing listens on the test port', async () => {
    // GIVEN a port nobody listens on
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    process.env.PORT = String((closed.address() as AddressInfo).port);
    await new Promise((resolve) => closed.close(resolve));
    mockEc2Send.mockResolvedValue({ NetworkInterfaces: [{ PrivateIpAddress: '127.0.0.1' }] });
    // WHEN
    const result = await handler(HOOK_EVENT);
    // THEN
    expect(reported()).toEqual(expect.objectContaining({ status: 'Failed' }));
    expect(result).toEqual({ hookStatus: 'FAILED' });
  });

  test('as an ECS lifecycle hook (no CodeDeploy IDs) reports nothing to CodeDeploy and returns the hook status', async () => {
    // GIVEN
    mockEc2Send.mockResolvedValue({ NetworkInterfaces: [{ PrivateIpAddress: '127.0.0.1' }] });
    // WHEN
    const result = await handler({});
    // THEN
    expect(mockCodeDeploySend).not.toHaveBeenCalled();
    expect(result).toEqual({ hookStatus: 'SUCCEEDED' });
  });
});
