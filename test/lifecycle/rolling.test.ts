import { scenarios, SERVICE_SCENARIOS } from './scenarios';

jest.mock('node:http', () => ({ ...jest.requireActual('node:http'), request: (...a: unknown[]) => require('./model/network').request(...a) }));

/** A service with rolling deployments (Deployment.rolling(): circuit breaker with rollback, deployment alarms),
  with its CodeCommit pipeline and the ECS deploy action. */
scenarios('rolling', SERVICE_SCENARIOS);
