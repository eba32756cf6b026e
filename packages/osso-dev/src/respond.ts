import { randomBytes } from 'node:crypto'
import type { Response } from 'express'
import type { LoginOutcome } from './complete-login.js'
import { markup } from './html.js'
import type { SafeHtml } from './html.js'
import { ossoError } from './osso-errors.js'
import type { OssoErrorName } from './osso-errors.js'
import { errorPage } from './pages/error-page.js'
import { layout } from './pages/layout.js'
import type { RackEnv } from './types.js'

/**
 * Sends an HTML page built around a fresh CSP nonce. The CSP has no `form-action`, because
 * browsers apply it to the redirect that ends the flow at the app.
 */
export function sendHtml(res: Response, build: (nonce: string) => SafeHtml, status = 200): void {
  const nonce = randomBytes(16).toString('base64')
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      // The code travels in the next URL; do not leak this page's URL to the app either.
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; base-uri 'none'; frame-ancestors 'none'`,
    })
    .send(build(nonce).value)
}

/** Renders an Osso error page: always HTTP 200, as Osso does, plus the test hooks. */
export function sendOssoError(res: Response, name: OssoErrorName, detail = ''): void {
  const error = ossoError(name, detail)
  res.set('X-Osso-Error', name)
  sendHtml(res, (nonce) => errorPage(error, nonce))
}

/** The 404 of an unknown route. */
export function sendNotFound(res: Response): void {
  sendHtml(res, (nonce) => layout(markup`<h1>Not Found</h1>`, { nonce, title: 'Not Found' }), 404)
}

/**
 * A missing record (unknown client, code or token): Sinatra's 404 with an empty body in
 * production, or its 500 debug page in development (`reference/osso.md` §1.3).
 */
export function sendRecordNotFound(res: Response, rackEnv: RackEnv, what: string): void {
  if (rackEnv === 'development') {
    const page = markup`<h1>ActiveRecord::RecordNotFound</h1><p>Couldn't find ${what}</p>`
    const title = 'ActiveRecord::RecordNotFound'
    sendHtml(res, (nonce) => layout(page, { nonce, title }), 500)
    return
  }
  res.status(404).set('Content-Type', 'text/html;charset=utf-8').end()
}

/** Sends a JSON body (already serialised, so key order is the caller's). */
export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).set('Content-Type', 'application/json').send(JSON.stringify(body))
}

/** Sends a SAML-callback outcome: the redirect to the app, or Osso's error page. */
export function sendOutcome(res: Response, outcome: LoginOutcome, status: 302 | 303): void {
  if (outcome.type === 'error') {
    sendOssoError(res, outcome.name, outcome.detail)
    return
  }
  res.status(status).set('Location', outcome.location).end()
}
