import { describe, expect, it } from '@jest/globals'
import { runBackendFixture, type BackendFixture } from '@social-auth/oauth/testing'
import { osso } from '../src/index.js'

// PSA's own Osso test data (social_core/tests/backends/test_osso.py; psa.md §5.2), verbatim.
const PSA_ACCESS_TOKEN_BODY = {
  access_token: '3633395cffe739bb87089235c152155ae73b6794f7af353b2aa189aeeacee1ec',
  token_type: 'bearer',
  expires_in: 600,
}
const PSA_USER_DATA_BODY = {
  email: 'user@example.com',
  id: 'f23611a5-2817-43e2-94b7-99b25235ad2d',
  idp: 'Okta',
  requested: { email: null, domain: 'example.com' },
}

const fixtures: BackendFixture[] = [
  {
    name: 'logs in with PSA’s Osso fixtures (uid = Osso id, username = email)',
    backend: (fetch) => osso({ fetch }),
    loginRequest: { domain: 'example.com' },
    tokenResponse: PSA_ACCESS_TOKEN_BODY,
    routes: { 'GET https://demo.ossoapp.com/oauth/me': PSA_USER_DATA_BODY },
    expected: {
      uid: 'f23611a5-2817-43e2-94b7-99b25235ad2d',
      username: 'user@example.com',
      details: { username: 'user@example.com', email: 'user@example.com' },
      // PSA's keys, plus our normalised expiry (psa.md §8.5: PSA drops `expires_in`).
      // … and the tenant the login was routed to and checked against (what apps scope by).
      extraDataKeys: ['access_token', 'auth_time', 'token_type', 'expires_at', 'tenant'],
      extraData: {
        access_token: PSA_ACCESS_TOKEN_BODY.access_token,
        token_type: 'bearer',
        tenant: 'example.com',
      },
      authorizationUrlContains: [
        'https://demo.ossoapp.com/oauth/authorize?',
        'domain=example.com',
        'client_id=fixture-client-id',
      ],
    },
  },
  {
    name: 'sends the email, percent-encoded, and not the domain when both are given',
    backend: (fetch) => osso({ fetch }),
    settings: { SOCIAL_AUTH_OSSO_BASE_URL: 'https://sso.example.org' },
    loginRequest: { email: 'jane+test@example.com', domain: 'b.com' },
    tokenResponse: PSA_ACCESS_TOKEN_BODY,
    routes: {
      'GET https://sso.example.org/oauth/me': {
        ...PSA_USER_DATA_BODY,
        email: 'jane+test@example.com',
        requested: { email: 'jane+test@example.com', domain: null },
      },
    },
    expected: {
      uid: 'f23611a5-2817-43e2-94b7-99b25235ad2d',
      username: 'jane+test@example.com',
      extraData: { tenant: 'example.com' },
      authorizationUrlContains: [
        'https://sso.example.org/oauth/authorize?',
        'email=jane%2Btest%40example.com',
      ],
    },
  },
]

describe('osso backend through the shared fixture harness', () => {
  for (const fixture of fixtures) {
    it(fixture.name, async () => {
      const result = await runBackendFixture(fixture)
      const me = result.requests.find((r) => r.url.pathname === '/oauth/me')
      expect(me?.url.searchParams.get('access_token')).toBe(PSA_ACCESS_TOKEN_BODY.access_token)
      const token = result.requests.find((r) => r.method === 'POST')
      const body = new URLSearchParams(token?.body)
      expect(body.get('grant_type')).toBe('authorization_code')
      expect(body.get('code')).toBe('fixture-code')
      expect(body.get('client_secret')).toBe('fixture-client-secret')
      expect(body.get('code_verifier')).toMatch(/^[\w-]{43,}$/)
    })
  }

  it('keeps the query parameters already on AUTHORIZATION_URL (PSA BaseAuthUrlTestMixin)', async () => {
    const result = await runBackendFixture({
      ...fixtures[0]!,
      settings: {
        SOCIAL_AUTH_OSSO_AUTHORIZATION_URL:
          '{osso_base_url}/oauth/authorize?param1=value1&param2=value2',
      },
      expected: { uid: PSA_USER_DATA_BODY.id },
    })
    expect(result.authorizationUrl.search.startsWith('?param1=value1&param2=value2&')).toBe(true)
    expect(result.authorizationUrl.searchParams.has('domain')).toBe(true)
  })
})
