/**
 * Runs in every test file before its tests (jest.config.js setupFilesAfterEnv).
 *
 * Records the CPU time (user + system) the file took, from here to its end, for the timings
 * that test/timings-reporter.js writes to test-results/timings.txt. A worker runs one file at a
 * time, so the worker's CPU time over that span is the file's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const cpuAtStart = process.cpuUsage();

afterAll(() => {
  const dir = process.env.CCP_TEST_CPU_DIR;
  if (!dir || !fs.existsSync(dir)) return;
  const { user, system } = process.cpuUsage(cpuAtStart);
  const line = JSON.stringify({ testPath: expect.getState().testPath, cpuMs: Math.round((user + system) / 1000) });
  fs.appendFileSync(path.join(dir, `${process.pid}.jsonl`), `${line}\n`);
});
