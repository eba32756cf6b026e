import { describe, expect, it } from '@jest/globals'
import { JwksCache } from '../src/index.js'

/** A JWKS endpoint whose key ids a test can change, counting its fetches. */
function endpoint(kids: string[]) {
  const state = { kids, calls: 0 }
  const fetchKeys: typeof fetch = () => {
    state.calls += 1
    const keys = state.kids.map((kid) => ({ kty: 'OKP', crv: 'Ed25519', x: 'AAAA', kid }))
    return Promise.resolve(Response.json({ keys }))
  }
  return { state, fetch: fetchKeys }
}

describe('JwksCache', () => {
  it('reports the keys refetched for an unknown kid as new, even within the same millisecond', async () => {
    const jwks = endpoint(['one'])
    const cache = new JwksCache({
      url: 'https://op.example/jwks',
      fetch: jwks.fetch,
      now: () => 1_000,
    })
    await cache.get()
    jwks.state.kids = ['one', 'two']
    expect(await cache.refreshForUnknownKid()).toBe(true)
    expect((await cache.get()).keys.map((key) => key.kid)).toEqual(['one', 'two'])
    expect(jwks.state.calls).toBe(2)
    // The cooldown still holds: a storm of unknown kids causes no further fetch.
    expect(await cache.refreshForUnknownKid()).toBe(false)
    expect(jwks.state.calls).toBe(2)
  })

  it('peeks at the keys without fetching, only while they are fresh', async () => {
    let now = 0
    const jwks = endpoint(['one'])
    const cache = new JwksCache({
      url: 'https://op.example/jwks',
      fetch: jwks.fetch,
      now: () => now,
      maxAgeMs: 60_000,
    })
    expect(cache.peek()).toBeUndefined()
    const keys = await cache.get()
    expect(cache.peek()).toBe(keys)
    now = 59_999
    expect(cache.peek()).toBe(keys)
    now = 60_000
    expect(cache.peek()).toBeUndefined()
    expect(jwks.state.calls).toBe(1)
  })
})
