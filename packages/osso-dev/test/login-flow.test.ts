import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { SEED_IDP_IDS, SEED_USER_ID } from '../src/index.js'
import {
  Browser,
  DEMO,
  authorizePath,
  browserLogin,
  callbackParams,
  findForm,
  meFor,
  ossoErrorOf,
  start,
} from './helpers.js'
import type { Running } from './helpers.js'

let server: Running

beforeAll(async () => {
  server = await start()
})

beforeEach(() => {
  server.osso.state.reset()
})

afterAll(async () => {
  await server.close()
})

describe('the mock IdP page', () => {
  it('shows the IdP, its existing users, a free-form login and failure simulations', async () => {
    const res = await fetch(`${server.url}/auth/saml/${SEED_IDP_IDS.example}`, { method: 'POST' })
    const body = await res.text()
    expect(res.status).toBe(200)
    expect(body).toContain('<h1>Osso dev IdP — Okta for example.com (client Demo Production)</h1>')
    const known = findForm(body, { action: `/auth/saml/${SEED_IDP_IDS.example}/callback` })
    expect(known.fields).toEqual({ email: 'user@example.com', idp_id: '00u-user-example' })
    expect(body).toContain('data-email="user@example.com">Sign in as user@example.com</button>')
    const form = findForm(body, { id: 'mock-idp-form' })
    expect(form).toMatchObject({
      method: 'post',
      action: `/auth/saml/${SEED_IDP_IDS.example}/callback`,
    })
    expect(body).toMatch(/<input id="mock-idp-email" type="email" name="email" required/)
    expect(body).toContain('name="idp_id"')
    expect(body).toContain('name="password"')
    expect(body).toContain('<input id="hosted-login-button" type="submit" value="Sign in">')
    for (const value of ['missing_email', 'missing_id', 'saml_error']) {
      expect(body).toContain(`name="simulate" value="${value}"`)
    }
  })

  it('is also served on GET for convenience', async () => {
    const res = await fetch(`${server.url}/auth/saml/${SEED_IDP_IDS.multiAzure}`)
    expect(await res.text()).toContain('Osso dev IdP — Azure for multi-idp.test')
  })

  it('answers an unknown or PENDING IdP with the SamlConfigError page', async () => {
    for (const id of ['no-such-idp', SEED_IDP_IDS.pending]) {
      const res = await fetch(`${server.url}/auth/saml/${id}`, { method: 'POST' })
      expect(res.status).toBe(200)
      expect(ossoErrorOf(res)).toBe('SamlConfigError')
      expect(await res.text()).toContain(
        '<p>Something went wrong with your SAML configuration.</p>',
      )
    }
  })
})

describe('an SP-initiated login through the HTML pages', () => {
  it('redirects 303 to the redirect URI with a 64-hex code and the same state, and the code yields the user', async () => {
    const res = await browserLogin(
      server.url,
      { email: 'user@example.com', state: 'st-1' },
      'user@example.com',
    )
    expect(res.status).toBe(303)
    const { url, code, state } = callbackParams(res)
    expect(`${url.origin}${url.pathname}`).toBe(DEMO.redirectUri)
    expect(code).toMatch(/^[0-9a-f]{64}$/)
    expect(state).toBe('st-1')
    expect(await meFor(server.url, code)).toEqual({
      email: 'user@example.com',
      id: SEED_USER_ID,
      idp: 'Okta',
      requested: { email: 'user@example.com', domain: null },
    })
  })

  it('reports the requested domain, and only it, for a domain login', async () => {
    const res = await browserLogin(
      server.url,
      { domain: 'example.com', state: 's' },
      'user@example.com',
    )
    const me = await meFor(server.url, callbackParams(res).code)
    expect(me['requested']).toEqual({ email: null, domain: 'example.com' })
    expect(Object.keys(me)).toEqual(['email', 'id', 'idp', 'requested'])
  })

  it('completes from the hosted login page with the typed email, requested domain null', async () => {
    const browser = new Browser(server.url)
    const hosted = await browser.get(authorizePath({ state: 'h' }))
    const step = await browser.submit(
      await hosted.text(),
      { id: 'hosted-login-form' },
      { email: 'user@example.com' },
    )
    const idp = await browser.submit(await step.text(), { id: 'saml-login-form' })
    const res = await browser.submit(await idp.text(), {
      action: `/auth/saml/${SEED_IDP_IDS.example}/callback`,
    })
    const { code, state } = callbackParams(res)
    expect(state).toBe('h')
    expect(await meFor(server.url, code)).toMatchObject({
      id: SEED_USER_ID,
      requested: { email: 'user@example.com', domain: null },
    })
  })

  it('creates a new user with a stable id on first login and finds the same one next time', async () => {
    const first = await browserLogin(
      server.url,
      { email: 'new@example.com', state: 'a' },
      'new@example.com',
    )
    const me1 = await meFor(server.url, callbackParams(first).code)
    const second = await browserLogin(
      server.url,
      { email: 'new@example.com', state: 'b' },
      'new@example.com',
    )
    const me2 = await meFor(server.url, callbackParams(second).code)
    expect(me1['id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(me2['id']).toBe(me1['id'])
    expect(server.osso.state.users.filter((u) => u.email === 'new@example.com')).toHaveLength(1)
  })

  it('reports the email the IdP asserted even when another one was requested', async () => {
    const res = await browserLogin(server.url, { email: 'asked@example.com' }, 'other@example.com')
    expect(await meFor(server.url, callbackParams(res).code)).toMatchObject({
      email: 'other@example.com',
      requested: { email: 'asked@example.com', domain: null },
    })
  })

  it('round-trips an email containing + when it is percent-encoded', async () => {
    const res = await browserLogin(
      server.url,
      { email: 'jane+sso@example.com', state: 'p' },
      'jane+sso@example.com',
    )
    expect(await meFor(server.url, callbackParams(res).code)).toMatchObject({
      email: 'jane+sso@example.com',
      requested: { email: 'jane+sso@example.com', domain: null },
    })
  })

  it('lets the picker choose an IdP, then skips the picker for that user next time', async () => {
    const browser = new Browser(server.url)
    const picker = await browser.get(authorizePath({ email: 'pat@multi-idp.test', state: 'm1' }))
    const idp = await browser.submit(await picker.text(), {
      action: `/auth/saml/${SEED_IDP_IDS.multiAzure}`,
    })
    const res = await browser.submit(
      await idp.text(),
      { id: 'mock-idp-form' },
      { email: 'pat@multi-idp.test' },
    )
    const me = await meFor(server.url, callbackParams(res).code)
    expect(me['idp']).toBe('Azure')
    expect(server.osso.state.providers.get(SEED_IDP_IDS.multiAzure)?.status).toBe('ACTIVE')

    const again = await browser.get(authorizePath({ email: 'pat@multi-idp.test', state: 'm2' }))
    const page = await again.text()
    expect(page).not.toContain('Please select your Identity Provider')
    expect(findForm(page, { id: 'saml-login-form' }).action).toBe(
      `/auth/saml/${SEED_IDP_IDS.multiAzure}`,
    )
  })

  it('always shows the picker for a domain login, even for a known user', async () => {
    const azure = server.osso.state.providers.get(SEED_IDP_IDS.multiAzure)
    if (azure === undefined) throw new Error('seed changed')
    server.osso.state.upsertUser(azure, 'pat@multi-idp.test', 'pat-1', false)
    const res = await fetch(`${server.url}${authorizePath({ domain: 'multi-idp.test' })}`)
    expect(await res.text()).toContain('Please select your Identity Provider')
  })

  it('appends the state raw in osso-0.1.2 mode, as Osso concatenates it', async () => {
    const res = await browserLogin(
      server.url,
      { email: 'user@example.com', state: 'a&b=c d' },
      'user@example.com',
    )
    expect(res.headers.get('location')).toMatch(
      /^http:\/\/localhost:3000\/complete\/osso\/\?code=[0-9a-f]{64}&state=a&b=c%20d$/,
    )
  })

  it('sends an empty state when the app sent none', async () => {
    const res = await browserLogin(server.url, { email: 'user@example.com' }, 'user@example.com')
    expect(res.headers.get('location')).toMatch(/&state=$/)
  })

  it('reproduces the stale-session quirk: a later IdP-initiated login goes to the old URI with an empty state', async () => {
    const browser = new Browser(server.url)
    await browserLogin(
      server.url,
      { email: 'user@example.com', state: 'one' },
      'user@example.com',
      browser,
    )
    const res = await browser.postForm(`/auth/saml/${SEED_IDP_IDS.example}/callback`, {
      email: 'user@example.com',
    })
    const { url, code, state } = callbackParams(res)
    expect(`${url.origin}${url.pathname}`).toBe(DEMO.redirectUri)
    expect(state).toBe('')
    expect((await meFor(server.url, code))['requested']).toBeNull()
  })
})

describe('the SAML callback', () => {
  const callback = `/auth/saml/${SEED_IDP_IDS.example}/callback`

  it.each([
    [
      'missing_email',
      'MissingSamlEmailAttributeError',
      'SAML response does not include the attribute `email`.',
    ],
    [
      'missing_id',
      'MissingSamlIdAttributeError',
      'SAML response does not include the attribute `id` or `idp_id`.Review',
    ],
    ['saml_error', 'SamlConfigError', 'Something went wrong with your SAML configuration.'],
  ])('renders simulate=%s as the %s page without issuing a code', async (simulate, error, text) => {
    const browser = new Browser(server.url)
    const idp = await browser.get(`/auth/saml/${SEED_IDP_IDS.example}`)
    const res = await browser.submit(await idp.text(), { id: 'mock-idp-simulate' }, { simulate })
    expect(res.status).toBe(200)
    expect(ossoErrorOf(res)).toBe(error)
    expect(await res.text()).toContain(text)
    expect(server.osso.state.codes.size).toBe(0)
  })

  it('checks the id attribute before the email, as Osso does', async () => {
    const browser = new Browser(server.url)
    const res = await browser.postForm(callback, { email: '', idp_id: '' })
    expect(ossoErrorOf(res)).toBe('MissingSamlIdAttributeError')
    const withId = await browser.postForm(callback, { idp_id: 'x' })
    expect(ossoErrorOf(withId)).toBe('MissingSamlEmailAttributeError')
  })

  it('answers an unknown IdP id with the InvalidACSURLError page', async () => {
    const res = await new Browser(server.url).postForm('/auth/saml/nope/callback', {
      email: 'a@b.test',
    })
    expect(ossoErrorOf(res)).toBe('InvalidACSURLError')
    expect(await res.text()).toContain(
      'The ACS URL specfied in your Identity Provider configuration is malformed.',
    )
  })

  it('treats a callback without session as IdP-initiated: primary URI, IDP_INITIATED, requested null', async () => {
    const res = await new Browser(server.url).postForm(callback, { email: 'user@example.com' })
    expect(res.status).toBe(303)
    const { url, code, state } = callbackParams(res)
    expect(url.href.startsWith('http://localhost:8000/complete/osso/?code=')).toBe(true)
    expect(state).toBe('IDP_INITIATED')
    const token = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://localhost:8000/complete/osso/',
        client_id: DEMO.clientId,
        client_secret: DEMO.clientSecret,
      }),
    })
    const { access_token } = (await token.json()) as { access_token: string }
    const me = await fetch(`${server.url}/oauth/me?access_token=${access_token}`)
    expect(((await me.json()) as Record<string, unknown>)['requested']).toBeNull()
  })

  it('renders GET /auth/failure as the SamlConfigError page', async () => {
    const res = await fetch(`${server.url}/auth/failure`)
    expect(ossoErrorOf(res)).toBe('SamlConfigError')
  })

  it('rejects the SAML step without the session token when CSRF checking is on', async () => {
    const csrf = await start({ csrf: true })
    try {
      const browser = new Browser(csrf.url)
      const step = await browser.get(authorizePath({ email: 'user@example.com' }))
      const page = await step.text()
      const forged = await browser.postForm(`/auth/saml/${SEED_IDP_IDS.example}`, {
        authenticity_token: 'x',
      })
      expect(ossoErrorOf(forged)).toBe('SamlConfigError')
      const ok = await browser.submit(page, { id: 'saml-login-form' })
      expect(ossoErrorOf(ok)).toBeNull()
      expect(await ok.text()).toContain('mock-idp-form')
    } finally {
      await csrf.close()
    }
  })
})
