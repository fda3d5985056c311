import { scenarios, SERVICE_SCENARIOS, TCP_SCENARIOS } from './scenarios';

jest.mock('node:http', () => ({ ...jest.requireActual('node:http'), request: (...a: unknown[]) => require('./model/network').request(...a) }));

/** A service with rolling deployments (Deployment.rolling(): circuit breaker with rollback, deployment alarms),
  with its CodeCommit pipeline and the ECS deploy action; and a TCP service on the platform's Network Load Balancer,
  with the same pipeline and deploy action. (One call: each call registers the file's Lifecycle for every test.) */
scenarios('rolling', [...SERVICE_SCENARIOS, ...TCP_SCENARIOS]);
