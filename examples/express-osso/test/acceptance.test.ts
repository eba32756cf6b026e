import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { SEED_USER_ID } from '@social-auth/osso-dev'
import { TestBrowser, findForm, parseForms } from '@social-auth/express/testing'
import {
  confirmUsername,
  json,
  passMockIdp,
  queueOssoLogin,
  signIn,
  startStack,
  submitEmail,
  type Stack,
} from './support.js'

let stack: Stack

beforeAll(async () => {
  stack = await startStack()
})
afterAll(async () => {
  await stack.close()
})

const sid = (browser: TestBrowser): string | undefined => browser.cookie(stack.appUrl, 'sid')

describe('the sign-in page', () => {
  it('has the Osso guide’s email form posting to /begin/osso with a CSRF token', async () => {
    const page = await new TestBrowser().get(`${stack.appUrl}/`)
    expect(page.status).toBe(200)
    const form = findForm(page.text, { id: 'sso-form' })
    expect(form).toMatchObject({ method: 'post', action: '/begin/osso' })
    expect(form.names).toEqual(expect.arrayContaining(['email', '_csrf']))
    // A masked token bound to the visitor's CSRF cookie: the page stores no session.
    expect(form.fields._csrf).toMatch(/^[A-Za-z0-9_-]{86}$/)
    expect(page.headers.get('set-cookie')).toMatch(/^sa_csrf=/)
    expect(page.text).toContain('<label for="email">Work email</label>')
    expect(page.text).not.toContain('Other ways to sign in')
  })

  it('serves /health and the stylesheet', async () => {
    const health = await fetch(`${stack.appUrl}/health`)
    expect(await health.json()).toEqual({ status: 'ok' })
    const css = await fetch(`${stack.appUrl}/style.css`)
    expect(css.headers.get('content-type')).toContain('text/css')
  })
})

describe('signing in with an email through Osso', () => {
  it('walks the email form, the IdP page and the username step to the profile JSON', async () => {
    const browser = new TestBrowser()
    const toOsso = await submitEmail(browser, stack.appUrl, 'user@example.com')
    const authorize = new URL(toOsso.location!)
    expect(authorize.origin).toBe(stack.ossoUrl)
    expect(authorize.pathname).toBe('/oauth/authorize')
    expect(authorize.searchParams.get('email')).toBe('user@example.com')
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${stack.appUrl}/complete/osso/`)
    const before = sid(browser)

    const back = await passMockIdp(browser, toOsso, 'user@example.com')
    expect(back.location).toMatch(new RegExp(`^${stack.appUrl}/complete/osso/\\?code=`))
    const paused = await browser.get(back.location!)
    expect(paused.location).toMatch(/\/confirm-username\?partial_token=[0-9a-f]{32}$/)
    const page = await browser.get(paused.location!)
    expect(page.text).toContain('value="user"')
    expect(page.text).toContain('<strong>user@example.com</strong>')

    const done = await confirmUsername(browser, stack.appUrl, paused, 'ada')
    expect(done.location).toBe(`${stack.appUrl}/profile`)
    expect(sid(browser)).not.toBe(before)

    const profile = await browser.get(`${stack.appUrl}/profile`, json)
    expect(profile.json()).toEqual({
      user: {
        id: expect.stringMatching(/^\d+$/),
        username: 'ada',
        email: 'user@example.com',
        first_name: expect.anything(),
        last_name: expect.anything(),
      },
      social: [{ provider: 'osso', uid: SEED_USER_ID }],
    })

    const html = await browser.get(`${stack.appUrl}/profile`)
    expect(html.text).toContain('<dd id="profile-email">user@example.com</dd>')
    expect(html.text).toMatch(/via 00u-user-example|via Okta|Last sign-in/)
    const disconnect = parseForms(html.text).find((form) =>
      form.action.startsWith('/disconnect/osso/'),
    )
    expect(disconnect?.fields._csrf).toBeDefined()
  })

  it('signs a returning user straight in, without the username step', async () => {
    const browser = new TestBrowser()
    const done = await signIn(browser, stack)
    expect(done.location).toBe(`${stack.appUrl}/profile`)
    const profile = await browser.get(`${stack.appUrl}/profile`, json)
    expect(profile.json<{ user: { username: string } }>().user.username).toBe('ada')
  })

  it('asks again when the chosen username is taken', async () => {
    const browser = new TestBrowser()
    await queueOssoLogin(stack.ossoUrl, 'grace@example.com')
    const toOsso = await submitEmail(browser, stack.appUrl, 'grace@example.com')
    const back = await browser.get(toOsso.location!)
    const paused = await browser.get(back.location!)
    const retry = await confirmUsername(browser, stack.appUrl, paused, 'ada')
    expect(retry.location).toMatch(/\/confirm-username\?partial_token=[0-9a-f]{32}&problem=taken$/)
    const page = await browser.get(retry.location!)
    expect(page.text).toContain('That username is taken')
    const done = await confirmUsername(browser, stack.appUrl, retry, 'grace')
    expect(done.location).toBe(`${stack.appUrl}/profile`)
  })

  it('ignores a next that points to a foreign host', async () => {
    const browser = new TestBrowser()
    await queueOssoLogin(stack.ossoUrl, 'user@example.com')
    const toOsso = await submitEmail(browser, stack.appUrl, 'user@example.com', {
      next: 'https://evil.example/',
    })
    const back = await browser.get(toOsso.location!)
    const done = await browser.get(back.location!)
    expect(done.location).toBe(`${stack.appUrl}/profile`)
  })

  it('keeps a local next', async () => {
    const browser = new TestBrowser()
    const login = await browser.get(`${stack.appUrl}/profile?tab=accounts`)
    expect(login.location).toBe(`${stack.appUrl}/?next=%2Fprofile%3Ftab%3Daccounts`)
    const page = await browser.get(login.location!)
    const form = findForm(page.text, { id: 'sso-form' })
    expect(form.fields.next).toBe('/profile?tab=accounts')
    await queueOssoLogin(stack.ossoUrl, 'user@example.com')
    const toOsso = await browser.post(`${stack.appUrl}/begin/osso`, {
      ...form.fields,
      email: 'user@example.com',
    })
    const back = await browser.get(toOsso.location!)
    const done = await browser.get(back.location!)
    expect(done.location).toBe(`${stack.appUrl}/profile?tab=accounts`)
  })
})

describe('CSRF', () => {
  it('refuses POST /begin/osso without the token and never reaches Osso', async () => {
    const browser = new TestBrowser()
    await browser.get(`${stack.appUrl}/`)
    const res = await browser.post(`${stack.appUrl}/begin/osso`, { email: 'user@example.com' })
    expect(res.location).toBe(`${stack.appUrl}/?error=ERR_REQUEST_FORBIDDEN&backend=osso`)
  })

  it('refuses POST /disconnect/osso without the token', async () => {
    const browser = new TestBrowser()
    await signIn(browser, stack)
    const res = await browser.post(`${stack.appUrl}/disconnect/osso/`, {})
    expect(res.location).toBe(`${stack.appUrl}/?error=ERR_REQUEST_FORBIDDEN&backend=osso`)
    const shown = await browser.follow(res)
    expect(shown.url).toBe(`${stack.appUrl}/profile?error=ERR_REQUEST_FORBIDDEN`)
  })

  it('renders an auto-submitting form for GET /begin/osso and starts nothing', async () => {
    const browser = new TestBrowser()
    const sessionsBefore = stack.osso.state.sessions.size
    const page = await browser.get(`${stack.appUrl}/begin/osso?email=user%40example.com`)
    expect(page.status).toBe(200)
    const form = findForm(page.text, { id: 'social-auth-autopost' })
    expect(form.fields).toMatchObject({ email: 'user@example.com' })
    expect(stack.osso.state.sessions.size).toBe(sessionsBefore)
    expect(page.text).not.toContain(stack.ossoUrl)
  })
})

describe('the profile page', () => {
  it('refuses to disconnect the only way to sign in, and says so', async () => {
    const browser = new TestBrowser()
    await signIn(browser, stack)
    const page = await browser.get(`${stack.appUrl}/profile`)
    const form = parseForms(page.text).find((f) => f.action.startsWith('/disconnect/osso/'))!
    const res = await browser.post(new URL(form.action, stack.appUrl).href, form.fields)
    const shown = await browser.follow(res)
    expect(shown.url).toBe(`${stack.appUrl}/profile?error=ERR_NOT_ALLOWED_TO_DISCONNECT`)
    expect(shown.text).toContain('This is your only way to sign in')
    const profile = await browser.get(`${stack.appUrl}/profile`, json)
    expect(profile.json<{ social: unknown[] }>().social).toHaveLength(1)
  })

  it('logs out, destroying the session', async () => {
    const browser = new TestBrowser()
    await signIn(browser, stack)
    const cookie = sid(browser)!
    const page = await browser.get(`${stack.appUrl}/profile`)
    const form = parseForms(page.text).find((f) => f.action === '/logout')!
    const out = await browser.post(`${stack.appUrl}/logout`, form.fields)
    expect(out.location).toBe(`${stack.appUrl}/`)
    expect(sid(browser)).toBeUndefined()
    const replay = new TestBrowser()
    replay.setCookie(stack.appUrl, 'sid', cookie)
    const after = await replay.get(`${stack.appUrl}/profile`, json)
    expect(after.status).toBe(401)
  })

  it('answers JSON 401 to an anonymous API call and redirects a browser to the sign-in page', async () => {
    const api = await new TestBrowser().get(`${stack.appUrl}/profile`, json)
    expect(api.status).toBe(401)
    expect(api.json()).toEqual({ error: 'ERR_LOGIN_REQUIRED', detail: expect.any(String) })
    const page = await new TestBrowser().get(`${stack.appUrl}/profile`)
    expect(page.location).toBe(`${stack.appUrl}/?next=%2Fprofile`)
  })
})
