import { describe, expect, it } from '@jest/globals'
import type { LoginTransaction } from '@social-auth/oauth'
import { checkRequested } from '../src/requested.js'

const transaction = (extra: Record<string, string>): LoginTransaction => ({
  state: 's',
  backend: 'osso',
  issuer: 'https://sso.example.org',
  redirectUri: 'https://app.example.org/complete/osso/',
  extra,
  createdAt: 0,
})

describe('checkRequested: the tenant it vouches for', () => {
  it('returns the requested domain, or the requested email’s domain, lower-cased', () => {
    const byDomain = { email: 'a@acme.com', requested: { email: null, domain: 'Acme.com' } }
    expect(checkRequested(byDomain, transaction({ domain: 'Acme.com' }), 'osso')).toBe('acme.com')
    const byEmail = { email: 'a@acme.co.uk', requested: { email: 'b@ACME.com', domain: null } }
    expect(
      checkRequested(byEmail, transaction({ email: 'b@ACME.com' }), 'osso', {
        'acme.com': ['acme.co.uk'],
      }),
    ).toBe('acme.com')
  })

  it('vouches for no tenant without a login this app started, whatever `requested` says (IdP-initiated)', () => {
    // Osso answers an IdP-initiated login with what an abandoned login left in its session.
    const stale = { email: 'mallory@evil.example', requested: { email: null, domain: 'acme.com' } }
    expect(checkRequested(stale, undefined, 'osso')).toBeUndefined()
  })
})
