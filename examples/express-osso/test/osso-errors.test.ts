import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { TestBrowser, type BrowserResponse } from '@social-auth/express/testing'
import { queueOssoLogin, signIn, startStack, submitEmail, type Stack } from './support.js'

let stack: Stack

beforeAll(async () => {
  stack = await startStack()
})
afterAll(async () => {
  await stack.close()
})

/** Begins a login; answers the state and the callback Osso would send (with its code). */
async function beginAt(
  target: Stack,
  browser: TestBrowser,
  email = 'user@example.com',
  extra: Record<string, string> = {},
) {
  await queueOssoLogin(target.ossoUrl, email, extra)
  const toOsso = await submitEmail(browser, target.appUrl, email)
  const state = new URL(toOsso.location!).searchParams.get('state')!
  const back = await browser.get(toOsso.location!)
  return { state, callback: back.location! }
}

function expectError(target: Stack, res: BrowserResponse, code: string | RegExp): void {
  expect(res.status).toBe(302)
  const url = new URL(res.location!)
  expect(`${url.origin}${url.pathname}`).toBe(`${target.appUrl}/`)
  if (typeof code === 'string') expect(url.searchParams.get('error')).toBe(code)
  else expect(url.searchParams.get('error')).toMatch(code)
  expect(url.searchParams.get('backend')).toBe('osso')
  expect(target.logged).toEqual([])
}

describe('Osso callbacks that must fail on the error URL, never with a 500', () => {
  it('a callback without state', async () => {
    const res = await new TestBrowser().get(`${stack.appUrl}/complete/osso/?code=${'a'.repeat(64)}`)
    expectError(stack, res, 'ERR_AUTH_MISSING_PARAMETER')
  })

  it('a callback in a browser that started no login', async () => {
    const res = await new TestBrowser().get(
      `${stack.appUrl}/complete/osso/?code=${'a'.repeat(64)}&state=made-up`,
    )
    expectError(stack, res, 'ERR_AUTH_STATE_MISSING')
  })

  it('a state another browser started (login CSRF)', async () => {
    const attacker = new TestBrowser()
    const { callback } = await beginAt(stack, attacker)
    const victim = new TestBrowser()
    await beginAt(stack, victim)
    const res = await victim.get(callback)
    expectError(stack, res, 'ERR_AUTH_STATE_FORBIDDEN')
  })

  it('a state used twice', async () => {
    const browser = new TestBrowser()
    await signIn(browser, stack, 'user@example.com')
    const { callback } = await beginAt(stack, browser)
    const first = await browser.get(callback)
    expect(first.location).toMatch(/\/(profile|confirm-username)/)
    const again = await browser.get(callback)
    expectError(stack, again, /^ERR_AUTH_STATE_(MISSING|FORBIDDEN)$/)
  })

  it('an IdP-initiated callback, which this app does not accept', async () => {
    const res = await new TestBrowser().get(
      `${stack.appUrl}/complete/osso/?code=${'b'.repeat(64)}&state=IDP_INITIATED`,
    )
    expectError(stack, res, /^ERR_AUTH_STATE_/)
  })

  it('access_denied from the provider', async () => {
    const browser = new TestBrowser()
    const { state } = await beginAt(stack, browser)
    const res = await browser.get(
      `${stack.appUrl}/complete/osso/?error=access_denied&error_description=nope&state=${state}`,
    )
    expectError(stack, res, 'ERR_AUTH_CANCELED')
  })

  it('a code the token endpoint does not know', async () => {
    const browser = new TestBrowser()
    const { state } = await beginAt(stack, browser)
    const res = await browser.get(
      `${stack.appUrl}/complete/osso/?code=${'c'.repeat(64)}&state=${state}`,
    )
    expectError(stack, res, /^ERR_AUTH_/)
  })

  it('an answer for another email than this login requested (Osso tenant mix-up)', async () => {
    const victim = new TestBrowser()
    await queueOssoLogin(stack.ossoUrl, 'someone@example.com')
    const toOsso = await submitEmail(victim, stack.appUrl, 'someone@example.com')
    const victimState = new URL(toOsso.location!).searchParams.get('state')!
    // A code from a login that asked Osso for user@example.com, replayed into this login.
    const { callback } = await beginAt(stack, new TestBrowser(), 'user@example.com')
    const code = new URL(callback).searchParams.get('code')!
    const res = await victim.get(`${stack.appUrl}/complete/osso/?code=${code}&state=${victimState}`)
    expectError(stack, res, 'ERR_AUTH_FORBIDDEN')
  })
})

describe('Osso misconfigured or down', () => {
  it('a wrong client secret ends on the error URL with ERR_AUTH_TOKEN', async () => {
    const wrong = await startStack({ env: { SOCIAL_AUTH_OSSO_SECRET: 'not-the-secret' } })
    try {
      const browser = new TestBrowser()
      const { callback } = await beginAt(wrong, browser)
      expectError(wrong, await browser.get(callback), 'ERR_AUTH_TOKEN')
    } finally {
      await wrong.close()
    }
  })

  it('a token endpoint answering 500 ends on the error URL', async () => {
    const broken = await startStack({ osso: { rackEnv: 'development' } })
    try {
      const browser = new TestBrowser()
      const { state } = await beginAt(broken, browser)
      const res = await browser.get(
        `${broken.appUrl}/complete/osso/?code=${'d'.repeat(64)}&state=${state}`,
      )
      expectError(broken, res, /^ERR_AUTH_/)
    } finally {
      await broken.close()
    }
  })

  it('an Osso that went away ends on the error URL', async () => {
    const gone = await startStack()
    try {
      const browser = new TestBrowser()
      const { callback } = await beginAt(gone, browser)
      await gone.stopOsso()
      const res = await browser.get(callback)
      // The code is oauth's mapping of a refused connection (today ERR_AUTH_INVALID_RESPONSE).
      expectError(gone, res, /^ERR_AUTH_/)
    } finally {
      await gone.close()
    }
  })
})
