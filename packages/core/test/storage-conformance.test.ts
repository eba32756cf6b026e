import { describe, it } from '@jest/globals'
import { memoryStorage } from '../src/index.js'
import { storageConformanceCases } from '../src/testing/index.js'

describe('storage conformance: memoryStorage', () => {
  for (const testCase of storageConformanceCases) {
    it(testCase.name, () => testCase.run(memoryStorage()))
  }
})
