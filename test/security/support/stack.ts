/**
 * The system under attack: the express-osso example app (real Express, real sessions in the
 * database, the real engine and backends) on a real SQLite file or PostgreSQL, with osso-dev
 * and, when asked, a scripted OpenID provider as the second backend. Everything talks HTTP on
 * loopback ports; nothing of ours is mocked.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Knex } from 'knex'
import { TestBrowser, findForm, type BrowserResponse } from '@social-auth/express/testing'
import type { SocialAuthEventName, SocialAuthEvents } from '@social-auth/core'
import {
  startStack,
  queueOssoLogin,
  submitEmail,
  type Stack,
  type StackOptions,
} from '../../../examples/express-osso/test/support.js'
import type { ScriptedOp } from './scripted-op.js'

export { TestBrowser, findForm, queueOssoLogin, submitEmail, type BrowserResponse, type Stack }

/** Every event the engine emits, recorded with its payload. */
export type RecordedEvent = {
  [K in SocialAuthEventName]: { name: K; payload: SocialAuthEvents[K] }
}[SocialAuthEventName]

const EVENT_NAMES: readonly SocialAuthEventName[] = [
  'auth.started',
  'auth.succeeded',
  'auth.failed',
  'user.created',
  'account.linked',
  'link.refused',
  'account.disconnected',
  'partial.paused',
  'partial.resumed',
]

/** A stack plus what the suite asserts on: rows, events, the database file. */
export interface SecurityStack extends Stack {
  readonly db: Knex
  readonly events: RecordedEvent[]
  /** Rows in a table (`users`, `social_auth_usersocialauth`, `social_auth_session`, …). */
  count(table: string): Promise<number>
  /** The associations of a backend, as `uid` strings. */
  uids(provider: string): Promise<string[]>
}

/** Options of {@link startSecurityStack}. */
export interface SecurityStackOptions extends StackOptions {
  /** Enable the generic `oidc` backend against this provider. */
  readonly op?: ScriptedOp
  /** `sqlite` (a real file in a temporary directory, the default) or a `postgres://` URL. */
  readonly database?: string
}

/**
 * Starts osso-dev and the example app on a fresh database. Abuse limits are off unless the
 * caller passes `app.rateLimit`: these tests sign in far more often than a person could.
 */
export async function startSecurityStack(
  options: SecurityStackOptions = {},
): Promise<SecurityStack> {
  let dir: string | undefined
  let databaseUrl: string
  if (options.database === undefined || options.database === 'sqlite') {
    dir = mkdtempSync(join(tmpdir(), 'social-auth-security-'))
    databaseUrl = `sqlite:${join(dir, 'app.sqlite3')}`
  } else databaseUrl = options.database
  const op = options.op
  const stack = await startStack({
    ...options,
    env: {
      DATABASE_URL: databaseUrl,
      ...(op
        ? {
            SOCIAL_AUTH_OIDC_OIDC_ENDPOINT: op.issuer,
            SOCIAL_AUTH_OIDC_KEY: op.clientId,
            SOCIAL_AUTH_OIDC_SECRET: op.clientSecret,
          }
        : {}),
      ...options.env,
    },
    app: { rateLimit: false, ...options.app },
  })
  const db = stack.example.db
  const events: RecordedEvent[] = []
  for (const name of EVENT_NAMES) {
    stack.example.social.events.on(name, (payload: unknown) => {
      events.push({ name, payload } as RecordedEvent)
    })
  }
  return {
    ...stack,
    db,
    events,
    async count(table) {
      if (!(await db.schema.hasTable(table))) return 0
      const row = (await db(table).count({ n: '*' }).first()) as { n: number | string } | undefined
      return Number(row?.n ?? 0)
    },
    async uids(provider) {
      const rows: Array<{ uid: string }> = await db('social_auth_usersocialauth')
        .where({ provider })
        .select('uid')
      return rows.map((row) => row.uid).sort()
    },
    async close() {
      await stack.close()
      if (dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The `error` code of a redirect to the error URL (or undefined). */
export function errorCode(response: BrowserResponse): string | null | undefined {
  if (!response.location) return undefined
  return new URL(response.location).searchParams.get('error')
}

/** Whether this browser is signed in to the app (the profile JSON answers 200). */
export async function signedInAs(browser: TestBrowser, stack: Stack): Promise<string | undefined> {
  const profile = await browser.get(`${stack.appUrl}/profile`, {
    headers: { accept: 'application/json' },
  })
  if (profile.status !== 200) return undefined
  return profile.json<{ user: { email: string } }>().user.email
}

/** The CSRF token and the begin form of the sign-in page (starting a session). */
export async function signInPage(
  browser: TestBrowser,
  stack: Stack,
): Promise<{ csrf: string; page: BrowserResponse }> {
  const page = await browser.get(`${stack.appUrl}/`)
  const form = findForm(page.text, { id: 'sso-form' })
  return { csrf: form.fields._csrf!, page }
}

/**
 * Signs in through osso-dev as `email` (queued at osso-dev, so its authorize answers with a
 * code at once); answers the app's last redirect. `idpId` and `providerId` choose what the
 * identity provider asserts and which one answers.
 */
export async function ossoLogin(
  browser: TestBrowser,
  stack: Stack,
  email: string,
  options: { idpId?: string; providerId?: string; begin?: Record<string, string> } = {},
): Promise<BrowserResponse> {
  await queueOssoLogin(stack.ossoUrl, email, {
    ...(options.idpId ? { idp_id: options.idpId } : {}),
    ...(options.providerId ? { provider_id: options.providerId } : {}),
  })
  const toOsso = options.begin
    ? await browser.post(`${stack.appUrl}/begin/osso`, {
        _csrf: (await signInPage(browser, stack)).csrf,
        ...options.begin,
      })
    : await submitEmail(browser, stack.appUrl, email)
  if (!toOsso.location?.startsWith(stack.ossoUrl))
    throw new Error(`begin did not go to Osso: ${toOsso.status} ${toOsso.location ?? ''}`)
  const back = await browser.get(toOsso.location)
  if (!back.location) throw new Error(`Osso did not redirect back: ${back.status} ${back.text}`)
  return browser.get(back.location)
}

/** Follows the app’s redirects while they stay on the app, finishing a username step and confirming a link. */
export async function finishOnApp(
  browser: TestBrowser,
  stack: Stack,
  response: BrowserResponse,
): Promise<BrowserResponse> {
  let current = response
  for (let hop = 0; hop < 10; hop++) {
    if (current.status === 200 && current.text.includes('id="social-auth-confirm"')) {
      // The page that asks before a guided link (or an unverified resume): the person confirms.
      const form = findForm(current.text, { id: 'social-auth-confirm' })
      current = await browser.post(new URL(form.action, stack.appUrl).href, form.fields)
      continue
    }
    if (!current.location?.startsWith(stack.appUrl)) break
    if (current.location.includes('/confirm-username')) {
      const page = await browser.get(current.location)
      const form = findForm(page.text, { id: 'username-form' })
      const suggested =
        /<input id="username" name="username" value="([^"]*)"/.exec(page.text)?.[1] ?? ''
      current = await browser.post(new URL(form.action, stack.appUrl).href, {
        ...form.fields,
        username: suggested,
      })
    } else if (new URL(current.location).pathname.startsWith('/complete/')) {
      current = await browser.get(current.location)
    } else break
  }
  return current
}

/** Starts an `oidc` login in `browser` and answers the provider's redirect back (not followed). */
export async function oidcCallback(browser: TestBrowser, stack: Stack): Promise<string> {
  const { csrf } = await signInPage(browser, stack)
  const toOp = await browser.post(`${stack.appUrl}/begin/oidc`, { _csrf: csrf })
  if (!toOp.location) throw new Error(`begin/oidc did not redirect: ${toOp.status} ${toOp.text}`)
  const back = await browser.get(toOp.location)
  if (!back.location) throw new Error(`the provider did not redirect back: ${back.status}`)
  return back.location
}
