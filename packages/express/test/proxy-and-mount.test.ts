import { describe, expect, it } from '@jest/globals'
import { TestBrowser, findForm } from '../src/testing/index.js'
import { startTestApp } from './helpers.js'

describe('behind a proxy', () => {
  it('builds the redirect URI and the allowed next host from PUBLIC_URL', async () => {
    const app = await startTestApp({ publicUrl: 'https://app.example.com/shop', trustProxy: true })
    try {
      const browser = new TestBrowser()
      const headers = { 'x-forwarded-proto': 'https' }
      const token = (await browser.get(`${app.url}/csrf`, { headers })).text
      const started = await browser.post(
        `${app.url}/begin/dummy/`,
        { _csrf: token, next: 'https://app.example.com/cart' },
        { headers },
      )
      const url = new URL(started.location!)
      expect(url.searchParams.get('redirect_uri')).toBe(
        'https://app.example.com/shop/complete/dummy/',
      )
      const done = await browser.get(
        `${app.url}/complete/dummy/?code=proxied&state=${url.searchParams.get('state')}`,
        { headers },
      )
      expect(done.location).toBe('https://app.example.com/cart')
      const page = await browser.get(`${app.url}/begin/dummy`, { headers })
      expect(findForm(page.text, { id: 'social-auth-autopost' }).action).toBe('/shop/begin/dummy/')
      // loginRequired sends a signed-out browser back to the page it asked for, under /shop.
      const away = await new TestBrowser().get(`${app.url}/me?tab=1`, { headers })
      expect(new URL(away.location!, 'https://app.example.com').searchParams.get('next')).toBe(
        '/shop/me?tab=1',
      )
    } finally {
      await app.close()
    }
  })

  it('marks the cookie Secure when PUBLIC_URL is https and the proxy says so', async () => {
    const app = await startTestApp({ publicUrl: 'https://app.example.com', trustProxy: true })
    try {
      const browser = new TestBrowser()
      const headers = { 'x-forwarded-proto': 'https' }
      const page = await browser.get(`${app.url}/csrf`, { headers })
      // __Host-: a browser takes it only from this host over https (no planted tokens or
      // sessions).
      expect(page.headers.get('set-cookie')).toMatch(/^__Host-sa_csrf=[^;]+; Path=\/; /)
      const begun = await browser.post(`${app.url}/begin/dummy/`, { _csrf: page.text }, { headers })
      expect(begun.headers.get('set-cookie')).toMatch(/^__Host-sid=[^;]+; Path=\/; /)
      for (const res of [page, begun]) expect(res.headers.get('set-cookie')).not.toMatch(/Domain=/i)
      expect(browser.cookies('127.0.0.1').has('sid')).toBe(false)
      expect(browser.cookies('127.0.0.1').has('sa_csrf')).toBe(false)
      for (const name of ['__Host-sid', '__Host-sa_csrf']) {
        const cookie = browser.cookies('127.0.0.1').get(name)!
        expect(cookie.secure).toBe(true)
        expect(cookie.httpOnly).toBe(true)
        expect(cookie.sameSite).toBe('Lax')
      }
    } finally {
      await app.close()
    }
  })

  it('sends the Secure cookie for an https PUBLIC_URL even when the app does not trust the proxy', async () => {
    const app = await startTestApp({ publicUrl: 'HTTPS://app.example.com' })
    try {
      const browser = new TestBrowser()
      const headers = { 'x-forwarded-proto': 'https' }
      const token = (await browser.get(`${app.url}/csrf`, { headers })).text
      expect(browser.cookies('127.0.0.1').get('__Host-sa_csrf')!.secure).toBe(true)
      // So the browser sends the sign-in form's cookie back, and the sign-in starts.
      const started = await browser.post(`${app.url}/begin/dummy/`, { _csrf: token }, { headers })
      expect(started.location).toMatch(/^https:\/\/dummy\.example\/oauth\/authorize\?/)
      expect(browser.cookies('127.0.0.1').get('__Host-sid')!.secure).toBe(true)
    } finally {
      await app.close()
    }
  })

  it('reads the CSRF cookie only under its __Host- name over https: a plain-http answer cannot plant it', async () => {
    const app = await startTestApp({ publicUrl: 'https://app.example.com', trustProxy: true })
    try {
      const browser = new TestBrowser()
      const headers = { 'x-forwarded-proto': 'https' }
      const token = (await browser.get(`${app.url}/csrf`, { headers })).text
      const secret = browser.cookies('127.0.0.1').get('__Host-sa_csrf')!.value
      const attempt = (cookie: string) =>
        fetch(`${app.url}/begin/dummy/`, {
          method: 'POST',
          redirect: 'manual',
          headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: token }).toString(),
        })
      expect((await attempt(`sa_csrf=${secret}`)).headers.get('location')).toContain(
        'error=ERR_REQUEST_FORBIDDEN',
      )
      expect((await attempt(`__Host-sa_csrf=${secret}`)).headers.get('location')).toMatch(
        /^https:\/\/dummy\.example\//,
      )
    } finally {
      await app.close()
    }
  })

  it('follows X-Forwarded-Proto and X-Forwarded-Host under trust proxy without PUBLIC_URL', async () => {
    const app = await startTestApp({ trustProxy: true })
    try {
      const browser = new TestBrowser()
      const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'edge.example.com' }
      const token = (await browser.get(`${app.url}/csrf`, { headers })).text
      expect(browser.cookies('127.0.0.1').get('__Host-sa_csrf')!.secure).toBe(true)
      const started = await browser.post(`${app.url}/begin/dummy/`, { _csrf: token }, { headers })
      expect(browser.cookies('127.0.0.1').get('sid')!.secure).toBe(true)
      expect(new URL(started.location!).searchParams.get('redirect_uri')).toBe(
        'https://edge.example.com/complete/dummy/',
      )
    } finally {
      await app.close()
    }
  })

  it('ignores forwarded headers when the app does not trust a proxy', async () => {
    const app = await startTestApp()
    try {
      const browser = new TestBrowser()
      const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' }
      const token = (await browser.get(`${app.url}/csrf`, { headers })).text
      const started = await browser.post(`${app.url}/begin/dummy/`, { _csrf: token }, { headers })
      expect(new URL(started.location!).searchParams.get('redirect_uri')).toBe(
        `${app.url}/complete/dummy/`,
      )
    } finally {
      await app.close()
    }
  })
})

describe('mount path', () => {
  it('serves the routes under the mountPath option', async () => {
    const app = await startTestApp({ express: { mountPath: '/auth' } })
    try {
      const browser = new TestBrowser()
      const token = (await browser.get(`${app.url}/csrf`)).text
      const started = await browser.post(`${app.url}/auth/begin/dummy`, { _csrf: token })
      const url = new URL(started.location!)
      expect(url.searchParams.get('redirect_uri')).toBe(`${app.url}/auth/complete/dummy/`)
      const done = await browser.get(
        `${app.url}/auth/complete/dummy?code=m&state=${url.searchParams.get('state')}`,
      )
      expect(done.location).toBe(`${app.url}/done`)
      expect(app.auth.paths.disconnect('dummy', 3)).toBe('/auth/disconnect/dummy/3/')
    } finally {
      await app.close()
    }
  })

  it('follows the path the app mounts the router under', async () => {
    const app = await startTestApp({ mountAt: '/social' })
    try {
      const browser = new TestBrowser()
      const token = (await browser.get(`${app.url}/csrf`)).text
      const started = await browser.post(`${app.url}/social/begin/dummy/`, { _csrf: token })
      expect(new URL(started.location!).searchParams.get('redirect_uri')).toBe(
        `${app.url}/social/complete/dummy/`,
      )
      const page = await browser.get(`${app.url}/social/login/dummy`)
      expect(findForm(page.text, { id: 'social-auth-autopost' }).action).toBe(
        '/social/begin/dummy/',
      )
      // The app's own routes sit outside the router, yet loginRequired finds the user.
      const state = new URL(started.location!).searchParams.get('state')!
      const done = await browser.get(`${app.url}/social/complete/dummy/?code=ada&state=${state}`)
      expect(done.status).toBe(302)
      const me = await browser.get(`${app.url}/me`)
      expect(me.status).toBe(200)
      expect(me.json()).toMatchObject({ user: { username: 'ada' } })
    } finally {
      await app.close()
    }
  })
})
