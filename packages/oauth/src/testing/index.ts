export { runBackendFixture, type BackendFixture, type FixtureResult } from './harness.js'
export { fakeFetch, type FakeAnswer, type RecordedRequest } from './fake-fetch.js'
