// One jest run over every package. Tests import workspace packages from source
// so that a failing test points at the line that broke, not at compiled output.
/** @type {import('jest').Config} */
const swc = ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript' } } }];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@callbridge/(core|sandbox|relay|cli)$': '<rootDir>/packages/$1/src/index.ts',
    '^@callbridge/(core|sandbox|relay|cli)/(.*)$': '<rootDir>/packages/$1/src/$2',
    '^@callbridge/make$': '<rootDir>/packages/make/common/src/index.ts',
  },
  testMatch: [
    '<rootDir>/packages/*/test/**/*.test.ts',
    '<rootDir>/packages/n8n/*/test/**/*.test.ts',
    '<rootDir>/packages/zapier/*/test/**/*.test.ts',
    '<rootDir>/packages/make/common/test/**/*.test.ts',
    '<rootDir>/test/**/*.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFilesAfterEnv: ['<rootDir>/jest.setup.js'],
  testTimeout: 20000,
};
