/**
 * The session cookie's lifetime after a login: social_django's `get_session_timeout` and
 * `set_expiry` (psa.md §1.7, behaviour 73), through Express with a real login.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { dummyBackend } from '@social-auth/core/testing'
import { TestBrowser, type BrowserResponse } from '../src/testing/index.js'
import { login, queryOf, startTestApp, type TestApp } from './helpers.js'

let app: TestApp | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

/** The session cookie the login's redirect set. */
function sessionCookie(res: BrowserResponse): string {
  const line = res.headers.getSetCookie().find((cookie) => cookie.startsWith('sid='))
  if (!line) throw new Error('the login set no session cookie')
  return line
}

/** Seconds from now until the cookie's Expires, or undefined for a browser-session cookie. */
function secondsLeft(cookie: string): number | undefined {
  const expires = /;\s*expires=([^;]+)/i.exec(cookie)?.[1]
  return expires === undefined ? undefined : (new Date(expires).getTime() - Date.now()) / 1000
}

async function whoIsLoggedIn(browser: TestBrowser): Promise<unknown> {
  const res = await browser.get(`${app!.url}/me`, { headers: { accept: 'application/json' } })
  return res.status === 200 ? res.json<{ user: { username: unknown } }>().user.username : null
}

describe('the session cookie after a login', () => {
  it('lasts until the browser closes with MAX_SESSION_LENGTH=0 (Django set_expiry(0)), not zero seconds', async () => {
    app = await startTestApp({ settings: { SOCIAL_AUTH_MAX_SESSION_LENGTH: 0 } })
    const browser = new TestBrowser()
    const res = await login(browser, app)
    expect(res.location).toBe(`${app.url}/done`)
    const cookie = sessionCookie(res)
    expect(cookie).not.toMatch(/expires=|max-age=/i)
    expect(await whoIsLoggedIn(browser)).toBe('ada')
  })

  it('lasts MAX_SESSION_LENGTH seconds when it is positive', async () => {
    app = await startTestApp({ settings: { SOCIAL_AUTH_MAX_SESSION_LENGTH: 60 } })
    const browser = new TestBrowser()
    const left = secondsLeft(sessionCookie(await login(browser, app)))
    expect(left).toBeGreaterThan(55)
    expect(left).toBeLessThanOrEqual(60)
    expect(await whoIsLoggedIn(browser)).toBe('ada')
  })

  it('ends with the provider token under SESSION_EXPIRATION, even when MAX_SESSION_LENGTH=0', async () => {
    const expiresIn = 120
    app = await startTestApp({
      backends: [
        dummyBackend({ response: (code) => ({ id: code, login: code, expires_in: expiresIn }) }),
      ],
      settings: {
        SOCIAL_AUTH_SESSION_EXPIRATION: true,
        SOCIAL_AUTH_MAX_SESSION_LENGTH: 0,
        SOCIAL_AUTH_DUMMY_EXTRA_DATA: ['expires_in'],
      },
    })
    const browser = new TestBrowser()
    const left = secondsLeft(sessionCookie(await login(browser, app)))
    expect(left).toBeGreaterThan(expiresIn - 5)
    expect(left).toBeLessThanOrEqual(expiresIn)
    expect(await whoIsLoggedIn(browser)).toBe('ada')
  })

  it('is never issued under SESSION_EXPIRATION when the token had already expired: the login fails with ERR_AUTH_TOKEN', async () => {
    const past = Math.floor(Date.now() / 1000) - 60
    app = await startTestApp({
      backends: [
        dummyBackend({ response: (code) => ({ id: code, login: code, expires_on: past }) }),
      ],
      settings: {
        SOCIAL_AUTH_SESSION_EXPIRATION: true,
        SOCIAL_AUTH_DUMMY_EXTRA_DATA: ['expires_on'],
      },
    })
    const browser = new TestBrowser()
    const res = await login(browser, app)
    expect(res.location?.startsWith(`${app.url}/login-error?`)).toBe(true)
    expect(queryOf(res)).toEqual({ error: 'ERR_AUTH_TOKEN', backend: 'dummy' })
    expect(await whoIsLoggedIn(browser)).toBeNull()
  })
})
