/**
 * PSA's `ID_TOKEN_ISSUER` (psa.md §4.1): the `iss` a provider's id_tokens carry when it is not
 * the issuer its discovery document names. The provider is the security suite's scripted OP
 * (real HTTP), whose id_token claims a test can set; the server's own identity (the login's
 * binding, the RFC 9207 `iss` of the callback) stays discovery's issuer.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createSocialAuth, memoryStorage, type LoginInfo, type Settings } from '@social-auth/core'
import { createTestStrategy } from '@social-auth/core/testing'
import { clearDiscoveryCache, oidc } from '../src/index.js'
import {
  startScriptedOp,
  type OpScript,
  type ScriptedOp,
} from '../../../test/security/support/scripted-op.js'

// What a multi-tenant provider's tokens say, rather than its discovery document's issuer.
const TOKEN_ISSUER = 'https://tokens.example/tenant-1'

let op: ScriptedOp
beforeAll(async () => {
  clearDiscoveryCache()
  op = await startScriptedOp()
})
afterAll(() => op.close())

/** begin → the provider (which answers at once) → complete; the outcome and who logged in. */
async function login(settings: Settings, script: OpScript = {}) {
  op.reset()
  op.script = script
  const social = await createSocialAuth({
    settings: {
      AUTHENTICATION_BACKENDS: [oidc()],
      SOCIAL_AUTH_OIDC_OIDC_ENDPOINT: op.issuer,
      SOCIAL_AUTH_OIDC_KEY: op.clientId,
      SOCIAL_AUTH_OIDC_SECRET: op.clientSecret,
      LOGIN_REDIRECT_URL: '/profile',
      LOGIN_URL: '/',
      ...settings,
    },
    storage: memoryStorage(),
  })
  const strategy = createTestStrategy()
  const started = await social.begin(strategy.request({ method: 'POST' }), 'oidc')
  if (started.type !== 'redirect') throw new Error('begin did not redirect')
  const answer = await fetch(started.url, { redirect: 'manual' })
  const callback = new URL(answer.headers.get('location')!)
  const logins: LoginInfo[] = []
  const done = await social.complete(
    strategy.request({ query: Object.fromEntries(callback.searchParams) }),
    'oidc',
    { login: (info) => void logins.push(info) },
  )
  return { done, logins }
}

const tokenIssuedBy =
  (iss: string): OpScript['idToken'] =>
  (draft) => {
    draft.claims.iss = iss
  }

describe('ID_TOKEN_ISSUER', () => {
  it('accepts id_tokens whose iss is ID_TOKEN_ISSUER rather than discovery’s issuer', async () => {
    const { done, logins } = await login(
      { SOCIAL_AUTH_OIDC_ID_TOKEN_ISSUER: TOKEN_ISSUER },
      { idToken: tokenIssuedBy(TOKEN_ISSUER) },
    )
    expect(done).toMatchObject({ type: 'redirect', url: '/profile' })
    expect(logins[0]!.social!.uid).toBe(op.account.sub)
  })

  it('refuses that same id_token without the setting (rp-id_token-issuer-mismatch)', async () => {
    const { done, logins } = await login({}, { idToken: tokenIssuedBy(TOKEN_ISSUER) })
    expect(done).toMatchObject({ type: 'redirect', url: '/?error=ERR_AUTH_TOKEN&backend=oidc' })
    expect(logins).toHaveLength(0)
  })

  it('then refuses an id_token from discovery’s issuer: only ID_TOKEN_ISSUER is accepted', async () => {
    const { done, logins } = await login({ SOCIAL_AUTH_OIDC_ID_TOKEN_ISSUER: TOKEN_ISSUER })
    expect(done).toMatchObject({ type: 'redirect', url: '/?error=ERR_AUTH_TOKEN&backend=oidc' })
    expect(logins).toHaveLength(0)
    // Refused on the id_token: userinfo is never asked.
    expect(op.paths()).not.toContain('/userinfo')
  })

  it('still holds the callback’s RFC 9207 iss to discovery’s issuer, present as discovery promises', async () => {
    for (const authorizeIss of [TOKEN_ISSUER, null]) {
      const { done, logins } = await login(
        { SOCIAL_AUTH_OIDC_ID_TOKEN_ISSUER: TOKEN_ISSUER },
        { idToken: tokenIssuedBy(TOKEN_ISSUER), authorizeIss },
      )
      expect(done).toMatchObject({
        type: 'redirect',
        url: '/?error=ERR_AUTH_ISSUER_MISMATCH&backend=oidc',
      })
      expect(logins).toHaveLength(0)
      // Refused before the code is exchanged.
      expect(op.paths()).not.toContain('/token')
    }
  })
})
