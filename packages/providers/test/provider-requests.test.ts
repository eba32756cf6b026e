import { createHmac, createPublicKey } from 'node:crypto'
import { beforeEach, describe, expect, it } from '@jest/globals'
import { createSocialAuth, memoryStorage } from '@social-auth/core'
import { clearDiscoveryCache } from '@social-auth/oauth'
import {
  FIXTURE_CLIENT_ID,
  runBackendFixture,
  runBackendRejection,
  type BackendFixture,
  type RecordedRequest,
} from '@social-auth/oauth/testing'
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { appleId, github, workos } from '../src/index.js'
import { APPLE_PRIVATE_KEY, APPLE_TEAM, appleFixtures } from './fixtures/apple.js'
import { fixtureTables } from './fixtures/index.js'

const first = (name: string): BackendFixture => fixtureTables[name]!.fixtures[0]!

const tokenRequest = (requests: readonly RecordedRequest[]): RecordedRequest =>
  requests.find(
    (r) =>
      r.method === 'POST' && new URLSearchParams(r.body).get('grant_type') === 'authorization_code',
  )!

/** The client id and secret of a Basic header (RFC 6749 §2.3.1 form-encodes both first). */
function basicCredentials(header: string | null): string[] {
  const [scheme, value] = (header ?? '').split(' ')
  if (scheme !== 'Basic' || !value) return []
  return Buffer.from(value, 'base64').toString().split(':').map(decodeURIComponent)
}

// What goes over the wire, beyond what the login's outcome shows.
describe('provider requests', () => {
  beforeEach(() => clearDiscoveryCache())

  it('signs Apple’s client secret per request: ES256, from the team, for the Services ID, short-lived', async () => {
    const { requests } = await runBackendFixture(appleFixtures[0]!)
    const body = new URLSearchParams(tokenRequest(requests).body)
    const secret = body.get('client_secret')!
    expect(body.get('client_id')).toBe(FIXTURE_CLIENT_ID)
    expect(decodeProtectedHeader(secret)).toMatchObject({ alg: 'ES256', kid: FIXTURE_CLIENT_ID })
    await expect(jwtVerify(secret, createPublicKey(APPLE_PRIVATE_KEY))).resolves.toBeDefined()
    const claims = decodeJwt(secret)
    expect(claims).toMatchObject({
      iss: APPLE_TEAM,
      sub: FIXTURE_CLIENT_ID,
      aud: 'https://appleid.apple.com',
    })
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(300)
  })

  it('sends the GitHub token in the Authorization header, never in the URL', async () => {
    const { requests } = await runBackendFixture(first('github'))
    const calls = requests.filter((r) => r.url.host === 'api.github.com' && r.method === 'GET')
    expect(calls.length).toBe(2)
    for (const request of calls) {
      expect(request.headers.get('authorization')).toBe(
        'Bearer gho_16C7e42F292c6912E7710c838347Ae178B4a',
      )
      expect(request.url.search).toBe('')
    }
  })

  it('proves Facebook Graph calls with appsecret_proof', async () => {
    const { requests } = await runBackendFixture(first('facebook'))
    const me = requests.find((r) => r.url.pathname.endsWith('/me'))!
    expect(me.url.searchParams.get('appsecret_proof')).toBe(
      createHmac('sha256', 'fixture-client-secret').update('EAAGm0PX4ZCpsBAfixture').digest('hex'),
    )
  })

  it.each(['bitbucket', 'twitter-oauth2', 'spotify', 'zoom', 'reddit', 'yahoo'])(
    'authenticates the %s client with HTTP Basic, not a secret in the body',
    async (name) => {
      const { requests } = await runBackendFixture(first(name))
      const request = tokenRequest(requests)
      expect(basicCredentials(request.headers.get('authorization'))).toEqual([
        FIXTURE_CLIENT_ID,
        'fixture-client-secret',
      ])
      expect(new URLSearchParams(request.body).has('client_secret')).toBe(false)
    },
  )

  it('calls Dropbox’s account endpoint with POST, as its RPC API wants', async () => {
    const { requests } = await runBackendFixture(first('dropbox'))
    expect(
      requests.some(
        (r) => r.method === 'POST' && r.url.pathname === '/2/users/get_current_account',
      ),
    ).toBe(true)
  })

  it('sends PKCE S256 to every provider', async () => {
    for (const name of ['github', 'discord', 'gitlab', 'amazon']) {
      const { authorizationUrl, requests } = await runBackendFixture(first(name))
      expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256')
      expect(new URLSearchParams(tokenRequest(requests).body).get('code_verifier')).toMatch(
        /^[\w-]{43,}$/,
      )
    }
  })

  it('refuses a GitHub id that JSON cannot carry exactly (security.md §5.6)', async () => {
    await runBackendRejection({
      name: 'unsafe integer id',
      backend: (fetch) => github({ fetch }),
      tokenResponse: { access_token: 'gho_x', token_type: 'bearer' },
      routes: {
        'GET https://api.github.com/user': () =>
          new Response('{"id": 9007199254740993, "login": "big"}', {
            headers: { 'content-type': 'application/json' },
          }),
        'GET https://api.github.com/user/emails': [],
      },
      expected: { error: 'ERR_AUTH_MISSING_UID' },
    })
  })

  it('refuses to start a WorkOS login that names no organization or connection', async () => {
    const social = await createSocialAuth({
      settings: {
        AUTHENTICATION_BACKENDS: [workos()],
        SOCIAL_AUTH_WORKOS_KEY: 'client_x',
        SOCIAL_AUTH_WORKOS_SECRET: 'sk_x',
      },
      storage: memoryStorage(),
    })
    const { createTestStrategy } = await import('@social-auth/core/testing')
    await expect(
      social.begin(createTestStrategy().request({ method: 'POST' }), 'workos'),
    ).rejects.toMatchObject({
      code: 'ERR_AUTH_MISSING_PARAMETER',
    })
  })

  it('fails start-up, naming the setting, when Apple’s team is missing', async () => {
    await expect(
      createSocialAuth({
        settings: {
          AUTHENTICATION_BACKENDS: [appleId()],
          SOCIAL_AUTH_APPLE_ID_CLIENT: 'com.example.web',
          SOCIAL_AUTH_APPLE_ID_KEY: 'KEYID',
          SOCIAL_AUTH_APPLE_ID_SECRET: APPLE_PRIVATE_KEY,
        },
        storage: memoryStorage(),
      }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_SETTING',
      message: expect.stringContaining('SOCIAL_AUTH_APPLE_ID_TEAM'),
    })
  })
})
