import { afterEach, describe, expect, it } from '@jest/globals'
import type { Settings, SocialAuthError } from '@social-auth/core'
import { clearDiscoveryCache, refreshAccessToken } from '../src/index.js'
import { DEFAULT_USER_AGENT } from '../src/provider-fetch.js'
import { signingKey, startProvider, type TestProvider } from './support/oidc-provider.js'
import { APP, loginAt, oidcEngine } from './support/oidc-engine.js'

// What the real provider (oidc-provider on 127.0.0.1) receives from the oidc backend: every
// back-channel call — discovery, token, userinfo, JWKS, refresh, revocation — is ours, and
// the JWKS fetch keeps to REQUESTS_TIMEOUT as the others do.

const REDIRECT_URI = `${APP}/complete/oidc/`

/** The provider's back-channel endpoints (oidc-provider's defaults), by request path. */
const BACK_CHANNEL: Record<string, string> = {
  '/.well-known/openid-configuration': 'discovery',
  '/token': 'token',
  '/me': 'userinfo',
  '/jwks': 'jwks',
  '/token/revocation': 'revocation',
}

interface Seen {
  readonly call: string
  readonly userAgent: string | undefined
}

let provider: TestProvider | undefined
afterEach(async () => {
  await provider?.close()
  provider = undefined
})

/**
 * Starts the provider, recording the User-Agent of each back-channel call; with `stallJwks`
 * its JWKS endpoint takes the request and never answers.
 */
async function recordingProvider(options: { stallJwks?: boolean } = {}): Promise<Seen[]> {
  const seen: Seen[] = []
  clearDiscoveryCache()
  provider = await startProvider({
    redirectUris: [REDIRECT_URI],
    keys: [await signingKey('key-1')],
    onRequest(req) {
      const call = BACK_CHANNEL[new URL(req.url ?? '/', 'http://x').pathname]
      if (call) seen.push({ call, userAgent: req.headers['user-agent'] })
      return call === 'jwks' && options.stallJwks === true
    },
  })
  return seen
}

const engine = (settings: Settings = {}) => oidcEngine(provider!, settings)
const login = (social: Awaited<ReturnType<typeof engine>>['social'], account: string) =>
  loginAt(social, 'oidc', account)

describe('the User-Agent the provider sees', () => {
  it('is USER_AGENT on discovery, token, userinfo, JWKS, refresh and revocation', async () => {
    const seen = await recordingProvider()
    const { social, storage } = await engine({
      SOCIAL_AUTH_OIDC_USER_AGENT: 'my-app/2.0 (+https://myapp.com)',
      SOCIAL_AUTH_REVOKE_TOKENS_ON_DISCONNECT: true,
    })
    const { done, logins, strategy } = await login(social, 'alice')
    expect(done).toMatchObject({ type: 'redirect', url: '/profile' })
    const { user, social: account } = logins[0]!
    await refreshAccessToken(social, account!)
    // A second association, so that disconnecting this one is allowed (and revokes its token).
    await storage.user.createSocialAuth(user, 'alice-elsewhere', 'other')
    const disconnected = await social.disconnect(strategy.request({ method: 'POST' }), 'oidc', {
      user,
      associationId: account!.id,
    })
    expect(disconnected.type).toBe('redirect')

    expect(new Set(seen.map((s) => s.call))).toEqual(new Set(Object.values(BACK_CHANNEL)))
    expect(seen.filter((s) => s.userAgent !== 'my-app/2.0 (+https://myapp.com)')).toEqual([])
  })

  it('is social-auth’s own when USER_AGENT is not set, never openid-client’s', async () => {
    const seen = await recordingProvider()
    const { social } = await engine()
    expect((await login(social, 'bob')).logins).toHaveLength(1)
    expect(seen.map((s) => s.call)).toEqual(
      expect.arrayContaining(['discovery', 'token', 'userinfo', 'jwks']),
    )
    expect(seen.filter((s) => s.userAgent !== DEFAULT_USER_AGENT)).toEqual([])
  })
})

describe('revocation on disconnect', () => {
  it('fails with a code, and removes nothing, when the provider cannot be reached (discovery included)', async () => {
    await recordingProvider()
    const { social, storage } = await engine({ SOCIAL_AUTH_REVOKE_TOKENS_ON_DISCONNECT: true })
    const { logins, strategy } = await login(social, 'carol')
    const { user, social: account } = logins[0]!
    await storage.user.createSocialAuth(user, 'carol-elsewhere', 'other')
    // The provider goes away, and the discovery document with it.
    await provider!.close()
    provider = undefined
    clearDiscoveryCache()
    const error = await social
      .disconnect(strategy.request({ method: 'POST' }), 'oidc', {
        user,
        associationId: account!.id,
        onError: 'throw',
      })
      .catch((e: unknown) => e as SocialAuthError)
    expect((error as SocialAuthError).code).toMatch(/^ERR_AUTH_(UNREACHABLE_PROVIDER|CONNECTION)$/)
    expect(await storage.user.getSocialAuthForUser(user)).toHaveLength(2)
  })
})

describe('the id_token key set', () => {
  it('is fetched within REQUESTS_TIMEOUT: a stalled JWKS endpoint fails the login promptly', async () => {
    const seen = await recordingProvider({ stallJwks: true })
    const { social } = await engine({
      SOCIAL_AUTH_OIDC_REQUESTS_TIMEOUT: 0.5,
      SOCIAL_AUTH_OIDC_USER_AGENT: 'my-app/2.0',
    })
    const failures: unknown[] = []
    social.events.on('auth.failed', ({ error }) => failures.push(error))
    const startedAt = Date.now()
    const { done, logins } = await login(social, 'carol')
    const elapsed = Date.now() - startedAt

    expect(done).toMatchObject({
      type: 'redirect',
      url: '/?error=ERR_KEY_SET_UNAVAILABLE&backend=oidc',
    })
    expect(logins).toHaveLength(0)
    expect((failures[0] as SocialAuthError).code).toBe('ERR_KEY_SET_UNAVAILABLE')
    // Ended by the 0.5 s deadline: the whole login (browser hops included) takes less than the
    // fixed 5 s the key set used to get.
    expect(elapsed).toBeGreaterThanOrEqual(500)
    expect(elapsed).toBeLessThan(4000)
    expect(seen.filter((s) => s.call === 'jwks')).toEqual([
      { call: 'jwks', userAgent: 'my-app/2.0' },
    ])
  })
})
