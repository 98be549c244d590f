/** Native ESM + TypeScript via SWC (see ../shared/notes/tooling-verified.md). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
          target: 'es2023',
        },
        module: { type: 'es6' },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/'],
  testMatch: ['<rootDir>/{functions,emulators,tests,src}/**/*.test.{ts,tsx}'],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/tests/helpers/summary-reporter.js'],
};
