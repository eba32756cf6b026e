import { describe, expect, it } from '@jest/globals'
import { TokenInvalid } from '@social-auth/core'
import { createVerifier, splitCompactJws } from '../src/index.js'
import { hasCanonicalEnd } from '../src/base64url.js'
import { parseProtectedHeader } from '../src/protected-header.js'
import { createTestKit, signJwt } from '../src/testing/index.js'

// security.md §3.1.1 (pre-parse guards) and §3.1.4 (crit), RFC 7515 §2 and §4.1.11.

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

describe('the pre-parse guards', () => {
  it('refuse a token longer than 8 KiB before decoding it (security.md §3.1.1)', () => {
    const long = `${'a'.repeat(4000)}.${'b'.repeat(4000)}.${'c'.repeat(200)}`
    expect(() => splitCompactJws(long)).toThrow(/longer than 8192/)
    expect(() => splitCompactJws(long, 9000)).not.toThrow()
  })

  it('refuse anything but exactly three non-empty segments, so a JWE is never parsed (CVE-2022-36083)', () => {
    for (const token of [
      'QQ',
      'QQ.QQ',
      'QQ.QQ.QQ.QQ.QQ',
      'QQ..QQ',
      '.QQ.QQ',
      'QQ.QQ.',
      'QQ.QQ.QQ.',
    ])
      expect(() => splitCompactJws(token)).toThrow(TokenInvalid)
    expect(splitCompactJws('QQ.QUI.QUJD')).toEqual({
      header: 'QQ',
      payload: 'QUI',
      signature: 'QUJD',
      signingInput: 'QQ.QUI',
    })
  })

  it('refuse padding, whitespace, +, / and other characters outside base64url (CVE-2022-25898)', () => {
    for (const token of [
      'QQ=.QQ.QQ',
      'Q Q.QQ.QQ',
      'Q+.QQ.QQ',
      'Q/.QQ.QQ',
      'Qé.QQ.QQ',
      'QQ.Q\n.QQ',
      'QQ.QQ.Q%',
    ])
      expect(() => splitCompactJws(token)).toThrow(/canonical base64url/)
  })

  it('refuse non-canonical base64url whose unused tail bits are set, so one token has one spelling', () => {
    expect(hasCanonicalEnd('QQ', 0, 2)).toBe(true) // "A"
    expect(hasCanonicalEnd('QR', 0, 2)).toBe(false) // also decodes to "A"
    expect(hasCanonicalEnd('QUI', 0, 3)).toBe(true) // "AB"
    expect(hasCanonicalEnd('QUJ', 0, 3)).toBe(false)
    expect(hasCanonicalEnd('QUJD', 0, 4)).toBe(true)
    expect(hasCanonicalEnd('Q', 0, 1)).toBe(false) // a lone character encodes no byte
  })

  it('turn a non-canonical signature into a refusal rather than an acceptance', async () => {
    const kit = createTestKit({ algorithm: 'ES256' })
    const verifier = createVerifier(kit.config())
    const token = kit.sign()
    await expect(verifier.verify(token)).resolves.toBeDefined()
    // 64 signature bytes → 86 characters, the last carrying 4 unused bits.
    const last = token.at(-1)!
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    // Flipping the lowest bit changes only the unused tail: a lenient decoder gets the same bytes.
    const sibling = ALPHABET[ALPHABET.indexOf(last) ^ 1]!
    await expect(verifier.verify(token.slice(0, -1) + sibling)).rejects.toThrow(TokenInvalid)
  })
})

describe('the protected header rules', () => {
  it('read alg, kid and typ and nothing else', () => {
    expect(
      parseProtectedHeader(b64({ alg: 'ES256', kid: 'k1', typ: 'at+jwt', jku: 'https://evil' })),
    ).toEqual({
      alg: 'ES256',
      kid: 'k1',
      typ: 'at+jwt',
    })
  })

  it('refuse a header that is not a JSON object or lacks a string alg', () => {
    for (const header of [
      Buffer.from('not json').toString('base64url'),
      b64([1]),
      b64(null),
      b64({}),
      b64({ alg: 1 }),
    ])
      expect(() => parseProtectedHeader(header)).toThrow(TokenInvalid)
  })

  it('refuse a kid or typ that is not a string, so kid is only ever compared as a string', () => {
    expect(() => parseProtectedHeader(b64({ alg: 'ES256', kid: { $ne: null } }))).toThrow(/kid/)
    expect(() => parseProtectedHeader(b64({ alg: 'ES256', kid: 1 }))).toThrow(/kid/)
    expect(() => parseProtectedHeader(b64({ alg: 'ES256', typ: ['at+jwt'] }))).toThrow(/typ/)
  })

  it('refuse critical extensions and unencoded payloads (RFC 7515 §4.1.11, RFC 7797)', () => {
    expect(() => parseProtectedHeader(b64({ alg: 'ES256', crit: ['exp'], exp: 1 }))).toThrow(
      /critical/,
    )
    expect(() => parseProtectedHeader(b64({ alg: 'ES256', crit: [] }))).toThrow(/critical/)
    expect(() => parseProtectedHeader(b64({ alg: 'ES256', b64: false, crit: ['b64'] }))).toThrow(
      TokenInvalid,
    )
    expect(() => parseProtectedHeader(b64({ alg: 'ES256', b64: false }))).toThrow(/Unencoded/)
    expect(() => parseProtectedHeader(b64({ alg: 'ES256', zip: 'DEF' }))).toThrow(/zip/)
  })

  it('do not let a header alg named after an Object.prototype member reach a key lookup', async () => {
    const kit = createTestKit({ algorithm: 'ES256' })
    const verifier = createVerifier(kit.config())
    for (const alg of ['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
      await expect(
        verifier.verify(signJwt({ alg, kid: kit.key.kid }, { sub: 'x' }, 'k'.repeat(32))),
      ).rejects.toMatchObject({
        reason: 'algorithm',
      })
    expect(kit.jwks.calls).toBe(0)
  })
})
