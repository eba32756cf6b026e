import { describe, expect, it } from '@jest/globals'
import { TokenExpired, TokenInvalid } from '@social-auth/core'
import { createVerifier } from '../src/index.js'
import { createTestKit } from '../src/testing/index.js'

// security.md §3.1.5 (claims) and §3.1.6 (explicit typing), RFC 7519 §4.1, RFC 9068 §2.1.

const T0 = Date.UTC(2030, 0, 1) // a fixed clock: the tests do not depend on when they run
const t0 = T0 / 1000
const at = { now: () => T0 }

describe('time claims', () => {
  const kit = createTestKit({ algorithm: 'EdDSA', ...at })
  const verifier = createVerifier(kit.config({ leeway: 10, tokenCache: false }))

  it('accept exp within the leeway and refuse it beyond (RFC 7519 §4.1.4)', async () => {
    await expect(verifier.verify(kit.sign({ iat: t0 - 100, exp: t0 - 5 }))).resolves.toBeDefined()
    await expect(verifier.verify(kit.sign({ iat: t0 - 100, exp: t0 - 10 }))).rejects.toBeInstanceOf(
      TokenExpired,
    )
  })

  it('accept nbf within the leeway and refuse it beyond (RFC 7519 §4.1.5)', async () => {
    await expect(verifier.verify(kit.sign({ nbf: t0 + 5 }))).resolves.toBeDefined()
    await expect(verifier.verify(kit.sign({ nbf: t0 + 11 }))).rejects.toMatchObject({
      reason: 'nbf',
    })
  })

  it('refuse an iat in the future and a token older than maxTokenAge', async () => {
    await expect(verifier.verify(kit.sign({ iat: t0 + 60, exp: t0 + 600 }))).rejects.toMatchObject({
      reason: 'iat',
    })
    const aged = createVerifier(kit.config({ maxTokenAge: 3600, leeway: 0, tokenCache: false }))
    await expect(aged.verify(kit.sign({ iat: t0 - 3601, exp: t0 + 600 }))).rejects.toBeInstanceOf(
      TokenExpired,
    )
    await expect(aged.verify(kit.sign({ iat: t0 - 3599, exp: t0 + 600 }))).resolves.toBeDefined()
  })

  it('refuse numeric dates that are not numbers (security.md §3.1.5)', async () => {
    for (const claims of [
      { exp: String(t0 + 60) },
      { nbf: '0' },
      { iat: null },
      { exp: [t0 + 60] },
    ])
      await expect(verifier.verify(kit.sign(claims))).rejects.toBeInstanceOf(TokenInvalid)
  })

  it('require exp, iat, sub, iss and aud by default', async () => {
    for (const name of ['exp', 'iat', 'sub', 'iss', 'aud'])
      await expect(verifier.verify(kit.sign({ [name]: undefined }))).rejects.toMatchObject({
        reason: name,
      })
  })

  it('honour verifyExp, verifyNbf, verifyIss, verifyAud and maxTokenAge: false when turned off', async () => {
    const lax = createVerifier(
      kit.config({
        verifyExp: false,
        verifyNbf: false,
        verifyIss: false,
        verifyAud: false,
        maxTokenAge: false,
        tokenCache: false,
      }),
    )
    const user = await lax.verify(
      kit.sign({
        exp: t0 - 1000,
        nbf: t0 + 1000,
        iss: 'https://else.test',
        aud: 'elsewhere',
        iat: undefined,
      }),
    )
    expect(user.sub).toBe('user:test123')
  })

  it('require the extra claims asked for', async () => {
    const strict = createVerifier(kit.config({ requiredClaims: ['jti', 'client_id'] }))
    await expect(strict.verify(kit.sign({ jti: '1' }))).rejects.toMatchObject({
      reason: 'client_id',
    })
    await expect(strict.verify(kit.sign({ jti: '1', client_id: 'cli' }))).resolves.toBeDefined()
  })
})

describe('issuer and audience', () => {
  const kit = createTestKit({ algorithm: 'ES256', ...at })

  it('compare iss exactly, accepting any configured issuer', async () => {
    const verifier = createVerifier(kit.config({ issuer: [kit.issuer, 'https://second.test'] }))
    await expect(verifier.verify(kit.sign({ iss: 'https://second.test' }))).resolves.toBeDefined()
    for (const iss of [`${kit.issuer}/`, kit.issuer.toUpperCase(), [kit.issuer]])
      await expect(verifier.verify(kit.sign({ iss }))).rejects.toBeInstanceOf(TokenInvalid)
  })

  it('refuse an aud array naming another API besides this one (security.md §3.1.5), unless allowlisted', async () => {
    const verifier = createVerifier(kit.config())
    const both = kit.sign({ aud: ['https://other.test', kit.audience] })
    await expect(verifier.verify(both)).rejects.toMatchObject({ reason: 'audience' })
    const allowing = createVerifier({
      ...kit.config(),
      audience: [kit.audience, 'https://other.test'],
    })
    await expect(allowing.verify(both)).resolves.toBeDefined()
    await expect(verifier.verify(kit.sign({ aud: [kit.audience] }))).resolves.toBeDefined()
    await expect(verifier.verify(kit.sign({ aud: ['https://other.test'] }))).rejects.toMatchObject({
      reason: 'audience',
    })
    await expect(verifier.verify(kit.sign({ aud: [kit.audience, 7] }))).rejects.toMatchObject({
      reason: 'aud',
    })
  })
})

describe('explicit typing (RFC 8725 §3.11, RFC 9068 §2.1)', () => {
  const kit = createTestKit({ algorithm: 'ES256', ...at })

  it('require typ at+jwt when configured, in either spelling', async () => {
    const verifier = createVerifier(kit.config({ typ: 'at+jwt' }))
    await expect(
      verifier.verify(kit.sign({}, { header: { typ: 'application/AT+JWT' } })),
    ).resolves.toBeDefined()
    await expect(
      verifier.verify(kit.sign({ sub: 'a' }, { header: { typ: 'JWT' } })),
    ).rejects.toMatchObject({ reason: 'typ' })
    await expect(
      verifier.verify(kit.sign({ sub: 'b' }, { header: { typ: undefined } })),
    ).rejects.toMatchObject({ reason: 'typ' })
  })

  it('accept no typ, JWT or at+jwt by default but refuse other token types', async () => {
    const verifier = createVerifier(kit.config())
    await expect(
      verifier.verify(kit.sign({ sub: 'c' }, { header: { typ: 'JWT' } })),
    ).resolves.toBeDefined()
    for (const typ of ['dpop+jwt', 'logout+jwt', 'secevent+jwt'])
      await expect(verifier.verify(kit.sign({}, { header: { typ } }))).rejects.toMatchObject({
        reason: 'typ',
      })
  })

  it('never accept an id_token as an access token (security.md §3.1.6)', async () => {
    const verifier = createVerifier(kit.config())
    await expect(
      verifier.verify(kit.sign({ at_hash: 'x', nonce: 'n' }, { header: { typ: 'JWT' } })),
    ).rejects.toMatchObject({
      reason: 'typ',
    })
  })
})
