import { describe, expect, it } from '@jest/globals'
import { TokenExpired } from '@social-auth/core'
import { createVerifier, TokenCache } from '../src/index.js'
import { createTestKit } from '../src/testing/index.js'

// Issue 6: a verified-token cache, bounded, keyed by the whole token, never past exp.

describe('the verified-token cache', () => {
  it('answers a repeated token without verifying it again', async () => {
    const kit = createTestKit({ algorithm: 'ES256' })
    const verifier = createVerifier(kit.config())
    const token = kit.sign()
    const first = await verifier.verify(token)
    expect(verifier.cached(token)).toBe(first)
    expect(await verifier.verify(token)).toBe(first)
  })

  it('never serves a token past its exp, even within the leeway the full check allows', async () => {
    let now = Date.UTC(2030, 0, 1)
    const kit = createTestKit({ algorithm: 'ES256', now: () => now })
    const verifier = createVerifier(kit.config({ leeway: 30 }))
    const token = kit.sign({}, { ttlSeconds: 60 })
    await verifier.verify(token)
    now += 59_000
    expect(verifier.cached(token)).toBeDefined()
    now += 1_000
    expect(verifier.cached(token)).toBeUndefined()
    now += 30_000
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(TokenExpired)
  })

  it('expires entries after its TTL and at iat + maxTokenAge', () => {
    const cache = new TokenCache<string>({ maxTtlSeconds: 10 })
    cache.set('t', 'v', 1_000_000, 0)
    expect(cache.get('t', 9_999)).toBe('v')
    expect(cache.get('t', 10_000)).toBeUndefined()
  })

  it('is bounded by count and by size, dropping the oldest first', () => {
    const cache = new TokenCache<number>({ maxEntries: 3, maxChars: 10 })
    for (const [i, token] of ['aa', 'bb', 'cc', 'dd'].entries()) cache.set(token, i, 1e12, 0)
    expect(cache.size).toBe(3)
    expect(cache.get('aa', 0)).toBeUndefined()
    cache.set('eeeeeeee', 9, 1e12, 0)
    expect(cache.get('eeeeeeee', 0)).toBe(9)
    expect(cache.size).toBe(2)
    cache.set('x'.repeat(11), 1, 1e12, 0)
    expect(cache.get('x'.repeat(11), 0)).toBeUndefined()
  })

  it('can be turned off', async () => {
    const kit = createTestKit()
    const verifier = createVerifier(kit.config({ tokenCache: false }))
    const token = kit.sign()
    await verifier.verify(token)
    expect(verifier.cached(token)).toBeUndefined()
  })

  it('is keyed by the whole token, so a token differing in its signature is verified on its own', async () => {
    const kit = createTestKit({ algorithm: 'EdDSA' })
    const verifier = createVerifier(kit.config())
    const token = kit.sign()
    await verifier.verify(token)
    const tampered = `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`
    await expect(verifier.verify(tampered)).rejects.toMatchObject({ reason: 'signature' })
  })
})
