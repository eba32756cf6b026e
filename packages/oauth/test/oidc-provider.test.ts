import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type LoginInfo, type SocialAuthError } from '@social-auth/core'
import { createTestStrategy } from '@social-auth/core/testing'
import { decodeJwt } from 'jose'
import { clearDiscoveryCache, oidc, refreshAccessToken } from '../src/index.js'
import {
  authorizeAtProvider,
  CLIENT_ID,
  CLIENT_SECRET,
  signingKey,
  startProvider,
  type TestProvider,
} from './support/oidc-provider.js'
import { APP, loginAt as login, oidcEngine as engine } from './support/oidc-engine.js'

describe('the oidc backend against oidc-provider', () => {
  let provider: TestProvider
  beforeAll(async () => {
    clearDiscoveryCache()
    provider = await startProvider({
      redirectUris: [`${APP}/complete/oidc/`, `${APP}/complete/second/`],
      keys: [await signingKey('key-1')],
    })
  })
  afterAll(() => provider.close())

  it('completes a login with PKCE S256, a nonce and a signed id_token', async () => {
    const { social } = await engine(provider)
    const { started, done, logins } = await login(social, 'oidc', 'alice')
    expect(started.searchParams.get('code_challenge_method')).toBe('S256')
    expect(started.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/)
    expect(started.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/)
    expect(started.searchParams.get('scope')).toBe('openid profile email')
    expect(done).toMatchObject({ type: 'redirect', url: '/profile' })
    expect(logins).toHaveLength(1)
    const { user, social: account } = logins[0]!
    expect(account?.uid).toBe('alice')
    expect(user.username).toBe('alice')
    expect(user.email).toBe('alice@example.com')
    expect(user.first_name).toBe('alice')
    expect(Object.keys(account!.extra_data).sort()).toEqual(
      [
        'access_token',
        'auth_time',
        'expires_at',
        'id',
        'id_token',
        'refresh_token',
        'token_type',
      ].sort(),
    )
  })

  it('refreshes the access token and keeps one refresh for concurrent callers', async () => {
    const { social } = await engine(provider)
    const { logins } = await login(social, 'oidc', 'refresher')
    const account = logins[0]!.social!
    const original = account.extra_data.access_token
    const [first, second] = await Promise.all([
      refreshAccessToken(social, account),
      refreshAccessToken(social, account),
    ])
    expect(first).toBe(second)
    expect(first.extra_data.access_token).not.toBe(original)
    expect(typeof first.extra_data.refresh_token).toBe('string')
  })

  it('refuses a refreshed id_token that does not keep the original’s audience, azp or nonce, and stores nothing (OIDC Core §12.2)', async () => {
    const { social, storage } = await engine(provider)
    const { logins } = await login(social, 'oidc', 'continuity')
    const account = logins[0]!.social!
    const original = decodeJwt(account.extra_data.id_token as string)
    // The stored original is compared, not re-verified: rewrite the claims it remembers.
    const remembered = (claims: Record<string, unknown>): string =>
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({ ...original, ...claims }),
      ).toString('base64url')}.`
    for (const [claim, claims] of [
      ['aud', { aud: ['another-client'] }],
      ['azp', { azp: 'another-client' }],
      ['nonce', { nonce: 'another-login' }],
    ] as const) {
      await storage.user.setExtraData(account, { id_token: remembered(claims) })
      const before = (await storage.user.getSocialAuth('oidc', 'continuity'))!
      const refreshed = await social.storage.user.getSocialAuth('oidc', 'continuity')
      const error = await refreshAccessToken(social, refreshed!).catch((e: unknown) => e)
      expect(error).toMatchObject({
        code: 'ERR_AUTH_TOKEN',
        message: `Token error: Incorrect refreshed id_token: ${claim}`,
      })
      expect((await storage.user.getSocialAuth('oidc', 'continuity'))!.extra_data).toEqual(
        before.extra_data,
      )
    }
  })

  it('without a stored id_token, accepts a refreshed one only for the account’s own subject', async () => {
    const { social, storage } = await engine(provider)
    const { logins } = await login(social, 'oidc', 'legacy')
    const account = logins[0]!.social!
    // A legacy row: no id_token kept.
    await storage.user.setExtraData(account, { id_token: null })
    const stored = (await storage.user.getSocialAuth('oidc', 'legacy'))!
    // Presented as another account (uid mallory) with legacy's refresh token: refused.
    const error = await refreshAccessToken(social, { ...stored, uid: 'mallory' }).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({
      code: 'ERR_AUTH_TOKEN',
      message: 'Token error: Incorrect refreshed id_token: sub',
    })
    // Its own account refreshes.
    const fresh = await refreshAccessToken(social, stored)
    expect(typeof fresh.extra_data.id_token).toBe('string')
  })

  it('holds id_tokens to ID_TOKEN_ISSUER, at login and on refresh (PSA id_token_issuer)', async () => {
    const wrong = { SOCIAL_AUTH_OIDC_ID_TOKEN_ISSUER: 'https://someone-else.example' }
    const refused = await login((await engine(provider, wrong)).social, 'oidc', 'heidi')
    expect(refused.done).toMatchObject({
      type: 'redirect',
      url: '/?error=ERR_AUTH_TOKEN&backend=oidc',
    })
    expect(refused.logins).toHaveLength(0)

    // Signed in without the setting, the account's next refresh goes through one with it.
    const { social, storage } = await engine(provider)
    const account = (await login(social, 'oidc', 'heidi')).logins[0]!.social!
    const original = account.extra_data.access_token
    const strict = await engine(provider, wrong, [oidc()], storage)
    await expect(refreshAccessToken(strict.social, account)).rejects.toMatchObject({
      code: 'ERR_AUTH_TOKEN',
    })
    const right = { SOCIAL_AUTH_OIDC_ID_TOKEN_ISSUER: provider.issuer }
    const same = await engine(provider, right, [oidc()], storage)
    const refreshed = await refreshAccessToken(same.social, account)
    expect(refreshed.extra_data.access_token).not.toBe(original)
  })

  it('sends the OIDC request parameters of the settings, and the provider completes the login (psa.md §4.2)', async () => {
    // An id_token this provider issued: the only id_token_hint it takes.
    const first = await login((await engine(provider)).social, 'oidc', 'ivan')
    const hint = first.logins[0]!.social!.extra_data.id_token as string
    const { social } = await engine(provider, {
      SOCIAL_AUTH_OIDC_PROMPT: 'login  consent',
      SOCIAL_AUTH_OIDC_DISPLAY: 'popup',
      SOCIAL_AUTH_OIDC_MAX_AGE: 0,
      SOCIAL_AUTH_OIDC_UI_LOCALES: 'fr-CA en',
      SOCIAL_AUTH_OIDC_ID_TOKEN_HINT: hint,
      SOCIAL_AUTH_OIDC_LOGIN_HINT: 'ivan',
      SOCIAL_AUTH_OIDC_ACR_VALUES: 'urn:example:acr:password',
    })
    const { started, done, logins } = await login(social, 'oidc', 'ivan')
    expect(Object.fromEntries(started.searchParams)).toMatchObject({
      prompt: 'login consent',
      display: 'popup',
      max_age: '0',
      ui_locales: 'fr-CA en',
      id_token_hint: hint,
      login_hint: 'ivan',
      acr_values: 'urn:example:acr:password',
    })
    expect(done).toMatchObject({ type: 'redirect', url: '/profile' })
    expect(logins[0]!.social!.uid).toBe('ivan')
  })

  it('runs two instances of the oidc backend side by side under different names', async () => {
    const { social } = await engine(
      provider,
      {
        SOCIAL_AUTH_SECOND_OIDC_ENDPOINT: provider.issuer,
        SOCIAL_AUTH_SECOND_KEY: CLIENT_ID,
        SOCIAL_AUTH_SECOND_SECRET: CLIENT_SECRET,
      },
      [oidc(), oidc({ name: 'second' })],
    )
    const one = await login(social, 'oidc', 'carol')
    const two = await login(social, 'second', 'carol')
    expect(one.logins[0]!.social!.provider).toBe('oidc')
    expect(two.logins[0]!.social!.provider).toBe('second')
    expect(two.logins[0]!.user.id).not.toBe(one.logins[0]!.user.id)
  })

  it('refuses a callback whose RFC 9207 iss names another issuer, before the token request', async () => {
    const { social, storage } = await engine(provider)
    const strategy = createTestStrategy()
    const started = await social.begin(strategy.request({ method: 'POST' }), 'oidc')
    if (started.type !== 'redirect') throw new Error('no redirect')
    const callback = await authorizeAtProvider(started.url, `${APP}/complete/oidc/`, 'mallory')
    const query = { ...Object.fromEntries(callback.searchParams), iss: 'https://attacker.example' }
    const logins: LoginInfo[] = []
    const done = await social.complete(strategy.request({ query }), 'oidc', {
      login: (i) => void logins.push(i),
    })
    expect(done).toMatchObject({
      type: 'redirect',
      url: '/?error=ERR_AUTH_ISSUER_MISMATCH&backend=oidc',
    })
    expect(logins).toHaveLength(0)
    expect(await storage.user.userExists({ username: 'mallory' })).toBe(false)
  })

  it('refuses a state that was already used', async () => {
    const { social } = await engine(provider)
    const { callback, strategy, logins } = await login(social, 'oidc', 'dave')
    expect(logins).toHaveLength(1)
    const again = await social.complete(
      strategy.request({ query: Object.fromEntries(callback.searchParams) }),
      'oidc',
      {
        login: () => {
          throw new Error('must not log in twice')
        },
      },
    )
    expect(again.type === 'redirect' && again.url).toMatch(
      /error=ERR_AUTH_STATE_(MISSING|FORBIDDEN)/,
    )
  })
})

describe('endpoint overrides (PSA USERINFO_URL and JWKS_URI, psa.md §4.1)', () => {
  let provider: TestProvider
  let otherKeys: Record<string, unknown>[]
  const hits = { userinfo: 0, discoveredUserinfo: 0, keys: 0, otherKeys: 0 }
  beforeAll(async () => {
    clearDiscoveryCache()
    // A key set that does not hold the provider's signing key, public part only.
    const { kty, n, e, kid, alg, use } = await signingKey('not-the-signing-key')
    otherKeys = [{ kty, n, e, kid, alg, use }]
    provider = await startProvider({
      redirectUris: [`${APP}/complete/oidc/`],
      keys: [await signingKey('key-1')],
      // The overrides are other paths of the same provider: only a client that reads the
      // settings asks for them. They are served by the provider's own endpoints.
      onRequest(req, res) {
        const path = req.url ?? ''
        if (path.startsWith('/me')) hits.discoveredUserinfo += 1
        if (path.startsWith('/elsewhere/userinfo')) {
          hits.userinfo += 1
          req.url = path.replace('/elsewhere/userinfo', '/me')
        } else if (path.startsWith('/elsewhere/keys')) {
          hits.keys += 1
          req.url = '/jwks'
        } else if (path.startsWith('/elsewhere/other-keys')) {
          hits.otherKeys += 1
          res.writeHead(200, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ keys: otherKeys }))
          return true
        }
        return false
      },
    })
  })
  afterAll(() => provider.close())

  it('fetches userinfo from USERINFO_URL and the id_token keys from JWKS_URI, not from discovery’s', async () => {
    Object.assign(hits, { userinfo: 0, discoveredUserinfo: 0, keys: 0, otherKeys: 0 })
    const { social } = await engine(provider, {
      SOCIAL_AUTH_OIDC_USERINFO_URL: `${provider.issuer}/elsewhere/userinfo`,
      SOCIAL_AUTH_OIDC_JWKS_URI: `${provider.issuer}/elsewhere/keys`,
    })
    const { done, logins } = await login(social, 'oidc', 'frank')
    expect(done).toMatchObject({ type: 'redirect', url: '/profile' })
    expect(logins[0]!.user.email).toBe('frank@example.com')
    expect(hits).toMatchObject({ userinfo: 1, discoveredUserinfo: 0, keys: 1 })
    expect(provider.jwksRequests()).toBe(0)
  })

  it('verifies the id_token against the JWKS_URI key set only: one without the signing key refuses the login', async () => {
    Object.assign(hits, { userinfo: 0, discoveredUserinfo: 0, keys: 0, otherKeys: 0 })
    const { social, storage } = await engine(provider, {
      SOCIAL_AUTH_OIDC_JWKS_URI: `${provider.issuer}/elsewhere/other-keys`,
    })
    const { done, logins } = await login(social, 'oidc', 'grace')
    expect(done).toMatchObject({ type: 'redirect', url: '/?error=ERR_AUTH_TOKEN&backend=oidc' })
    expect(logins).toHaveLength(0)
    expect(await storage.user.userExists({ username: 'grace' })).toBe(false)
    // Asked once, and once more for the unknown kid (a key rotation), never discovery's.
    expect(hits.otherKeys).toBe(2)
    expect(provider.jwksRequests()).toBe(0)
  })
})

describe('discovery', () => {
  it('refuses a document naming another issuer as a provider answer, naming both issuers', async () => {
    clearDiscoveryCache()
    const provider = await startProvider({
      redirectUris: [`${APP}/complete/oidc/`],
      keys: [await signingKey('key-1')],
    })
    try {
      // The same server under another name: its document names 127.0.0.1, not localhost.
      const configured = provider.issuer.replace('127.0.0.1', 'localhost')
      const { social } = await engine(provider, { SOCIAL_AUTH_OIDC_OIDC_ENDPOINT: configured })
      const begin = () =>
        social
          .begin(createTestStrategy().request({ method: 'POST' }), 'oidc')
          .catch((err: unknown) => err as SocialAuthError)
      const failure = (await begin()) as SocialAuthError
      expect([failure.code, failure.backend]).toEqual(['ERR_AUTH_INVALID_RESPONSE', 'oidc'])
      expect(failure.message).toContain(`"${provider.issuer}/"`)
      expect(failure.message).toContain(`"${configured}/"`)
      expect(failure.message).toMatch(/OIDC_ENDPOINT/)
      // Asked again while discovery backs off after the failure, the answer stays the same.
      expect(((await begin()) as SocialAuthError).code).toBe('ERR_AUTH_INVALID_RESPONSE')
    } finally {
      await provider.close()
    }
  })
})

describe('key rotation at the provider', () => {
  it('picks up a rotated signing key with one JWKS refetch', async () => {
    clearDiscoveryCache()
    const first = await startProvider({
      redirectUris: [`${APP}/complete/oidc/`],
      keys: [await signingKey('before')],
    })
    const port = first.port
    const { social } = await engine(first)
    expect((await login(social, 'oidc', 'erin')).logins).toHaveLength(1)
    const fetchesBefore = first.jwksRequests()
    expect(fetchesBefore).toBe(1)
    await first.close()
    const rotated = await startProvider({
      port,
      redirectUris: [`${APP}/complete/oidc/`],
      keys: [await signingKey('after')],
    })
    try {
      const second = await login(social, 'oidc', 'erin')
      expect(second.done).toMatchObject({ type: 'redirect', url: '/profile' })
      expect(second.logins).toHaveLength(1)
      expect(rotated.jwksRequests()).toBe(1)
    } finally {
      await rotated.close()
    }
  })
})
