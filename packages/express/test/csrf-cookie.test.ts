import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import { TestBrowser } from '../src/testing/index.js'
import { login, queryOf, startTestApp, type TestApp } from './helpers.js'

/** A token for `secret` made as an attacker who knows it would (mask ‖ mask ⊕ secret). */
function tokenFor(secret: Buffer): string {
  const mask = randomBytes(32)
  const token = Buffer.alloc(64)
  mask.copy(token)
  for (let i = 0; i < 32; i++) token[32 + i] = mask[i]! ^ secret[i]!
  return token.toString('base64url')
}

/**
 * A POST whose Cookie header goes out byte for byte (latin1), as a browser sends the bytes of a
 * cookie name it stored; answers the redirect's location.
 */
function rawPost(url: string, cookie: string, body: string, https = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        method: 'POST',
        headers: {
          cookie,
          ...(https ? { 'x-forwarded-proto': 'https' } : {}),
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(String(res.headers.location ?? '')))
      },
    )
    sent.on('error', reject)
    sent.end(Buffer.from(body))
  })
}

describe('the CSRF cookie over https (__Host-sa_csrf)', () => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp({ publicUrl: 'https://app.example.com', trustProxy: true })
  })
  afterAll(async () => {
    await app.close()
  })
  const headers = { 'x-forwarded-proto': 'https' }

  it('reads only the exact name: a sibling’s "\\xA0__Host-sa_csrf" (no __Host- rules for it) is ignored', async () => {
    const browser = new TestBrowser()
    await browser.get(`${app.url}/csrf`, { headers })
    const genuine = browser.cookies('127.0.0.1').get('__Host-sa_csrf')!.value
    const planted = randomBytes(32)
    const forged = new URLSearchParams({ _csrf: tokenFor(planted) }).toString()
    const secret = planted.toString('base64url')
    for (const cookie of [
      `\u00a0__Host-sa_csrf=${secret}; __Host-sa_csrf=${genuine}`,
      `__Host-sa_csrf\u00a0=${secret}; __Host-sa_csrf=${genuine}`,
      `sa_csrf=${secret}; __Host-sa_csrf=${genuine}`,
    ]) {
      expect(await rawPost(`${app.url}/begin/dummy/`, cookie, forged, true)).toContain(
        'error=ERR_REQUEST_FORBIDDEN',
      )
    }
  })

  it('is not shadowed by a malformed look-alike: the person’s own form still works', async () => {
    const browser = new TestBrowser()
    const token = (await browser.get(`${app.url}/csrf`, { headers })).text
    const genuine = browser.cookies('127.0.0.1').get('__Host-sa_csrf')!.value
    const body = new URLSearchParams({ _csrf: token }).toString()
    for (const cookie of [
      `\u00a0__Host-sa_csrf=junk; __Host-sa_csrf=${genuine}`,
      `__Host-sa_csrf=junk; __Host-sa_csrf=${genuine}`,
    ]) {
      expect(await rawPost(`${app.url}/begin/dummy/`, cookie, body, true)).toMatch(
        /^https:\/\/dummy\.example\//,
      )
    }
  })

  it('follows the https PUBLIC_URL also where the request has no session (a form after logout)', async () => {
    const plain = await startTestApp({ publicUrl: 'https://app.example.com' })
    try {
      plain.app.post('/logout-and-sign-in-again', async (req, res) => {
        await plain.auth.logout(req, res)
        res.type('text').send(plain.auth.csrfToken(req))
      })
      const browser = new TestBrowser()
      const token = (await browser.post(`${plain.url}/logout-and-sign-in-again`, {}, { headers }))
        .text
      expect(browser.cookies('127.0.0.1').get('__Host-sa_csrf')!.secure).toBe(true)
      const started = await browser.post(`${plain.url}/begin/dummy/`, { _csrf: token }, { headers })
      expect(started.location).toMatch(/^https:\/\/dummy\.example\//)
    } finally {
      await plain.close()
    }
  })
})

describe('the CSRF cookie over http (sa_csrf)', () => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp()
  })
  afterAll(async () => {
    await app.close()
  })

  it('is no secret when the browser sends two different values under its name (one planted)', async () => {
    const browser = new TestBrowser()
    const token = (await browser.get(`${app.url}/csrf`)).text
    const genuine = browser.cookies('127.0.0.1').get('sa_csrf')!.value
    const planted = randomBytes(32).toString('base64url')
    const body = new URLSearchParams({ _csrf: token }).toString()
    expect(
      await rawPost(`${app.url}/begin/dummy/`, `sa_csrf=${planted}; sa_csrf=${genuine}`, body),
    ).toContain('error=ERR_REQUEST_FORBIDDEN')
    expect(
      await rawPost(`${app.url}/begin/dummy/`, `sa_csrf=${genuine}; sa_csrf=${genuine}`, body),
    ).toMatch(/^https:\/\/dummy\.example\//)
  })

  it('never acts for a session signed in by other means (passport)', async () => {
    app.app.post('/passport-login', (req, res) => {
      ;(req.session as unknown as { passport: { user: string } }).passport = { user: '42' }
      res.send('ok')
    })
    app.app.post('/account/delete', app.auth.requireCsrf, (_req, res) => {
      res.send('deleted account 42')
    })
    const victim = new TestBrowser()
    await victim.post(`${app.url}/passport-login`, {})
    const planted = randomBytes(32)
    victim.setCookie(app.url, 'sa_csrf', planted.toString('base64url'))
    const forged = await victim.post(`${app.url}/account/delete`, { _csrf: tokenFor(planted) })
    expect(forged.text).not.toBe('deleted account 42')
    // Its own token, which now lives in the session, works.
    const token = (await victim.get(`${app.url}/csrf`)).text
    expect((await victim.post(`${app.url}/account/delete`, { _csrf: token })).text).toBe(
      'deleted account 42',
    )
  })

  it('still takes the sign-in form’s token after the page put the app’s own data in the session', async () => {
    // A page that renders the token, then remembers where to go back to (or reads a flash
    // message): ordinary data that does not sign anyone in.
    app.app.get('/sign-in-with-return', (req, res) => {
      const token = app.auth.csrfToken(req)
      ;(req.session as unknown as Record<string, unknown>).returnTo = '/after'
      res.type('text').send(token)
    })
    const browser = new TestBrowser()
    const token = (await browser.get(`${app.url}/sign-in-with-return`)).text
    const started = await browser.post(`${app.url}/begin/dummy/`, { _csrf: token })
    expect(started.location).toMatch(/^https:\/\/dummy\.example\/.*state=/)
  })

  it('is forgotten at login, and session tokens are masked afresh like the cookie’s', async () => {
    const browser = new TestBrowser()
    await browser.get(`${app.url}/csrf`)
    expect(browser.cookies('127.0.0.1').has('sa_csrf')).toBe(true)
    await login(browser, app, 'rotated')
    expect(browser.cookies('127.0.0.1').has('sa_csrf')).toBe(false)
    const first = (await browser.get(`${app.url}/csrf`)).text
    const second = (await browser.get(`${app.url}/csrf`)).text
    expect(first).toMatch(/^[A-Za-z0-9_-]{86}$/)
    expect(second).not.toBe(first)
    for (const token of [first, second]) {
      const res = await browser.post(`${app.url}/disconnect/dummy/`, { _csrf: token })
      // Past the CSRF check: refused only because it is the only way to log in.
      expect(queryOf(res).error).toBe('ERR_NOT_ALLOWED_TO_DISCONNECT')
    }
  })
})
