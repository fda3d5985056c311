import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { handler } from '../../lib/deployment/deployed-state/handler';

/** The custom-resource handler of Custom::DeployedState and Custom::LiveTargetGroups, with the SDK clients mocked. */

const mockEcsSend = jest.fn();
const mockCodeDeploySend = jest.fn();
jest.mock('@aws-sdk/client-ecs', () => ({
  ...jest.requireActual('@aws-sdk/client-ecs'),
  ECSClient: jest.fn(() => ({ send: (command: unknown) => mockEcsSend(command) })),
}));
jest.mock('@aws-sdk/client-codedeploy', () => ({
  ...jest.requireActual('@aws-sdk/client-codedeploy'),
  CodeDeployClient: jest.fn(() => ({ send: (command: unknown) => mockCodeDeploySend(command) })),
}));
const mockElbSend = jest.fn();
jest.mock('@aws-sdk/client-elastic-load-balancing-v2', () => ({
  ElasticLoadBalancingV2Client: jest.fn(() => ({ send: (command: unknown) => mockElbSend(command) })),
  DescribeRulesCommand: jest.fn((input: unknown) => ({ operation: 'DescribeRules', input })),
  DescribeListenersCommand: jest.fn((input: unknown) => ({ operation: 'DescribeListeners', input })),
}));

const fetchMock = jest.fn();
const realFetch = global.fetch;
const TD_V1 = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/orders:1';
const TD_V2 = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/orders:2';

interface Response {
  Status: string;
  Reason: string;
  PhysicalResourceId: string;
  Data: Record<string, unknown>;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
}

/** The response the handler PUT to CloudFormation. */
function response(): Response {
  expect(fetchMock).toHaveBeenCalledTimes(1);
  const [url, init] = fetchMock.mock.calls[0];
  expect(url).toBe('https://cloudformation-custom-resource-response.example/response');
  expect(init.method).toBe('PUT');
  return JSON.parse(init.body);
}

function event(resourceType: string, requestType: 'Create' | 'Update' | 'Delete', properties: Record<string, unknown>, extra: Record<string, unknown> = {}): any {
  return {
    RequestType: requestType,
    ResponseURL: 'https://cloudformation-custom-resource-response.example/response',
    StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Test/1',
    RequestId: 'request-1',
    LogicalResourceId: 'OrdersState',
    ResourceType: resourceType,
    ResourceProperties: { ServiceToken: 'arn:fn', ...properties },
    ...extra,
  };
}

// CloudFormation passes every scalar property as a string.
const STATE_PROPS = {
  ClusterName: 'cluster-1',
  ServiceName: 'Test-Orders',
  ContainerName: 'app',
  BootstrapImage: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/orders:bootstrap',
  InitialDesiredCount: '0',
  // What CloudFormation compares to decide whether to send an Update; the handler ignores it.
  Watched: { TaskDefinition: { Cpu: '256' }, Service: { HealthCheckGracePeriodSeconds: '60' } },
};

const REPO = '111111111111.dkr.ecr.eu-west-1.amazonaws.com/report';
/** A task that no service runs: no ServiceName, the family instead. */
const TASK_PROPS = {
  Family: 'TestReportTaskDefinition1A2B3C4D',
  ContainerName: 'app',
  BootstrapImage: `${REPO}:bootstrap`,
  InitialDesiredCount: '0',
  Watched: { TaskDefinition: { Cpu: '256' } },
};

const LISTENER = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/lb/50dc6c495c0c9188/f2f7dc8efc522ab2';
const BLUE = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/orders-blue/73e2d6bc24d8a067';
const GREEN = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/orders-green/943f017f100becff';
const OTHER = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/catalog/1e5d2a9b0c7f3e41';
/** Custom::LiveTargetGroups of a blue/green service: the production listener, its priority (a string, as CloudFormation passes it) and both groups. */
const LIVE_PROPS = {
  ProductionListenerArn: LISTENER,
  Priority: '120',
  BlueTargetGroupArn: BLUE,
  GreenTargetGroupArn: GREEN,
  Watched: { ProductionRule: { Priority: '120' }, TestRule: { Priority: '120' } },
};
const LIVE_ID = `${LISTENER}/120`;

/** A rule of DescribeRules' answer that forwards to one target group. */
function forwardRule(priority: string, targetGroupArn: string): Record<string, unknown> {
  return {
    Priority: priority,
    IsDefault: false,
    Actions: [{ Type: 'forward', TargetGroupArn: targetGroupArn, ForwardConfig: { TargetGroups: [{ TargetGroupArn: targetGroupArn, Weight: 1 }] } }],
  };
}

const DEFAULT_RULE = { Priority: 'default', IsDefault: true, Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }] };
const NO_SERVICE = { services: [] };


beforeEach(() => {
  mockEcsSend.mockReset();
  mockCodeDeploySend.mockReset();
  mockElbSend.mockReset();
  fetchMock.mockReset().mockResolvedValue({ ok: true, status: 200 });
  global.fetch = fetchMock as unknown as typeof fetch;
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterAll(() => {
  global.fetch = realFetch;
});

describe('Custom::DeployedState', () => {
  test('before the service exists, answers the bootstrap image and the initial count', async () => {
    // GIVEN no service yet
    mockEcsSend.mockResolvedValueOnce({ services: [] });
    // WHEN
    await handler(event('Custom::DeployedState', 'Create', STATE_PROPS));
    // THEN
    const command = mockEcsSend.mock.calls[0][0];
    expect(command).toBeInstanceOf(DescribeServicesCommand);
    expect(command.input).toEqual({ cluster: 'cluster-1', services: ['Test-Orders'] });
    expect(mockEcsSend).toHaveBeenCalledTimes(1);
    expect(response()).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'cluster-1/Test-Orders',
      StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Test/1',
      RequestId: 'request-1',
      LogicalResourceId: 'OrdersState',
      Data: { Image: STATE_PROPS.BootstrapImage, DesiredCount: 0, Deployed: 'false' },
    });
  });

  test('treats an INACTIVE (deleted) service like a missing one', async () => {
    // GIVEN a deleted service of the same name
    mockEcsSend.mockResolvedValueOnce({ services: [{ status: 'INACTIVE', desiredCount: 5, taskDefinition: TD_V1 }] });
    // WHEN
    await handler(event('Custom::DeployedState', 'Create', { ...STATE_PROPS, InitialDesiredCount: '2' }));
    // THEN
    expect(response().Data).toEqual({ Image: STATE_PROPS.BootstrapImage, DesiredCount: 2, Deployed: 'false' });
  });

  test('after a CodeDeploy deployment, answers the image of the PRIMARY task set and the desired count', async () => {
    // GIVEN a CODE_DEPLOY service whose primary task set runs revision 2
    mockEcsSend
      .mockResolvedValueOnce({
        services: [{
          status: 'ACTIVE',
          desiredCount: 4,
          taskDefinition: TD_V1,
          taskSets: [{ status: 'ACTIVE', taskDefinition: TD_V1 }, { status: 'PRIMARY', taskDefinition: TD_V2 }],
        }],
      })
      .mockResolvedValueOnce({
        taskDefinition: {
          containerDefinitions: [
            { name: 'sidecar', image: 'public.ecr.aws/aws-observability/aws-otel-collector:latest' },
            { name: 'app', image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/orders:4f2a9c1d7e3b' },
          ],
        },
      });
    // WHEN
    await handler(event('Custom::DeployedState', 'Update', STATE_PROPS, { PhysicalResourceId: 'cluster-1/Test-Orders' }));
    // THEN
    const describe = mockEcsSend.mock.calls[1][0];
    expect(describe).toBeInstanceOf(DescribeTaskDefinitionCommand);
    expect(describe.input).toEqual({ taskDefinition: TD_V2 });
    expect(response()).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'cluster-1/Test-Orders',
      Data: { Image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/orders:4f2a9c1d7e3b', DesiredCount: 4, Deployed: 'true' },
    });
  });

  test('for an ECS-controller service, answers the image of the PRIMARY deployment', async () => {
    // GIVEN a rolling deployment in progress from revision 1 to 2
    mockEcsSend
      .mockResolvedValueOnce({
        services: [{
          status: 'ACTIVE',
          desiredCount: 3,
          taskDefinition: TD_V2,
          deployments: [{ status: 'ACTIVE', taskDefinition: TD_V1 }, { status: 'PRIMARY', taskDefinition: TD_V2 }],
        }],
      })
      .mockResolvedValueOnce({ taskDefinition: { containerDefinitions: [{ name: 'app', image: 'repo/orders:v2' }] } });
    // WHEN
    await handler(event('Custom::DeployedState', 'Update', STATE_PROPS, { PhysicalResourceId: 'cluster-1/Test-Orders' }));
    // THEN
    expect(mockEcsSend.mock.calls[1][0].input).toEqual({ taskDefinition: TD_V2 });
    expect(response().Data).toEqual({ Image: 'repo/orders:v2', DesiredCount: 3, Deployed: 'true' });
  });

  test('reports FAILED with the SDK\'s message when ECS cannot be read', async () => {
    // GIVEN
    mockEcsSend.mockRejectedValueOnce(new Error('User is not authorized to perform: ecs:DescribeServices'));
    // WHEN
    await handler(event('Custom::DeployedState', 'Create', STATE_PROPS));
    // THEN
    expect(response()).toMatchObject({ Status: 'FAILED', Reason: 'User is not authorized to perform: ecs:DescribeServices' });
  });
});

describe('Custom::DeployedState of a task that no service runs (a scheduled job or an event task)', () => {
  test('before the family has a revision, answers the bootstrap image', async () => {
    // GIVEN ECS knows no revision of the family (its documented answer)
    const missing = new Error('Unable to describe task definition.');
    missing.name = 'ClientException';
    mockEcsSend.mockRejectedValueOnce(missing);
    // WHEN
    await handler(event('Custom::DeployedState', 'Create', TASK_PROPS));
    // THEN it asked for the family alone (its newest ACTIVE revision)
    const command = mockEcsSend.mock.calls[0][0];
    expect(command).toBeInstanceOf(DescribeTaskDefinitionCommand);
    expect(command.input).toEqual({ taskDefinition: TASK_PROPS.Family });
    expect(response()).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: TASK_PROPS.Family,
      Data: { Image: `${REPO}:bootstrap`, DesiredCount: 0, Deployed: 'false' },
    });
  });

  test('answers the image of the newest ACTIVE revision, which the pipeline\'s release step registered', async () => {
    // GIVEN the release step registered a revision with the commit's image
    mockEcsSend.mockResolvedValueOnce({ taskDefinition: { revision: 7, containerDefinitions: [{ name: 'app', image: `${REPO}:4f2a9c1d7e3b` }] } });
    // WHEN a later cdk deploy changes the task's settings
    await handler(event('Custom::DeployedState', 'Update', TASK_PROPS, { PhysicalResourceId: TASK_PROPS.Family }));
    // THEN
    expect(mockEcsSend).toHaveBeenCalledTimes(1);
    expect(response()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TASK_PROPS.Family, Data: { Image: `${REPO}:4f2a9c1d7e3b`, Deployed: 'true' } });
  });

  test('ignores an image of another repository: a revision left by an earlier stack whose repository was retained', async () => {
    // GIVEN the family's newest revision names the retained repository of a deleted stack
    mockEcsSend.mockResolvedValueOnce({ taskDefinition: { containerDefinitions: [{ name: 'app', image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/old-report:4f2a9c1d7e3b' }] } });
    // WHEN the stack is deployed again
    await handler(event('Custom::DeployedState', 'Create', TASK_PROPS));
    // THEN the new repository's bootstrap image
    expect(response().Data).toEqual({ Image: `${REPO}:bootstrap`, DesiredCount: 0, Deployed: 'false' });
  });

  test('accepts an image of the repository pinned by digest', async () => {
    // GIVEN
    const pinned = `${REPO}@sha256:${'a'.repeat(64)}`;
    mockEcsSend.mockResolvedValueOnce({ taskDefinition: { containerDefinitions: [{ name: 'app', image: pinned }] } });
    // WHEN
    await handler(event('Custom::DeployedState', 'Create', TASK_PROPS));
    // THEN
    expect(response().Data).toMatchObject({ Image: pinned, Deployed: 'true' });
  });

  test('fails with any other error of ECS, so that CloudFormation never registers a revision with a guessed image', async () => {
    // GIVEN
    mockEcsSend.mockRejectedValueOnce(new Error('User is not authorized to perform: ecs:DescribeTaskDefinition'));
    // WHEN
    await handler(event('Custom::DeployedState', 'Update', TASK_PROPS, { PhysicalResourceId: TASK_PROPS.Family }));
    // THEN
    expect(response()).toMatchObject({ Status: 'FAILED', Reason: 'User is not authorized to perform: ecs:DescribeTaskDefinition' });
  });
});

describe('Custom::LiveTargetGroups: the target group a blue/green service\'s production reaches', () => {
  test('before its rule exists, production is blue and test is green', async () => {
    // GIVEN a listener with only its default rule and another service's rule
    mockElbSend.mockResolvedValueOnce({ Rules: [forwardRule('110', OTHER), DEFAULT_RULE] });
    // WHEN
    await handler(event('Custom::LiveTargetGroups', 'Create', LIVE_PROPS));
    // THEN it described the production listener's rules
    expect(mockElbSend).toHaveBeenCalledTimes(1);
    expect(mockElbSend.mock.calls[0][0]).toEqual({ operation: 'DescribeRules', input: { ListenerArn: LISTENER } });
    expect(mockEcsSend).not.toHaveBeenCalled();
    expect(response()).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: LIVE_ID,
      Data: { ProductionTargetGroup: BLUE, TestTargetGroup: GREEN },
    });
  });

  test('after an odd number of CodeDeploy deployments, production is green and test is blue', async () => {
    // GIVEN CodeDeploy moved the production rule to green
    mockElbSend.mockResolvedValueOnce({ Rules: [forwardRule('110', OTHER), forwardRule('120', GREEN), DEFAULT_RULE] });
    // WHEN a cdk deploy changes the rule's paths
    await handler(event('Custom::LiveTargetGroups', 'Update', LIVE_PROPS, { PhysicalResourceId: LIVE_ID }));
    // THEN
    expect(response().Data).toMatchObject({ ProductionTargetGroup: GREEN, TestTargetGroup: BLUE });
  });

  test('after an ECS blue/green deployment (a weighted forward, green at 100), production is green', async () => {
    // GIVEN ECS rewrote the rule to both groups with weights
    mockElbSend.mockResolvedValueOnce({
      Rules: [{
        Priority: '120',
        Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 0 }, { TargetGroupArn: GREEN, Weight: 100 }] } }],
      }],
    });
    // WHEN
    await handler(event('Custom::LiveTargetGroups', 'Update', LIVE_PROPS, { PhysicalResourceId: LIVE_ID }));
    // THEN
    expect(response().Data).toMatchObject({ ProductionTargetGroup: GREEN, TestTargetGroup: BLUE });
  });

  test('finds the service\'s rule by its target groups, so a change of priority still reads the live rule', async () => {
    // GIVEN the live rule is still at the old priority 90; the new properties say 120
    mockElbSend.mockResolvedValueOnce({ Rules: [forwardRule('90', GREEN), DEFAULT_RULE] });
    // WHEN
    await handler(event('Custom::LiveTargetGroups', 'Update', LIVE_PROPS, { PhysicalResourceId: LIVE_ID }));
    // THEN
    expect(response().Data).toMatchObject({ ProductionTargetGroup: GREEN, TestTargetGroup: BLUE });
  });

  test('reads every page of the listener\'s rules', async () => {
    // GIVEN the service's rule is on the second page
    mockElbSend
      .mockResolvedValueOnce({ Rules: [forwardRule('110', OTHER)], NextMarker: 'page-2' })
      .mockResolvedValueOnce({ Rules: [forwardRule('120', GREEN), DEFAULT_RULE] });
    // WHEN
    await handler(event('Custom::LiveTargetGroups', 'Update', LIVE_PROPS, { PhysicalResourceId: LIVE_ID }));
    // THEN
    expect(mockElbSend.mock.calls[1][0].input).toEqual({ ListenerArn: LISTENER, Marker: 'page-2' });
    expect(response().Data).toMatchObject({ ProductionTargetGroup: GREEN });
  });

  test('fails when the rules cannot be read, rather than guessing blue', async () => {
    // GIVEN
    mockElbSend.mockRejectedValueOnce(new Error('User is not authorized to perform: elasticloadbalancing:DescribeRules'));
    // WHEN
    await handler(event('Custom::LiveTargetGroups', 'Update', LIVE_PROPS, { PhysicalResourceId: LIVE_ID }));
    // THEN
    expect(response()).toMatchObject({ Status: 'FAILED', Reason: 'User is not authorized to perform: elasticloadbalancing:DescribeRules' });
  });

  test('Custom::DeployedState describes no rules and answers no target groups', async () => {
    // GIVEN
    mockEcsSend.mockResolvedValueOnce(NO_SERVICE);
    // WHEN
    await handler(event('Custom::DeployedState', 'Create', STATE_PROPS));
    // THEN
    expect(mockElbSend).not.toHaveBeenCalled();
    expect(response().Data).not.toHaveProperty('ProductionTargetGroup');
  });

  test('Delete calls nothing', async () => {
    // WHEN
    await handler(event('Custom::LiveTargetGroups', 'Delete', LIVE_PROPS, { PhysicalResourceId: LIVE_ID }));
    // THEN
    expect(mockElbSend).not.toHaveBeenCalled();
    expect(response()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: LIVE_ID });
  });
});

const NLB = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/net/nlb/50dc6c495c0c9188';
/** Custom::LiveTargetGroups of a blue/green TCP service: its load balancer and production port (a string, as CloudFormation passes it). */
const LIVE_LISTENER_PROPS = {
  LoadBalancerArn: NLB,
  ProductionPort: '5432',
  BlueTargetGroupArn: BLUE,
  GreenTargetGroupArn: GREEN,
  Watched: { ProductionListener: { Port: '5432' }, TestListener: { Port: '15432' } },
};

/** A listener of DescribeListeners' answer on `port` that forwards by default to `forward` (a weighted forward when an array). */
function forwardListener(port: number, forward: string | Array<[string, number]>): Record<string, unknown> {
  const groups = typeof forward === 'string' ? [[forward, 1] as [string, number]] : forward;
  return {
    Port: port,
    Protocol: 'TCP',
    DefaultActions: [{
      Type: 'forward',
      ...(typeof forward === 'string' ? { TargetGroupArn: forward } : {}),
      ForwardConfig: { TargetGroups: groups.map(([arn, weight]) => ({ TargetGroupArn: arn, Weight: weight })) },
    }],
  };
}

describe('Custom::LiveTargetGroups of a TCP service: the default action of its production listener on the Network Load Balancer', () => {
  test('before its listener exists, production is blue and test is green', async () => {
    // GIVEN the load balancer has another service's listener only
    mockElbSend.mockResolvedValueOnce({ Listeners: [forwardListener(6379, OTHER)] });
    // WHEN
    await handler(event('Custom::LiveTargetGroups', 'Create', LIVE_LISTENER_PROPS));
    // THEN it described the load balancer's listeners (the listener's own ARN would be a cycle)
    expect(mockElbSend).toHaveBeenCalledTimes(1);
    expect(mockElbSend.mock.calls[0][0]).toEqual({ operation: 'DescribeListeners', input: { LoadBalancerArn: NLB } });
    expect(response()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${NLB}:5432`, Data: { ProductionTargetGroup: BLUE, TestTargetGroup: GREEN } });
  });

  test('after CodeDeploy moved the production listener to green, production is green and test is blue', async () => {
    // GIVEN the production listener (5432) forwards to green, the test listener (15432) to blue
    mockElbSend.mockResolvedValueOnce({ Listeners: [forwardListener(15432, BLUE), forwardListener(5432, GREEN), forwardListener(6379, OTHER)] });
    // WHEN a cdk deploy changes a listener
    await handler(event('Custom::LiveTargetGroups', 'Update', LIVE_LISTENER_PROPS, { PhysicalResourceId: `${NLB}:5432` }));
    // THEN
    expect(response().Data).toEqual({ ProductionTargetGroup: GREEN, TestTargetGroup: BLUE });
  });

  test('after an ECS deployment (a weighted forward, green at 100), production is green', async () => {
    mockElbSend.mockResolvedValueOnce({ Listeners: [forwardListener(5432, [[BLUE, 0], [GREEN, 100]])] });
    await handler(event('Custom::LiveTargetGroups', 'Update', LIVE_LISTENER_PROPS, { PhysicalResourceId: `${NLB}:5432` }));
    expect(response().Data).toEqual({ ProductionTargetGroup: GREEN, TestTargetGroup: BLUE });
  });

  test('when the port changes, the listener is still on its previous port (read before it moves): production stays where it is', async () => {
    // GIVEN production on green, listening on 5432; the template moves it to 5433
    mockElbSend.mockResolvedValueOnce({ Listeners: [forwardListener(5432, GREEN), forwardListener(15432, BLUE)] });
    // WHEN
    await handler(event('Custom::LiveTargetGroups', 'Update', { ...LIVE_LISTENER_PROPS, ProductionPort: '5433' },
      { PhysicalResourceId: `${NLB}:5432`, OldResourceProperties: LIVE_LISTENER_PROPS }));
    // THEN green, not blue (no listener is on 5433 yet)
    expect(response().Data).toEqual({ ProductionTargetGroup: GREEN, TestTargetGroup: BLUE });
  });

  test('a listener of another service on the port does not count: only one forwarding to the service\'s target groups', async () => {
    // GIVEN another service's listener took 5433 (the port the service moves to), production on green at 5432
    mockElbSend.mockResolvedValueOnce({ Listeners: [forwardListener(5433, OTHER), forwardListener(5432, GREEN)] });
    await handler(event('Custom::LiveTargetGroups', 'Update', { ...LIVE_LISTENER_PROPS, ProductionPort: '5433' },
      { PhysicalResourceId: `${NLB}:5432`, OldResourceProperties: LIVE_LISTENER_PROPS }));
    expect(response().Data).toEqual({ ProductionTargetGroup: GREEN, TestTargetGroup: BLUE });
  });

  test('reads every page of listeners', async () => {
    mockElbSend
      .mockResolvedValueOnce({ Listeners: [forwardListener(6379, OTHER)], NextMarker: 'page-2' })
      .mockResolvedValueOnce({ Listeners: [forwardListener(5432, GREEN)] });
    await handler(event('Custom::LiveTargetGroups', 'Update', LIVE_LISTENER_PROPS, { PhysicalResourceId: `${NLB}:5432` }));
    expect(mockElbSend.mock.calls[1][0].input).toEqual({ LoadBalancerArn: NLB, Marker: 'page-2' });
    expect(response().Data).toEqual({ ProductionTargetGroup: GREEN, TestTargetGroup: BLUE });
  });
});

describe('Delete and unknown types', () => {
  test.each(['Custom::DeployedState', 'Custom::LiveTargetGroups'])('Delete of %s succeeds without calls and keeps the physical ID', async (type) => {
    // WHEN
    await handler(event(type, 'Delete', STATE_PROPS, { PhysicalResourceId: TD_V1 }));
    // THEN
    expect(mockEcsSend).not.toHaveBeenCalled();
    expect(mockCodeDeploySend).not.toHaveBeenCalled();
    expect(response()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TD_V1, Data: {} });
  });

  test('an unknown resource type fails', async () => {
    // WHEN
    await handler(event('Custom::Other', 'Create', {}));
    // THEN
    expect(response()).toMatchObject({ Status: 'FAILED', Reason: 'unknown resource type Custom::Other', PhysicalResourceId: 'OrdersState' });
  });
});
