/**
 * `RAISE_EXCEPTIONS` (psa.md §1.7, behaviour 72): PSA's middleware re-raises the error to Django
 * instead of redirecting; here the error goes to the app's Express error handler with next(err).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { ErrorRequestHandler } from 'express'
import type { Settings } from '@social-auth/core'
import { TestBrowser } from '../src/testing/index.js'
import { begin, startTestApp, type TestApp } from './helpers.js'

let app: TestApp | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

/** An app whose own error handler answers 599 and records what it was given. */
async function appWithHandler(settings: Settings): Promise<{ app: TestApp; seen: unknown[] }> {
  const seen: unknown[] = []
  const appErrorHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    seen.push(err)
    res
      .status(599)
      .type('text')
      .send(`app handler: ${(err as { code?: string }).code}`)
  }
  app = await startTestApp({ settings, appErrorHandler })
  return { app, seen }
}

/** A callback whose state this browser never got: ERR_AUTH_STATE_FORBIDDEN. */
async function forgedCallback(browser: TestBrowser, headers: Record<string, string> = {}) {
  await begin(browser, app!)
  return browser.get(`${app!.url}/complete/dummy/?code=ada&state=forged`, { headers })
}

describe('RAISE_EXCEPTIONS', () => {
  it('hands a sign-in error to the app’s error handler instead of the error URL', async () => {
    const { seen } = await appWithHandler({ SOCIAL_AUTH_RAISE_EXCEPTIONS: true })
    const res = await forgedCallback(new TestBrowser())
    expect(res.status).toBe(599)
    expect(res.text).toBe('app handler: ERR_AUTH_STATE_FORBIDDEN')
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({
      name: 'AuthStateForbidden',
      code: 'ERR_AUTH_STATE_FORBIDDEN',
      backend: 'dummy',
    })
  })

  it('applies per backend (SOCIAL_AUTH_<BACKEND>_RAISE_EXCEPTIONS), to JSON clients too', async () => {
    await appWithHandler({ SOCIAL_AUTH_DUMMY_RAISE_EXCEPTIONS: true })
    const res = await forgedCallback(new TestBrowser(), { accept: 'application/json' })
    expect(res.status).toBe(599)
    expect(res.text).toBe('app handler: ERR_AUTH_STATE_FORBIDDEN')
  })

  it('hands over a refused form (a missing CSRF token) as well', async () => {
    await appWithHandler({ SOCIAL_AUTH_RAISE_EXCEPTIONS: true })
    const res = await new TestBrowser().post(`${app!.url}/begin/dummy/`, {})
    expect(res.status).toBe(599)
    expect(res.text).toBe('app handler: ERR_REQUEST_FORBIDDEN')
  })

  it('still answers an unknown backend 404 itself, as Django’s Http404 is no PSA error', async () => {
    const { seen } = await appWithHandler({ SOCIAL_AUTH_RAISE_EXCEPTIONS: true })
    const res = await new TestBrowser().get(`${app!.url}/complete/nope/?code=x&state=y`)
    expect(res.status).toBe(404)
    expect(res.text).toContain('ERR_MISSING_BACKEND')
    expect(seen).toEqual([])
  })

  it('leaves errors to the error URL when it is off', async () => {
    const { seen } = await appWithHandler({ SOCIAL_AUTH_OTHER_RAISE_EXCEPTIONS: true })
    const res = await forgedCallback(new TestBrowser())
    expect(res.status).toBe(302)
    expect(res.location).toBe(
      `${app!.url}/login-error?error=ERR_AUTH_STATE_FORBIDDEN&backend=dummy`,
    )
    expect(seen).toEqual([])
  })
})
