// The journeys (npm run test:e2e): real parts end to end, kept out of the plain `npm test`.
// They share the root config's transform and module mapping, run one file at a time in this
// process (each starts servers, n8n among them, and prints its steps as they happen); n8n's
// packed packages are shared by the n8n journeys through a run folder (global-setup.ts) and
// removed at the end (global-teardown.ts).
/** @type {import('jest').Config} */
const root = require('../jest.config.js');

module.exports = {
  ...root,
  rootDir: '..',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  maxWorkers: 1,
  verbose: true,
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 120_000,
};
