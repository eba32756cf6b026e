import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  OssoDevConfigError,
  SEED_IDP_IDS,
  createOssoDevServer,
  defaultSeed,
  optionsFromEnv,
} from '../src/index.js'
import type { ClientConfig, OssoDevOptions } from '../src/index.js'
import { DEMO, authorizePath, postJson, start } from './helpers.js'
import type { Running } from './helpers.js'

let server: Running

beforeAll(async () => {
  server = await start({ corsOrigins: ['http://app.test'] })
})

afterAll(async () => {
  await server.close()
})

describe('small endpoints', () => {
  it('answers GET /health with ok, ignoring any query (it is a seeded redirect URI)', async () => {
    const res = await fetch(`${server.url}/health?code=abc&state=x`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('ok')
  })

  it('answers unknown routes with a 404 Not Found page', async () => {
    const res = await fetch(`${server.url}/admin/enterprise`)
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('<h1>Not Found</h1>')
  })

  it('tells osso-react whether a domain has a non-pending IdP, for any client', async () => {
    const ask = async (domain: unknown): Promise<unknown> =>
      (await postJson(server.url, '/idp', { domain })).json()
    expect(await ask('example.com')).toEqual({ onboarded: true })
    expect(await ask('other-client.test')).toEqual({ onboarded: true })
    expect(await ask('pending.test')).toEqual({ onboarded: false })
    expect(await ask('nobody.test')).toEqual({ onboarded: false })
    expect(await ask(null)).toEqual({ onboarded: false })
  })

  it('allows CORS on /idp only for configured origins', async () => {
    const allowed = await fetch(`${server.url}/idp`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://app.test', 'Access-Control-Request-Method': 'POST' },
    })
    expect(allowed.status).toBe(204)
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.test')
    expect(allowed.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS')
    const denied = await fetch(`${server.url}/idp`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.test' },
    })
    expect(denied.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('answers POST /graphql with 401 and Osso’s login error', async () => {
    const res = await postJson(server.url, '/graphql', { query: '{ currentUser { id } }' })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: 'Please login to continue' })
  })
})

describe('the dashboard', () => {
  it('lists clients with their primary URI, accounts, IdPs with status, users, and a start form', async () => {
    const body = await (await fetch(`${server.url}/`)).text()
    expect(body).toContain('<code>http://localhost:8000/complete/osso/</code> (primary)')
    expect(body).toContain('Multi IdP Co')
    expect(body).toContain(
      `<tr data-provider-id="${SEED_IDP_IDS.pending}"><td>Onelogin</td><td>pending.test</td><td>PENDING</td>`,
    )
    expect(body).toContain('user@example.com')
    expect(body).toContain(
      '<form id="start-authorize-form" method="get" action="/oauth/authorize">',
    )
    expect(body).toContain('<form method="post" action="/__dev/idp-initiated">')
  })

  it('escapes hostile seed data on every page', async () => {
    const seed = defaultSeed()
    const evil = '<img src=x onerror=alert(1)>'
    seed.clients[0] = { ...(seed.clients[0] as ClientConfig), name: evil }
    seed.users.push({ email: `${evil}@example.com`, identityProviderId: SEED_IDP_IDS.example })
    const hostile = await start({ ...seed })
    try {
      for (const path of [
        '/',
        `/auth/saml/${SEED_IDP_IDS.example}`,
        authorizePath({ state: evil }),
      ]) {
        const body = await (await fetch(`${hostile.url}${path}`)).text()
        expect(body).not.toContain('<img')
        expect(body).toContain('&lt;img src=x onerror=alert(1)&gt;')
      }
    } finally {
      await hostile.close()
    }
  })
})

describe('robustness', () => {
  const cases: [string, RequestInit][] = [
    ['/oauth/authorize?client_id=%ZZ&redirect_uri=%&email=%E0%A4%A', {}],
    [
      '/oauth/authorize?client_id=demo-client-id&client_id=x&response_type=code&response_type=code',
      {},
    ],
    [`${authorizePath({ email: 'a@example.com', state: '\u0000\r\nSet-Cookie: x=1' })}`, {}],
    [
      '/oauth/token',
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '[1,2]' },
    ],
    [
      '/oauth/token',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"code":{"$ne":1}}',
      },
    ],
    [
      '/oauth/token',
      {
        method: 'POST',
        headers: { Authorization: 'Basic %%%' },
        body: 'grant_type=authorization_code',
      },
    ],
    [
      '/oauth/token',
      {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from('%E0:%').toString('base64')}` },
      },
    ],
    ['/oauth/token', { method: 'POST', body: 'x'.repeat(200_000) }],
    [
      '/oauth/token',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-9' },
        body: '{}',
      },
    ],
    ['/oauth/me', { headers: { Authorization: 'x' } }],
    ['/auth/saml/%E0%A4%A/callback', { method: 'POST' }],
    [
      '/auth/saml/__proto__/callback',
      { method: 'POST', body: new URLSearchParams({ email: 'a@b.c' }) },
    ],
    ['/auth/saml/constructor', {}],
    ['/__dev/clock', { method: 'POST', body: 'advance_seconds=NaN' }],
    [
      '/__dev/next-login',
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"email":{}}' },
    ],
    [
      '/idp',
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"domain":["a"]}' },
    ],
  ]

  it.each(cases)('never answers 500 to malformed input (%s)', async (path, init) => {
    const res = await fetch(`${server.url}${path}`, { redirect: 'manual', ...init })
    expect(res.status).toBeLessThan(500)
    const location = res.headers.get('location')
    for (const char of ['\r', '\n', '\u0000']) expect(location ?? '').not.toContain(char)
  })

  it('keeps control characters in the state out of the Location header (osso-0.1.2 concatenation)', async () => {
    await postJson(server.url, '/__dev/next-login', { email: 'user@example.com' })
    const res = await fetch(
      `${server.url}${authorizePath({ email: 'user@example.com', state: 'a\r\nb é' })}`,
      {
        redirect: 'manual',
      },
    )
    expect(res.headers.get('location')).toMatch(/&state=a%0D%0Ab%20%C3%A9$/)
  })
})

describe('configuration', () => {
  it.each<[string, OssoDevOptions]>([
    ['an unknown fidelity', { fidelity: 'loose' as never }],
    ['a non-positive code lifetime', { codeTtlSeconds: 0 }],
    [
      'two primary redirect URIs',
      {
        clients: [
          {
            name: 'x',
            clientId: 'x',
            clientSecret: 'y',
            redirectUris: [
              { uri: 'http://a.test/', primary: true },
              { uri: 'http://b.test/', primary: true },
            ],
          },
        ],
        enterprises: [],
        users: [],
      },
    ],
    [
      'an uppercase domain',
      { enterprises: [{ name: 'X', domain: 'Example.COM', identityProviders: [] }], users: [] },
    ],
    [
      'an IdP of an unknown client',
      {
        enterprises: [
          {
            name: 'X',
            domain: 'x.test',
            identityProviders: [{ service: 'OKTA', clientId: 'nope' }],
          },
        ],
        users: [],
      },
    ],
    ['a user of an unknown IdP', { users: [{ email: 'a@b.test', identityProviderId: 'nope' }] }],
    ['a non-http base URL', { baseUrl: 'ftp://x' }],
  ])('fails at start-up with ERR_OSSO_DEV_CONFIG for %s', (_label, options) => {
    expect(() => createOssoDevServer(options)).toThrow(OssoDevConfigError)
    try {
      createOssoDevServer(options)
    } catch (error) {
      expect((error as OssoDevConfigError).code).toBe('ERR_OSSO_DEV_CONFIG')
    }
  })

  it('appends extraRedirectUris to the demo client', async () => {
    const extra = await start({ extraRedirectUris: ['http://localhost:4000/complete/osso/'] })
    try {
      const res = await fetch(
        `${extra.url}${authorizePath({ redirect_uri: 'http://localhost:4000/complete/osso/', email: 'a@example.com' })}`,
      )
      expect(res.headers.get('x-osso-error')).toBeNull()
    } finally {
      await extra.close()
    }
  })

  it('listens on a random port, reports its URL, and closes', async () => {
    const osso = createOssoDevServer()
    const listener = await osso.listen(0)
    expect(listener.url).toBe(`http://127.0.0.1:${listener.port}`)
    expect(osso.config.baseUrl).toBe(listener.url)
    expect(await (await fetch(`${listener.url}/health`)).text()).toBe('ok')
    await listener.close()
    await expect(fetch(`${listener.url}/health`)).rejects.toThrow()
  })

  it('reads OSSO_DEV_* variables and a JSON config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'osso-dev-'))
    const file = join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ autoLogin: true, codeTtlSeconds: 5 }))
    const { options, port, host } = optionsFromEnv({
      OSSO_DEV_CONFIG: file,
      PORT: '4000',
      OSSO_DEV_FIDELITY: 'strict',
      OSSO_DEV_CORS_ORIGINS: 'http://a.test, http://b.test',
      OSSO_DEV_REDIRECT_URIS: 'http://localhost:4000/cb',
    })
    expect(port).toBe(4000)
    expect(host).toBe('127.0.0.1')
    expect(options).toMatchObject({
      autoLogin: true,
      codeTtlSeconds: 5,
      fidelity: 'strict',
      corsOrigins: ['http://a.test', 'http://b.test'],
      extraRedirectUris: ['http://localhost:4000/cb'],
      baseUrl: 'http://localhost:4000',
    })
    expect(optionsFromEnv({}).port).toBe(9292)
    expect(() => optionsFromEnv({ OSSO_DEV_PORT: 'x' })).toThrow(OssoDevConfigError)
    expect(() => optionsFromEnv({ OSSO_DEV_AUTO_LOGIN: 'maybe' })).toThrow(OssoDevConfigError)
  })

  it('accepts the demo credentials the example app uses by default', () => {
    const osso = createOssoDevServer()
    const demo = osso.state.clients.get(DEMO.clientId)
    expect(demo?.clientSecret).toBe(DEMO.clientSecret)
    expect(demo?.redirectUris.map((r) => r.uri)).toContain('http://localhost:3000/complete/osso/')
  })
})
