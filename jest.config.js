/** Tests run TypeScript through swc (no type-checking here: `npm run typecheck` does that). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/global-setup.js',
  setupFilesAfterEnv: ['<rootDir>/test/setup-after-env.ts'],
  // test-results/timings.txt: each suite's wall and CPU time, slowest first (the default reporter prints the run).
  reporters: ['default', '<rootDir>/test/timings-reporter.js'],
  modulePathIgnorePatterns: ['<rootDir>/build/', '<rootDir>/dist/', '<rootDir>/cdk.out/'],
  // The lifecycle suite loads ../shared/peer-baseline unmodified: its imports of aws-cdk-lib and
  // constructs resolve to this project's node_modules.
  modulePaths: ['<rootDir>/node_modules'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  maxWorkers: 2,
};
