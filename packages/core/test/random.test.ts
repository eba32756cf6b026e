import { describe, expect, it } from '@jest/globals'
import { randomBytes, randomString, randomToken } from '../src/index.js'

const BASE64URL = /^[A-Za-z0-9_-]*$/

describe('randomBytes (a pooled CSPRNG)', () => {
  it('hands out the requested number of bytes, never the same bytes twice', () => {
    const seen = new Set<string>()
    // Several times the pool's size, so the pool is refilled along the way.
    for (let i = 0; i < 1000; i++) {
      const bytes = randomBytes(32)
      expect(bytes).toHaveLength(32)
      const hex = Buffer.from(bytes).toString('hex')
      expect(seen.has(hex)).toBe(false)
      seen.add(hex)
    }
  })

  it('returns a copy: changing it changes nothing the next caller gets', () => {
    const first = randomBytes(16)
    first.fill(0)
    expect(randomBytes(16).some((byte) => byte !== 0)).toBe(true)
  })

  it('serves large and empty requests, and refuses a negative or fractional count', () => {
    expect(randomBytes(0)).toHaveLength(0)
    expect(randomBytes(70_000)).toHaveLength(70_000)
    expect(() => randomBytes(-1)).toThrow(RangeError)
    expect(() => randomBytes(1.5)).toThrow(RangeError)
  })

  it('looks uniform: every byte value turns up at about its share', () => {
    const counts = new Array<number>(256).fill(0)
    const draws = 256 * 400
    for (let i = 0; i < draws / 64; i++) for (const byte of randomBytes(64)) counts[byte]! += 1
    // 400 expected per value; a fair source stays well inside these bounds.
    expect(Math.min(...counts)).toBeGreaterThan(250)
    expect(Math.max(...counts)).toBeLessThan(560)
  })
})

describe('randomToken', () => {
  it('is base64url without padding: 32 bytes make 43 characters', () => {
    const token = randomToken()
    expect(token).toHaveLength(43)
    expect(token).toMatch(BASE64URL)
  })

  it('encodes every length as Buffer does', () => {
    for (let length = 0; length <= 10; length++) {
      const token = randomToken(length)
      expect(token).toMatch(BASE64URL)
      expect(Buffer.from(token, 'base64url')).toHaveLength(length)
      expect(Buffer.from(token, 'base64url').toString('base64url')).toBe(token)
    }
  })

  it('differs on every call', () => {
    const tokens = new Set(Array.from({ length: 500 }, () => randomToken()))
    expect(tokens.size).toBe(500)
  })
})

describe('randomString', () => {
  it('draws from the given alphabet only, at the requested length', () => {
    expect(randomString(43)).toMatch(/^[A-Za-z0-9]{43}$/)
    expect(randomString(20, 'ab')).toMatch(/^[ab]{20}$/)
  })

  it('refuses an alphabet it could not draw from without bias (instead of looping forever)', () => {
    expect(() => randomString(5, '')).toThrow(RangeError)
    expect(() => randomString(5, 'x'.repeat(257))).toThrow(RangeError)
  })
})
