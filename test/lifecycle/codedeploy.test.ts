import { scenarios, SERVICE_SCENARIOS, TIMING_SCENARIOS } from './scenarios';

jest.mock('node:http', () => ({ ...jest.requireActual('node:http'), request: (...a: unknown[]) => require('./model/network').request(...a) }));

/** A service deployed blue/green by CodeDeploy (Deployment.blueGreen()), with its CodeCommit pipeline. */
scenarios('codeDeploy', [...SERVICE_SCENARIOS, ...TIMING_SCENARIOS]);
