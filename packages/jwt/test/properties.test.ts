import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Request, RequestHandler } from 'express'
import fc from 'fast-check'
import { createLocalJWKSet, importJWK, jwtVerify, SignJWT } from 'jose'
import { createVerifier, jwtGuard, type AsymmetricAlgorithm } from '../src/index.js'
import { createTestKey, createTestKit, signJwt, type TestKey } from '../src/testing/index.js'
import { fakeResponse } from './support/fake-response.js'
import { guardedApp, serve, type Served } from './support/http.js'

// Property tests: whatever arrives — random headers, mutated tokens, forged headers and
// claims — the guard answers 400, 401 or 403 and never 500 or an unhandled rejection
// (security.md §3.1.1, Auth.js CVE-2026-73418); nothing but a validly signed token is admitted;
// and the verifier never accepts what jose, the reference implementation, would refuse.

interface Outcome {
  readonly status: number
  readonly admitted: boolean
}

/** Runs one middleware against a fake request and response, the way Express would. */
function run(middleware: RequestHandler, headers: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const res = fakeResponse((status) => resolve({ status, admitted: false }))
    const req = {
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    }
    try {
      middleware(req as unknown as Request, res, (err?: unknown) =>
        err === undefined ? resolve({ status: 200, admitted: true }) : reject(asError(err)),
      )
    } catch (err) {
      reject(asError(err))
    }
  })
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)))

const kit = createTestKit({ algorithm: 'ES256' })
const guard = jwtGuard(kit.config({ header: { cookieName: 'access_token' } }))
const requireAuth = guard.requireAuth()
const requireScope = guard.requireScope('read:posts')
const refusal = (outcome: Outcome): boolean =>
  !outcome.admitted && [400, 401, 403, 503].includes(outcome.status)

const base64urlChar = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split(''),
)
const tokenish = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.array(fc.string({ unit: base64urlChar }), { maxLength: 6 }).map((parts) => parts.join('.')),
  fc.constantFrom('', '.', '..', '...', 'a.b.c', 'e30.e30.', 'e30.e30.e30'),
)

describe('random requests', () => {
  it('never yield a 500 or an admission, whatever the Authorization header says', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('Bearer ', 'bearer ', 'Bearer  ', 'Basic ', '', 'Bearer'),
        tokenish,
        async (scheme, value) => {
          const outcome = await run(requireAuth, { authorization: scheme + value })
          expect(refusal(outcome)).toBe(true)
        },
      ),
      { numRuns: 1500 },
    )
  })

  it('never yield a 500 or an admission, whatever the cookies are', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string(),
        tokenish,
        fc.option(fc.string(), { nil: undefined }),
        async (before, value, authorization) => {
          const headers: Record<string, string> = { cookie: `${before}; access_token=${value}` }
          if (authorization !== undefined) headers.authorization = authorization
          expect(refusal(await run(requireScope, headers))).toBe(true)
        },
      ),
      { numRuns: 1000 },
    )
  })
})

describe('mutated tokens', () => {
  const valid = kit.sign({ scope: 'read:posts' })

  it('are never admitted, and never answered 500 (one character changed, removed or added)', async () => {
    expect((await run(requireScope, { authorization: `Bearer ${valid}` })).admitted).toBe(true)
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: valid.length - 1 }),
        fc.constantFrom('replace', 'delete', 'insert'),
        fc.string({
          minLength: 1,
          maxLength: 1,
          unit: fc.oneof(base64urlChar, fc.constantFrom('.', '=', '+', '/', ' ', '%')),
        }),
        async (at, how, char) => {
          const mutated =
            how === 'delete'
              ? valid.slice(0, at) + valid.slice(at + 1)
              : valid.slice(0, at) + char + valid.slice(how === 'replace' ? at + 1 : at)
          // A second space after the scheme is still the same token (RFC 6750 §2.1: 1*SP).
          fc.pre(mutated.trimStart() !== valid)
          expect(refusal(await run(requireScope, { authorization: `Bearer ${mutated}` }))).toBe(
            true,
          )
        },
      ),
      { numRuns: 1500 },
    )
  })
})

const JSON_VALUE = fc.jsonValue({ maxDepth: 2 })

describe('forged headers and claims, validly signed', () => {
  const now = Math.floor(Date.now() / 1000)
  // Mostly valid values with forgeries mixed in, so both acceptance and refusal are exercised.
  const mostly = <T>(valid: T, forged: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
    fc.oneof({ weight: 5, arbitrary: fc.constant(valid) }, { weight: 1, arbitrary: forged })
  // Rarely present at all (JSON.stringify leaves undefined members out).
  const rarely = (forged: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => mostly(undefined, forged)
  const claimsArb = fc.record({
    iss: mostly(kit.issuer, JSON_VALUE),
    aud: mostly(kit.audience, fc.oneof(fc.constant([kit.audience, 'x']), JSON_VALUE)),
    sub: mostly('user:1', JSON_VALUE),
    iat: mostly(now, fc.oneof(fc.integer({ min: now - 200_000, max: now + 200 }), JSON_VALUE)),
    exp: mostly(
      now + 300,
      fc.oneof(fc.integer({ min: now - 100, max: now + 100_000 }), JSON_VALUE),
    ),
    nbf: rarely(fc.oneof(fc.integer({ min: now - 100, max: now + 100 }), JSON_VALUE)),
    scope: mostly('read:posts', JSON_VALUE),
    scp: rarely(JSON_VALUE),
    roles: mostly(['admin'], JSON_VALUE),
    tenant_id: rarely(JSON_VALUE),
    at_hash: rarely(fc.string()),
  })
  const headerArb = fc.record({
    typ: mostly(
      'at+jwt',
      fc.oneof(fc.constantFrom('JWT', 'application/at+jwt', 'id_token+jwt'), JSON_VALUE),
    ),
    kid: mostly(kit.key.kid, fc.oneof(fc.constantFrom('__proto__', 'constructor', ''), JSON_VALUE)),
    crit: rarely(fc.array(fc.string(), { maxLength: 2 })),
    b64: rarely(fc.boolean()),
    jku: rarely(fc.webUrl()),
    extra: rarely(JSON_VALUE),
  })

  let jose: ReturnType<typeof createLocalJWKSet>
  beforeAll(() => {
    jose = createLocalJWKSet({ keys: [kit.key.publicJwk] })
  })

  it('never crash the verifier, and are only accepted when jose accepts them too (differential check)', async () => {
    const verifier = createVerifier(kit.config({ tokenCache: false }))
    await verifier.verify(kit.sign()) // warm the key set so every run is offline
    let accepted = 0
    await fc.assert(
      fc.asyncProperty(headerArb, claimsArb, async (header, claims) => {
        const token = signJwt({ alg: 'ES256', ...header }, claims, kit.key.privateKey)
        let ours: unknown
        try {
          ours = await verifier.verify(token)
        } catch (err) {
          expect((err as { code?: string }).code).toMatch(/^ERR_(TOKEN_INVALID|TOKEN_EXPIRED)$/)
          return
        }
        accepted += 1
        const { payload } = await jwtVerify(token, jose, {
          issuer: kit.issuer,
          audience: kit.audience,
          algorithms: ['ES256'],
          clockTolerance: 30,
          maxTokenAge: 86_400,
          requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub'],
        })
        expect((ours as { sub: string }).sub).toBe(payload.sub)
      }),
      { numRuns: 800 },
    )
    // The arbitraries are biased towards valid claims so both branches are exercised.
    expect(accepted).toBeGreaterThan(40)
  })
})

describe('tokens signed by jose', () => {
  const algs: AsymmetricAlgorithm[] = [
    'EdDSA',
    'ES256',
    'ES384',
    'RS256',
    'PS256',
    'RS384',
    'RS512',
  ]
  const keys = new Map<AsymmetricAlgorithm, TestKey>()
  beforeAll(() => {
    for (const alg of algs)
      keys.set(
        alg,
        createTestKey(alg === 'PS256' || alg.startsWith('RS') ? 'RS256' : alg, `k-${alg}`),
      )
  })

  it('are all accepted, whatever valid claims they carry', async () => {
    const verifier = createVerifier({
      key: { keys: [...keys.values()].map((key) => ({ ...key.publicJwk, alg: undefined })) },
      issuer: 'https://op.test',
      audience: 'api',
      algorithms: algs,
    })
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...algs),
        fc.string({ minLength: 1 }),
        fc.array(fc.stringMatching(/^[!#-[\]-~]{1,20}$/), { maxLength: 5 }),
        fc.dictionary(
          fc
            .string()
            .filter(
              (k) => !['__proto__', 'constructor', 'prototype', 'at_hash', 'c_hash'].includes(k),
            ),
          JSON_VALUE,
          { maxKeys: 4 },
        ),
        async (alg, sub, scopes, extra) => {
          const key = keys.get(alg)!
          const token = await new SignJWT({ ...extra, scope: scopes.join(' ') })
            .setProtectedHeader({ alg, kid: key.kid, typ: 'at+jwt' })
            .setIssuer('https://op.test')
            .setAudience('api')
            .setSubject(sub)
            .setIssuedAt()
            .setExpirationTime('5m')
            .sign(await importJWK(key.privateKey.export({ format: 'jwk' }) as never, alg))
          const user = await verifier.verify(token)
          expect(user.sub).toBe(sub)
          expect(user.scopes).toEqual([...new Set(scopes)])
        },
      ),
      { numRuns: 150 },
    )
  })
})

describe('ES256 signatures at the edges of their encoding', () => {
  // RFC 7518 §3.4: R and S are each exactly 32 bytes, big-endian, left-padded with zeros. Such
  // a signature must verify whatever its bytes look like — a leading zero byte, or a high bit
  // that DER would have to escape — and any other length or encoding must not.
  const key = createTestKey('ES256', 'edges')
  const verifier = createVerifier({
    key: { keys: [key.publicJwk] },
    issuer: 'https://op.test',
    audience: 'api',
    algorithms: ['ES256'],
    tokenCache: false,
  })
  const joseKeys = createLocalJWKSet({ keys: [key.publicJwk] })
  const now = Math.floor(Date.now() / 1000)

  /** Signs fresh tokens until one's signature has the wanted shape (R: bytes 0–31, S: 32–63). */
  function tokenWhose(shape: (signature: Buffer) => boolean): string {
    for (let i = 0; i < 20_000; i += 1) {
      const token = signJwt(
        { alg: 'ES256', kid: key.kid, typ: 'at+jwt' },
        { iss: 'https://op.test', aud: 'api', sub: `user:${i}`, iat: now, exp: now + 300 },
        key.privateKey,
      )
      if (shape(Buffer.from(token.split('.')[2]!, 'base64url'))) return token
    }
    throw new Error('no signature of that shape')
  }
  const joseAccepts = async (token: string): Promise<boolean> =>
    jwtVerify(token, joseKeys, { issuer: 'https://op.test', audience: 'api' }).then(
      () => true,
      () => false,
    )
  const withSignature = (token: string, signature: Buffer): string =>
    `${token.slice(0, token.lastIndexOf('.'))}.${signature.toString('base64url')}`

  it.each([
    ['R starts with a zero byte', (sig: Buffer) => sig[0] === 0],
    ['S starts with a zero byte', (sig: Buffer) => sig[32] === 0],
    ['R has its high bit set', (sig: Buffer) => sig[0]! >= 0x80],
    ['S has its high bit set', (sig: Buffer) => sig[32]! >= 0x80],
    ['neither has its high bit set', (sig: Buffer) => sig[0]! < 0x80 && sig[32]! < 0x80],
  ])('are accepted, like jose accepts them, when %s', async (_shape, shape) => {
    const token = tokenWhose(shape)
    expect(await joseAccepts(token)).toBe(true)
    await expect(verifier.verify(token)).resolves.toMatchObject({ iss: 'https://op.test' })
  })

  it('are refused, like jose refuses them, at any other length or in DER', async () => {
    const token = tokenWhose((sig) => sig[0] === 0)
    const signature = Buffer.from(token.split('.')[2]!, 'base64url')
    const r = signature.subarray(0, 32)
    const s = signature.subarray(32)
    const derInteger = (n: Buffer): Buffer => {
      let start = 0
      while (start < n.length - 1 && n[start] === 0) start += 1
      const body =
        n[start]! >= 0x80 ? Buffer.concat([Buffer.of(0), n.subarray(start)]) : n.subarray(start)
      return Buffer.concat([Buffer.of(0x02, body.length), body])
    }
    const der = Buffer.concat([derInteger(r), derInteger(s)])
    for (const forged of [
      signature.subarray(1), // the leading zero of R dropped: 63 bytes
      Buffer.concat([Buffer.of(0), signature]), // 65 bytes
      Buffer.concat([r.subarray(1), s]), // R unpadded, S intact
      Buffer.concat([r, s, Buffer.of(0)]),
      Buffer.concat([Buffer.of(0x30, der.length), der]), // the same signature in DER
      Buffer.alloc(64), // R = S = 0
      Buffer.alloc(64, 0xff), // R and S beyond the group order
    ]) {
      const forgedToken = withSignature(token, forged)
      expect(await joseAccepts(forgedToken)).toBe(false)
      await expect(verifier.verify(forgedToken)).rejects.toMatchObject({ reason: 'signature' })
    }
  })
})

describe('raw HTTP requests', () => {
  let served: Served
  beforeAll(async () => {
    served = await serve(guardedApp(guard))
  })
  afterAll(() => served.close())

  const raw = (payload: Buffer): Promise<string> =>
    new Promise((resolve) => {
      const { port } = new URL(served.url)
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(payload))
      let answer = ''
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')))
      socket.on('close', () => resolve(answer))
      socket.on('error', () => resolve(answer))
    })

  it('never answer 500, whatever bytes the Authorization header carries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const value = Buffer.from(bytes).filter((b) => b !== 10 && b !== 13)
        const request = Buffer.concat([
          Buffer.from(
            'GET /posts HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ',
          ),
          value,
          Buffer.from('\r\n\r\n'),
        ])
        const answer = await raw(request)
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1])
        expect([400, 401]).toContain(status)
      }),
      { numRuns: 200 },
    )
  })
})
