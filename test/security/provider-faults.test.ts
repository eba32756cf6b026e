/**
 * Threat: a provider that is slow, down, or answering something else than the protocol (an
 * HTML maintenance page, a broken key set) hangs the app, crashes a route, or leaves a half
 * login behind. Each fault must end on the error URL with a coded error within the configured
 * timeout (security.md §5.6, PSA 4.9.0's default timeouts), create nothing, and a retry once the
 * provider heals must succeed. Already proven elsewhere, not repeated: a token endpoint
 * answering 500 or HTML, and Osso going away (examples/express-osso/test/oidc.test.ts,
 * osso-errors.test.ts); the bearer guard's JWKS outage in unit form (packages/jwt/test/
 * jwks-behaviour.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import express from 'express'
import type { Server } from 'node:http'
import { createServer } from 'node:net'
import { createIssuer } from '@social-auth/jwt'
import { createApp as createResourceServer } from '../../examples/resource-server/src/index.js'
import { startScriptedOp, type Fault, type ScriptedOp } from './support/scripted-op.js'
import {
  TestBrowser,
  errorCode,
  finishOnApp,
  oidcCallback,
  signInPage,
  signedInAs,
  startSecurityStack,
  type SecurityStack,
} from './support/stack.js'

const TIMEOUT_SECONDS = 1
const env = { SOCIAL_AUTH_OIDC_REQUESTS_TIMEOUT: String(TIMEOUT_SECONDS) }

let op: ScriptedOp
let stack: SecurityStack

beforeAll(async () => {
  op = await startScriptedOp()
  stack = await startSecurityStack({ op, env })
})
afterAll(async () => {
  await stack.close()
  await op.close()
})

/** One login through a faulty provider; answers the error code, the time it took and the browser. */
async function faultyLogin(target: { op: ScriptedOp; stack: SecurityStack }) {
  const browser = new TestBrowser()
  const users = await target.stack.count('users')
  const callback = await oidcCallback(browser, target.stack)
  const started = Date.now()
  const response = await browser.get(callback)
  const elapsed = Date.now() - started
  expect(await signedInAs(browser, target.stack)).toBeUndefined()
  expect(await target.stack.count('users')).toBe(users)
  return { code: errorCode(response), elapsed }
}

/** After the provider heals, a new login goes through. */
async function retrySucceeds(target: { op: ScriptedOp; stack: SecurityStack }): Promise<void> {
  target.op.script = {}
  const browser = new TestBrowser()
  const done = await finishOnApp(
    browser,
    target.stack,
    await browser.get(await oidcCallback(browser, target.stack)),
  )
  expect(done.location).toBe(`${target.stack.appUrl}/profile`)
}

describe('a slow provider: REQUESTS_TIMEOUT is honoured (security.md §5.6)', () => {
  it.each<[string, 'tokenFault' | 'userinfoFault']>([
    ['the token endpoint', 'tokenFault'],
    ['the userinfo endpoint', 'userinfoFault'],
  ])(
    'gives up on %s after the timeout with ERR_AUTH_UNREACHABLE_PROVIDER, then a retry succeeds',
    async (_name, where) => {
      op.reset()
      op.account = { sub: `slow-${where}`, email: `slow-${where}@example.org` }
      op.script[where] = 'hang'
      const { code, elapsed } = await faultyLogin({ op, stack })
      expect(code).toBe('ERR_AUTH_UNREACHABLE_PROVIDER')
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_SECONDS * 1000 - 50)
      expect(elapsed).toBeLessThan(TIMEOUT_SECONDS * 1000 + 2000)
      await retrySucceeds({ op, stack })
    },
  )
})

describe('a provider that is down or answers something else (security.md §5.6)', () => {
  const cases: Array<[string, 'tokenFault' | 'userinfoFault', Fault, RegExp]> = [
    [
      'a token endpoint that drops the connection',
      'tokenFault',
      'drop',
      /^ERR_AUTH_(CONNECTION|UNREACHABLE_PROVIDER)$/,
    ],
    [
      'a userinfo endpoint that drops the connection',
      'userinfoFault',
      'drop',
      /^ERR_AUTH_(CONNECTION|UNREACHABLE_PROVIDER)$/,
    ],
    [
      'a userinfo endpoint answering an HTML page',
      'userinfoFault',
      'html',
      /^ERR_AUTH_INVALID_RESPONSE$/,
    ],
    [
      'a userinfo endpoint answering 500',
      'userinfoFault',
      'status-500',
      /^ERR_AUTH_UNREACHABLE_PROVIDER$/,
    ],
  ]
  it.each(cases)(
    'ends %s on the error URL, creating nothing, and a retry succeeds',
    async (_name, where, fault, code) => {
      op.reset()
      op.account = {
        sub: `faulty-${where}-${fault}`,
        email: `faulty-${where}-${fault}@example.org`,
      }
      op.script[where] = fault
      expect((await faultyLogin({ op, stack })).code).toMatch(code)
      await retrySucceeds({ op, stack })
    },
  )

  it('refuses to start a login while the provider’s discovery document is an HTML page, and starts once it heals', async () => {
    const fresh = await startScriptedOp()
    const freshStack = await startSecurityStack({ op: fresh, env })
    try {
      fresh.script.discoveryFault = 'html'
      const browser = new TestBrowser()
      const { csrf } = await signInPage(browser, freshStack)
      const res = await browser.post(`${freshStack.appUrl}/begin/oidc`, { _csrf: csrf })
      expect(res.status).toBe(302)
      expect(errorCode(res)).toMatch(/^ERR_AUTH_(INVALID_RESPONSE|UNREACHABLE_PROVIDER)$/)
      // Discovery backs off for a second after a failure (no tight refetch loop), then retries.
      fresh.script = {}
      await new Promise((resolve) => setTimeout(resolve, 1100))
      await retrySucceeds({ op: fresh, stack: freshStack })
    } finally {
      await freshStack.close()
      await fresh.close()
    }
  })

  it('ends a login on ERR_KEY_SET_UNAVAILABLE while the key set is down, creating nothing', async () => {
    const fresh = await startScriptedOp()
    const freshStack = await startSecurityStack({ op: fresh, env })
    try {
      fresh.script.jwksFault = 'status-500'
      expect((await faultyLogin({ op: fresh, stack: freshStack })).code).toBe(
        'ERR_KEY_SET_UNAVAILABLE',
      )
      fresh.script = { jwksFault: 'drop' }
      expect((await faultyLogin({ op: fresh, stack: freshStack })).code).toBe(
        'ERR_KEY_SET_UNAVAILABLE',
      )
    } finally {
      await freshStack.close()
      await fresh.close()
    }
  })

  it('ends a login on the error URL when the provider is gone between the redirect and the callback', async () => {
    const fresh = await startScriptedOp()
    const freshStack = await startSecurityStack({ op: fresh, env })
    try {
      const browser = new TestBrowser()
      const callback = await oidcCallback(browser, freshStack)
      await fresh.close()
      const res = await browser.get(callback)
      expect(errorCode(res)).toMatch(/^ERR_AUTH_(CONNECTION|UNREACHABLE_PROVIDER)$/)
      expect(await signedInAs(browser, freshStack)).toBeUndefined()
    } finally {
      await freshStack.close()
    }
  })
})

describe('an API whose issuer’s key set is down (security.md §3.1.8: fail closed)', () => {
  it('answers 503, never 500 and never 200, while no key was ever fetched', async () => {
    // A port nothing listens on: the JWKS is down from the start.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer()
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number }
        probe.close(() => resolve(port))
      })
    })
    const issuerUrl = `http://127.0.0.1:${port}`
    const issuer = await createIssuer({ issuer: issuerUrl, audience: 'https://posts.api.example' })
    const token = (await issuer.mint({ sub: 'user:ada', scopes: ['read:posts'] })).access_token
    const app = createResourceServer({
      JWT_ISSUER: issuerUrl,
      JWT_AUDIENCE: 'https://posts.api.example',
    })
    const server = await new Promise<Server>((resolve) => {
      const s = express()
        .use(app)
        .listen(0, '127.0.0.1', () => resolve(s))
    })
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/posts`
      for (let i = 0; i < 3; i++) {
        const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
        expect(res.status).toBe(503)
        expect(await res.json()).toMatchObject({ error: 'ERR_KEY_SET_UNAVAILABLE' })
      }
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
