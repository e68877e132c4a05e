// One jest run over every package. Tests import workspace packages from source
// so that a failing test points at the line that broke, not at compiled output.
// The journeys in test/ have their own config (test/jest.config.js, npm run test:e2e).
/** @type {import('jest').Config} */
const swc = ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript' } } }];
// @fastify/static (the relay's console) requires content-disposition, which ships only as ESM;
// jest loads ESM from require() only under --experimental-vm-modules, so it is compiled to CJS.
const esmOnly = '(?:.+/)?content-disposition/';
const swcEsm = ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'ecmascript' } }, module: { type: 'commonjs' } }];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc, [`/node_modules/${esmOnly}.+\\.js$`]: swcEsm },
  transformIgnorePatterns: [`/node_modules/(?!${esmOnly})`],
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
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFilesAfterEnv: ['<rootDir>/jest.setup.js'],
  testTimeout: 20000,
};
