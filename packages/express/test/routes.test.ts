import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { TestBrowser, findForm } from '../src/testing/index.js'
import { begin, login, queryOf, sessionIdOf, startTestApp, type TestApp } from './helpers.js'
import type { Request } from 'express'
import { redactedErrorLine } from '../src/error-mapping.js'

let app: TestApp

beforeAll(async () => {
  app = await startTestApp()
})
afterAll(async () => {
  await app.close()
})

describe('GET /begin/:backend', () => {
  it('renders an auto-submitting POST form that carries the CSRF token and the allowed fields', async () => {
    const browser = new TestBrowser()
    const res = await browser.get(
      `${app.url}/begin/dummy?email=a%40example.com&next=/after&evil=1`,
      {
        headers: { 'sec-fetch-site': 'same-origin' },
      },
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    const form = findForm(res.text, { id: 'social-auth-autopost' })
    expect(form.method).toBe('post')
    expect(form.action).toBe('/begin/dummy/')
    expect(form.fields).toEqual({
      email: 'a@example.com',
      next: '/after',
      _csrf: expect.any(String),
    })
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'nonce-[A-Za-z0-9]+'/)
    expect(res.text).toMatch(
      /<script nonce="[A-Za-z0-9]+">document.getElementById\('social-auth-autopost'\).submit\(\)<\/script>/,
    )
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('waits for a Continue press when another site sent the browser here (login and link CSRF)', async () => {
    const url = `${app.url}/begin/dummy?email=mallory%40example.com`
    const sameSite = { 'sec-fetch-site': 'same-site' }
    const fromElsewhere: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      sameSite,
      { referer: 'https://evil.example/' },
      {}, // no Fetch Metadata and no Referer: an old browser, or a stripped referrer
    ]
    for (const headers of fromElsewhere) {
      const browser = new TestBrowser()
      const res = await browser.get(url, { headers })
      expect(res.status).toBe(200)
      expect(res.text).not.toContain('<script')
      expect(res.text).toContain('<button type="submit">Continue</button>')
      // Pressing it is the person's choice, and then works as the automatic page would.
      const form = findForm(res.text, { id: 'social-auth-autopost' })
      const posted = await browser.post(new URL(form.action, app.url).href, form.fields)
      expect(posted.location).toMatch(/^https:\/\/dummy\.example\/oauth\/authorize\?/)
    }
    // This site's own pages (by Fetch Metadata or Referer) and a typed URL submit by themselves.
    const fromHere: Record<string, string>[] = [
      { 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' },
      { referer: `${app.url}/signin` },
    ]
    for (const headers of fromHere) {
      const res = await new TestBrowser().get(url, { headers })
      expect(res.text).toContain("document.getElementById('social-auth-autopost').submit()")
    }
  })

  it('changes nothing: no login is started and the provider is not contacted', async () => {
    const browser = new TestBrowser()
    const res = await browser.get(`${app.url}/begin/dummy`)
    expect(res.location).toBeUndefined()
    // The page posts its form; only that POST starts a login, whose state then finishes it.
    const form = findForm(res.text, { id: 'social-auth-autopost' })
    const posted = await browser.post(new URL(form.action, app.url).href, form.fields)
    expect(posted.location).toMatch(/^https:\/\/dummy\.example\/oauth\/authorize\?/)
  })

  it('answers the /login alias and URLs without the trailing slash the same way', async () => {
    const browser = new TestBrowser()
    for (const path of ['/login/dummy', '/login/dummy/', '/begin/dummy', '/begin/dummy/']) {
      const res = await browser.get(`${app.url}${path}`)
      expect(res.status).toBe(200)
      expect(findForm(res.text, { id: 'social-auth-autopost' }).action).toBe('/begin/dummy/')
    }
  })

  it('answers 404 for an unknown backend, as Django does for /login/blabla/ (PSA behaviour 4)', async () => {
    const res = await new TestBrowser().get(`${app.url}/begin/nope/`)
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.text).toContain('<code>ERR_MISSING_BACKEND</code> (HTTP 404)')
  })
})

describe('an unknown backend', () => {
  it('answers 404 on every route, with the code, before any CSRF check or sign-in', async () => {
    const browser = new TestBrowser()
    const csrf = (await browser.get(`${app.url}/csrf`)).text
    const answers = [
      await browser.get(`${app.url}/login/nope`),
      await browser.post(`${app.url}/begin/nope/`, { _csrf: csrf }),
      await browser.post(`${app.url}/begin/nope/`, {}),
      await browser.get(`${app.url}/complete/nope/?code=x&state=y`),
      await browser.post(`${app.url}/complete/nope/`, { code: 'x', state: 'y' }),
      await browser.post(`${app.url}/resume/nope/`, { _csrf: csrf, partial_token: 'x' }),
      await browser.post(`${app.url}/disconnect/nope/`, { _csrf: csrf }),
      await browser.post(`${app.url}/disconnect/nope/1/`, { _csrf: csrf }),
    ]
    expect(answers.map((res) => res.status)).toEqual(answers.map(() => 404))
    for (const res of answers) expect(res.text).toContain('ERR_MISSING_BACKEND')
  })

  it('answers JSON clients 404 with the code', async () => {
    const res = await new TestBrowser().get(`${app.url}/complete/nope/?code=x&state=y`, {
      headers: { accept: 'application/json' },
    })
    expect(res.status).toBe(404)
    expect(res.json()).toEqual({
      error: 'ERR_MISSING_BACKEND',
      detail: 'Missing backend "nope" entry',
    })
  })
})

describe('POST /begin/:backend', () => {
  it('refuses a POST without the visitor’s CSRF token and starts no login', async () => {
    const browser = new TestBrowser()
    await browser.get(`${app.url}/csrf`)
    const res = await browser.post(`${app.url}/begin/dummy/`, { email: 'a@example.com' })
    expect(res.status).toBe(302)
    expect(res.location).toBe(`${app.url}/login-error?error=ERR_REQUEST_FORBIDDEN&backend=dummy`)
    const wrong = await browser.post(`${app.url}/begin/dummy/`, { _csrf: 'not-the-token' })
    expect(queryOf(wrong).error).toBe('ERR_REQUEST_FORBIDDEN')
  })

  it('refuses a token taken from another session', async () => {
    const other = new TestBrowser()
    const token = (await other.get(`${app.url}/csrf`)).text
    const browser = new TestBrowser()
    await browser.get(`${app.url}/csrf`)
    const res = await browser.post(`${app.url}/begin/dummy/`, { _csrf: token })
    expect(queryOf(res).error).toBe('ERR_REQUEST_FORBIDDEN')
  })

  it('refuses a token whose CSRF cookie is missing, planted or malformed, and the bare secret', async () => {
    const browser = new TestBrowser()
    const token = (await browser.get(`${app.url}/csrf`)).text
    const secret = browser.cookies('127.0.0.1').get('sa_csrf')!.value
    const post = (cookie: string | undefined, csrf = token, headers: Record<string, string> = {}) =>
      fetch(`${app.url}/begin/dummy/`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(cookie === undefined ? {} : { cookie }),
          ...headers,
        },
        body: new URLSearchParams({ _csrf: csrf }).toString(),
      })
    const refused = (res: Response): string | null =>
      new URL(res.headers.get('location') ?? 'http://x/', app.url).searchParams.get('error')
    expect((await post(`sa_csrf=${secret}`)).headers.get('location')).toMatch(/^https:\/\/dummy/)
    expect(refused(await post(undefined))).toBe('ERR_REQUEST_FORBIDDEN')
    // Another well-formed secret (one an attacker planted) does not unmask this token.
    const planted = Buffer.alloc(32, 7).toString('base64url')
    expect(refused(await post(`sa_csrf=${planted}`))).toBe('ERR_REQUEST_FORBIDDEN')
    expect(refused(await post(`sa_csrf=${secret}x`))).toBe('ERR_REQUEST_FORBIDDEN')
    // One character changed mid-token (the last one also carries padding bits).
    const tampered = `${token.slice(0, 50)}${token[50] === 'A' ? 'B' : 'A'}${token.slice(51)}`
    expect(refused(await post(`sa_csrf=${secret}`, tampered))).toBe('ERR_REQUEST_FORBIDDEN')
    // The secret itself is not a token: a page that leaks its cookie value forges nothing.
    expect(refused(await post(`sa_csrf=${secret}`, secret))).toBe('ERR_REQUEST_FORBIDDEN')
  })

  it('accepts the token in the X-CSRF-Token header and answers JSON errors to JSON clients', async () => {
    const browser = new TestBrowser()
    const token = (await browser.get(`${app.url}/csrf`)).text
    const ok = await browser.post(
      `${app.url}/begin/dummy/`,
      {},
      { headers: { 'x-csrf-token': token } },
    )
    expect(ok.location).toMatch(/^https:\/\/dummy\.example\//)
    const refused = await browser.post(
      `${app.url}/begin/dummy/`,
      {},
      { headers: { accept: 'application/json' } },
    )
    expect(refused.status).toBe(403)
    expect(refused.json()).toEqual({ error: 'ERR_REQUEST_FORBIDDEN', detail: expect.any(String) })
  })

  it('redirects to the provider with the redirect URI of the complete route', async () => {
    const browser = new TestBrowser()
    const res = await begin(browser, app, { next: '/after' })
    const url = new URL(res.location!)
    expect(url.searchParams.get('redirect_uri')).toBe(`${app.url}/complete/dummy/`)
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9]{32}$/)
  })

  it('answers 4xx, never 500, to a malformed or oversized form', async () => {
    const browser = new TestBrowser()
    await browser.get(`${app.url}/csrf`)
    const bad = await browser.get(`${app.url}/begin/%E0%A4%A/`)
    expect(bad.status).toBeLessThan(500)
    const json = await fetch(`${app.url}/begin/dummy/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{"email":',
    })
    expect(json.status).toBe(400)
    expect(await json.json()).toEqual({
      error: 'ERR_REQUEST_FORBIDDEN',
      detail: expect.any(String),
    })
    const huge = await browser.post(`${app.url}/begin/dummy/`, { email: 'x'.repeat(100_000) })
    expect(huge.status).toBe(302)
    expect(queryOf(huge).error).toBe('ERR_REQUEST_FORBIDDEN')
    const nested = await browser.post(`${app.url}/begin/dummy/?next[a]=1`, { 'next[b]': '2' })
    expect(nested.status).toBe(302)
  })
})

describe('GET /complete/:backend', () => {
  it('logs the user in with a new session id and redirects to LOGIN_REDIRECT_URL', async () => {
    const browser = new TestBrowser()
    const started = await begin(browser, app)
    const before = sessionIdOf(browser, app.url)
    expect(before).toBeDefined()
    const state = new URL(started.location!).searchParams.get('state')!
    const done = await browser.get(`${app.url}/complete/dummy/?code=grace&state=${state}`)
    expect(done.status).toBe(302)
    expect(done.location).toBe(`${app.url}/done`)
    const after = sessionIdOf(browser, app.url)
    expect(after).toBeDefined()
    expect(after).not.toBe(before)
    const me = await browser.get(`${app.url}/me`, { headers: { accept: 'application/json' } })
    expect(me.json<{ user: { username: string; email: string } }>().user).toMatchObject({
      username: 'grace',
      email: 'grace@example.com',
    })
  })

  it('keeps a safe next and ignores a next pointing to a foreign host', async () => {
    const safe = await login(new TestBrowser(), app, 'nexter', { next: '/after?x=1' })
    expect(safe.location).toBe(`${app.url}/after?x=1`)
    for (const next of [
      'https://evil.example/steal',
      '//evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      const res = await login(new TestBrowser(), app, 'nexter', { next })
      expect(res.location).toBe(`${app.url}/done`)
    }
  })

  it('refuses a missing, foreign or reused state on the error URL', async () => {
    const browser = new TestBrowser()
    const missing = await browser.get(`${app.url}/complete/dummy/?code=x`)
    expect(queryOf(missing)).toEqual({ error: 'ERR_AUTH_MISSING_PARAMETER', backend: 'dummy' })
    const started = await begin(browser, app)
    const state = new URL(started.location!).searchParams.get('state')!
    const foreign = await new TestBrowser().get(`${app.url}/complete/dummy/?code=x&state=${state}`)
    expect(queryOf(foreign).error).toBe('ERR_AUTH_STATE_FORBIDDEN')
    const ok = await browser.get(`${app.url}/complete/dummy/?code=reuse&state=${state}`)
    expect(ok.location).toBe(`${app.url}/done`)
    const reused = await browser.get(`${app.url}/complete/dummy/?code=reuse&state=${state}`)
    expect(queryOf(reused).error).toBe('ERR_AUTH_STATE_FORBIDDEN')
  })

  it('maps a provider error to the error URL without the provider’s text', async () => {
    const res = await new TestBrowser().get(
      `${app.url}/complete/dummy/?error=access_denied&error_description=%3Cscript%3E`,
    )
    expect(res.location).toBe(`${app.url}/login-error?error=ERR_AUTH_CANCELED&backend=dummy`)
    const json = await new TestBrowser().get(
      `${app.url}/complete/dummy/?error=access_denied&error_description=%3Cscript%3E`,
      {
        headers: { accept: 'application/json' },
      },
    )
    expect(json.status).toBe(401)
    expect(json.json()).toEqual({
      error: 'ERR_AUTH_CANCELED',
      detail: 'The provider did not complete the sign-in (access_denied).',
    })
  })

  it('re-posts a cross-site form_post that arrived without the session cookie, then completes it', async () => {
    const browser = new TestBrowser()
    const started = await begin(browser, app)
    const state = new URL(started.location!).searchParams.get('state')!
    // The provider's page posts cross-site: SameSite=Lax keeps our cookie out of that POST.
    const relay = await fetch(`${app.url}/complete/dummy/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: 'poster', state }).toString(),
    })
    expect(relay.status).toBe(200)
    const form = findForm(await relay.text(), { id: 'social-auth-autopost' })
    expect(form.fields).toMatchObject({ code: 'poster', state, _social_auth_relay: '1' })
    const done = await browser.post(new URL(form.action, app.url).href, form.fields)
    expect(done.location).toBe(`${app.url}/done`)
    // Without a session even after the relay, the login fails cleanly rather than relaying again.
    const again = await new TestBrowser().post(`${app.url}/complete/dummy/`, form.fields)
    expect(again.status).toBe(302)
    expect(queryOf(again).error).toMatch(/^ERR_AUTH_STATE_/)
  })
})

describe('loginRequired and logout', () => {
  it('sends an anonymous browser to LOGIN_URL with next, and answers JSON 401 to API calls', async () => {
    const page = await new TestBrowser().get(`${app.url}/me?tab=1`)
    expect(page.location).toBe(`${app.url}/login?next=%2Fme%3Ftab%3D1`)
    const api = await new TestBrowser().get(`${app.url}/me`, {
      headers: { accept: 'application/json' },
    })
    expect(api.status).toBe(401)
    expect(api.json()).toEqual({ error: 'ERR_LOGIN_REQUIRED', detail: 'You must be logged in' })
  })

  it('destroys the session server-side at logout, so the old cookie no longer logs in', async () => {
    const browser = new TestBrowser()
    await login(browser, app, 'leaver')
    const cookie = browser.cookie(app.url, 'sid')!
    const refused = await browser.post(`${app.url}/logout`, {})
    expect(queryOf(refused).error).toBe('ERR_REQUEST_FORBIDDEN')
    const token = (await browser.get(`${app.url}/csrf`)).text
    const out = await browser.post(`${app.url}/logout`, { _csrf: token })
    expect(out.status).toBe(303)
    expect(browser.cookie(app.url, 'sid')).toBeUndefined()
    const replay = new TestBrowser()
    replay.setCookie(app.url, 'sid', cookie)
    const me = await replay.get(`${app.url}/me`, { headers: { accept: 'application/json' } })
    expect(me.status).toBe(401)
  })

  it('logs out a user who was deactivated since logging in', async () => {
    const browser = new TestBrowser()
    await login(browser, app, 'sleeper')
    const me = await browser.get(`${app.url}/me`, { headers: { accept: 'application/json' } })
    const user = me.json<{ user: { id: number } }>().user
    const stored = await app.storage.user.getUser(user.id)
    await app.storage.user.updateUser(stored!, { is_active: false })
    const after = await browser.get(`${app.url}/me`, { headers: { accept: 'application/json' } })
    expect(after.status).toBe(401)
  })
})

describe('session cookies', () => {
  it('are HttpOnly and SameSite=Lax, and not Secure over plain http', async () => {
    const browser = new TestBrowser()
    await begin(browser, app)
    for (const name of ['sid', 'sa_csrf']) {
      const cookie = browser.cookies('127.0.0.1').get(name)!
      expect(cookie.httpOnly).toBe(true)
      expect(cookie.sameSite).toBe('Lax')
      expect(cookie.secure).toBe(false)
    }
  })

  it('are not set by a sign-in form: its CSRF token lives in a cookie until a login starts', async () => {
    const browser = new TestBrowser()
    const first = (await browser.get(`${app.url}/csrf`)).text
    expect(browser.cookies('127.0.0.1').has('sid')).toBe(false)
    const secret = browser.cookies('127.0.0.1').get('sa_csrf')!.value
    // Each form gets a freshly masked token (BREACH); the secret behind them stays.
    const second = (await browser.get(`${app.url}/csrf`)).text
    expect(second).not.toBe(first)
    expect(browser.cookies('127.0.0.1').get('sa_csrf')!.value).toBe(secret)
    const started = await browser.post(`${app.url}/begin/dummy/`, { _csrf: first })
    expect(started.location).toMatch(/^https:\/\/dummy\.example\/oauth\/authorize\?/)
    expect(browser.cookies('127.0.0.1').has('sid')).toBe(true)
  })
})

describe('unexpected errors', () => {
  it('answer a bare 500 without the message or a stack, and log a redacted line', async () => {
    const res = await new TestBrowser().get(`${app.url}/boom?code=secret-code-value-1234567890`)
    expect(res.status).toBe(500)
    expect(res.text).not.toMatch(/hunter2|at .*\.ts|Error:/)
    // The app's own route failed, not a sign-in: the page says nothing about signing in.
    expect(res.text).toContain('<h1>Something went wrong</h1>')
    expect(res.text).not.toContain('Sign-in')
    const line = app.logged.at(-1)!
    expect(line).toContain('GET /boom failed: Error')
    expect(line).not.toMatch(/hunter2hunter2|code=abc|secret-code-value/)
  })

  it('log a database error by its reason first, though knex puts a long statement before it', () => {
    const sql = `select ${Array.from({ length: 40 }, (_, i) => `\`u\`.\`c${i}\``).join(', ')} from \`t\``
    const err = Object.assign(new Error(`${sql} - no such table: social_auth_usersocialauth`), {
      name: 'SqliteError',
      code: 'SQLITE_ERROR',
    })
    const line = redactedErrorLine(err, { method: 'GET', path: '/complete/osso/' } as Request)
    expect(line).toMatch(
      /^social-auth: GET \/complete\/osso\/ failed: SqliteError SQLITE_ERROR: no such table: social_auth_usersocialauth \(in: select /,
    )
  })
})
