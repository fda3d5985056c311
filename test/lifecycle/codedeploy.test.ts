import { expectSynthWarnings } from '../synth-warnings';
import { scenarios, SERVICE_SCENARIOS, TIMING_SCENARIOS } from './scenarios';

// The lifecycle apps' service checks its health at /health, outside its route /orders/*: the smoke
// test requests /orders/, with this warning.
expectSynthWarnings('cdk-container-platform:smoke-test-path', 'cdk-container-platform:blue-green-wait');

jest.mock('node:http', () => ({ ...jest.requireActual('node:http'), request: (...a: unknown[]) => require('./model/network').request(...a) }));

/** A service deployed blue/green by CodeDeploy (Deployment.blueGreen()), with its CodeCommit pipeline. */
scenarios('codeDeploy', [...SERVICE_SCENARIOS, ...TIMING_SCENARIOS]);
