/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Unit and subgraph tests sit beside the code (*.spec.ts); gateway and stack tests in tests/.
  testMatch: ['<rootDir>/{platform,gateway,subgraphs,scripts}/**/*.spec.ts', '<rootDir>/tests/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/data/'],
  // jose ships only ES modules; compile it to CommonJS like our own code.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  transform: {
    '^.+/node_modules/jose/.+\\.js$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  setupFiles: ['<rootDir>/tests/support/development-profile.ts'],
  testTimeout: 60_000,
  // Two workers, not jest's default of (cores − 1) = 1 on a 2-core machine: with one, jest runs every
  // file inside the jest process itself, one after another, and what a file leaves behind (WASM heaps of embedded
  // databases, timers of stopped services) slows every later file. Two workers keep both cores busy
  // while a file waits on I/O, and a worker that has grown past the limit is replaced between files.
  maxWorkers: 2,
  workerIdleMemoryLimit: '1GB',
};
