export { storageConformanceCases, type ConformanceCase } from './storage-conformance.js'
export { createTestStrategy, MemorySession, type TestStrategy } from './test-strategy.js'
export { dummyBackend, type DummyBackendOptions } from './dummy-backend.js'
