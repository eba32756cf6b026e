export { createTestKey, signJwt, type TestKey } from './test-keys.js'
export {
  mockJwksFetch,
  startJwksServer,
  type JwksFailure,
  type MockJwks,
  type MockJwksFetch,
  type MockJwksServer,
} from './mock-jwks.js'
export {
  createTestKit,
  type TestKit,
  type TestKitOptions,
  type TestSignOptions,
} from './test-kit.js'
export { mockAuth, mockGuard, mockUser, type MockUserFields } from './mock-user.js'
