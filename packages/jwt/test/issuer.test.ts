import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import express from 'express'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { InvalidSetting } from '@social-auth/core'
import { createIssuer, createVerifier, generateSigningKey, type TokenIssuer } from '../src/index.js'
import { serve, type Served } from './support/http.js'

// Issue 6's issuer: the app's own keys (EdDSA by default, rotation with overlap), the JWKS
// handler, and access tokens in the RFC 9068 profile.

const ISSUER = 'http://localhost:3000'
const AUDIENCE = 'http://localhost:8001'

describe('minted access tokens', () => {
  let issuer: TokenIssuer
  beforeAll(async () => {
    issuer = await createIssuer({ issuer: ISSUER, audience: AUDIENCE })
  })

  it('are EdDSA JWTs typed at+jwt with the RFC 9068 §2.2 claims, verifiable by jose on its own', async () => {
    const minted = await issuer.mint({
      sub: '42',
      scopes: ['read:posts', 'write:posts'],
      roles: ['editor'],
      tenantId: 'acme.example',
      workspaceId: 'ws-1',
      claims: { email: 'ada@acme.example' },
    })
    expect(minted).toMatchObject({
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'read:posts write:posts',
    })
    const header = decodeProtectedHeader(minted.access_token)
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' })
    const { payload } = await jwtVerify(
      minted.access_token,
      createLocalJWKSet((await issuer.jwks()) as never),
      {
        issuer: ISSUER,
        audience: AUDIENCE,
        typ: 'at+jwt',
        algorithms: ['EdDSA'],
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'],
      },
    )
    expect(payload).toMatchObject({
      sub: '42',
      scope: 'read:posts write:posts',
      roles: ['editor'],
      tenant_id: 'acme.example',
      workspace_id: 'ws-1',
      client_id: ISSUER,
      email: 'ada@acme.example',
    })
    expect(payload.exp! - payload.iat!).toBe(600)
  })

  it("are accepted by the issuer's own in-process verifier", async () => {
    const { access_token } = await issuer.mint({ sub: '7', roles: ['admin'] })
    await expect(issuer.verifier().verify(access_token)).resolves.toMatchObject({
      sub: '7',
      roles: ['admin'],
      scopes: [],
    })
  })

  it('may be shorter-lived than the default but never longer', async () => {
    expect((await issuer.mint({ sub: '1', ttlSeconds: 60 })).expires_in).toBe(60)
    expect((await issuer.mint({ sub: '1', ttlSeconds: 6000 })).expires_in).toBe(600)
  })

  it('refuse caller mistakes: an empty sub, a scope with a space, an extra claim overriding a reserved one', async () => {
    await expect(issuer.mint({ sub: '' })).rejects.toBeInstanceOf(InvalidSetting)
    await expect(issuer.mint({ sub: '1', scopes: ['read posts'] })).rejects.toBeInstanceOf(
      InvalidSetting,
    )
    for (const name of ['sub', 'iss', 'exp', 'roles', 'scope'])
      await expect(issuer.mint({ sub: '1', claims: { [name]: 'x' } })).rejects.toBeInstanceOf(
        InvalidSetting,
      )
  })

  it('support ES256 and RS256 issuers too', async () => {
    for (const algorithm of ['ES256', 'RS256'] as const) {
      const other = await createIssuer({ issuer: ISSUER, audience: AUDIENCE, algorithm })
      const { access_token } = await other.mint({ sub: '1' })
      expect(decodeProtectedHeader(access_token).alg).toBe(algorithm)
      await expect(other.verifier().verify(access_token)).resolves.toBeDefined()
    }
  })

  it('refuse a bad issuer configuration at start-up', async () => {
    await expect(createIssuer({ issuer: ISSUER, audience: [] })).rejects.toBeInstanceOf(
      InvalidSetting,
    )
    await expect(
      createIssuer({ issuer: ISSUER, audience: AUDIENCE, algorithm: 'HS256' as never }),
    ).rejects.toBeInstanceOf(InvalidSetting)
    await expect(
      createIssuer({ issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 7200, overlapSeconds: 3600 }),
    ).rejects.toBeInstanceOf(InvalidSetting)
  })
})

describe('signing key rotation with overlap', () => {
  it('pre-publishes the next key, keeps the retired one for the overlap, then drops it', async () => {
    let now = Date.UTC(2030, 0, 1)
    const issuer = await createIssuer({
      issuer: ISSUER,
      audience: AUDIENCE,
      overlapSeconds: 3600,
      now: () => now,
    })
    const before = await issuer.jwks()
    expect(before.keys).toHaveLength(2) // next + active
    const old = await issuer.mint({ sub: 'old' })
    const oldKid = decodeProtectedHeader(old.access_token).kid
    const nextKid = before.keys[0]!.kid

    await issuer.rotate()
    const fresh = await issuer.mint({ sub: 'new' })
    expect(decodeProtectedHeader(fresh.access_token).kid).toBe(nextKid)
    const during = await issuer.jwks()
    expect(during.keys.map((key) => key.kid)).toContain(oldKid)
    expect(during.keys).toHaveLength(3) // next, active, retired
    const verifier = createVerifier({
      key: during,
      issuer: ISSUER,
      audience: AUDIENCE,
      now: () => now,
    })
    await expect(verifier.verify(old.access_token)).resolves.toBeDefined()

    now += 3_600_000
    const after = await issuer.jwks()
    expect(after.keys.map((key) => key.kid)).not.toContain(oldKid)
    expect(after.keys).toHaveLength(2)
  })

  it('rotates by itself once the key has signed for rotateEverySeconds, without timers', async () => {
    let now = Date.UTC(2030, 0, 1)
    const issuer = await createIssuer({
      issuer: ISSUER,
      audience: AUDIENCE,
      rotateEverySeconds: 86_400,
      now: () => now,
    })
    const kid = decodeProtectedHeader((await issuer.mint({ sub: '1' })).access_token).kid
    now += 86_400_000
    const rotated = decodeProtectedHeader((await issuer.mint({ sub: '1' })).access_token).kid
    expect(rotated).not.toBe(kid)
    expect((await issuer.jwks()).keys.map((key) => key.kid)).toContain(kid)
  })

  it('keeps the same kid across restarts and nodes when the private key is persisted', async () => {
    // What an app stores once (a secret): the private JWK of a generated key.
    const stored = (await generateSigningKey('EdDSA')).privateJwk
    const first = await createIssuer({ issuer: ISSUER, audience: AUDIENCE, privateKeys: [stored] })
    const token = (await first.mint({ sub: '1' })).access_token
    const second = await createIssuer({ issuer: ISSUER, audience: AUDIENCE, privateKeys: [stored] })
    await expect(second.verifier().verify(token)).resolves.toBeDefined()
    expect(decodeProtectedHeader((await second.mint({ sub: '2' })).access_token).kid).toBe(
      decodeProtectedHeader(token).kid,
    )
    // Nodes sharing keys do not rotate on their own, or they would diverge.
    expect((await second.jwks()).keys).toHaveLength(1)
    expect((await second.jwks()).keys[0]!.d).toBeUndefined()
  })
})

describe('the HTTP handlers', () => {
  let issuer: TokenIssuer
  let served: Served
  beforeAll(async () => {
    issuer = await createIssuer({ issuer: ISSUER, audience: AUDIENCE })
    const app = express()
    app.get('/.well-known/jwks.json', issuer.jwksHandler())
    app.get(
      '/user/token',
      issuer.tokenHandler((req) =>
        req.headers['x-user']
          ? { sub: String(req.headers['x-user']), scopes: ['read:posts'] }
          : undefined,
      ),
    )
    served = await serve(app)
  })
  afterAll(() => served.close())

  it('serve the public JWKS as cacheable JSON without private members', async () => {
    const response = await fetch(`${served.url}/.well-known/jwks.json`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(response.headers.get('cache-control')).toBe('public, max-age=300')
    const body = (await response.json()) as { keys: Record<string, unknown>[] }
    expect(body.keys.length).toBeGreaterThan(0)
    for (const key of body.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })
      expect(key.d).toBeUndefined()
    }
  })

  it('mint a token for the user the app names, never cached (RFC 6749 §5.1), and 401 for nobody', async () => {
    const response = await fetch(`${served.url}/user/token`, { headers: { 'x-user': '5' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as { access_token: string; scope: string }
    expect(body.scope).toBe('read:posts')
    await expect(issuer.verifier().verify(body.access_token)).resolves.toMatchObject({ sub: '5' })
    const anonymous = await fetch(`${served.url}/user/token`)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toEqual({
      error: 'ERR_LOGIN_REQUIRED',
      detail: 'You must be logged in',
    })
  })
})
