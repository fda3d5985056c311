/**
 * Runs in every test file before its tests (jest.config.js setupFilesAfterEnv).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { captureReport, isValidationReport, neverReported, takeUndeclared } from './synth-warnings';

/*
 * The validation reports that aws-cdk-lib prints at synth (see test/synth-warnings.ts): the
 * warnings a file declares are asserted and not printed; any other fails its test, and is
 * printed as before. Every other console.error goes through untouched.
 */
const consoleError = console.error;
console.error = function error(...args: unknown[]): void {
  if (isValidationReport(args) && !captureReport(args[0] as string)) return;
  consoleError.apply(this, args);
};

const UNDECLARED = 'synthesis reported warnings that this test file does not declare: assert them and declare them with'
  + ' expectSynthWarnings (test/synth-warnings.ts), or change the test so that they are not reported:\n';

afterEach(() => {
  const undeclared = takeUndeclared();
  if (undeclared) throw new Error(UNDECLARED + undeclared);
});

afterAll(() => {
  const undeclared = takeUndeclared();
  if (undeclared) throw new Error(UNDECLARED + undeclared);
  const never = neverReported();
  if (never) throw new Error(`expectSynthWarnings declares warnings that no synthesis of this file reported: ${never}`);
});

/*
 * The CPU time (user + system) the file took, from here to its end, for the timings that
 * test/timings-reporter.js writes to test-results/timings.txt. A worker runs one file at a
 * time, so the worker's CPU time over that span is the file's.
 */
const cpuAtStart = process.cpuUsage();

afterAll(() => {
  const dir = process.env.CCP_TEST_CPU_DIR;
  if (!dir || !fs.existsSync(dir)) return;
  const { user, system } = process.cpuUsage(cpuAtStart);
  const line = JSON.stringify({ testPath: expect.getState().testPath, cpuMs: Math.round((user + system) / 1000) });
  fs.appendFileSync(path.join(dir, `${process.pid}.jsonl`), `${line}\n`);
});
