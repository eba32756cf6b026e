import { describe, expect, it } from '@jest/globals'
import { partialStep, redirect, type PipelineContext } from '@social-auth/core'
import { TestBrowser } from '../src/testing/index.js'
import { login, queryOf, startTestApp } from './helpers.js'

const csrf = async (browser: TestBrowser, url: string): Promise<string> =>
  (await browser.get(`${url}/csrf`)).text

describe('POST /disconnect/:backend[/:associationId]', () => {
  it('refuses a disconnect without the CSRF token', async () => {
    const app = await startTestApp()
    try {
      const browser = new TestBrowser()
      await login(browser, app, 'keeper')
      const res = await browser.post(`${app.url}/disconnect/dummy/`, {})
      expect(queryOf(res)).toEqual({ error: 'ERR_REQUEST_FORBIDDEN', backend: 'dummy' })
    } finally {
      await app.close()
    }
  })

  it('refuses a signed-in session a token bound to a CSRF cookie (a planted cookie acts for nobody)', async () => {
    const app = await startTestApp()
    try {
      // The attacker's own cookie secret and a token made for it.
      const attacker = new TestBrowser()
      const token = await csrf(attacker, app.url)
      const secret = attacker.cookies('127.0.0.1').get('sa_csrf')!.value
      const browser = new TestBrowser()
      await login(browser, app, 'first')
      await login(browser, app, 'second')
      browser.setCookie(app.url, 'sa_csrf', secret)
      const res = await browser.post(`${app.url}/disconnect/dummy/`, { _csrf: token })
      expect(queryOf(res)).toEqual({ error: 'ERR_REQUEST_FORBIDDEN', backend: 'dummy' })
    } finally {
      await app.close()
    }
  })

  it('refuses to remove the only way to log in, and removes one of two', async () => {
    const app = await startTestApp()
    try {
      const browser = new TestBrowser()
      await login(browser, app, 'first')
      const only = await browser.post(`${app.url}/disconnect/dummy/`, {
        _csrf: await csrf(browser, app.url),
      })
      expect(queryOf(only)).toEqual({ error: 'ERR_NOT_ALLOWED_TO_DISCONNECT', backend: 'dummy' })
      // Logged in, a second login links another account to the same user.
      await login(browser, app, 'second')
      const me = await browser.get(`${app.url}/me`, { headers: { accept: 'application/json' } })
      const user = me.json<{ user: { id: number } }>().user
      const accounts = await app.storage.user.getSocialAuthForUser(
        (await app.storage.user.getUser(user.id))!,
      )
      expect(accounts.map((a) => a.uid).sort()).toEqual(['first', 'second'])
      const target = accounts.find((a) => a.uid === 'second')!
      const removed = await browser.post(`${app.url}/disconnect/dummy/${target.id}/`, {
        _csrf: await csrf(browser, app.url),
        next: '/profile',
      })
      expect(removed.location).toBe(`${app.url}/profile`)
      const left = await app.storage.user.getSocialAuthForUser(
        (await app.storage.user.getUser(user.id))!,
      )
      expect(left.map((a) => a.uid)).toEqual(['first'])
    } finally {
      await app.close()
    }
  })

  it('answers an anonymous or malformed disconnect with a coded error, never a 500', async () => {
    const app = await startTestApp()
    try {
      const browser = new TestBrowser()
      const anonymous = await browser.post(`${app.url}/disconnect/dummy/`, {
        _csrf: await csrf(browser, app.url),
      })
      expect(queryOf(anonymous).error).toBe('ERR_LOGIN_REQUIRED')
      await login(browser, app, 'odd')
      const odd = await browser.post(`${app.url}/disconnect/dummy/1%27%20or%201=1/`, {
        _csrf: await csrf(browser, app.url),
      })
      expect(queryOf(odd).error).toBe('ERR_REQUEST_FORBIDDEN')
      const json = await browser.post(
        `${app.url}/disconnect/dummy/`,
        { _csrf: await csrf(browser, app.url) },
        { headers: { accept: 'application/json' } },
      )
      expect(json.status).toBe(409)
      expect(json.json()).toEqual({
        error: 'ERR_NOT_ALLOWED_TO_DISCONNECT',
        detail: expect.any(String),
      })
    } finally {
      await app.close()
    }
  })
})

describe('POST /resume/:backend', () => {
  const chooseUsername = partialStep<PipelineContext>(async (ctx) => {
    if (ctx.user) return undefined
    const chosen = ctx.request.username
    if (chosen) return { username: chosen }
    return redirect(`/choose-username?partial_token=${ctx.current_partial!.token}`)
  })
  const pipeline = [
    'social_details',
    'social_uid',
    'auth_allowed',
    'social_user',
    'get_username',
    chooseUsername,
    'create_user',
    'associate_user',
    'load_extra_data',
    'user_details',
  ]

  it('resumes a paused pipeline with the CSRF-checked form and logs the user in', async () => {
    const app = await startTestApp({ settings: { SOCIAL_AUTH_PIPELINE: pipeline } })
    try {
      const browser = new TestBrowser()
      const paused = await login(browser, app, 'pauser')
      expect(paused.location).toMatch(
        new RegExp(`^${app.url}/choose-username\\?partial_token=[0-9a-f]{32}$`),
      )
      const token = new URL(paused.location!).searchParams.get('partial_token')!
      const refused = await browser.post(`${app.url}/resume/dummy/`, {
        partial_token: token,
        username: 'chosen',
      })
      expect(queryOf(refused).error).toBe('ERR_REQUEST_FORBIDDEN')
      const stranger = new TestBrowser()
      const stolen = await stranger.post(`${app.url}/resume/dummy/`, {
        _csrf: await csrf(stranger, app.url),
        partial_token: token,
        username: 'thief',
      })
      expect(queryOf(stolen).error).toBe('ERR_AUTH_PARTIAL_REFUSED')
      const done = await browser.post(`${app.url}/resume/dummy/`, {
        _csrf: await csrf(browser, app.url),
        partial_token: token,
        username: 'chosen',
      })
      expect(done.location).toBe(`${app.url}/done`)
      const me = await browser.get(`${app.url}/me`, { headers: { accept: 'application/json' } })
      expect(me.json<{ user: { username: string } }>().user.username).toBe('chosen')
    } finally {
      await app.close()
    }
  })
  it('does not let a link or another site’s form answer the paused step through /complete', async () => {
    const app = await startTestApp({ settings: { SOCIAL_AUTH_PIPELINE: pipeline } })
    try {
      const browser = new TestBrowser()
      const paused = await login(browser, app, 'victim')
      const token = new URL(paused.location!).searchParams.get('partial_token')!
      // A link (a top-level GET, which carries the Lax cookie) with the step's input.
      // It resumes without the input: the step shows its page again, under a new token. A
      // link opened from a mail or chat app (Fetch Metadata `none`) is no better.
      let current = token
      for (const site of ['cross-site', 'none']) {
        const linked = await browser.get(
          `${app.url}/complete/dummy/?partial_token=${current}&username=ceo`,
          { headers: { 'sec-fetch-site': site } },
        )
        expect(linked.location).toMatch(
          new RegExp(`^${app.url}/choose-username\\?partial_token=[0-9a-f]{32}$`),
        )
        current = new URL(linked.location!).searchParams.get('partial_token')!
      }
      // A cross-site POST arrives without the cookie; unless it is a provider's answer (state
      // with code or error) it is not re-posted from this origin, where it would carry it.
      const crossSite = await fetch(`${app.url}/complete/dummy/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ error: 'x', username: 'ceo' }).toString(),
      })
      expect(await crossSite.text()).not.toContain('social-auth-autopost')
      // A relayed POST is this origin's page re-posting another site's fields: never verified.
      const relayed = await browser.post(
        `${app.url}/complete/dummy/`,
        { partial_token: current, username: 'ceo', _social_auth_relay: '1' },
        { headers: { 'sec-fetch-site': 'same-origin' } },
      )
      expect(relayed.location).toMatch(/\/choose-username\?partial_token=/)
      current = new URL(relayed.location!).searchParams.get('partial_token')!
      expect(await app.storage.user.userExists({ username: 'ceo' })).toBe(false)
      // The app's own page posting to /complete (a PSA-style form) resumes at once.
      const own = await browser.post(
        `${app.url}/complete/dummy/`,
        { partial_token: current, username: 'chosen' },
        { headers: { 'sec-fetch-site': 'same-origin' } },
      )
      expect(own.location).toBe(`${app.url}/done`)
      const me = await browser.get(`${app.url}/me`, { headers: { accept: 'application/json' } })
      expect(me.json<{ user: { username: string } }>().user.username).toBe('chosen')
    } finally {
      await app.close()
    }
  })
})
