import { expectSynthWarnings } from '../synth-warnings';
import { ECS_TIMING_SCENARIOS, scenarios, SERVICE_SCENARIOS } from './scenarios';

// The lifecycle apps' service checks its health at /health, outside its route /orders/*: the smoke
// test requests /orders/, with this warning.
expectSynthWarnings('cdk-container-platform:smoke-test-path');

jest.mock('node:http', () => ({ ...jest.requireActual('node:http'), request: (...a: unknown[]) => require('./model/network').request(...a) }));

/** A service deployed by the ECS controller's own blue/green strategy (Deployment.ecsBlueGreen()), with its CodeCommit pipeline and the ECS deploy action. */
scenarios('ecsBlueGreen', [...SERVICE_SCENARIOS, ...ECS_TIMING_SCENARIOS]);
