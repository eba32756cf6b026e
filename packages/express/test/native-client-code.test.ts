import { describe, expect, it } from '@jest/globals'
import { isReservedCodeEmail } from '@social-auth/core'
import { decodeBinding, encodeBinding } from '../src/native-client/code-binding.js'

// The native-client codes share PSA's `social_auth_code` table with mailed codes; the binding
// in the `email` column is what keeps them apart (audit: a provider email spelling an old
// binding, `cli|<victim>|<challenge>|<digest>|@evil.example`, was redeemable as the victim).
const CLIENT = 'social-auth-cli'
const REDIRECT = 'http://127.0.0.1:5555/callback'
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'

const bindingFor = (userId: string): string =>
  encodeBinding({ userId, codeChallenge: CHALLENGE, clientId: CLIENT, redirectUri: REDIRECT })

describe('native-client code bindings', () => {
  it('round-trips numeric, uuid and free-form user ids, in core’s reserved namespace', () => {
    for (const userId of [
      '1',
      '9007199254740993',
      '0b8f6c3e-2a4d-4f4e-9c1a-3f2b7d9e8a10',
      'usr|x@y',
    ]) {
      const stored = bindingFor(userId)
      expect(isReservedCodeEmail(stored)).toBe(true)
      expect(stored.length).toBeLessThanOrEqual(254)
      expect(decodeBinding(stored, CLIENT, REDIRECT)).toEqual({ userId, codeChallenge: CHALLENGE })
    }
  })

  it('refuses a binding for another client or redirect URI', () => {
    const stored = bindingFor('1')
    expect(decodeBinding(stored, 'other', REDIRECT)).toBeUndefined()
    expect(decodeBinding(stored, CLIENT, 'http://127.0.0.1:5556/callback')).toBeUndefined()
  })

  it('refuses anything but exactly the three fields in their strict form', () => {
    const stored = bindingFor('1')
    const [prefix, rest] = [
      stored.slice(0, stored.indexOf('MQ|')),
      stored.slice(stored.indexOf('MQ|')),
    ]
    const [user, challenge, digest] = rest.split('|') as [string, string, string]
    const variants = [
      `${stored}|@evil.example`, // extra part (the old decoder ignored it)
      `${stored}@evil.example`,
      `${stored}\n`,
      ` ${stored}`,
      stored.toUpperCase(),
      `cli|1|${challenge}|${digest}`, // the old format
      `${prefix}1|${challenge}|${digest}`, // a raw id, not base64url
      `${prefix}MQ==|${challenge}|${digest}`, // padded
      `${prefix}MR|${challenge}|${digest}`, // a non-canonical spelling of "1"
      `${prefix}|${challenge}|${digest}`,
      `${prefix}${user}|${challenge}A|${digest}`, // a 44-character challenge
      `${prefix}${user}|${challenge.slice(1)}|${digest}`,
      `${prefix}${user}|${challenge.replace('-', '+')}|${digest}`,
      `${prefix}${user}|${challenge}|${digest}|`,
    ]
    for (const variant of variants) expect(decodeBinding(variant, CLIENT, REDIRECT)).toBeUndefined()
  })
})
