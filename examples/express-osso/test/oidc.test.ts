import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { TestBrowser, findForm } from '@social-auth/express/testing'
import { startFakeOp, type FakeOp, type OpMode } from './fake-op.js'
import { confirmUsername, json, startStack, type Stack } from './support.js'

let op: FakeOp
let stack: Stack

beforeAll(async () => {
  op = await startFakeOp()
  stack = await startStack({
    env: {
      SOCIAL_AUTH_OIDC_OIDC_ENDPOINT: op.issuer,
      SOCIAL_AUTH_OIDC_KEY: op.clientId,
      SOCIAL_AUTH_OIDC_SECRET: op.clientSecret,
      // A developer's shell: X11's DISPLAY and Windows cmd's PROMPT share the bare names of the
      // OIDC DISPLAY / PROMPT settings, and must not reach the provider.
      DISPLAY: ':99',
      PROMPT: '$P$G',
    },
  })
})
afterAll(async () => {
  await stack.close()
  await op.close()
})

/** Clicks "Sign in with OpenID Connect" and follows the provider back to the callback. */
async function oidcCallback(browser: TestBrowser) {
  const page = await browser.get(`${stack.appUrl}/`)
  const form = findForm(page.text, { action: '/begin/oidc' })
  const toOp = await browser.post(`${stack.appUrl}/begin/oidc`, form.fields)
  expect(toOp.location!.startsWith(`${op.issuer}/authorize?`)).toBe(true)
  const params = new URL(toOp.location!).searchParams
  expect([params.get('display'), params.get('prompt')]).toEqual([null, null])
  const back = await browser.get(toOp.location!)
  return back.location!
}

describe('the generic OIDC backend, enabled by SOCIAL_AUTH_OIDC_OIDC_ENDPOINT', () => {
  it('shows a sign-in button and signs a person in to the profile page', async () => {
    op.mode = 'ok'
    const browser = new TestBrowser()
    const page = await browser.get(`${stack.appUrl}/`)
    expect(page.text).toContain('Sign in with OpenID Connect')
    const callback = await oidcCallback(browser)
    const paused = await browser.get(callback)
    expect(paused.location).toContain('/confirm-username?partial_token=')
    const done = await confirmUsername(browser, stack.appUrl, paused)
    expect(done.location).toBe(`${stack.appUrl}/profile`)
    const profile = await browser.get(`${stack.appUrl}/profile`, json)
    expect(profile.json()).toMatchObject({
      user: { email: 'oidc.person@example.org', username: 'oidc.person' },
      social: [{ provider: 'oidc', uid: 'op-user-1' }],
    })
  })

  const failures: Array<[OpMode, RegExp]> = [
    ['access_denied', /^ERR_AUTH_CANCELED$/],
    ['wrong_iss_parameter', /^ERR_AUTH_/],
    ['token_invalid_grant', /^ERR_AUTH_/],
    ['token_invalid_client', /^ERR_AUTH_TOKEN$/],
    ['token_500', /^ERR_AUTH_/],
    ['token_not_json', /^ERR_AUTH_/],
    ['id_token_bad_signature', /^ERR_AUTH_/],
    ['id_token_wrong_nonce', /^ERR_AUTH_/],
    ['id_token_wrong_audience', /^ERR_AUTH_/],
    ['id_token_wrong_issuer', /^ERR_AUTH_/],
    ['id_token_expired', /^ERR_AUTH_/],
    ['id_token_alg_none', /^ERR_AUTH_/],
    ['userinfo_other_sub', /^ERR_AUTH_/],
  ]

  it.each(failures)(
    'ends on the error URL when the provider misbehaves: %s',
    async (mode, code) => {
      op.mode = mode
      const browser = new TestBrowser()
      const callback = await oidcCallback(browser)
      const res = await browser.get(callback)
      expect(res.status).toBe(302)
      const url = new URL(res.location!)
      expect(`${url.origin}${url.pathname}`).toBe(`${stack.appUrl}/`)
      expect(url.searchParams.get('error')).toMatch(code)
      expect(url.searchParams.get('backend')).toBe('oidc')
      expect(res.location).not.toContain('script')
      expect(stack.logged).toEqual([])
      const profile = await browser.get(`${stack.appUrl}/profile`, json)
      expect(profile.status).toBe(401)
    },
  )

  it('refuses a state replayed after a failed login', async () => {
    op.mode = 'ok'
    const browser = new TestBrowser()
    const callback = await oidcCallback(browser)
    const state = new URL(callback).searchParams.get('state')
    const denied = await browser.get(
      `${stack.appUrl}/complete/oidc/?error=access_denied&state=${state}`,
    )
    expect(new URL(denied.location!).searchParams.get('error')).toBe('ERR_AUTH_CANCELED')
    const replay = await browser.get(callback)
    expect(new URL(replay.location!).searchParams.get('error')).toMatch(/^ERR_AUTH_STATE_/)
  })
})
