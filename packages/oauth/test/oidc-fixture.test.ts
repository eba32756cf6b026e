import { describe, it } from '@jest/globals'
import { runBackendFixture } from '../src/testing/index.js'
import { oidc } from '../src/index.js'

// The generic OpenID Connect backend through the shared fixture harness (the harness signs the
// id_token and serves discovery and JWKS), like every provider definition.
describe('the oidc backend through the shared fixture harness', () => {
  it('takes the uid from the id_token sub and the details from userinfo claims', async () => {
    await runBackendFixture({
      name: 'oidc',
      backend: (fetch) => oidc({ fetch }),
      settings: { SOCIAL_AUTH_OIDC_OIDC_ENDPOINT: 'https://op.example' },
      tokenResponse: {
        access_token: 'at-1',
        token_type: 'Bearer',
        expires_in: 300,
        refresh_token: 'rt-1',
      },
      idToken: {
        issuer: 'https://op.example',
        claims: { sub: '1234' },
        metadata: { userinfo_endpoint: 'https://op.example/userinfo' },
      },
      routes: {
        'GET https://op.example/userinfo': {
          sub: '1234',
          preferred_username: 'cartman',
          email: 'eric@example.com',
          email_verified: true,
          given_name: 'Eric',
          family_name: 'Cartman',
        },
      },
      expected: {
        uid: '1234',
        username: 'cartman',
        details: {
          username: 'cartman',
          email: 'eric@example.com',
          first_name: 'Eric',
          last_name: 'Cartman',
        },
        extraDataKeys: [
          'access_token',
          'auth_time',
          'expires_at',
          'id',
          'id_token',
          'refresh_token',
          'token_type',
        ],
        extraData: { access_token: 'at-1', refresh_token: 'rt-1', id: '1234' },
        authorizationUrlContains: [
          'https://op.example/authorize?',
          'scope=openid+profile+email',
          'code_challenge_method=S256',
          'nonce=',
        ],
        // A generic OpenID Provider is no verified-email authority unless the app says so.
        emailVerified: false,
      },
    })
  })
})
