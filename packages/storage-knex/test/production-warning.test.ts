/** The start-up warning for plaintext tokens in production (issue 3; security.md §5.4). */
import { afterEach, describe, expect, it } from '@jest/globals'
import { generateEncryptionKey, knexStorage } from '../src/index.js'

const knexLike = { client: { dialect: 'sqlite3' } } as never
const original = process.env.NODE_ENV

afterEach(() => {
  process.env.NODE_ENV = original
})

function recorder(): { lines: string[]; warn(message: string): void } {
  const lines: string[] = []
  return { lines, warn: (message) => void lines.push(message) }
}

describe('the plaintext warning', () => {
  it('stays silent outside production', () => {
    process.env.NODE_ENV = 'test'
    const logger = recorder()
    knexStorage(knexLike, { logger })
    expect(logger.lines).toEqual([])
  })

  it('stays silent in production when a key is configured', () => {
    process.env.NODE_ENV = 'production'
    const logger = recorder()
    knexStorage(knexLike, {
      logger,
      encryption: { keys: [{ id: 'k', key: generateEncryptionKey() }] },
    })
    expect(logger.lines).toEqual([])
  })

  it('warns once per process in production without a key', () => {
    process.env.NODE_ENV = 'production'
    const logger = recorder()
    knexStorage(knexLike, { logger })
    knexStorage(knexLike, { logger })
    expect(logger.lines).toHaveLength(1)
    expect(logger.lines[0]).toContain('plaintext')
  })
})
