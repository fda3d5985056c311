/** Tests run TypeScript through swc (no type-checking here: `npm run typecheck` does that). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/global-setup.js',
  // aws-cdk-lib's jest helper deletes each file's temporary cloud assemblies after its tests
  // (CloudAssembly.cleanupTemporaryDirectories), in the workers while the run goes on: the exit
  // listener aws-cdk-lib registers for it never runs in jest's sandbox, so all of them were left
  // to global-setup.js's removal of the run's folder, seconds of deleting after the last test.
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean', '<rootDir>/test/setup-after-env.ts'],
  // test-results/timings.txt: each suite's wall and CPU time, slowest first (the default reporter prints the run).
  reporters: ['default', '<rootDir>/test/timings-reporter.js'],
  modulePathIgnorePatterns: ['<rootDir>/build/', '<rootDir>/dist/', '<rootDir>/cdk.out/'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  maxWorkers: 2,
  // A test that synthesizes a platform takes 1 to 3 s, and more on a busy machine than jest's
  // default 5 s allows (a timeout there is the machine's, not the code's); a hang still fails.
  testTimeout: 30_000,
  // A worker that has run half the suites exits with a heap of 1 GB or more: 130 to 340 ms
  // measured with no handle left open (only its stdio pipes), more on a loaded machine, where
  // jest's default 500 ms made it kill the worker and print "A worker process has failed to
  // exit gracefully". A leaked timer or socket that outlives this still shows.
  workerGracefulExitTimeout: 2000,
};
