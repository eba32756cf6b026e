import { describe, expect, it } from '@jest/globals'
import { generateKeyPair, exportJWK, SignJWT, base64url } from 'jose'
import { createSocialAuth, memoryStorage, type LoginInfo, type Settings } from '@social-auth/core'
import { createTestStrategy } from '@social-auth/core/testing'
import { clearDiscoveryCache, oidc } from '../src/index.js'
import { FAKE_CLIENT_ID, fakeOp, ISSUER, type FakeOpBehaviour } from './support/fake-op.js'

async function scenario(behaviour: FakeOpBehaviour = {}, settings: Settings = {}) {
  clearDiscoveryCache()
  const op = await fakeOp(behaviour)
  const storage = memoryStorage()
  const social = await createSocialAuth({
    settings: {
      AUTHENTICATION_BACKENDS: [
        oidc({ fetch: op.fetch }),
        oidc({ name: 'other', fetch: op.fetch }),
      ],
      SOCIAL_AUTH_OIDC_OIDC_ENDPOINT: ISSUER,
      SOCIAL_AUTH_OTHER_OIDC_ENDPOINT: ISSUER,
      SOCIAL_AUTH_OIDC_KEY: FAKE_CLIENT_ID,
      SOCIAL_AUTH_OIDC_SECRET: 'fake-secret',
      SOCIAL_AUTH_OTHER_KEY: FAKE_CLIENT_ID,
      SOCIAL_AUTH_OTHER_SECRET: 'fake-secret',
      LOGIN_URL: '/login',
      LOGIN_REDIRECT_URL: '/profile',
      ...settings,
    },
    storage,
  })
  const strategy = createTestStrategy()
  const logins: LoginInfo[] = []
  const begin = async (backend = 'oidc') => {
    const started = await social.begin(strategy.request({ method: 'POST' }), backend)
    if (started.type !== 'redirect') throw new Error('begin did not redirect')
    const url = new URL(started.url)
    result.nonce = url.searchParams.get('nonce') ?? undefined
    op.setNonce(result.nonce)
    return url.searchParams.get('state')!
  }
  const complete = async (query: Record<string, string>, backend = 'oidc') =>
    social.complete(strategy.request({ query }), backend, {
      login: (info) => void logins.push(info),
    })
  const paths = () => op.requests.map((r) => r.url.pathname)
  const result = {
    op,
    social,
    storage,
    strategy,
    logins,
    begin,
    complete,
    paths,
    nonce: undefined as string | undefined,
  }
  return result
}

/** The refusal every case must end in: the error URL with the code, nobody logged in, no user. */
async function expectRefused(
  s: Awaited<ReturnType<typeof scenario>>,
  response: Awaited<ReturnType<typeof s.complete>>,
  code: string,
) {
  expect(response).toEqual(
    expect.objectContaining({ type: 'redirect', url: `/login?error=${code}&backend=oidc` }),
  )
  expect(s.logins).toHaveLength(0)
  expect(await s.storage.user.userExists({ username: 'user-1' })).toBe(false)
  expect(await s.storage.user.getSocialAuth('oidc', 'user-1')).toBeNull()
}

describe('endpoint overrides of the oidc backend', () => {
  it('are held to the https rule of every provider URL (http only on loopback), at start-up', async () => {
    for (const name of ['AUTHORIZATION_URL', 'ACCESS_TOKEN_URL', 'REVOKE_TOKEN_URL']) {
      await expect(
        scenario({}, { [`SOCIAL_AUTH_OIDC_${name}`]: 'http://example.com/endpoint' }),
      ).rejects.toMatchObject({ code: 'ERR_INVALID_SETTING', setting: `SOCIAL_AUTH_OIDC_${name}` })
    }
    const loopback = await scenario(
      {},
      { SOCIAL_AUTH_OIDC_AUTHORIZATION_URL: 'http://127.0.0.1:9/auth' },
    )
    await expect(loopback.begin()).resolves.toBeDefined()
  })
})

describe('callbacks refused before any call to the provider', () => {
  it('refuses a callback without state (PSA OAuth2StateTestMixin)', async () => {
    const s = await scenario()
    await s.begin()
    await expectRefused(s, await s.complete({ code: 'c' }), 'ERR_AUTH_MISSING_PARAMETER')
    expect(s.paths()).not.toContain('/token')
  })

  it('refuses a state this browser never started (login CSRF)', async () => {
    const s = await scenario()
    await s.begin()
    await expectRefused(
      s,
      await s.complete({ code: 'c', state: 'forged-state' }),
      'ERR_AUTH_STATE_FORBIDDEN',
    )
    expect(s.paths()).not.toContain('/token')
  })

  it('refuses a callback when no login was started in this session', async () => {
    const s = await scenario()
    await expectRefused(
      s,
      await s.complete({ code: 'c', state: 'whatever' }),
      'ERR_AUTH_STATE_MISSING',
    )
  })

  it('refuses a state minted for another backend (mix-up, security.md §0.1)', async () => {
    const s = await scenario()
    const state = await s.begin('other')
    await expectRefused(s, await s.complete({ code: 'c', state }), 'ERR_AUTH_STATE_FORBIDDEN')
    expect(s.paths()).not.toContain('/token')
  })

  it('refuses an expired state (STATE_TTL)', async () => {
    const s = await scenario({}, { SOCIAL_AUTH_OIDC_STATE_TTL: -1 })
    const state = await s.begin()
    const response = await s.complete({ code: 'c', state })
    expect(response.type === 'redirect' && response.url).toMatch(/ERR_AUTH_STATE_MISSING/)
    expect(s.paths()).not.toContain('/token')
  })

  it('maps error=access_denied to ERR_AUTH_CANCELED without a token request', async () => {
    const s = await scenario()
    const state = await s.begin()
    await expectRefused(s, await s.complete({ error: 'access_denied', state }), 'ERR_AUTH_CANCELED')
    expect(s.paths()).not.toContain('/token')
  })

  it('keeps two logins started in two tabs apart', async () => {
    const s = await scenario()
    const first = await s.begin()
    const firstNonce = s.nonce
    const second = await s.begin()
    expect(first).not.toBe(second)
    s.op.setNonce(firstNonce)
    const done = await s.complete({ code: 'c', state: first })
    expect(done).toMatchObject({ type: 'redirect', url: '/profile' })
  })
})

describe('id_tokens refused (OpenID RP conformance: signatures and claims)', () => {
  const forged = (
    sign: (claims?: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>,
  ) => sign
  const cases: [string, FakeOpBehaviour['token']][] = [
    [
      'a bad signature',
      async ({ sign }) => {
        const token = await forged(sign)()
        const [h, p] = token.split('.')
        return json({
          access_token: 'at',
          token_type: 'Bearer',
          id_token: `${h}.${p}.${base64url.encode(new Uint8Array(256))}`,
        })
      },
    ],
    [
      'alg none',
      async ({ nonce }) => {
        const enc = (o: object) => base64url.encode(JSON.stringify(o))
        const now = Math.floor(Date.now() / 1000)
        const payload = {
          iss: ISSUER,
          aud: FAKE_CLIENT_ID,
          sub: 'user-1',
          iat: now,
          exp: now + 60,
          nonce,
        }
        return json({
          access_token: 'at',
          token_type: 'Bearer',
          id_token: `${enc({ alg: 'none' })}.${enc(payload)}.`,
        })
      },
    ],
    [
      'a wrong issuer',
      async ({ sign }) =>
        json({
          access_token: 'at',
          token_type: 'Bearer',
          id_token: await sign({ iss: 'https://evil.example' }),
        }),
    ],
    [
      'a wrong audience',
      async ({ sign }) =>
        json({
          access_token: 'at',
          token_type: 'Bearer',
          id_token: await sign({ aud: 'someone-else' }),
        }),
    ],
    [
      'an expired token',
      async ({ sign }) => {
        const now = Math.floor(Date.now() / 1000)
        return json({
          access_token: 'at',
          token_type: 'Bearer',
          id_token: await sign({ iat: now - 3600, exp: now - 1800 }),
        })
      },
    ],
    [
      'a nonce mismatch',
      async ({ sign }) =>
        json({
          access_token: 'at',
          token_type: 'Bearer',
          id_token: await sign({ nonce: 'not-the-nonce' }),
        }),
    ],
    [
      'an iat in the future',
      async ({ sign }) => {
        const now = Math.floor(Date.now() / 1000)
        return json({
          access_token: 'at',
          token_type: 'Bearer',
          id_token: await sign({ iat: now + 3600, exp: now + 7200 }),
        })
      },
    ],
    [
      'a key embedded in the header (jwk) instead of the issuer’s keys',
      async ({ nonce }) => {
        const { privateKey, publicKey } = await generateKeyPair('RS256')
        const token = await new SignJWT({ sub: 'user-1', nonce })
          .setProtectedHeader({ alg: 'RS256', kid: 'op-key', jwk: await exportJWK(publicKey) })
          .setIssuer(ISSUER)
          .setAudience(FAKE_CLIENT_ID)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(privateKey)
        return json({ access_token: 'at', token_type: 'Bearer', id_token: token })
      },
    ],
    [
      'several audiences without azp',
      async ({ sign }) =>
        json({
          access_token: 'at',
          token_type: 'Bearer',
          id_token: await sign({ aud: [FAKE_CLIENT_ID, 'another'] }),
        }),
    ],
  ]

  for (const [name, token] of cases) {
    it(`refuses an id_token with ${name}, and asks nothing more of the provider`, async () => {
      const s = await scenario({ token })
      const state = await s.begin()
      await expectRefused(s, await s.complete({ code: 'c', state }), 'ERR_AUTH_TOKEN')
      expect(s.paths()).not.toContain('/userinfo')
    })
  }

  it('refuses userinfo whose sub differs from the id_token’s', async () => {
    const s = await scenario({
      userinfo: () => json({ sub: 'someone-else', email: 'x@example.com' }),
    })
    const state = await s.begin()
    await expectRefused(s, await s.complete({ code: 'c', state }), 'ERR_AUTH_TOKEN')
  })
})

describe('the id_token key set', () => {
  it('is fetched only from an https jwks_uri (http only on loopback), as every provider URL', async () => {
    const s = await scenario({
      discovery: (document) => ({ ...document, jwks_uri: 'http://op.example/jwks' }),
    })
    const state = await s.begin()
    await expectRefused(s, await s.complete({ code: 'c', state }), 'ERR_KEY_SET_UNAVAILABLE')
    expect(s.paths()).not.toContain('/jwks')
  })
})

describe('token endpoint failures', () => {
  const cases: [string, FakeOpBehaviour['token'], string, Settings?][] = [
    [
      'HTTP 401 (bad client credentials)',
      () => json({ error: 'invalid_client' }, 401),
      'ERR_AUTH_TOKEN',
    ],
    ['HTTP 500', () => new Response('oops', { status: 500 }), 'ERR_AUTH_UNREACHABLE_PROVIDER'],
    [
      'an HTML page',
      () =>
        new Response('<html><body>Maintenance</body></html>', {
          status: 200,
          headers: { 'content-type': 'text/html' },
        }),
      'ERR_AUTH_INVALID_RESPONSE',
    ],
    [
      'HTTP 400 invalid_grant',
      () => json({ error: 'invalid_grant', error_description: 'code reused' }, 400),
      'ERR_AUTH_CANCELED',
    ],
    [
      'no answer within REQUESTS_TIMEOUT',
      () => new Promise<Response>(() => {}),
      'ERR_AUTH_UNREACHABLE_PROVIDER',
      { SOCIAL_AUTH_OIDC_REQUESTS_TIMEOUT: 0.2 },
    ],
  ]
  for (const [name, token, code, settings] of cases) {
    it(`maps ${name} to ${code} and logs nobody in`, async () => {
      const s = await scenario({ token }, settings)
      const state = await s.begin()
      await expectRefused(s, await s.complete({ code: 'c', state }), code)
      expect(s.paths()).not.toContain('/userinfo')
    })
  }

  it('keeps the provider’s error and error_description on the coded error', async () => {
    const s = await scenario({
      token: () => json({ error: 'invalid_grant', error_description: 'code reused' }, 400),
    })
    const failures: unknown[] = []
    s.social.events.on('auth.failed', ({ error }) => failures.push(error))
    const state = await s.begin()
    await s.complete({ code: 'c', state })
    expect(failures[0]).toMatchObject({
      code: 'ERR_AUTH_CANCELED',
      providerError: 'invalid_grant',
      providerErrorDescription: 'code reused',
    })
  })
})

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}
