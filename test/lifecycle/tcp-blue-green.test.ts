import { scenarios, TCP_BLUE_GREEN_SCENARIOS, TCP_CODEDEPLOY_SCENARIOS, TCP_ECS_TIMING_SCENARIOS } from './scenarios';

// The smoke test's requests (http) and connections (net) reach the model's load balancers.
jest.mock('node:http', () => ({ ...jest.requireActual('node:http'), request: (...a: unknown[]) => require('./model/network').request(...a) }));
jest.mock('node:net', () => ({ ...jest.requireActual('node:net'), connect: (...a: unknown[]) => require('./model/network').connect(...a) }));

/**
 * A TCP service on the platform's Network Load Balancer deployed blue/green: by CodeDeploy (all
 * at once, the only configuration it supports there) and by ECS, on its production and test
 * listeners, with its pipeline.
 */
describe('CodeDeploy (Deployment.blueGreen())', () => {
  scenarios('codeDeploy', [...TCP_BLUE_GREEN_SCENARIOS, ...TCP_CODEDEPLOY_SCENARIOS]);
});

describe('ECS-native (Deployment.ecsBlueGreen())', () => {
  scenarios('ecsBlueGreen', [...TCP_BLUE_GREEN_SCENARIOS, ...TCP_ECS_TIMING_SCENARIOS]);
});
