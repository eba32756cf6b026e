export {
  runBackendFixture,
  runBackendRejection,
  FIXTURE_CLIENT_ID,
  type BackendFixture,
  type BackendRejection,
  type FixtureExpectations,
  type FixtureResult,
} from './harness.js'
export { fakeFetch, type FakeAnswer, type RecordedRequest } from './fake-fetch.js'
