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
  // The lifecycle suite loads ../shared/peer-baseline unmodified: its imports of aws-cdk-lib and
  // constructs resolve to this project's node_modules.
  modulePaths: ['<rootDir>/node_modules'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  maxWorkers: 2,
};
