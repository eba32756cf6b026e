import { describe, expect, it } from '@jest/globals'
import { TokenInvalid, type JsonWebKeySet } from '@social-auth/core'
import type { Request, RequestHandler } from 'express'
import { createVerifier, jwtGuard, type KeySetSource } from '../src/index.js'
import { createTestKit } from '../src/testing/index.js'
import { fakeResponse } from './support/fake-response.js'

// The verification path without a promise: once the keys are in memory a request is verified
// in the same tick, with every check — and only a key fetch makes it wait.

interface Call {
  /** True when the middleware called next() or answered before returning. */
  readonly decidedAtOnce: boolean
  readonly outcome: Promise<{ status: number; admitted: boolean }>
}

/** Calls one middleware with a fake request and response, noting whether it decided at once. */
function callGuard(middleware: RequestHandler, token: string): Call {
  let decided = false
  let settle: (value: { status: number; admitted: boolean }) => void = () => {}
  const outcome = new Promise<{ status: number; admitted: boolean }>((resolve) => {
    settle = (value) => {
      decided = true
      resolve(value)
    }
  })
  const res = fakeResponse((status) => settle({ status, admitted: false }))
  const req = { headers: { authorization: `Bearer ${token}` } }
  middleware(req as unknown as Request, res, () => settle({ status: 200, admitted: true }))
  return { decidedAtOnce: decided, outcome }
}

describe('the guard with the keys in memory', () => {
  it('admits distinct tokens in the same tick, after the first one waited for the JWKS', async () => {
    const kit = createTestKit({ algorithm: 'ES256' })
    const requireAuth = jwtGuard(kit.config({ tokenCache: false })).requireAuth()
    const first = callGuard(requireAuth, kit.sign({ sub: 'first' }))
    expect(first.decidedAtOnce).toBe(false)
    expect(await first.outcome).toEqual({ status: 200, admitted: true })
    for (const sub of ['second', 'third']) {
      const call = callGuard(requireAuth, kit.sign({ sub }))
      expect(call.decidedAtOnce).toBe(true)
      expect(await call.outcome).toEqual({ status: 200, admitted: true })
    }
    expect(kit.jwks.calls).toBe(1)
  })

  it('refuses in the same tick, with the same answers, what the full path refuses', async () => {
    const kit = createTestKit({ algorithm: 'ES256' })
    const requireAuth = jwtGuard(kit.config({ tokenCache: false })).requireAuth()
    await callGuard(requireAuth, kit.sign()).outcome
    const valid = kit.sign()
    const badSignature = `${valid.slice(0, -2)}${valid.at(-2) === 'A' ? 'B' : 'A'}${valid.at(-1)}`
    for (const token of [
      badSignature,
      kit.sign({ exp: Math.floor(Date.now() / 1000) - 120 }),
      kit.sign({ aud: 'https://another.api' }),
      kit.sign({ at_hash: 'x' }),
      kit.sign({}, { header: { typ: 'id_token+jwt' } }),
      kit.sign({}, { header: { crit: ['exp'] } }),
    ]) {
      const call = callGuard(requireAuth, token)
      expect(call.decidedAtOnce).toBe(true)
      expect(await call.outcome).toEqual({ status: 401, admitted: false })
    }
  })

  it('still waits for the key source when a token names a kid it does not know', async () => {
    const kit = createTestKit({ algorithm: 'ES256' })
    const requireAuth = jwtGuard(kit.config({ tokenCache: false })).requireAuth()
    await callGuard(requireAuth, kit.sign()).outcome
    kit.rotate({ keepOld: true })
    const call = callGuard(requireAuth, kit.sign({ sub: 'rotated' }))
    expect(call.decidedAtOnce).toBe(false)
    expect(await call.outcome).toEqual({ status: 200, admitted: true })
    expect(kit.jwks.calls).toBe(2)
  })
})

describe('the key set in memory', () => {
  it('is the JWKS cache’s own, used without waiting only while the cache holds it fresh', async () => {
    let now = Date.UTC(2030, 0, 1)
    const kit = createTestKit({ algorithm: 'ES256', now: () => now })
    let asked = 0
    const verifier = createVerifier(
      kit.config({ tokenCache: false, jwks: { maxAgeMs: 60_000 }, now: () => now }),
    )
    const source = verifier.keySource!
    const get = source.get.bind(source)
    source.get = () => {
      asked += 1
      return get()
    }
    await verifier.verify(kit.sign())
    await verifier.verify(kit.sign())
    now += 59_999
    await verifier.verify(kit.sign())
    // Fetched once; the later tokens were checked with the cache's fresh set (peek), no promise.
    expect(asked).toBe(1)
    expect(kit.jwks.calls).toBe(1)
    now += 1
    await verifier.verify(kit.sign())
    // Past the max age the set is not fresh: the verification waits for the refetch.
    expect(asked).toBe(2)
    expect(kit.jwks.calls).toBe(2)
  })

  it('is never reused past the JWKS max age', async () => {
    const kit = createTestKit({ algorithm: 'ES256' })
    const verifier = createVerifier(kit.config({ tokenCache: false, jwks: { maxAgeMs: 0 } }))
    for (let i = 1; i <= 3; i += 1) {
      await verifier.verify(kit.sign())
      expect(kit.jwks.calls).toBe(i)
    }
  })

  it('is asked for on every verification from a key source of your own', async () => {
    const kit = createTestKit({ algorithm: 'ES256' })
    const set: JsonWebKeySet = { keys: [kit.key.publicJwk] }
    let asked = 0
    const keys: KeySetSource = {
      get: async () => {
        asked += 1
        return set
      },
      refreshForUnknownKid: async () => false,
    }
    const verifier = createVerifier({
      ...kit.config({ tokenCache: false }),
      jwksUrl: undefined,
      keys,
    })
    for (let i = 1; i <= 3; i += 1) {
      await verifier.verify(kit.sign())
      expect(asked).toBe(i)
    }
  })
})

describe('verifiers the guard did not build itself', () => {
  it('awaits a verify that answers a thenable of another library, and refuses when it rejects', async () => {
    const kit = createTestKit({ algorithm: 'ES256' })
    const real = createVerifier(kit.config({ tokenCache: false }))
    const foreign = {
      ...real,
      cached: () => undefined,
      // A promise-like that is not a native Promise (Bluebird, another realm…).
      verify: (token: string) => ({
        then: (onFulfilled: (user: unknown) => unknown, onRejected: (err: unknown) => unknown) =>
          real.verify(token).then(onFulfilled, onRejected),
      }),
    }
    const requireAuth = jwtGuard(foreign as unknown as typeof real).requireAuth()
    const forged = `${kit.sign().slice(0, -4)}AAAA`
    expect(await callGuard(requireAuth, forged).outcome).toEqual({ status: 401, admitted: false })
    expect(await callGuard(requireAuth, kit.sign()).outcome).toEqual({
      status: 200,
      admitted: true,
    })
  })

  it('runs a verify the app wrapped after building the guard (a deny-list)', async () => {
    const kit = createTestKit({ algorithm: 'ES256' })
    const verifier = createVerifier(kit.config({ tokenCache: false }))
    const requireAuth = jwtGuard(verifier).requireAuth()
    await callGuard(requireAuth, kit.sign()).outcome
    const denied = kit.sign({ sub: 'user:denied' })
    const verify = verifier.verify.bind(verifier)
    verifier.verify = async (token) => {
      const user = await verify(token)
      if (user.sub === 'user:denied') throw new TokenInvalid('Denied', { reason: 'denied' })
      return user
    }
    expect(await callGuard(requireAuth, denied).outcome).toEqual({ status: 401, admitted: false })
    expect(await callGuard(requireAuth, kit.sign()).outcome).toEqual({
      status: 200,
      admitted: true,
    })
  })
})
