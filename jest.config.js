/** Unit tests live beside the code (*.spec.ts); e2e tests under test/e2e run against real services. */
const transform = { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }] };
// the workspace package by its source, as tsconfig "paths" does (a git worktree's node_modules link points elsewhere)
const moduleNameMapper = { '^@payrail/client$': '<rootDir>/packages/client/src/index.ts' };
module.exports = {
  testTimeout: 240000,
  slowTestThreshold: 60,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts', '<rootDir>/packages/*/src/**/*.spec.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/helpers/global-setup.js',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.js',
    },
  ],
};
