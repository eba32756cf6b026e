import { createOssoDevServer } from '../src/index.js'
import type { OssoDevOptions, OssoDevServer } from '../src/index.js'

/** A dev server listening on a random loopback port. */
export interface Running {
  osso: OssoDevServer
  url: string
  close(): Promise<void>
}

export async function start(options: OssoDevOptions = {}): Promise<Running> {
  const osso = createOssoDevServer({ onError: () => {}, ...options })
  const listener = await osso.listen(0)
  return { osso, url: listener.url, close: () => listener.close() }
}

export const DEMO = {
  clientId: 'demo-client-id',
  clientSecret: 'demo-client-secret',
  redirectUri: 'http://localhost:3000/complete/osso/',
}

/** An authorize path with the demo client's parameters plus `extra` (undefined drops one). */
export function authorizePath(extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams()
  const all: Record<string, string | undefined> = {
    client_id: DEMO.clientId,
    redirect_uri: DEMO.redirectUri,
    response_type: 'code',
    ...extra,
  }
  for (const [key, value] of Object.entries(all)) if (value !== undefined) params.set(key, value)
  return `/oauth/authorize?${params.toString()}`
}

/** A minimal browser: keeps the session cookie and never follows redirects. */
export class Browser {
  private cookie: string | undefined

  constructor(readonly base: string) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(path, { method: 'GET', headers })
  }

  async postForm(path: string, fields: Record<string, string>): Promise<Response> {
    return this.send(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    })
  }

  /** Submits a form found in `page` the way a browser would (hidden fields plus `extra`). */
  async submit(
    page: string,
    selector: FormSelector,
    extra: Record<string, string> = {},
  ): Promise<Response> {
    const form = findForm(page, selector)
    const fields = { ...form.fields, ...extra }
    if (form.method === 'get') {
      return this.get(`${form.action}?${new URLSearchParams(fields).toString()}`)
    }
    return this.postForm(form.action, fields)
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookie !== undefined) headers.set('Cookie', this.cookie)
    const res = await fetch(new URL(path, this.base), { ...init, headers, redirect: 'manual' })
    const set = res.headers.get('set-cookie')
    if (set !== null) this.cookie = set.split(';')[0]
    return res
  }
}

export type FormSelector = { id: string } | { action: string }

export interface ParsedForm {
  method: 'get' | 'post'
  action: string
  fields: Record<string, string>
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)
  return match?.[1] === undefined ? undefined : decodeEntities(match[1])
}

/** Finds a form by id or action and returns its method, action and hidden fields. */
export function findForm(page: string, selector: FormSelector): ParsedForm {
  const forms = [...page.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0])
  const form = forms.find((f) => {
    const open = /<form\b[^>]*>/.exec(f)?.[0] ?? ''
    return 'id' in selector
      ? attribute(open, 'id') === selector.id
      : attribute(open, 'action') === selector.action
  })
  if (form === undefined) throw new Error(`no form ${JSON.stringify(selector)} in page:\n${page}`)
  const open = /<form\b[^>]*>/.exec(form)?.[0] ?? ''
  const fields: Record<string, string> = {}
  for (const input of form.matchAll(/<input\b[^>]*>/g)) {
    const tag = input[0]
    const name = attribute(tag, 'name')
    if (name !== undefined && attribute(tag, 'type') === 'hidden')
      fields[name] = attribute(tag, 'value') ?? ''
  }
  return {
    method: attribute(open, 'method') === 'post' ? 'post' : 'get',
    action: attribute(open, 'action') ?? '',
    fields,
  }
}

/** The Osso error class a page shows, from the dev-only `X-Osso-Error` header. */
export function ossoErrorOf(res: Response): string | null {
  return res.headers.get('x-osso-error')
}

/** Parses the code and state out of a redirect to the app. */
export function callbackParams(res: Response): { url: URL; code: string; state: string | null } {
  const location = res.headers.get('location')
  if (location === null) throw new Error(`expected a redirect, got ${res.status}`)
  const url = new URL(location)
  return { url, code: url.searchParams.get('code') ?? '', state: url.searchParams.get('state') }
}

export async function exchange(
  base: string,
  code: string,
  overrides: Record<string, string | undefined> = {},
): Promise<Response> {
  const fields: Record<string, string | undefined> = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: DEMO.redirectUri,
    client_id: DEMO.clientId,
    client_secret: DEMO.clientSecret,
    ...overrides,
  }
  const body = new URLSearchParams()
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) body.set(key, value)
  return fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: body.toString(),
  })
}

/**
 * Drives a whole SP-initiated login through the HTML pages like a person would: authorize,
 * the auto-submitted SAML step, the mock IdP form, the callback. Returns the redirect.
 */
export async function browserLogin(
  base: string,
  authorize: Record<string, string | undefined>,
  asEmail: string,
  browser = new Browser(base),
): Promise<Response> {
  const step = await browser.get(authorizePath(authorize))
  expect200(step)
  const stepPage = await step.text()
  const idpPage = await browser.submit(stepPage, { id: 'saml-login-form' })
  expect200(idpPage)
  return browser.submit(await idpPage.text(), { id: 'mock-idp-form' }, { email: asEmail })
}

function expect200(res: Response): void {
  if (res.status !== 200 || ossoErrorOf(res) !== null) {
    throw new Error(`expected a page, got ${res.status} ${ossoErrorOf(res) ?? ''}`)
  }
}

/** Exchanges a code and fetches `/oauth/me`, asserting both succeed. */
export async function meFor(base: string, code: string): Promise<Record<string, unknown>> {
  const tokenRes = await exchange(base, code)
  if (tokenRes.status !== 200) throw new Error(`token exchange failed: ${tokenRes.status}`)
  const { access_token } = (await tokenRes.json()) as { access_token: string }
  const meRes = await fetch(`${base}/oauth/me?access_token=${access_token}`)
  if (meRes.status !== 200) throw new Error(`/oauth/me failed: ${meRes.status}`)
  return (await meRes.json()) as Record<string, unknown>
}

/** POSTs JSON to a path and returns the response (redirects not followed). */
export async function postJson(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    redirect: 'manual',
  })
}

/**
 * A login without HTML: queue the identity with `/__dev/next-login`, then one GET of the
 * authorize URL answers 302 straight to the app with a code.
 */
export async function quickLogin(
  base: string,
  authorize: Record<string, string | undefined> = { email: 'user@example.com', state: 'st' },
  identity: Record<string, string> = { email: 'user@example.com' },
): Promise<Response> {
  const queued = await postJson(base, '/__dev/next-login', identity)
  if (queued.status !== 200) throw new Error(`next-login failed: ${queued.status}`)
  return fetch(`${base}${authorizePath(authorize)}`, { redirect: 'manual' })
}

/** A fresh code for user@example.com issued to the demo client for DEMO.redirectUri. */
export async function freshCode(base: string): Promise<string> {
  return callbackParams(await quickLogin(base)).code
}
