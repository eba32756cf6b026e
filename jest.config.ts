import type { Config } from 'jest'

// One config for every package. Tests run on the TypeScript sources (no build needed):
// workspace imports map to each package's src/index.ts, and ts-jest transpiles as ESM
// because openid-client, jose and oidc-provider are ESM-only on Node 20.
const config: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/packages', '<rootDir>/migrations', '<rootDir>/examples', '<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleNameMapper: {
    '^@social-auth/migrations$': '<rootDir>/migrations/src/index.ts',
    '^@social-auth/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^@social-auth/([a-z-]+)/testing$': '<rootDir>/packages/$1/src/testing/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.test.json' }],
  },
  testTimeout: 30_000,
}

export default config
