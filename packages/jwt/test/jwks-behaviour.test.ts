import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { KeySetUnavailable, TokenInvalid } from '@social-auth/core'
import { createVerifier, jwtGuard } from '../src/index.js'
import {
  createTestKey,
  createTestKit,
  signJwt,
  startJwksServer,
  type MockJwksServer,
} from '../src/testing/index.js'
import { call, guardedApp, serve, type Served } from './support/http.js'

// Issue 6 "Done when": rotation picked up with one refetch, a storm of unknown kids costing at
// most one fetch per cooldown, and a JWKS outage answered 401/503, never 500 (security.md §3.3,
// tests V23/V24).

function clock(start = Date.now()): { now: () => number; advance: (ms: number) => void } {
  let t = start
  return { now: () => t, advance: (ms) => void (t += ms) }
}

describe('key rotation at the JWKS', () => {
  it('is picked up with exactly one refetch when a token names the new kid', async () => {
    const kit = createTestKit({ algorithm: 'ES256' })
    const verifier = createVerifier(kit.config())
    await verifier.verify(kit.sign())
    expect(kit.jwks.calls).toBe(1)
    kit.rotate({ keepOld: true })
    const user = await verifier.verify(kit.sign({ sub: 'after-rotation' }))
    expect(user.sub).toBe('after-rotation')
    expect(kit.jwks.calls).toBe(2)
    // Old and new keys both verify now, without more fetches.
    await verifier.verify(kit.sign({ sub: 'again' }))
    expect(kit.jwks.calls).toBe(2)
  })

  it('refuses tokens of a key removed from the JWKS once the keys are refreshed', async () => {
    const time = clock()
    const kit = createTestKit({ algorithm: 'EdDSA', now: time.now })
    const verifier = createVerifier(kit.config({ tokenCache: false, jwks: { maxAgeMs: 60_000 } }))
    const old = kit.key
    await verifier.verify(kit.sign())
    kit.rotate()
    time.advance(61_000)
    await expect(verifier.verify(kit.sign({}, { key: old }))).rejects.toMatchObject({
      reason: 'kid',
    })
  })
})

describe('a storm of unknown kids', () => {
  it('causes at most one JWKS fetch per cooldown, however many tokens arrive', async () => {
    const time = clock()
    const kit = createTestKit({ algorithm: 'ES256', now: time.now })
    const verifier = createVerifier(kit.config({ jwks: { cooldownMs: 30_000 } }))
    await verifier.verify(kit.sign())
    expect(kit.jwks.calls).toBe(1)
    const forger = createTestKey('ES256')
    const storm = Array.from({ length: 200 }, (_, i) =>
      kit.sign({}, { key: forger, header: { kid: `random-${i}` } }),
    )
    const results = await Promise.allSettled(storm.map((token) => verifier.verify(token)))
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof TokenInvalid)).toBe(
      true,
    )
    expect(kit.jwks.calls).toBe(2)
    // Still inside the cooldown: no fetch at all.
    time.advance(10_000)
    await Promise.allSettled(storm.slice(0, 50).map((token) => verifier.verify(token)))
    expect(kit.jwks.calls).toBe(2)
    // The next cooldown window allows one more.
    time.advance(25_000)
    await Promise.allSettled(storm.map((token) => verifier.verify(token)))
    expect(kit.jwks.calls).toBe(3)
  })

  it('never fetches for a token whose alg is not allowed (the allowlist is checked before any key lookup)', async () => {
    const kit = createTestKit({ algorithm: 'ES256' })
    const verifier = createVerifier(kit.config({ algorithms: ['ES256'] }))
    const rsa = createTestKey('RS256')
    await expect(verifier.verify(kit.sign({}, { key: rsa }))).rejects.toMatchObject({
      reason: 'algorithm',
    })
    expect(kit.jwks.calls).toBe(0)
  })
})

describe('keys named in the token header', () => {
  it('never follows jku or x5u and never uses an embedded jwk (RFC 8725 §3.10, CVE-2018-0114)', async () => {
    const kit = createTestKit({ algorithm: 'RS256' })
    const attacker = createTestKey('RS256', kit.key.kid)
    const attackerJwks = await startJwksServer([attacker])
    try {
      const verifier = createVerifier(kit.config())
      const now = Math.floor(Date.now() / 1000)
      const claims = {
        iss: kit.issuer,
        aud: kit.audience,
        sub: 'attacker',
        iat: now,
        exp: now + 60,
      }
      const header = {
        alg: 'RS256',
        kid: kit.key.kid,
        jku: attackerJwks.url,
        x5u: attackerJwks.url,
        jwk: attacker.publicJwk,
      }
      await expect(
        verifier.verify(signJwt(header, claims, attacker.privateKey)),
      ).rejects.toMatchObject({
        reason: 'signature',
      })
      expect(attackerJwks.calls).toBe(0)
    } finally {
      await attackerJwks.close()
    }
  })
})

describe('a JWKS outage', () => {
  let jwks: MockJwksServer
  let served: Served
  const kit = createTestKit({ algorithm: 'EdDSA' })

  beforeAll(async () => {
    jwks = await startJwksServer([kit.key])
    jwks.fail('http-500')
    const auth = jwtGuard(
      kit.config({ jwksUrl: jwks.url, fetch: undefined, jwks: { timeoutMs: 300 } }),
    )
    served = await serve(guardedApp(auth))
  })
  afterAll(async () => {
    await served.close()
    await jwks.close()
  })

  it('answers 503 (fail closed, never 500) while no keys were ever fetched', async () => {
    const answer = await call(served.url, '/me', { token: kit.sign() })
    expect(answer.status).toBe(503)
    expect(answer.body.error).toBe('ERR_KEY_SET_UNAVAILABLE')
  })

  it('answers 503 for a timeout and for a body that is not a key set', async () => {
    for (const mode of ['timeout', 'garbage', 'network'] as const) {
      const local = createTestKit({ algorithm: 'EdDSA' })
      local.jwks.fail(mode)
      const verifier = createVerifier(local.config({ jwks: { timeoutMs: 200 } }))
      await expect(verifier.verify(local.sign())).rejects.toBeInstanceOf(KeySetUnavailable)
    }
  })

  it("holds the process open while a 'timeout' fetch hangs, as a real socket would", async () => {
    const local = createTestKit({ algorithm: 'EdDSA' })
    local.jwks.fail('timeout')
    const timers = (): number =>
      process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length
    const before = timers()
    const controller = new AbortController()
    const pending = local.jwks.fetch(local.jwks.url, { signal: controller.signal })
    // The verifier's own AbortSignal.timeout is unref'd: outside jest nothing else would wait.
    expect(timers()).toBe(before + 1)
    controller.abort(new Error('gave up'))
    await expect(pending).rejects.toThrow('gave up')
    expect(timers()).toBe(before)
  })

  it('keeps verifying with the last good keys during an outage, and answers 401 for unknown kids then', async () => {
    const time = clock()
    const local = createTestKit({ algorithm: 'ES256', now: time.now })
    const verifier = createVerifier(local.config({ tokenCache: false, jwks: { maxAgeMs: 60_000 } }))
    await verifier.verify(local.sign())
    local.jwks.fail('http-500')
    time.advance(120_000)
    await expect(verifier.verify(local.sign({ sub: 'during-outage' }))).resolves.toMatchObject({
      sub: 'during-outage',
    })
    await expect(
      verifier.verify(local.sign({}, { key: createTestKey('ES256') })),
    ).rejects.toBeInstanceOf(TokenInvalid)
    // Back-off: the failures above did not turn into a fetch per request.
    const before = local.jwks.calls
    await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        verifier.verify(local.sign({}, { key: createTestKey('ES256') })),
      ),
    )
    expect(local.jwks.calls - before).toBeLessThanOrEqual(1)
  })

  it('recovers once the endpoint heals', async () => {
    jwks.fail(undefined)
    // The back-off after the first failures is short (1 s, 2 s…); wait it out.
    await new Promise((resolve) => setTimeout(resolve, 2100))
    const answer = await call(served.url, '/me', { token: kit.sign() })
    expect(answer.status).toBe(200)
  })
})
