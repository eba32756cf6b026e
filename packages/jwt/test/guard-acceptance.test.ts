import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { jwtGuard, type AsymmetricAlgorithm } from '../src/index.js'
import { createTestKey, createTestKit, signJwt, type TestKit } from '../src/testing/index.js'
import { call, guardedApp, serve, type Served } from './support/http.js'

// Issue 6 "Done when", first bullet: acceptance over HTTP of RS256, ES256 and EdDSA tokens from
// the header and the cookie, and each refusal with its RFC 6750 status and challenge.

const ALGS: AsymmetricAlgorithm[] = ['RS256', 'ES256', 'EdDSA']

describe.each(ALGS)('a guard trusting %s keys', (alg) => {
  let kit: TestKit
  let served: Served

  beforeAll(async () => {
    kit = createTestKit({ algorithm: alg })
    const auth = jwtGuard(kit.config({ header: { cookieName: 'access_token' } }))
    served = await serve(guardedApp(auth))
  })
  afterAll(() => served.close())

  it('accepts a valid token in the Authorization header (RFC 6750 §2.1)', async () => {
    const answer = await call(served.url, '/me', {
      token: kit.sign({ sub: 'user:1', roles: ['editor'] }),
    })
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ user_id: 'user:1', roles: ['editor'], scopes: [] })
  })

  it('accepts a valid token in the access_token cookie', async () => {
    const answer = await call(served.url, '/me', {
      cookie: `theme=dark; access_token=${kit.sign({ sub: 'user:2' })}`,
    })
    expect(answer.status).toBe(200)
    expect(answer.body.user_id).toBe('user:2')
  })

  it('accepts the bearer scheme written in any case (RFC 7235 §2.1)', async () => {
    const answer = await call(served.url, '/me', {
      headers: { authorization: `bEaReR ${kit.sign()}` },
    })
    expect(answer.status).toBe(200)
  })
})

describe('refusals answered per RFC 6750 §3', () => {
  let kit: TestKit
  let served: Served
  const now = Math.floor(Date.now() / 1000)

  beforeAll(async () => {
    kit = createTestKit({ algorithm: 'RS256' })
    served = await serve(
      guardedApp(
        jwtGuard(kit.config({ header: { cookieName: 'access_token' } }), { realm: 'posts' }),
      ),
    )
  })
  afterAll(() => served.close())

  const invalid = async (token: string, detail?: RegExp): Promise<void> => {
    const answer = await call(served.url, '/me', { token })
    expect(answer.status).toBe(401)
    expect(answer.challenge).toMatch(
      /^Bearer realm="posts", error="invalid_token", error_description="[^"]+"$/,
    )
    expect(answer.body.error).toMatch(/^ERR_TOKEN_(INVALID|EXPIRED)$/)
    if (detail) expect(String(answer.body.detail)).toMatch(detail)
  }

  it('answers 401 with a bare challenge and no error code when no token is sent (RFC 6750 §3.1)', async () => {
    const answer = await call(served.url, '/me')
    expect(answer.status).toBe(401)
    expect(answer.challenge).toBe('Bearer realm="posts"')
    expect(answer.body).toEqual({
      error: 'ERR_TOKEN_NOT_FOUND',
      detail: 'No bearer token was sent',
    })
  })

  it('answers 401 invalid_token for an expired token (RFC 7519 §4.1.4)', async () => {
    const answer = await call(served.url, '/me', {
      token: kit.sign({ iat: now - 600, exp: now - 120 }),
    })
    expect(answer.status).toBe(401)
    expect(answer.challenge).toContain('error="invalid_token"')
    expect(answer.body.error).toBe('ERR_TOKEN_EXPIRED')
  })

  it('answers 401 invalid_token for a token that is not valid yet (RFC 7519 §4.1.5)', () =>
    invalid(kit.sign({ nbf: now + 600 }), /not valid yet/))

  it('answers 401 invalid_token for a token from another issuer', () =>
    invalid(kit.sign({ iss: 'https://evil.test' }), /issuer/))

  it('answers 401 invalid_token for a token meant for another audience', () =>
    invalid(kit.sign({ aud: 'https://other-api.test' }), /audience/))

  it('answers 401 invalid_token for a bad signature', async () => {
    const token = kit.sign()
    const other = kit.sign({ sub: 'someone-else' })
    // The payload of one token under the signature of another.
    const forged = `${token.split('.').slice(0, 2).join('.')}.${other.split('.')[2]}`
    await invalid(forged, /signature/)
  })

  it('answers 401 invalid_token for alg "none", signed or not (RFC 8725 §3.2)', async () => {
    await invalid(
      signJwt(
        { alg: 'none', kid: kit.key.kid },
        { iss: kit.issuer, aud: kit.audience, sub: 'x', iat: now, exp: now + 60 },
      ),
    )
    const withSignature = `${signJwt({ alg: 'none', kid: kit.key.kid }, { iss: kit.issuer, aud: kit.audience, sub: 'x', iat: now, exp: now + 60 })}c2ln`
    await invalid(withSignature, /Algorithm none is not allowed/)
  })

  it('answers 401 invalid_token for HS256 "signed" with the RSA public key (RFC 8725 §2.1, §3.1)', async () => {
    const claims = { iss: kit.issuer, aud: kit.audience, sub: 'attacker', iat: now, exp: now + 60 }
    for (const secret of [
      kit.key.publicKey.export({ format: 'pem', type: 'spki' }),
      JSON.stringify(kit.key.publicJwk),
      kit.key.publicKey.export({ format: 'der', type: 'spki' }),
    ])
      await invalid(
        signJwt({ alg: 'HS256', kid: kit.key.kid, typ: 'at+jwt' }, claims, secret),
        /HS256 is not allowed/,
      )
  })

  it('answers 401 invalid_token for an unknown kid', async () => {
    const stranger = createTestKey('RS256', 'not-published')
    await invalid(kit.sign({}, { key: stranger }), /unknown key/)
  })

  it('answers 403 insufficient_scope with the needed scope for a missing scope (RFC 6750 §3.1)', async () => {
    const answer = await call(served.url, '/posts', {
      token: kit.sign({ scope: 'write:posts read:post' }),
    })
    expect(answer.status).toBe(403)
    expect(answer.challenge).toMatch(
      /^Bearer realm="posts", error="insufficient_scope", error_description="[^"]+", scope="read:posts"$/,
    )
    expect(answer.body.error).toBe('ERR_INSUFFICIENT_SCOPE')
    expect(
      (await call(served.url, '/posts', { token: kit.sign({ scope: 'read:posts' }) })).status,
    ).toBe(200)
    expect(
      (await call(served.url, '/either', { token: kit.sign({ scp: ['write:posts'] }) })).status,
    ).toBe(200)
    expect(
      (await call(served.url, '/either', { token: kit.sign({ scopes: ['delete:posts'] }) })).status,
    ).toBe(403)
  })

  it('answers 403 insufficient_scope for a missing role', async () => {
    const answer = await call(served.url, '/admin', {
      token: kit.sign({ roles: ['editor', 'administrator'] }),
    })
    expect(answer.status).toBe(403)
    expect(answer.challenge).toMatch(
      /^Bearer realm="posts", error="insufficient_scope", error_description="[^"]*admin[^"]*"$/,
    )
    expect(answer.body.error).toBe('ERR_INSUFFICIENT_ROLE')
    expect(
      (await call(served.url, '/admin', { token: kit.sign({ roles: ['admin'] }) })).status,
    ).toBe(200)
    expect(
      (await call(served.url, '/staff', { token: kit.sign({ roles: ['editor'] }) })).status,
    ).toBe(200)
    expect(
      (await call(served.url, '/staff', { token: kit.sign({ roles: ['viewer'] }) })).status,
    ).toBe(403)
  })

  it('answers 400 invalid_request for a token sent both in the header and a cookie (RFC 6750 §2)', async () => {
    const token = kit.sign()
    const answer = await call(served.url, '/me', { token, cookie: `access_token=${token}` })
    expect(answer.status).toBe(400)
    expect(answer.challenge).toMatch(/error="invalid_request"/)
    expect(answer.body.error).toBe('ERR_TOKEN_REQUEST_MALFORMED')
  })

  it('answers 400 invalid_request for a malformed Authorization header (RFC 6750 §3.1)', async () => {
    for (const authorization of ['Bearer', 'Bearer a b', 'Bearer ey%4A.x.y', 'Bearer ===='])
      expect((await call(served.url, '/me', { headers: { authorization } })).status).toBe(400)
  })

  it('treats another authentication scheme as no bearer token (401 without an error code)', async () => {
    const answer = await call(served.url, '/me', {
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    })
    expect(answer.status).toBe(401)
    expect(answer.challenge).toBe('Bearer realm="posts"')
  })

  it('answers 401 invalid_token for a well-formed header carrying a token that is not a JWS', async () => {
    await invalid('abc.def', /compact form/)
    await invalid('a+b/c.d.e', /base64url/)
  })
})
