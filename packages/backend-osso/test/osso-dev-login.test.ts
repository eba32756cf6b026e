import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createSocialAuth, memoryStorage, type LoginInfo, type Settings } from '@social-auth/core'
import { createTestStrategy, type TestStrategy } from '@social-auth/core/testing'
import {
  createOssoDevServer,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  SEED_USER_ID,
} from '@social-auth/osso-dev'
import { osso } from '../src/index.js'
import { FormBrowser, type Page } from './support/form-browser.js'

// The app's redirect URI: osso-dev accepts any loopback port for the demo client.
const APP_HOST = '127.0.0.1:8123'
const REDIRECT = `http://${APP_HOST}/complete/osso/`

describe('the osso backend end to end through osso-dev', () => {
  let server: Awaited<ReturnType<ReturnType<typeof createOssoDevServer>['listen']>>
  let dev: ReturnType<typeof createOssoDevServer>
  beforeAll(async () => {
    dev = createOssoDevServer({ fidelity: 'strict' })
    server = await dev.listen(0)
  })
  afterAll(() => server.close())

  async function app(settings: Settings = {}) {
    const storage = memoryStorage()
    const social = await createSocialAuth({
      settings: {
        AUTHENTICATION_BACKENDS: [osso()],
        SOCIAL_AUTH_OSSO_KEY: DEMO_CLIENT_ID,
        SOCIAL_AUTH_OSSO_SECRET: DEMO_CLIENT_SECRET,
        SOCIAL_AUTH_OSSO_BASE_URL: server.url,
        LOGIN_URL: '/',
        LOGIN_REDIRECT_URL: '/profile',
        ...settings,
      },
      storage,
    })
    return { social, storage }
  }

  async function begin(
    social: Awaited<ReturnType<typeof app>>['social'],
    strategy: TestStrategy,
    body: Record<string, string>,
  ) {
    const started = await social.begin(strategy.request({ method: 'POST', body }), 'osso')
    if (started.type !== 'redirect') throw new Error('begin did not redirect')
    return started.url
  }

  async function finish(
    social: Awaited<ReturnType<typeof app>>['social'],
    strategy: TestStrategy,
    callback: string,
  ) {
    const logins: LoginInfo[] = []
    const done = await social.complete(
      strategy.request({ query: Object.fromEntries(new URL(callback).searchParams) }),
      'osso',
      {
        login: (info) => void logins.push(info),
      },
    )
    return { done, logins }
  }

  /** Walks the SAML step and the mock IdP as `email`. */
  async function throughIdp(browser: FormBrowser, page: Page, email: string): Promise<string> {
    let current = page
    if (current.html.includes('saml-login-form'))
      current = await browser.submit(current, (f) => f.id === 'saml-login-form', REDIRECT)
    if (current.html.includes(`Sign in as ${email}`)) {
      current = await browser.submit(
        current,
        (f) => f.text.includes(`Sign in as ${email}`),
        REDIRECT,
      )
    } else {
      current = await browser.submit(current, (f) => f.id === 'mock-idp-form', REDIRECT, { email })
    }
    expect(current.url.startsWith(REDIRECT)).toBe(true)
    return current.url
  }

  const strategyForApp = () => createTestStrategy({ host: APP_HOST })

  it('signs in by email: the seeded user lands logged in with PSA’s uid', async () => {
    const { social } = await app()
    const strategy = strategyForApp()
    const browser = new FormBrowser()
    const page = await browser.go(
      await begin(social, strategy, { email: 'user@example.com' }),
      REDIRECT,
    )
    const { done, logins } = await finish(
      social,
      strategy,
      await throughIdp(browser, page, 'user@example.com'),
    )
    expect(done).toMatchObject({ type: 'redirect', url: '/profile' })
    expect(logins[0]?.social?.uid).toBe(SEED_USER_ID)
    expect(logins[0]?.user.email).toBe('user@example.com')
    expect(logins[0]?.user.username).toBe('user@example.com')
  })

  it('signs in by domain', async () => {
    const { social } = await app()
    const strategy = strategyForApp()
    const browser = new FormBrowser()
    const page = await browser.go(
      await begin(social, strategy, { domain: 'example.com' }),
      REDIRECT,
    )
    const { logins } = await finish(
      social,
      strategy,
      await throughIdp(browser, page, 'new.person@example.com'),
    )
    expect(logins[0]?.user.email).toBe('new.person@example.com')
  })

  it('records the tenant the login was routed to and checked against in extra_data.tenant', async () => {
    const { social, storage } = await app()
    const strategy = strategyForApp()
    const browser = new FormBrowser()
    const page = await browser.go(
      await begin(social, strategy, { email: 'user@example.com' }),
      REDIRECT,
    )
    await finish(social, strategy, await throughIdp(browser, page, 'user@example.com'))
    const account = await storage.user.getSocialAuth('osso', SEED_USER_ID)
    expect(account?.extra_data.tenant).toBe('example.com')
  })

  it('signs in through Osso’s hosted page when the form sent neither email nor domain', async () => {
    const { social } = await app()
    const strategy = strategyForApp()
    const browser = new FormBrowser()
    const hosted = await browser.go(await begin(social, strategy, {}), REDIRECT)
    expect(hosted.html).toContain('hosted-login-form')
    const next = await browser.submit(hosted, (f) => f.id === 'hosted-login-form', REDIRECT, {
      email: 'user@example.com',
    })
    const { logins } = await finish(
      social,
      strategy,
      await throughIdp(browser, next, 'user@example.com'),
    )
    expect(logins[0]?.social?.uid).toBe(SEED_USER_ID)
  })

  it('signs in through the picker when a domain has several identity providers', async () => {
    const { social } = await app()
    const strategy = strategyForApp()
    const browser = new FormBrowser()
    const picker = await browser.go(
      await begin(social, strategy, { domain: 'multi-idp.test' }),
      REDIRECT,
    )
    expect(picker.html).toContain('Please select your Identity Provider')
    const idp = await browser.submit(
      picker,
      (f) => f.text.includes('data-service="AZURE"'),
      REDIRECT,
    )
    const { logins } = await finish(
      social,
      strategy,
      await throughIdp(browser, idp, 'pat@multi-idp.test'),
    )
    expect(logins[0]?.user.email).toBe('pat@multi-idp.test')
  })

  it('refuses an answer for another tenant than this login requested (Osso `requested`)', async () => {
    const { social, storage } = await app()
    const strategy = strategyForApp()
    const browser = new FormBrowser()
    const victimState = new URL(
      await begin(social, strategy, { email: 'user@example.com' }),
    ).searchParams.get('state')!
    // The same browser then starts another login, for another tenant, and completes it…
    const other = await browser.go(
      await begin(social, strategy, { domain: 'multi-idp.test' }),
      REDIRECT,
    )
    const idp = await browser.submit(other, (f) => f.text.includes('data-service="OKTA"'), REDIRECT)
    const callback = new URL(await throughIdp(browser, idp, 'intruder@multi-idp.test'))
    // …and its code is presented with the first login's state.
    callback.searchParams.set('state', victimState)
    const { done, logins } = await finish(social, strategy, callback.href)
    expect(done).toMatchObject({ type: 'redirect', url: '/?error=ERR_AUTH_FORBIDDEN&backend=osso' })
    expect(logins).toHaveLength(0)
    expect(await storage.user.getUsersByEmail('intruder@multi-idp.test')).toHaveLength(0)
  })

  it('maps a wrong client secret (token endpoint 401) to ERR_AUTH_TOKEN', async () => {
    const { social } = await app({ SOCIAL_AUTH_OSSO_SECRET: 'wrong-secret' })
    const strategy = strategyForApp()
    const browser = new FormBrowser()
    const page = await browser.go(
      await begin(social, strategy, { email: 'user@example.com' }),
      REDIRECT,
    )
    const { done, logins } = await finish(
      social,
      strategy,
      await throughIdp(browser, page, 'user@example.com'),
    )
    expect(done).toMatchObject({ type: 'redirect', url: '/?error=ERR_AUTH_TOKEN&backend=osso' })
    expect(logins).toHaveLength(0)
  })

  it('refuses IdP-initiated logins unless the app opts in', async () => {
    const idpInitiated = async () => {
      const response = await fetch(`${server.url}/__dev/idp-initiated`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          provider_id: '00000000-0000-4000-8000-000000000001',
          email: 'user@example.com',
        }),
        redirect: 'manual',
      })
      return new URL(response.headers.get('location')!)
    }
    const refused = await app()
    const callback = await idpInitiated()
    expect(callback.searchParams.get('state')).toBe('IDP_INITIATED')
    const strategy = strategyForApp()
    const first = await finish(refused.social, strategy, callback.href)
    expect(first.done).toMatchObject({
      type: 'redirect',
      url: '/?error=ERR_AUTH_STATE_MISSING&backend=osso',
    })
    const allowed = await app({ SOCIAL_AUTH_OSSO_ALLOW_IDP_INITIATED: true })
    // Osso sends IdP-initiated logins to the client's primary redirect URI.
    const second = await finish(
      allowed.social,
      createTestStrategy({ host: 'localhost:8000' }),
      (await idpInitiated()).href,
    )
    expect(second.logins[0]?.social?.uid).toBe(SEED_USER_ID)
    // Nothing checked this login's tenant: none is recorded.
    const account = await allowed.storage.user.getSocialAuth('osso', SEED_USER_ID)
    expect(account?.extra_data.tenant).toBeNull()
  })

  it('refuses the same callback twice (the state is single-use even where Osso codes are not)', async () => {
    const { social } = await app()
    const strategy = strategyForApp()
    const browser = new FormBrowser()
    const page = await browser.go(
      await begin(social, strategy, { email: 'user@example.com' }),
      REDIRECT,
    )
    const callback = await throughIdp(browser, page, 'user@example.com')
    expect((await finish(social, strategy, callback)).logins).toHaveLength(1)
    const replay = await finish(social, strategy, callback)
    expect(replay.logins).toHaveLength(0)
    expect(replay.done.type === 'redirect' && replay.done.url).toMatch(
      /error=ERR_AUTH_STATE_(MISSING|FORBIDDEN)/,
    )
  })
})
