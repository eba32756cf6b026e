import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { SEED_IDP_IDS, SEED_USER_ID } from '../src/index.js'
import {
  DEMO,
  authorizePath,
  callbackParams,
  exchange,
  meFor,
  ossoErrorOf,
  postJson,
  quickLogin,
  start,
} from './helpers.js'
import type { Running } from './helpers.js'

let server: Running

beforeAll(async () => {
  server = await start()
})

beforeEach(async () => {
  expect((await fetch(`${server.url}/__dev/reset`, { method: 'POST' })).status).toBe(200)
})

afterAll(async () => {
  await server.close()
})

interface Dump {
  config: { fidelity: string; base_url: string }
  clients: { client_id: string; redirect_uris: { uri: string; primary: boolean }[] }[]
  identity_providers: { id: string; status: string }[]
  users: { email: string }[]
  codes: { code: string; used: boolean; expires_at: string; requested: unknown }[]
  tokens: { access_token: string; expires_at: string }[]
  next_login: unknown
  clock_offset_seconds: number
}

async function dump(): Promise<Dump> {
  return (await (await fetch(`${server.url}/__dev/state`)).json()) as Dump
}

describe('POST /__dev/next-login', () => {
  it('turns the next authorize into a plain 302 to the app, signed in as the queued identity', async () => {
    const res = await quickLogin(
      server.url,
      { email: 'user@example.com', state: 'q1' },
      { email: 'user@example.com' },
    )
    expect(res.status).toBe(302)
    const { url, code, state } = callbackParams(res)
    expect(`${url.origin}${url.pathname}`).toBe(DEMO.redirectUri)
    expect(state).toBe('q1')
    expect(await meFor(server.url, code)).toEqual({
      email: 'user@example.com',
      id: SEED_USER_ID,
      idp: 'Okta',
      requested: { email: 'user@example.com', domain: null },
    })
  })

  it('is consumed once: the following authorize shows the SAML step again', async () => {
    await quickLogin(server.url)
    const res = await fetch(`${server.url}${authorizePath({ email: 'user@example.com' })}`)
    expect(await res.text()).toContain('saml-login-form')
    expect((await dump()).next_login).toBeNull()
  })

  it('resolves the picker with provider_id', async () => {
    const res = await quickLogin(
      server.url,
      { domain: 'multi-idp.test', state: 'p' },
      { email: 'kim@multi-idp.test', provider_id: SEED_IDP_IDS.multiOkta },
    )
    expect(res.status).toBe(302)
    expect(await meFor(server.url, callbackParams(res).code)).toMatchObject({
      email: 'kim@multi-idp.test',
      idp: 'Okta',
      requested: { email: null, domain: 'multi-idp.test' },
    })
  })

  it('stays queued when the picker case has no provider_id to resolve it', async () => {
    await postJson(server.url, '/__dev/next-login', { email: 'kim@multi-idp.test' })
    const res = await fetch(`${server.url}${authorizePath({ domain: 'multi-idp.test' })}`)
    expect(await res.text()).toContain('Please select your Identity Provider')
    expect((await dump()).next_login).toMatchObject({ email: 'kim@multi-idp.test' })
  })

  it('renders a queued simulated failure instead of redirecting', async () => {
    const res = await quickLogin(
      server.url,
      { email: 'user@example.com' },
      { simulate: 'missing_email' },
    )
    expect(res.status).toBe(200)
    expect(ossoErrorOf(res)).toBe('MissingSamlEmailAttributeError')
  })

  it('uses a given idp_id, which makes a different user for the same email', async () => {
    const res = await quickLogin(server.url, undefined, {
      email: 'user@example.com',
      idp_id: 'another-idp-id',
    })
    const me = await meFor(server.url, callbackParams(res).code)
    expect(me['id']).not.toBe(SEED_USER_ID)
  })

  it('rejects a body without email or simulate, and an unknown simulation', async () => {
    expect((await postJson(server.url, '/__dev/next-login', {})).status).toBe(400)
    expect(
      (await postJson(server.url, '/__dev/next-login', { email: 'a@b.test', simulate: 'boom' }))
        .status,
    ).toBe(400)
  })

  it('can be cleared with DELETE', async () => {
    await postJson(server.url, '/__dev/next-login', { email: 'user@example.com' })
    await fetch(`${server.url}/__dev/next-login`, { method: 'DELETE' })
    expect((await dump()).next_login).toBeNull()
  })
})

describe('GET /__dev/state and POST /__dev/reset', () => {
  it('dumps config, clients, IdPs, users, codes and tokens with expiry and use', async () => {
    const res = await quickLogin(server.url)
    await exchange(server.url, callbackParams(res).code)
    const state = await dump()
    expect(state.config.fidelity).toBe('osso-0.1.2')
    expect(state.clients.map((c) => c.client_id)).toEqual(['demo-client-id', 'other-client-id'])
    expect(state.clients[0]?.redirect_uris[0]).toEqual({
      uri: 'http://localhost:8000/complete/osso/',
      primary: true,
    })
    expect(state.identity_providers.find((p) => p.id === SEED_IDP_IDS.example)?.status).toBe(
      'ACTIVE',
    )
    expect(state.codes).toHaveLength(1)
    expect(state.codes[0]).toMatchObject({
      used: false,
      requested: { email: 'user@example.com', domain: null },
    })
    expect(state.tokens).toHaveLength(1)
    expect(Date.parse(state.tokens[0]?.expires_at ?? '')).toBeGreaterThan(Date.now())
  })

  it('restores the seed and forgets codes, tokens, sessions and the clock offset', async () => {
    await quickLogin(server.url, undefined, { email: 'fresh@example.com' })
    await postJson(server.url, '/__dev/clock', { advance_seconds: 30 })
    await fetch(`${server.url}/__dev/reset`, { method: 'POST' })
    const state = await dump()
    expect(state.users.map((u) => u.email)).toEqual(['user@example.com'])
    expect(state.codes).toEqual([])
    expect(state.tokens).toEqual([])
    expect(state.clock_offset_seconds).toBe(0)
    expect(server.osso.state.sessions.size).toBe(0)
    expect(state.identity_providers.find((p) => p.id === SEED_IDP_IDS.multiOkta)?.status).toBe(
      'CONFIGURED',
    )
  })
})

describe('POST /__dev/clock', () => {
  it('shifts the server clock and reports it', async () => {
    const res = await postJson(server.url, '/__dev/clock', { advance_seconds: 90 })
    expect(await res.json()).toMatchObject({ offset_seconds: 90 })
  })

  it('rejects a missing or non-numeric shift', async () => {
    for (const body of [{}, { advance_seconds: 'soon' }, { advance_seconds: 1e300 }]) {
      expect((await postJson(server.url, '/__dev/clock', body)).status).toBe(400)
    }
  })
})

describe('POST /__dev/idp-initiated', () => {
  it("redirects 303 to the client's primary URI with state IDP_INITIATED and requested null", async () => {
    const res = await postJson(server.url, '/__dev/idp-initiated', {
      provider_id: SEED_IDP_IDS.example,
      email: 'user@example.com',
    })
    expect(res.status).toBe(303)
    const { url, code, state } = callbackParams(res)
    expect(`${url.origin}${url.pathname}`).toBe('http://localhost:8000/complete/osso/')
    expect(state).toBe('IDP_INITIATED')
    const token = await exchange(server.url, code, {
      redirect_uri: 'http://localhost:8000/complete/osso/',
    })
    const { access_token } = (await token.json()) as { access_token: string }
    const me = (await (
      await fetch(`${server.url}/oauth/me?access_token=${access_token}`)
    ).json()) as Record<string, unknown>
    expect(me).toMatchObject({ id: SEED_USER_ID, requested: null })
  })

  it('renders the callback error page for an unknown provider, and 400s without one', async () => {
    const res = await postJson(server.url, '/__dev/idp-initiated', {
      provider_id: 'nope',
      email: 'a@b.test',
    })
    expect(ossoErrorOf(res)).toBe('InvalidACSURLError')
    expect((await postJson(server.url, '/__dev/idp-initiated', {})).status).toBe(400)
  })

  it('works from a plain HTML form post, as the dashboard sends it', async () => {
    const res = await fetch(`${server.url}/__dev/idp-initiated`, {
      method: 'POST',
      body: new URLSearchParams({ provider_id: SEED_IDP_IDS.example, email: 'user@example.com' }),
      redirect: 'manual',
    })
    expect(callbackParams(res).state).toBe('IDP_INITIATED')
  })
})

describe('POST /__dev/redirect-uris', () => {
  it("adds a URI to a client's allow-list until the next reset", async () => {
    const uri = 'http://localhost:4567/complete/osso/'
    const before = await fetch(
      `${server.url}${authorizePath({ redirect_uri: uri, email: 'a@example.com' })}`,
    )
    expect(ossoErrorOf(before)).toBe('InvalidRedirectUri')
    const added = await postJson(server.url, '/__dev/redirect-uris', {
      client_id: DEMO.clientId,
      uri,
    })
    expect(added.status).toBe(200)
    const after = await fetch(
      `${server.url}${authorizePath({ redirect_uri: uri, email: 'a@example.com' })}`,
    )
    expect(ossoErrorOf(after)).toBeNull()
  })

  it('rejects an unknown client', async () => {
    const res = await postJson(server.url, '/__dev/redirect-uris', {
      client_id: 'nope',
      uri: 'http://x.test/',
    })
    expect(res.status).toBe(400)
  })
})

describe('dev-only switches', () => {
  it('answers 404 under /__dev/ when the control API is turned off', async () => {
    const off = await start({ devApi: false })
    try {
      expect((await fetch(`${off.url}/__dev/state`)).status).toBe(404)
      expect((await fetch(`${off.url}/__dev/reset`, { method: 'POST' })).status).toBe(404)
    } finally {
      await off.close()
    }
  })

  it('with autoLogin, redirects at once for an email with one IdP, but not for a domain', async () => {
    const auto = await start({ autoLogin: true })
    try {
      const res = await fetch(
        `${auto.url}${authorizePath({ email: 'user@example.com', state: 'a' })}`,
        {
          redirect: 'manual',
        },
      )
      expect(res.status).toBe(302)
      expect(await meFor(auto.url, callbackParams(res).code)).toMatchObject({ id: SEED_USER_ID })
      const domain = await fetch(`${auto.url}${authorizePath({ domain: 'example.com' })}`, {
        redirect: 'manual',
      })
      expect(domain.status).toBe(200)
    } finally {
      await auto.close()
    }
  })
})
