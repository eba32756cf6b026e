/**
 * Threat: a forged or misused bearer token reaches an API. The RFC 8725 (JWT Best Current
 * Practices) attacks and the CVEs named in security.md §3.1, each against the deployed shape:
 * examples/resource-server over HTTP, trusting an issuer (@social-auth/jwt's, as express-osso
 * runs it) whose JWKS is served over HTTP. The verifier's own unit tests (packages/jwt/test)
 * prove each rule in isolation; this file proves the assembled API refuses the attack with
 * the RFC 6750 answer and never a 500 or a 2xx.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import express from 'express'
import type { KeyObject } from 'node:crypto'
import { createIssuer, type TokenIssuer } from '@social-auth/jwt'
import { createTestKey, signJwt, type TestKey } from '@social-auth/jwt/testing'
import { createApp } from '../../examples/resource-server/src/index.js'
import { listenLoopback, type Loopback } from '../support/loopback.js'

const AUDIENCE = 'https://posts.api.example'
let issuerSite: Loopback
let api: Loopback
let attackerSite: Loopback
let attackerHits = 0
let issuer: TokenIssuer
/** The issuer's signing key, held here so tests can sign claims the issuer would never mint. */
let trusted: TestKey
let attacker: TestKey
/** The kid the issuer publishes its key under (its RFC 7638 thumbprint). */
let kid: string

beforeAll(async () => {
  trusted = createTestKey('EdDSA')
  attacker = createTestKey('EdDSA')
  const jwksApp = express()
  issuerSite = await listenLoopback(jwksApp)
  issuer = await createIssuer({
    issuer: issuerSite.url,
    audience: AUDIENCE,
    privateKeys: [
      {
        ...(trusted.privateKey.export({ format: 'jwk' }) as object),
        alg: 'EdDSA',
      },
    ],
  })
  jwksApp.get('/.well-known/jwks.json', issuer.jwksHandler())
  kid = String((await issuer.jwks()).keys[0]!.kid)
  attackerSite = await listenLoopback((_req, res) => {
    attackerHits += 1
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ keys: [attacker.publicJwk] }))
  })
  api = await listenLoopback(createApp({ JWT_ISSUER: issuerSite.url, JWT_AUDIENCE: AUDIENCE }))
})
afterAll(async () => {
  await api.close()
  await issuerSite.close()
  await attackerSite.close()
})

interface Answer {
  readonly status: number
  readonly challenge: string | null
  readonly body: string
}

async function call(path: string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${api.url}${path}`, { headers })
  return {
    status: res.status,
    challenge: res.headers.get('www-authenticate'),
    body: await res.text(),
  }
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** Claims of a valid access token for this API. */
function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000)
  return {
    iss: issuerSite.url,
    aud: AUDIENCE,
    sub: 'user:ada',
    iat: now,
    exp: now + 300,
    scope: 'read:posts',
    ...extra,
  }
}

/** A token signed by the trusted key with any header and payload (a string payload is sent raw). */
function signed(
  payload: unknown,
  header: Record<string, unknown> = {},
  key: KeyObject = trusted.privateKey,
) {
  return signJwt({ alg: 'EdDSA', kid, typ: 'at+jwt', ...header }, payload, key)
}

const publicPem = (): string => trusted.publicKey.export({ format: 'pem', type: 'spki' }).toString()

describe('the control: a valid token', () => {
  it('is accepted, minted by the issuer or signed here with its key', async () => {
    const minted = (await issuer.mint({ sub: 'user:ada', scopes: ['read:posts'] })).access_token
    expect((await call('/posts', bearer(minted))).status).toBe(200)
    expect((await call('/posts', bearer(signed(claims())))).status).toBe(200)
  })
})

describe('tokens the API must refuse with 401 invalid_token (RFC 6750 §3.1)', () => {
  const cases: Array<[string, () => string]> = [
    ['alg "none" (RFC 8725 §2.1, §3.1)', () => signJwt({ alg: 'none', typ: 'at+jwt' }, claims())],
    [
      'HS256 MACed with the issuer’s public key as PEM (RFC 8725 §2.1, CVE-2015-9235)',
      () => signJwt({ alg: 'HS256', kid, typ: 'at+jwt' }, claims(), publicPem()),
    ],
    [
      'HS256 MACed with the issuer’s public JWK (RFC 8725 §2.1, CVE-2016-10555)',
      () =>
        signJwt({ alg: 'HS256', kid, typ: 'at+jwt' }, claims(), JSON.stringify(trusted.publicJwk)),
    ],
    [
      'an attacker key embedded in the header as jwk (RFC 8725 §3.10, CVE-2018-0114)',
      () => signed(claims(), { jwk: attacker.publicJwk }, attacker.privateKey),
    ],
    [
      'a key set named by jku on the attacker’s host (RFC 8725 §3.10, RFC 7515 §4.1.2)',
      () => signed(claims(), { jku: `${attackerSite.url}/jwks` }, attacker.privateKey),
    ],
    [
      'a certificate named by x5u on the attacker’s host (RFC 7515 §4.1.5)',
      () => signed(claims(), { x5u: `${attackerSite.url}/cert` }, attacker.privateKey),
    ],
    [
      'a kid that is a path (RFC 8725 §3.10: kid is matched, never used as a path)',
      () => signed(claims(), { kid: '../../../../../dev/null' }, attacker.privateKey),
    ],
    ['a kid that is SQL', () => signed(claims(), { kid: "' OR '1'='1' --" }, attacker.privateKey)],
    ['a kid of "__proto__"', () => signed(claims(), { kid: '__proto__' }, attacker.privateKey)],
    ['a kid of "constructor"', () => signed(claims(), { kid: 'constructor' }, attacker.privateKey)],
    [
      'an unknown critical header (RFC 7515 §4.1.11)',
      () => signed(claims(), { crit: ['urn:x'], 'urn:x': 1 }),
    ],
    [
      'an unencoded payload (b64: false, RFC 7797)',
      () => signed(claims(), { b64: false, crit: ['b64'] }),
    ],
    [
      'a JWE with a huge PBES2 count instead of a JWS (CVE-2022-36083)',
      () => {
        const header = Buffer.from(
          JSON.stringify({
            alg: 'PBES2-HS512+A256KW',
            enc: 'A256GCM',
            p2c: 2 ** 31,
            p2s: 'AAAAAAAAAAAAAAAAAAAAAA',
          }),
        ).toString('base64url')
        return `${header}.AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`
      },
    ],
    [
      'characters outside base64url in a segment (CVE-2022-25898)',
      () => {
        const [h, p, s] = signed(claims()).split('.')
        return `${h}.${p}.${s!.replace(/-/g, '+').replace(/_/g, '/')}=`
      },
    ],
    ['a token over 8 KiB (security.md §3.1.1)', () => signed(claims({ pad: 'x'.repeat(9000) }))],
    [
      'a signature from another key under the issuer’s kid',
      () => signed(claims(), {}, attacker.privateKey),
    ],
    [
      'a token for another API (RFC 8725 §3.9)',
      () => signed(claims({ aud: 'https://billing.api.example' })),
    ],
    [
      'a token from another issuer (RFC 8725 §3.8)',
      () => signed(claims({ iss: 'https://evil.example' })),
    ],
    [
      'an id_token presented as an access token: typ JWT, nonce and at_hash (RFC 8725 §3.11, RFC 9068 §2.1)',
      () => signed(claims({ nonce: 'n', at_hash: 'x' }), { typ: 'JWT' }),
    ],
    [
      'an access-token typ on an id_token’s claims (RFC 8725 §3.12: never accepted as both)',
      () => signed(claims({ at_hash: 'abc', nonce: 'n' })),
    ],
    [
      'an expired token (RFC 7519 §4.1.4)',
      () => signed(claims({ exp: Math.floor(Date.now() / 1000) - 120 })),
    ],
    [
      'a token not valid yet (RFC 7519 §4.1.5)',
      () => signed(claims({ nbf: Math.floor(Date.now() / 1000) + 3600 })),
    ],
    [
      'an iat in the future (RFC 8725 §3.8)',
      () => signed(claims({ iat: Math.floor(Date.now() / 1000) + 3600 })),
    ],
    [
      'exp given as a string (RFC 7519 §2 NumericDate)',
      () => signed(claims({ exp: String(Date.now()) })),
    ],
    ['no exp at all', () => signed(claims({ exp: undefined }))],
  ]

  it.each(cases)('%s', async (_name, make) => {
    const hitsBefore = attackerHits
    const answer = await call('/posts', bearer(make()))
    expect(answer.status).toBe(401)
    expect(answer.challenge).toMatch(/^Bearer .*error="invalid_token"/)
    expect(JSON.parse(answer.body)).toMatchObject({ error: expect.stringMatching(/^ERR_TOKEN_/) })
    expect(attackerHits).toBe(hitsBefore)
  })
})

describe('claims the API must not misread (RFC 9068 §2.2.3, security.md §3.1.7)', () => {
  it('does not grant a scope by substring: read:posts-archive is not read:posts', async () => {
    const answer = await call(
      '/posts',
      bearer(signed(claims({ scope: 'read:posts-archive write:posts:x' }))),
    )
    expect(answer.status).toBe(403)
    expect(answer.challenge).toContain('error="insufficient_scope"')
  })

  it('does not take a role from a string, a look-alike, or an object posing as an array', async () => {
    for (const roles of ['admin', ['administrator', 'Admin '], { 0: 'admin', length: 1 }]) {
      const answer = await call('/admin/users', bearer(signed(claims({ roles }))))
      expect([401, 403]).toContain(answer.status)
    }
  })

  it('ignores roles smuggled through __proto__', async () => {
    const payload = JSON.stringify(claims()).replace(/}$/, ',"__proto__":{"roles":["admin"]}}')
    const answer = await call('/admin/users', bearer(signed(payload)))
    expect([401, 403]).toContain(answer.status)
  })

  it('reads a repeated claim once, as JSON does, or refuses it: never the first "admin" (RFC 7519 §4)', async () => {
    const payload = JSON.stringify(claims()).replace(/}$/, ',"roles":["admin"],"roles":["reader"]}')
    const answer = await call('/admin/users', bearer(signed(payload)))
    expect([401, 403]).toContain(answer.status)
  })

  it('refuses a token sent both in the header and in the cookie with 400 invalid_request (RFC 6750 §2)', async () => {
    const token = signed(claims())
    const answer = await call('/posts', { ...bearer(token), cookie: `access_token=${token}` })
    expect(answer.status).toBe(400)
    expect(answer.challenge).toContain('error="invalid_request"')
  })
})
