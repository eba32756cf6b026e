/**
 * Threat: a forged, injected, replayed or mixed-up authorization response, an open redirect,
 * a forged request from another site, a fixed session. Run over HTTP against the example app
 * (osso-dev and a scripted OpenID provider as the two backends). Already proven elsewhere, not
 * repeated: a missing, unknown, expired or other-browser state and a wrong RFC 9207 `iss`
 * (packages/oauth/test/callback-rejections.test.ts, examples/express-osso/test/osso-errors.test.ts,
 * examples/express-osso/test/oidc.test.ts), a state used twice (packages/oauth/test/
 * oidc-provider.test.ts), CSRF on POST /begin and /disconnect and a foreign `next`
 * (packages/express/test/routes.test.ts), a new session id at login (same file).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { startScriptedOp, type ScriptedOp } from './support/scripted-op.js'
import {
  TestBrowser,
  errorCode,
  finishOnApp,
  oidcCallback,
  ossoLogin,
  queueOssoLogin,
  signInPage,
  signedInAs,
  startSecurityStack,
  type SecurityStack,
} from './support/stack.js'

let op: ScriptedOp
let stack: SecurityStack

beforeAll(async () => {
  op = await startScriptedOp()
  stack = await startSecurityStack({ op })
})
afterAll(async () => {
  await stack.close()
  await op.close()
})

/** POSTs /begin/<backend> with this browser's CSRF token; answers the redirect to the provider. */
async function begin(browser: TestBrowser, backend: string, fields: Record<string, string> = {}) {
  const { csrf } = await signInPage(browser, stack)
  const res = await browser.post(`${stack.appUrl}/begin/${backend}`, { _csrf: csrf, ...fields })
  expect(res.status).toBe(302)
  return new URL(res.location!)
}

describe('the authorization request (RFC 9700 §2.1.1, RFC 7636)', () => {
  it('carries PKCE S256, a fresh state and, for OpenID Connect, a nonce — the confidential Osso client included', async () => {
    const browser = new TestBrowser()
    const first = await begin(browser, 'osso', { email: 'user@example.com' })
    const second = await begin(browser, 'osso', { email: 'user@example.com' })
    const oidc = await begin(browser, 'oidc')
    for (const url of [first, second, oidc]) {
      expect(url.searchParams.get('code_challenge_method')).toBe('S256')
      expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43,}$/)
    }
    expect(second.searchParams.get('state')).not.toBe(first.searchParams.get('state'))
    expect(second.searchParams.get('code_challenge')).not.toBe(
      first.searchParams.get('code_challenge'),
    )
    expect(oidc.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43,}$/)
  })

  it('refuses a code injected into another browser’s login: the provider binds it to that login’s verifier (RFC 9700 §4.5)', async () => {
    op.reset()
    const attacker = new TestBrowser()
    const stolen = new URL(await oidcCallback(attacker, stack))
    const victim = new TestBrowser()
    const victimState = (await begin(victim, 'oidc')).searchParams.get('state')!
    const users = await stack.count('users')

    const injected = new URL(`${stack.appUrl}/complete/oidc/`)
    injected.searchParams.set('code', stolen.searchParams.get('code')!)
    injected.searchParams.set('state', victimState)
    injected.searchParams.set('iss', op.issuer)
    const res = await victim.get(injected.href)
    expect(errorCode(res)).toMatch(/^ERR_AUTH_/)
    expect(await signedInAs(victim, stack)).toBeUndefined()
    expect(await stack.count('users')).toBe(users)
    // The exchange carried the victim's verifier, which the injected code was not issued for.
    const exchange = op.requests.find((r) => r.path === '/token')
    expect(exchange?.body.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,128}$/)
  })
})

describe('mix-up (RFC 9207, RFC 9700 §4.4)', () => {
  it('refuses a response without iss from a provider that advertises RFC 9207 (§2.4), before the token request', async () => {
    op.reset()
    op.script.authorizeIss = null
    const browser = new TestBrowser()
    const res = await browser.get(await oidcCallback(browser, stack))
    expect(errorCode(res)).toBe('ERR_AUTH_ISSUER_MISMATCH')
    expect(op.paths()).not.toContain('/token')
    expect(await signedInAs(browser, stack)).toBeUndefined()
  })

  it('refuses a state begun with one backend arriving at another backend’s redirect URI, before any token request', async () => {
    op.reset()
    const browser = new TestBrowser()
    const ossoState = (
      await begin(browser, 'osso', { email: 'user@example.com' })
    ).searchParams.get('state')!
    const res = await browser.get(
      `${stack.appUrl}/complete/oidc/?code=whatever&state=${ossoState}&iss=${encodeURIComponent(op.issuer)}`,
    )
    expect(errorCode(res)).toBe('ERR_AUTH_STATE_FORBIDDEN')
    expect(op.paths()).not.toContain('/token')
  })
})

describe('replay (RFC 6749 §4.1.2, §10.5)', () => {
  it('refuses a completed callback replayed after logout', async () => {
    op.reset()
    const browser = new TestBrowser()
    const callback = await oidcCallback(browser, stack)
    await finishOnApp(browser, stack, await browser.get(callback))
    expect(await signedInAs(browser, stack)).toBe('op.person@example.org')
    const page = await signInPage(browser, stack)
    await browser.post(`${stack.appUrl}/logout`, { _csrf: page.csrf })
    const replay = await browser.get(callback)
    expect(errorCode(replay)).toBe('ERR_AUTH_STATE_MISSING')
    expect(await signedInAs(browser, stack)).toBeUndefined()
  })
})

describe('open redirects (RFC 9700 §4.11, CWE-601)', () => {
  const app = () => new URL(stack.appUrl)
  // Forms that browsers, URL parsers and naive checks disagree about.
  const crafted = (): string[] => [
    '//evil.example/',
    '///evil.example/',
    '/\\evil.example/',
    '\\\\evil.example/',
    '/\t/evil.example/',
    ' //evil.example/',
    '/%2F%2Fevil.example/',
    '%2F%2Fevil.example',
    'https:evil.example',
    'https:/evil.example',
    'http://evil.example',
    `http://${app().host}@evil.example/`,
    `http://evil.example\\@${app().host}/`,
    `http://evil.example#@${app().host}/`,
    `http://${app().hostname}:1/`,
    `http://${app().hostname}.evil.example/`,
    'https://evil.example%2F@127.0.0.1/',
    'javascript:alert(document.domain)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '／／evil.example',
    '//evil。example',
    '/\u2028/evil.example',
  ]
  const hostile = () =>
    fc.oneof(
      fc.constantFrom(...crafted()),
      fc
        .tuple(
          fc.constantFrom('//', '\\\\', '/\\', '\\/', 'http://', 'https://', 'https:', '/%2f/', ''),
          fc.constantFrom(
            'evil.example',
            'evil.example:443',
            '[::1]:1',
            '0x7f.1',
            'evil.example%00',
          ),
          fc.constantFrom('', '/', '/profile', `@${app().host}`, '?x=//evil.example', '#/profile'),
        )
        .map(([a, b, c]) => `${a}${b}${c}`),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.string({ maxLength: 40 }),
    )

  it('ends every login on this app, whatever `next` it began with (property, 80 logins)', async () => {
    await fc.assert(
      fc.asyncProperty(hostile(), async (next) => {
        const browser = new TestBrowser()
        await queueOssoLogin(stack.ossoUrl, 'user@example.com')
        const { csrf } = await signInPage(browser, stack)
        const toOsso = await browser.post(`${stack.appUrl}/begin/osso`, {
          _csrf: csrf,
          email: 'user@example.com',
          next,
        })
        const back = await browser.get(toOsso.location!)
        const done = await finishOnApp(browser, stack, await browser.get(back.location!))
        expect(done.status).toBe(302)
        const target = new URL(done.location!, stack.appUrl)
        expect(target.origin).toBe(app().origin)
        expect(await signedInAs(browser, stack)).toBe('user@example.com')
      }),
      { numRuns: 80 },
    )
  })
})

describe('cross-site request forgery (RFC 6749 §10.12)', () => {
  it('does not let another browser resume a paused sign-in, by link or by form (login CSRF through partial pipelines)', async () => {
    const attacker = new TestBrowser()
    const paused = await ossoLogin(attacker, stack, 'newcomer@example.com')
    expect(paused.location).toContain('/confirm-username?partial_token=')
    const token = new URL(paused.location!).searchParams.get('partial_token')!
    const users = await stack.count('users')

    const victim = new TestBrowser()
    const byLink = await victim.get(`${stack.appUrl}/confirm-username?partial_token=${token}`)
    expect(errorCode(byLink)).toBe('ERR_AUTH_PARTIAL_REFUSED')
    const { csrf } = await signInPage(victim, stack)
    const byForm = await victim.post(`${stack.appUrl}/resume/osso/`, {
      _csrf: csrf,
      partial_token: token,
      username: 'planted',
    })
    expect(errorCode(byForm)).toBe('ERR_AUTH_PARTIAL_REFUSED')
    expect(await signedInAs(victim, stack)).toBeUndefined()
    expect(await stack.count('users')).toBe(users)

    // The owner's paused sign-in is untouched.
    const done = await finishOnApp(attacker, stack, paused)
    expect(done.location).toBe(`${stack.appUrl}/profile`)
    expect(await signedInAs(attacker, stack)).toBe('newcomer@example.com')
  })

  it('refuses a logout without the CSRF token (a forced logout from another site)', async () => {
    const browser = new TestBrowser()
    await finishOnApp(browser, stack, await ossoLogin(browser, stack, 'user@example.com'))
    const res = await browser.post(`${stack.appUrl}/logout`, {})
    expect(errorCode(res)).toBe('ERR_REQUEST_FORBIDDEN')
    expect(await signedInAs(browser, stack)).toBe('user@example.com')
  })
})

describe('session fixation (OWASP ASVS 3.2.1)', () => {
  it('replaces a session id planted before the login, and the planted id is worthless afterwards', async () => {
    const attacker = new TestBrowser()
    // The sign-in page stores nothing; starting a login gives the attacker a stored session.
    const begun = await attacker.post(`${stack.appUrl}/begin/osso`, {
      _csrf: (await signInPage(attacker, stack)).csrf,
      email: 'attacker@example.com',
    })
    expect(begun.location?.startsWith(stack.ossoUrl)).toBe(true)
    const planted = attacker.cookie(stack.appUrl, 'sid')!
    expect(planted).toBeDefined()

    const victim = new TestBrowser()
    victim.setCookie(stack.appUrl, 'sid', planted)
    await finishOnApp(victim, stack, await ossoLogin(victim, stack, 'user@example.com'))
    expect(await signedInAs(victim, stack)).toBe('user@example.com')
    expect(victim.cookie(stack.appUrl, 'sid')).not.toBe(planted)
    expect(await signedInAs(attacker, stack)).toBeUndefined()
  })
})
