import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import express, { type ErrorRequestHandler, type Express } from 'express'
import type { Store } from 'express-session'
import {
  createSocialAuth,
  memoryStorage,
  type Settings,
  type SocialAuth,
  type Storage,
} from '@social-auth/core'
import { dummyBackend } from '@social-auth/core/testing'
import type { BrowserResponse, TestBrowser } from '../src/testing/index.js'
import {
  sessionMiddleware,
  socialAuthExpress,
  type SocialAuthExpress,
  type SocialAuthExpressOptions,
} from '../src/index.js'

/** A running test app around the dummy backend. */
export interface TestApp {
  readonly url: string
  readonly app: Express
  readonly social: SocialAuth
  readonly auth: SocialAuthExpress
  readonly storage: Storage
  readonly logged: string[]
  close(): Promise<void>
}

export interface TestAppOptions {
  readonly settings?: Settings
  readonly express?: SocialAuthExpressOptions
  readonly store?: Store
  readonly storage?: Storage
  readonly publicUrl?: string
  readonly trustProxy?: boolean
  /** Mount the router under this path with app.use(path, router). */
  readonly mountAt?: string
  readonly backends?: Settings['AUTHENTICATION_BACKENDS']
  /** The app's own error handler, mounted after its routes and before `auth.errorHandler`. */
  readonly appErrorHandler?: ErrorRequestHandler
}

/** The dummy provider answers with an account named after the code it got. */
export const accountBackend = () =>
  dummyBackend({
    response: (code) => ({
      id: code,
      login: code,
      email: `${code}@example.com`,
      name: 'Ada Lovelace',
    }),
  })

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const storage = options.storage ?? memoryStorage()
  const social = await createSocialAuth({
    settings: {
      AUTHENTICATION_BACKENDS: options.backends ?? [accountBackend()],
      LOGIN_URL: '/login',
      LOGIN_ERROR_URL: '/login-error',
      LOGIN_REDIRECT_URL: '/done',
      ...options.settings,
    },
    storage,
  })
  const logged: string[] = []
  const auth = socialAuthExpress(social, {
    publicUrl: options.publicUrl,
    logError: (line) => logged.push(line),
    ...options.express,
  })
  const app = express()
  if (options.trustProxy) app.set('trust proxy', true)
  app.use(
    sessionMiddleware({
      secret: 'test-session-secret',
      store: options.store,
      publicUrl: options.publicUrl,
    }),
  )
  if (options.mountAt) app.use(options.mountAt, auth.router)
  else app.use(auth.router)
  app.get('/csrf', (req, res) => {
    res.type('text').send(auth.csrfToken(req))
  })
  app.get('/me', auth.loginRequired, (req, res) => {
    res.json({ user: req.user, session: req.sessionID })
  })
  app.post('/logout', auth.requireCsrf, async (req, res) => {
    await auth.logout(req, res)
    res.redirect(303, '/login')
  })
  app.get('/boom', () => {
    throw new Error('database password=hunter2hunter2hunter2hunter2 leaked?code=abc')
  })
  if (options.appErrorHandler) app.use(options.appErrorHandler)
  app.use(auth.errorHandler)
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    app,
    social,
    auth,
    storage,
    logged,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The session id inside express-session's signed cookie (`s:<id>.<signature>`). */
export function sessionIdOf(browser: TestBrowser, url: string, name = 'sid'): string | undefined {
  const raw = browser.cookie(url, name)
  if (raw === undefined) return undefined
  return /^s:([^.]+)\./.exec(decodeURIComponent(raw))?.[1]
}

/** Begins a login with a CSRF-checked POST; returns the provider redirect. */
export async function begin(
  browser: TestBrowser,
  app: TestApp,
  fields: Record<string, string> = {},
  backend = 'dummy',
): Promise<BrowserResponse> {
  const csrf = (await browser.get(`${app.url}/csrf`)).text
  return browser.post(`${app.url}/begin/${backend}/`, { _csrf: csrf, ...fields })
}

/** A whole login: begin, then the provider's redirect back with `code`. */
export async function login(
  browser: TestBrowser,
  app: TestApp,
  code = 'ada',
  fields: Record<string, string> = {},
): Promise<BrowserResponse> {
  const started = await begin(browser, app, fields)
  const state = new URL(started.location!).searchParams.get('state')!
  return browser.get(`${app.url}/complete/dummy/?code=${code}&state=${state}`)
}

/** The query of a redirect. */
export const queryOf = (res: BrowserResponse): Record<string, string> =>
  Object.fromEntries(new URL(res.location ?? 'http://x/').searchParams)
