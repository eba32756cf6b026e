/**
 * Threat: abuse by volume — scripted login storms, a stranger flooding someone's identity
 * provider with sign-in prompts (MFA fatigue), callback and disconnect hammering. The routes
 * answer 429 with Retry-After (RFC 6585 §4) per client address and per identity, the limits
 * hold across app nodes sharing a database, and spoofed forwarding headers buy nothing when
 * the app does not trust a proxy. The counters and the middleware themselves are proven in
 * packages/express/test/rate-limit.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestDatabase, type TestDatabase } from './support/postgres.js'
import {
  TestBrowser,
  finishOnApp,
  ossoLogin,
  signInPage,
  startSecurityStack,
  type SecurityStack,
} from './support/stack.js'

const LIMITS = {
  begin: {
    perIp: { limit: 3, windowSeconds: 60 },
    perEmail: { limit: 2, windowSeconds: 600 },
    perDomain: false as const,
  },
  complete: { perIp: { limit: 4, windowSeconds: 60 } },
  disconnect: {
    perIp: { limit: 100, windowSeconds: 60 },
    perUser: { limit: 2, windowSeconds: 60 },
  },
}

let clock = Date.now()
let stack: SecurityStack

beforeAll(async () => {
  stack = await startSecurityStack({
    // Behind a proxy on loopback: X-Forwarded-For names the client, as in production.
    env: { TRUST_PROXY: 'loopback' },
    app: { rateLimit: { ...LIMITS, now: () => clock } },
  })
})
afterAll(async () => {
  await stack.close()
})

/** POST /begin/osso from `address` (X-Forwarded-For); answers the response. */
async function beginFrom(
  browser: TestBrowser,
  target: SecurityStack,
  address: string | undefined,
  email: string,
  headers: Record<string, string> = {},
) {
  const { csrf } = await signInPage(browser, target)
  return browser.post(
    `${target.appUrl}/begin/osso`,
    { _csrf: csrf, email },
    { headers: { ...(address ? { 'x-forwarded-for': address } : {}), ...headers } },
  )
}

describe('POST /begin (security.md: abuse limits; RFC 6585 §4)', () => {
  it('refuses a client address past its limit with 429, Retry-After and ERR_RATE_LIMITED, before anything reaches the provider', async () => {
    const browser = new TestBrowser()
    for (let i = 0; i < 3; i++) {
      const ok = await beginFrom(browser, stack, '198.51.100.1', `person${i}@example.com`)
      expect(ok.location?.startsWith(stack.ossoUrl)).toBe(true)
    }
    const refused = await beginFrom(browser, stack, '198.51.100.1', 'person9@example.com')
    expect(refused.status).toBe(429)
    expect(refused.location).toBeUndefined()
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect(refused.text).toContain('ERR_RATE_LIMITED')
    const api = await beginFrom(browser, stack, '198.51.100.1', 'person9@example.com', {
      accept: 'application/json',
    })
    expect(api.status).toBe(429)
    expect(api.json()).toEqual({
      error: 'ERR_RATE_LIMITED',
      detail: 'Too many attempts. Please wait a moment and try again.',
    })
  })

  it('refuses a third sign-in prompt for one email from anywhere (MFA fatigue), case-insensitively, and not for another email', async () => {
    const attacker = new TestBrowser()
    expect((await beginFrom(attacker, stack, '198.51.100.10', 'target@example.com')).status).toBe(
      302,
    )
    expect((await beginFrom(attacker, stack, '198.51.100.11', 'Target@Example.com')).status).toBe(
      302,
    )
    const third = await beginFrom(attacker, stack, '198.51.100.12', 'target@example.com')
    expect(third.status).toBe(429)
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(60)
    // The email can also not be smuggled through the query string.
    const { csrf } = await signInPage(attacker, stack)
    const viaQuery = await attacker.post(
      `${stack.appUrl}/begin/osso?email=target%40example.com`,
      { _csrf: csrf },
      { headers: { 'x-forwarded-for': '198.51.100.13' } },
    )
    expect(viaQuery.status).toBe(429)
    expect(
      (await beginFrom(attacker, stack, '198.51.100.14', 'someone.else@example.com')).status,
    ).toBe(302)
  })

  it('never counts a POST without the CSRF token against an email: a stranger cannot lock someone out', async () => {
    const stranger = new TestBrowser()
    for (let i = 0; i < 5; i++) {
      const forged = await stranger.post(
        `${stack.appUrl}/begin/osso`,
        { email: 'locked.out@example.com' },
        { headers: { 'x-forwarded-for': `198.51.100.${40 + i}` } },
      )
      expect(forged.location).toContain('error=ERR_REQUEST_FORBIDDEN')
    }
    // The person themselves still gets their prompts.
    const person = new TestBrowser()
    expect((await beginFrom(person, stack, '198.51.100.60', 'locked.out@example.com')).status).toBe(
      302,
    )
    expect(
      (await beginFrom(person, stack, '198.51.100.60', 'locked.out@example.com')).location,
    ).toContain(stack.ossoUrl)
  })

  it('counts an IPv6 client by its /64, so rotating addresses within it buys nothing', async () => {
    const browser = new TestBrowser()
    for (let i = 1; i <= 3; i++)
      expect(
        (await beginFrom(browser, stack, `2001:db8:7:7::${i}`, `v6-${i}@example.com`)).status,
      ).toBe(302)
    expect((await beginFrom(browser, stack, '2001:db8:7:7::ffff', 'v6-9@example.com')).status).toBe(
      429,
    )
    expect((await beginFrom(browser, stack, '2001:db8:7:8::1', 'v6-10@example.com')).status).toBe(
      302,
    )
  })

  it('lifts the limit when the window ends', async () => {
    const browser = new TestBrowser()
    for (let i = 0; i < 3; i++)
      await beginFrom(browser, stack, '198.51.100.20', `w${i}@example.com`)
    expect((await beginFrom(browser, stack, '198.51.100.20', 'w8@example.com')).status).toBe(429)
    clock += 61_000
    expect((await beginFrom(browser, stack, '198.51.100.20', 'w9@example.com')).status).toBe(302)
  })
})

describe('GET /complete and POST /disconnect', () => {
  it('refuses callback hammering from one address with 429 instead of running the callback', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${stack.appUrl}/complete/osso/?code=c${i}&state=s${i}`, {
        redirect: 'manual',
        headers: { 'x-forwarded-for': '198.51.100.30' },
      })
      statuses.push(res.status)
    }
    expect(statuses).toEqual([302, 302, 302, 302, 429, 429])
  })

  it('refuses a signed-in user’s third disconnect in a window, whatever their address', async () => {
    const user = new TestBrowser()
    await finishOnApp(user, stack, await ossoLogin(user, stack, 'disconnector@example.com'))
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      const { csrf } = await signInPage(user, stack)
      const res = await user.post(
        `${stack.appUrl}/disconnect/osso/`,
        { _csrf: csrf },
        { headers: { 'x-forwarded-for': `198.51.100.${40 + i}` } },
      )
      statuses.push(res.status)
    }
    expect(statuses).toEqual([302, 302, 429])
  })
})

describe('forwarding headers the app does not trust', () => {
  it('buy no new addresses: X-Forwarded-For is ignored without trust proxy', async () => {
    const direct = await startSecurityStack({ app: { rateLimit: LIMITS } })
    try {
      const browser = new TestBrowser()
      const statuses: number[] = []
      for (let i = 0; i < 4; i++)
        statuses.push(
          (await beginFrom(browser, direct, `203.0.113.${i}`, `spoof${i}@example.com`)).status,
        )
      expect(statuses).toEqual([302, 302, 302, 429])
    } finally {
      await direct.close()
    }
  })
})

describe('two app nodes on one PostgreSQL', () => {
  let database: TestDatabase
  let nodes: SecurityStack[]
  beforeAll(async () => {
    database = await createTestDatabase('limits')
    nodes = []
    for (let i = 0; i < 2; i++)
      nodes.push(await startSecurityStack({ database: database.url, app: { rateLimit: LIMITS } }))
  }, 60_000)
  afterAll(async () => {
    for (const node of nodes) await node.close()
    await database.drop()
  })

  it('share one limit: a client cannot get twice the attempts by alternating between nodes', async () => {
    const browser = new TestBrowser()
    const statuses: number[] = []
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await beginFrom(browser, nodes[i % 2]!, undefined, `node${i}@example.com`)).status,
      )
    expect(statuses).toEqual([302, 302, 302, 429])
    expect(await nodes[0]!.count('social_auth_rate_limit')).toBeGreaterThan(0)
  })
})
