import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { SEED_IDP_IDS } from '../src/index.js'
import {
  Browser,
  DEMO,
  authorizePath,
  browserLogin,
  callbackParams,
  exchange,
  freshCode,
  ossoErrorOf,
  start,
} from './helpers.js'
import type { Running } from './helpers.js'

const INVALID_GRANT = 'invalid_grant'

let now = Date.parse('2026-01-01T00:00:00Z')
let server: Running

beforeAll(async () => {
  server = await start({ fidelity: 'strict', now: () => now })
})

beforeEach(() => {
  server.osso.state.reset()
})

afterAll(async () => {
  await server.close()
})

async function errorOf(res: Response): Promise<string> {
  expect(res.status).toBe(400)
  return ((await res.json()) as { error: string }).error
}

describe('strict fidelity (RFC 6749 fixes)', () => {
  it('refuses a reused code and revokes the token it already granted (RFC 6749 §4.1.2)', async () => {
    const code = await freshCode(server.url)
    const first = (await (await exchange(server.url, code)).json()) as { access_token: string }
    expect(await errorOf(await exchange(server.url, code))).toBe(INVALID_GRANT)
    const me = await fetch(`${server.url}/oauth/me?access_token=${first.access_token}`)
    expect(me.status).toBe(404)
  })

  it('refuses a code older than 60 seconds (injected clock)', async () => {
    const code = await freshCode(server.url)
    now += 61_000
    expect(await errorOf(await exchange(server.url, code))).toBe(INVALID_GRANT)
  })

  it('accepts a code just inside its lifetime', async () => {
    const code = await freshCode(server.url)
    now += 59_000
    expect((await exchange(server.url, code)).status).toBe(200)
  })

  it('refuses a code issued to another client', async () => {
    // A session started by the demo client, completed at the other client's IdP.
    const browser = new Browser(server.url)
    await browser.get(authorizePath({ email: 'user@example.com', state: 's' }))
    const res = await browser.postForm(`/auth/saml/${SEED_IDP_IDS.otherClient}/callback`, {
      email: 'x@other-client.test',
    })
    const { code } = callbackParams(res)
    expect(server.osso.state.codes.get(code)?.clientId).toBe('other-client-id')
    expect(await errorOf(await exchange(server.url, code))).toBe(INVALID_GRANT)
  })

  it('rejects response_type=token at authorize', async () => {
    const res = await fetch(
      `${server.url}${authorizePath({ response_type: 'token', email: 'a@example.com' })}`,
    )
    expect(ossoErrorOf(res)).toBe('InvalidRedirectUri')
  })

  it('rejects grant types other than authorization_code as unsupported', async () => {
    expect(await errorOf(await exchange(server.url, 'x', { grant_type: 'refresh_token' }))).toBe(
      'unsupported_grant_type',
    )
  })

  it("scopes the existing-user shortcut to the client's non-pending IdPs", async () => {
    const other = server.osso.state.providers.get(SEED_IDP_IDS.otherClient)
    if (other === undefined) throw new Error('seed changed')
    server.osso.state.upsertUser(other, 'moved@example.com', 'm-1', true)
    const res = await fetch(`${server.url}${authorizePath({ email: 'moved@example.com' })}`)
    // Falls through to the domain lookup: example.com's own IdP.
    expect(await res.text()).toContain(`action="/auth/saml/${SEED_IDP_IDS.example}"`)
  })

  it('names the derived domain when an email routes nowhere', async () => {
    const res = await fetch(`${server.url}${authorizePath({ email: 'a@nobody.test' })}`)
    expect(await res.text()).toContain('<p>nobody.test has no configured Identity Provider.')
  })

  it('encodes the state in the redirect instead of concatenating it', async () => {
    const res = await browserLogin(
      server.url,
      { email: 'user@example.com', state: 'a&b=c d' },
      'user@example.com',
    )
    const { url, state } = callbackParams(res)
    expect(state).toBe('a&b=c d')
    expect(url.searchParams.get('b')).toBeNull()
  })

  it('clears the session after the callback, so a replayed callback is IdP-initiated', async () => {
    const browser = new Browser(server.url)
    await browserLogin(
      server.url,
      { email: 'user@example.com', state: 'one' },
      'user@example.com',
      browser,
    )
    const res = await browser.postForm(`/auth/saml/${SEED_IDP_IDS.example}/callback`, {
      email: 'user@example.com',
    })
    const { url, state } = callbackParams(res)
    expect(state).toBe('IDP_INITIATED')
    expect(`${url.origin}${url.pathname}`).toBe('http://localhost:8000/complete/osso/')
    expect(server.osso.state.sessions.size).toBe(0)
  })

  it('still completes a normal login end to end', async () => {
    const res = await browserLogin(
      server.url,
      { domain: 'example.com', state: 'ok' },
      'user@example.com',
    )
    const { code, state } = callbackParams(res)
    expect(state).toBe('ok')
    const token = await exchange(server.url, code, { redirect_uri: DEMO.redirectUri })
    expect(token.status).toBe(200)
  })
})
