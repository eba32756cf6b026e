import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from '@jest/globals'
import { InvalidSetting } from '@social-auth/core'
import { createVerifier, type JwsAlgorithm } from '../src/index.js'
import { createTestKey, signJwt } from '../src/testing/index.js'

// Caller mistakes fail at start-up (STYLE.md), and the algorithm rules of RFC 8725 §2.1/§3.1
// and security.md §3.1.2 are enforced by construction.

const base = { issuer: 'https://id.test', audience: 'api' }
const now = () => Math.floor(Date.now() / 1000)
const claims = () => ({
  iss: base.issuer,
  aud: base.audience,
  sub: 'u',
  iat: now(),
  exp: now() + 60,
})

describe('the verifier configuration', () => {
  it('needs exactly one key source', () => {
    expect(() => createVerifier(base)).toThrow(InvalidSetting)
    expect(() =>
      createVerifier({ ...base, jwksUrl: 'https://id.test/jwks', secret: 'x'.repeat(32) }),
    ).toThrow(InvalidSetting)
  })

  it('never allows none, and never mixes HS256 with asymmetric keys (RFC 8725 §2.1, §3.1)', () => {
    const jwksUrl = 'https://id.test/jwks'
    expect(() =>
      createVerifier({ ...base, jwksUrl, algorithms: ['none' as JwsAlgorithm] }),
    ).toThrow(/never none/)
    expect(() => createVerifier({ ...base, jwksUrl, algorithms: ['RS256', 'HS256'] })).toThrow(
      InvalidSetting,
    )
    expect(() =>
      createVerifier({ ...base, secret: 'x'.repeat(32), algorithms: ['HS256', 'RS256'] }),
    ).toThrow(InvalidSetting)
    expect(() => createVerifier({ ...base, jwksUrl, algorithms: [] })).toThrow(InvalidSetting)
  })

  it('wants an HS256 secret of at least 32 bytes (RFC 7518 §3.2)', () => {
    expect(() => createVerifier({ ...base, secret: 'short' })).toThrow(/32 bytes/)
  })

  it('wants https JWKS URLs except on loopback hosts', () => {
    expect(() => createVerifier({ ...base, jwksUrl: 'http://id.test/jwks' })).toThrow(/https/)
    expect(() => createVerifier({ ...base, jwksUrl: 'not a url' })).toThrow(InvalidSetting)
    for (const host of ['localhost:3000', '127.0.0.1', '[::1]:8080'])
      expect(() => createVerifier({ ...base, jwksUrl: `http://${host}/jwks` })).not.toThrow()
  })

  it('wants an issuer and an audience unless their checks are turned off, and a leeway of at most 60 s', () => {
    const jwksUrl = 'https://id.test/jwks'
    expect(() => createVerifier({ jwksUrl, audience: 'api' })).toThrow(/issuer/)
    expect(() => createVerifier({ jwksUrl, issuer: 'i' })).toThrow(/audience/)
    expect(() => createVerifier({ jwksUrl, verifyIss: false, verifyAud: false })).not.toThrow()
    expect(() => createVerifier({ ...base, jwksUrl, leeway: 61 })).toThrow(/leeway/)
    expect(() => createVerifier({ ...base, jwksUrl, maxTokenAge: 0 })).toThrow(/maxTokenAge/)
  })

  it('refuses a private key where the public key belongs', () => {
    const { privateKey } = generateKeyPairSync('ed25519')
    expect(() =>
      createVerifier({
        ...base,
        key: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
      }),
    ).toThrow(/private/)
    expect(() => createVerifier({ ...base, key: privateKey })).toThrow(InvalidSetting)
    expect(() => createVerifier({ ...base, key: { kty: 'oct', k: 'c2VjcmV0' } })).toThrow(
      InvalidSetting,
    )
  })
})

describe("static keys (the USSO guide's key= option)", () => {
  it('verify with a PEM public key, whatever kid the token names', async () => {
    const key = createTestKey('EdDSA')
    const verifier = createVerifier({
      ...base,
      key: key.publicKey.export({ format: 'pem', type: 'spki' }) as string,
    })
    await expect(
      verifier.verify(signJwt({ alg: 'EdDSA', kid: 'anything' }, claims(), key.privateKey)),
    ).resolves.toBeDefined()
    expect(verifier.keySource).toBeUndefined()
  })

  it('verify with a JWK or a JWKS, matching kids exactly', async () => {
    const one = createTestKey('ES256', 'one')
    const two = createTestKey('RS256', 'two')
    const verifier = createVerifier({ ...base, key: { keys: [one.publicJwk, two.publicJwk] } })
    await expect(
      verifier.verify(signJwt({ alg: 'RS256', kid: 'two' }, claims(), two.privateKey)),
    ).resolves.toBeDefined()
    await expect(
      verifier.verify(signJwt({ alg: 'RS256', kid: 'one' }, claims(), two.privateKey)),
    ).rejects.toMatchObject({ reason: 'kid' })
    const single = createVerifier({ ...base, key: one.publicJwk })
    await expect(
      single.verify(signJwt({ alg: 'ES256', kid: 'one' }, claims(), one.privateKey)),
    ).resolves.toBeDefined()
  })

  it('verify PS256, RS384, RS512 and ES384 tokens', async () => {
    for (const alg of ['PS256', 'RS384', 'RS512', 'ES384'] as const) {
      const key = createTestKey(alg === 'ES384' ? 'ES384' : 'RS256', `k-${alg}`)
      const verifier = createVerifier({ ...base, key: key.publicKey, algorithms: [alg] })
      await expect(
        verifier.verify(signJwt({ alg, kid: key.kid }, claims(), key.privateKey)),
      ).resolves.toBeDefined()
    }
  })

  it("refuse a kid-less token when several keys could verify it (oauth4webapi's rule)", async () => {
    const one = createTestKey('ES256', 'one')
    const two = createTestKey('ES256', 'two')
    const verifier = createVerifier({ ...base, key: { keys: [one.publicJwk, two.publicJwk] } })
    await expect(
      verifier.verify(signJwt({ alg: 'ES256' }, claims(), one.privateKey)),
    ).rejects.toMatchObject({ reason: 'kid' })
  })

  it('skip JWKS keys that are not for verification (use, key_ops, alg, private, weak RSA) (security.md §3.1.3)', async () => {
    const key = createTestKey('ES256', 'k')
    const sign = () => signJwt({ alg: 'ES256', kid: 'k' }, claims(), key.privateKey)
    for (const jwk of [
      { ...key.publicJwk, use: 'enc' },
      { ...key.publicJwk, key_ops: ['encrypt'] },
      { ...key.publicJwk, alg: 'ES384' },
      { ...key.publicJwk, crv: 'P-384' },
    ])
      await expect(
        createVerifier({ ...base, key: { keys: [jwk, createTestKey('EdDSA').publicJwk] } }).verify(
          sign(),
        ),
      ).rejects.toMatchObject({
        reason: 'kid',
      })
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 })
    expect(() =>
      createVerifier({
        ...base,
        key: { keys: [{ ...weak.publicKey.export({ format: 'jwk' }), kid: 'w' }] },
      }),
    ).toThrow(InvalidSetting)
  })
})

describe('the HS256 shared secret', () => {
  const secret = 'a-shared-secret-of-at-least-32-bytes!'

  it('verifies HS256 tokens and nothing else', async () => {
    const verifier = createVerifier({ ...base, secret })
    await expect(
      verifier.verify(signJwt({ alg: 'HS256', kid: 'whatever' }, claims(), secret)),
    ).resolves.toBeDefined()
    await expect(
      verifier.verify(signJwt({ alg: 'HS256' }, claims(), `${secret}x`)),
    ).rejects.toMatchObject({ reason: 'signature' })
    const rsa = createTestKey('RS256')
    await expect(
      verifier.verify(signJwt({ alg: 'RS256' }, claims(), rsa.privateKey)),
    ).rejects.toMatchObject({ reason: 'algorithm' })
  })
})
