import {
  createOssoDevServer,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  type OssoDevOptions,
  type OssoDevServer,
} from '@social-auth/osso-dev'
import {
  findForm,
  parseForms,
  type BrowserResponse,
  type TestBrowser,
} from '@social-auth/express/testing'
import { listenLoopback, type Loopback } from '../../../test/support/loopback.js'
import { createApp, type CreateAppOptions, type ExampleApp } from '../src/index.js'

/** osso-dev and the example app, both on loopback ports. */
export interface Stack {
  readonly appUrl: string
  readonly ossoUrl: string
  readonly example: ExampleApp
  readonly osso: OssoDevServer
  readonly logged: string[]
  /** Stops osso-dev only (a provider that went away). */
  stopOsso(): Promise<void>
  close(): Promise<void>
}

export interface StackOptions {
  readonly env?: Record<string, string | undefined>
  readonly osso?: OssoDevOptions
  readonly app?: CreateAppOptions
  /** Reuse a running osso-dev instead of starting one. */
  readonly ossoUrl?: string
}

export const listen = (app: ExampleApp['app']): Promise<Loopback> => listenLoopback(app)

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const osso = createOssoDevServer({ onError: () => undefined, ...options.osso })
  const ossoListener = options.ossoUrl ? undefined : await osso.listen(0)
  const ossoUrl = options.ossoUrl ?? ossoListener!.url
  const logged: string[] = []
  const example = await createApp(
    {
      DATABASE_URL: 'sqlite::memory:',
      SESSION_SECRET: 'acceptance-session-secret',
      SOCIAL_AUTH_OSSO_BASE_URL: ossoUrl,
      SOCIAL_AUTH_OSSO_KEY: DEMO_CLIENT_ID,
      SOCIAL_AUTH_OSSO_SECRET: DEMO_CLIENT_SECRET,
      ...options.env,
    },
    { logError: (line) => logged.push(line), ...options.app },
  )
  const app = await listen(example.app)
  let ossoOpen = ossoListener !== undefined
  const stopOsso = async (): Promise<void> => {
    if (!ossoOpen) return
    ossoOpen = false
    await ossoListener!.close()
  }
  return {
    appUrl: app.url,
    ossoUrl,
    example,
    osso,
    logged,
    stopOsso,
    async close() {
      await app.close()
      await example.close()
      await stopOsso()
    },
  }
}

/** Posts the sign-in page's email form; answers the redirect to Osso. */
export async function submitEmail(
  browser: TestBrowser,
  appUrl: string,
  email: string,
  extra: Record<string, string> = {},
): Promise<BrowserResponse> {
  const page = await browser.get(`${appUrl}/`)
  const form = findForm(page.text, { id: 'sso-form' })
  return browser.post(new URL(form.action, appUrl).href, { ...form.fields, email, ...extra })
}

/** Queues osso-dev's next login so the authorize request answers straight with a code. */
export async function queueOssoLogin(
  ossoUrl: string,
  email: string,
  extra: Record<string, string> = {},
): Promise<void> {
  const res = await fetch(`${ossoUrl}/__dev/next-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, ...extra }),
  })
  if (!res.ok) throw new Error(`next-login failed: ${res.status}`)
}

/**
 * Walks osso-dev's pages as a person would: the auto-submitted SAML step, then the mock IdP's
 * "Sign in as" button. Answers the redirect back to the app's /complete/osso/.
 */
export async function passMockIdp(
  browser: TestBrowser,
  toOsso: BrowserResponse,
  email: string,
): Promise<BrowserResponse> {
  const step = await browser.get(toOsso.location!)
  const saml = findForm(step.text, { id: 'saml-login-form' })
  const idp = await browser.post(new URL(saml.action, step.url).href, saml.fields)
  const pick = parseForms(idp.text).find((form) => form.fields.email === email)
  if (!pick) throw new Error(`no "Sign in as ${email}" button on the mock IdP page:\n${idp.text}`)
  return browser.post(new URL(pick.action, idp.url).href, pick.fields)
}

/** Confirms the suggested username on the partial step's form; answers the redirect after login. */
export async function confirmUsername(
  browser: TestBrowser,
  appUrl: string,
  paused: BrowserResponse,
  username?: string,
): Promise<BrowserResponse> {
  const page = await browser.get(paused.location!)
  const form = findForm(page.text, { id: 'username-form' })
  const input = /<input id="username" name="username" value="([^"]*)"/.exec(page.text)?.[1] ?? ''
  return browser.post(new URL(form.action, appUrl).href, {
    ...form.fields,
    username: username ?? input,
  })
}

/** A complete first sign-in through the pages; answers the final redirect to /profile. */
export async function signIn(
  browser: TestBrowser,
  stack: Stack,
  email = 'user@example.com',
): Promise<BrowserResponse> {
  await queueOssoLogin(stack.ossoUrl, email)
  const toOsso = await submitEmail(browser, stack.appUrl, email)
  const back = await browser.get(toOsso.location!)
  const done = await browser.get(back.location!)
  if (done.location?.includes('/confirm-username'))
    return confirmUsername(browser, stack.appUrl, done)
  return done
}

export const json = { headers: { accept: 'application/json' } }
