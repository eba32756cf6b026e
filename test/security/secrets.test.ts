/**
 * Threat: secrets leaking into places more people can read than the secrets were meant for —
 * logs, error pages and JSON, redirects back into the app, event payloads forwarded to
 * analytics (security.md §5.5; RFC 9700 §4.2–4.3; RFC 6819 §4.6.7). Every happy and error path
 * of both backends runs with debug logging on (`DEBUG=*` for every library, minus the
 * namespaces below) and unique marker values for the client secrets, the session secret, the
 * encryption key, and every code, state, PKCE verifier and challenge, nonce, access token,
 * id_token and session cookie; none may appear in any of those outputs.
 *
 * Replaces examples/express-osso/test/secrets-in-logs.test.ts, which covered the Osso paths
 * with console output only.
 */
import { randomBytes } from 'node:crypto'
import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import type { ScriptedOp } from './support/scripted-op.js'
import type * as Stack from './support/stack.js'
import type { SecurityStack, BrowserResponse, TestBrowser } from './support/stack.js'

/**
 * Debug namespaces of other libraries that print raw request data by design, so they are off
 * here and must be off in production (docs/security.md): the router's "dispatching GET
 * /complete/…?code=…" lines (an access log, RFC 9700 §4.2.4), express-session's Set-Cookie
 * lines, and knex's SQL bindings (the session rows with their login transactions).
 */
const RAW_DEBUG_NAMESPACES = [
  'router',
  'express:router',
  'express-session',
  'knex:query',
  'knex:bindings',
]

// Before any library loads: `debug` (express, body-parser, finalhandler, knex's pool, …)
// reads DEBUG once, at import, so everything below is imported dynamically.
process.env.DEBUG = ['*', ...RAW_DEBUG_NAMESPACES.map((name) => `-${name}`)].join(',')
process.env.DEBUG_COLORS = 'no'

const marker = (label: string) => `${label}-${randomBytes(12).toString('hex')}`
const OSSO_SECRET = marker('osso-client-secret')
const OP_SECRET = marker('op-client-secret')
const SESSION_SECRET = marker('session-secret')
const ENCRYPTION_KEY = randomBytes(32).toString('base64')

/** Everything written anywhere a person or a log pipeline reads. */
const logs: string[] = []
const responses: string[] = []
const events: string[] = []
const secrets = new Set<string>([OSSO_SECRET, OP_SECRET, SESSION_SECRET, ENCRYPTION_KEY])

let support: typeof Stack
let op: ScriptedOp
let stack: SecurityStack
let restoreStderr: () => void

beforeAll(async () => {
  const write = process.stderr.write.bind(process.stderr)
  // Debug output goes to stderr; it is kept here instead of flooding the test report.
  process.stderr.write = (chunk: unknown) => {
    logs.push(String(chunk))
    return true
  }
  restoreStderr = () => {
    process.stderr.write = write
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logs.push(
        args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 8 }))).join(' '),
      )
    })
  }

  support = await import('./support/stack.js')
  const { startScriptedOp } = await import('./support/scripted-op.js')
  const { defaultSeed } = await import('@social-auth/osso-dev')
  op = await startScriptedOp({
    clientSecret: OP_SECRET,
    accessToken: () => {
      const token = marker('op-access-token')
      secrets.add(token)
      return token
    },
  })
  const seed = defaultSeed()
  const clients = seed.clients.map((client, i) =>
    i === 0 ? { ...client, clientSecret: OSSO_SECRET } : client,
  )
  stack = await support.startSecurityStack({
    op,
    osso: { clients },
    env: {
      SOCIAL_AUTH_OSSO_SECRET: OSSO_SECRET,
      SESSION_SECRET,
      SOCIAL_AUTH_ENCRYPTION_KEYS: `k1:${ENCRYPTION_KEY}`,
    },
    app: { logError: (line) => logs.push(line) },
  })
  const names = [
    'auth.started',
    'auth.succeeded',
    'auth.failed',
    'user.created',
    'account.linked',
    'link.refused',
    'account.disconnected',
    'partial.paused',
    'partial.resumed',
  ] as const
  for (const name of names) {
    stack.example.social.events.on(name, (payload: unknown) => {
      events.push(`${name} ${inspect(payload, { depth: 12, showHidden: true })}`)
    })
  }
}, 60_000)

afterAll(async () => {
  restoreStderr()
  jest.restoreAllMocks()
  await stack?.close()
  await op?.close()
})

/** A browser that records the app's answers and the secrets it sees go by. */
function browser(): TestBrowser {
  const b = new support.TestBrowser()
  const record = (res: BrowserResponse): BrowserResponse => {
    const fromApp = res.url.startsWith(stack.appUrl)
    const location = res.location ? new URL(res.location) : undefined
    for (const [key, value] of location?.searchParams ?? []) {
      if (['state', 'code', 'nonce', 'code_challenge'].includes(key) && value.length >= 8)
        secrets.add(value)
    }
    for (const [key, value] of new URL(res.url).searchParams) {
      if (['state', 'code'].includes(key) && value.length >= 8) secrets.add(value)
    }
    if (fromApp) {
      // Error answers: a 4xx/5xx page or JSON, or a redirect to the app's error URL (shown in
      // the address bar, kept in history, sent to analytics as the page URL).
      const toErrorUrl =
        location?.origin === new URL(stack.appUrl).origin && location.searchParams.has('error')
      if (res.status >= 400) responses.push(res.text)
      if (toErrorUrl) responses.push(location.href, res.text)
      const sid = b.cookie(stack.appUrl, 'sid')
      if (sid) {
        secrets.add(sid)
        secrets.add(decodeURIComponent(sid))
        secrets.add(decodeURIComponent(sid).split('.').at(-1)!)
      }
    }
    return res
  }
  const get = b.get.bind(b)
  const post = b.post.bind(b)
  b.get = async (url, options) => record(await get(url, options))
  b.post = async (url, fields, options) => record(await post(url, fields, options))
  return b
}

const json = { headers: { accept: 'application/json' } }

describe('secrets in logs, error answers and events (security.md §5.5)', () => {
  it('never appear on any happy or error path of either backend', async () => {
    const { ossoLogin, finishOnApp, oidcCallback, signInPage } = support
    op.script.tokenResponse = (body) => {
      secrets.add(String(body.id_token))
      return body
    }
    const keepIdTokens = op.script.tokenResponse

    // Happy paths: first and returning Osso logins, JSON profile, logout.
    const alice = browser()
    await finishOnApp(alice, stack, await ossoLogin(alice, stack, 'user@example.com'))
    await alice.get(`${stack.appUrl}/profile`, json)
    await alice.post(`${stack.appUrl}/logout`, { _csrf: (await signInPage(alice, stack)).csrf })
    await finishOnApp(alice, stack, await ossoLogin(alice, stack, 'user@example.com'))

    // OpenID Connect: a new account, then the guided link of an unverified email.
    const olga = browser()
    op.account = { sub: 'olga-1', email: 'olga@example.org', email_verified: true }
    await finishOnApp(olga, stack, await olga.get(await oidcCallback(olga, stack)))
    const linker = browser()
    op.account = { sub: 'linker-1', email: 'user@example.com', email_verified: false }
    await linker.get(await oidcCallback(linker, stack))
    await finishOnApp(linker, stack, await ossoLogin(linker, stack, 'user@example.com'))

    // Callbacks refused: a forged state, a replay, the provider's own errors, in HTML and JSON.
    for (const accept of [{}, json]) {
      const mallory = browser()
      const callback = new URL(await oidcCallback(mallory, stack))
      const forged = new URL(callback)
      forged.searchParams.set('state', marker('forged-state'))
      secrets.add(forged.searchParams.get('state')!)
      await mallory.get(forged.href, accept)
      await mallory.get(callback.href, accept)
      await mallory.get(callback.href, accept)
      const denied = browser()
      const state = new URL(await oidcCallback(denied, stack)).searchParams.get('state')!
      await denied.get(
        `${stack.appUrl}/complete/oidc/?error=access_denied&error_description=${marker('described')}&state=${state}`,
        accept,
      )
    }

    // The provider misbehaving at each step.
    const faults: Array<Partial<typeof op.script>> = [
      { tokenFault: 'status-500' },
      { tokenFault: 'html' },
      { tokenFault: 'drop' },
      { userinfoFault: 'html' },
      { idToken: (draft, keys) => void (draft.key = keys.rogue.privateKey) },
      { idToken: (draft) => void (draft.claims.nonce = marker('wrong-nonce')) },
      { userinfo: (claims) => ({ ...claims, sub: 'someone-else' }) },
      { authorizeIss: 'https://mix-up.example' },
    ]
    for (const fault of faults) {
      op.script = { tokenResponse: keepIdTokens, ...fault }
      op.account = { sub: marker('sub'), email: `${marker('e')}@example.org` }
      const b = browser()
      await b.get(await oidcCallback(b, stack), json)
      const c = browser()
      await c.get(await oidcCallback(c, stack))
    }
    op.script = { tokenResponse: keepIdTokens }

    // A refused form, a resume with another browser's partial token.
    const csrfless = browser()
    await csrfless.post(`${stack.appUrl}/begin/osso`, { email: 'user@example.com' })
    await csrfless.post(`${stack.appUrl}/begin/osso`, { email: 'user@example.com' }, json)

    // The database failing mid-login: the one path that reaches logError with a real error.
    await stack.db.raw(
      `CREATE TRIGGER leak_fault BEFORE INSERT ON social_auth_usersocialauth
       BEGIN SELECT RAISE(ABORT, 'injected fault'); END`,
    )
    try {
      op.account = { sub: 'db-fault-1', email: 'db.fault@example.org' }
      const faulty = browser()
      const paused = await faulty.get(await oidcCallback(faulty, stack))
      await finishOnApp(faulty, stack, paused)
    } finally {
      await stack.db.raw('DROP TRIGGER leak_fault')
    }

    // What the providers saw go by: PKCE verifiers, Osso's codes and tokens.
    for (const request of op.requests) {
      const verifier = request.body.get('code_verifier')
      if (verifier) secrets.add(verifier)
    }
    for (const token of stack.osso.state.tokens.keys()) secrets.add(token)
    for (const code of stack.osso.state.codes.keys()) secrets.add(code)

    // The run exercised what it claims to.
    expect(
      stack.logged.length + logs.filter((l) => l.startsWith('social-auth:')).length,
    ).toBeGreaterThan(0)
    expect(logs.some((line) => line.includes('body-parser'))).toBe(true)
    expect(events.some((e) => e.startsWith('auth.failed'))).toBe(true)
    expect(events.some((e) => e.startsWith('link.refused'))).toBe(true)
    expect(op.requests.filter((r) => r.path === '/token').length).toBeGreaterThan(10)
    expect(secrets.size).toBeGreaterThan(60)

    const outputs: Array<[string, string]> = [
      ['logs', logs.join('\n')],
      ['error answers', responses.join('\n')],
      ['events', events.join('\n')],
    ]
    const leaks: string[] = []
    for (const secret of secrets) {
      if (secret.length < 8) continue
      for (const [where, text] of outputs)
        if (text.includes(secret)) {
          const at = text.indexOf(secret)
          leaks.push(`${where}: ${secret} :: ${text.slice(Math.max(0, at - 300), at + 80)}`)
        }
    }
    expect(leaks).toEqual([])
  })
})
