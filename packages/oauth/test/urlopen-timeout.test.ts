/**
 * PSA's `URLOPEN_TIMEOUT`: PSA times provider calls out after `REQUESTS_TIMEOUT or
 * URLOPEN_TIMEOUT` seconds (psa.md §2.7). The provider is the security suite's scripted OP
 * (real HTTP), whose token endpoint never answers.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createSocialAuth, memoryStorage, type Settings } from '@social-auth/core'
import { createTestStrategy } from '@social-auth/core/testing'
import { clearDiscoveryCache, oidc } from '../src/index.js'
import { startScriptedOp, type ScriptedOp } from '../../../test/security/support/scripted-op.js'

let op: ScriptedOp
beforeAll(async () => {
  clearDiscoveryCache()
  op = await startScriptedOp()
})
afterAll(() => op.close())

async function engine(settings: Settings) {
  return createSocialAuth({
    settings: {
      AUTHENTICATION_BACKENDS: [oidc()],
      SOCIAL_AUTH_OIDC_OIDC_ENDPOINT: op.issuer,
      SOCIAL_AUTH_OIDC_KEY: op.clientId,
      SOCIAL_AUTH_OIDC_SECRET: op.clientSecret,
      LOGIN_URL: '/',
      ...settings,
    },
    storage: memoryStorage(),
  })
}

/** A login whose token request hangs: how it ends, and after how many milliseconds. */
async function hangingLogin(settings: Settings) {
  op.reset()
  op.script = { tokenFault: 'hang' }
  const social = await engine(settings)
  const strategy = createTestStrategy()
  const started = await social.begin(strategy.request({ method: 'POST' }), 'oidc')
  if (started.type !== 'redirect') throw new Error('begin did not redirect')
  const callback = new URL(
    (await fetch(started.url, { redirect: 'manual' })).headers.get('location')!,
  )
  const since = Date.now()
  const done = await social.complete(
    strategy.request({ query: Object.fromEntries(callback.searchParams) }),
    'oidc',
    { login: () => undefined },
  )
  return { done, elapsed: Date.now() - since }
}

describe('URLOPEN_TIMEOUT', () => {
  it('times provider calls out after URLOPEN_TIMEOUT when REQUESTS_TIMEOUT is not set', async () => {
    const { done, elapsed } = await hangingLogin({ SOCIAL_AUTH_URLOPEN_TIMEOUT: 0.3 })
    expect(done).toMatchObject({ url: '/?error=ERR_AUTH_UNREACHABLE_PROVIDER&backend=oidc' })
    // Not REQUESTS_TIMEOUT's default of 5 seconds.
    expect(elapsed).toBeLessThan(3000)
  })

  it('gives way to REQUESTS_TIMEOUT in any form, as PSA’s `REQUESTS_TIMEOUT or URLOPEN_TIMEOUT` does', async () => {
    const social = await engine({
      SOCIAL_AUTH_REQUESTS_TIMEOUT: 0.3,
      SOCIAL_AUTH_OIDC_URLOPEN_TIMEOUT: 60,
    })
    expect(social.getBackend('oidc').setting('REQUESTS_TIMEOUT')).toBe(0.3)
    const { done, elapsed } = await hangingLogin({
      SOCIAL_AUTH_REQUESTS_TIMEOUT: 0.3,
      SOCIAL_AUTH_OIDC_URLOPEN_TIMEOUT: 60,
    })
    expect(done).toMatchObject({ url: '/?error=ERR_AUTH_UNREACHABLE_PROVIDER&backend=oidc' })
    expect(elapsed).toBeLessThan(3000)
  })

  it('applies when REQUESTS_TIMEOUT is None or 0, which would otherwise mean no deadline at all', async () => {
    for (const none of [null, 0]) {
      const { done, elapsed } = await hangingLogin({
        SOCIAL_AUTH_REQUESTS_TIMEOUT: none,
        SOCIAL_AUTH_URLOPEN_TIMEOUT: 0.3,
      })
      expect(done).toMatchObject({ url: '/?error=ERR_AUTH_UNREACHABLE_PROVIDER&backend=oidc' })
      expect(elapsed).toBeLessThan(3000)
    }
  })

  it('is type-checked at start-up like REQUESTS_TIMEOUT', async () => {
    await expect(engine({ SOCIAL_AUTH_OIDC_URLOPEN_TIMEOUT: '30' })).rejects.toMatchObject({
      code: 'ERR_INVALID_SETTING',
      setting: 'SOCIAL_AUTH_OIDC_URLOPEN_TIMEOUT',
    })
  })
})
