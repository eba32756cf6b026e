import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { SEED_IDP_IDS } from '../src/index.js'
import { DEMO, authorizePath, findForm, ossoErrorOf, start } from './helpers.js'
import type { Running } from './helpers.js'

let server: Running

beforeAll(async () => {
  server = await start()
})

afterAll(async () => {
  await server.close()
})

async function get(path: string): Promise<{ res: Response; body: string }> {
  const res = await fetch(`${server.url}${path}`, { redirect: 'manual' })
  return { res, body: await res.text() }
}

describe('GET /oauth/authorize routing', () => {
  it('sends an email whose domain has one IdP to an auto-submitting SAML step for that IdP', async () => {
    const { res, body } = await get(authorizePath({ email: 'someone@example.com', state: 's1' }))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('set-cookie')).toMatch(
      /^osso_dev_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/,
    )
    const form = findForm(body, { id: 'saml-login-form' })
    expect(form).toMatchObject({ method: 'post', action: `/auth/saml/${SEED_IDP_IDS.example}` })
    expect(form.fields['authenticity_token']).toMatch(/^[0-9a-f]{64}$/)
    expect(body).toContain('<noscript>')
    expect(body).toContain("addEventListener('DOMContentLoaded'")
  })

  it('routes a domain the same way as an email at that domain', async () => {
    const { body } = await get(authorizePath({ domain: 'example.com' }))
    expect(findForm(body, { id: 'saml-login-form' }).action).toBe(
      `/auth/saml/${SEED_IDP_IDS.example}`,
    )
  })

  it('shows the hosted login page when neither email nor domain is sent', async () => {
    const { res, body } = await get(authorizePath({ state: 'st<ate>' }))
    expect(res.status).toBe(200)
    expect(body).toContain('<h1>Please enter your email address</h1>')
    expect(body).toContain('<form id="hosted-login-form" method="get" action="/oauth/authorize">')
    expect(body).toContain(
      '<input id="email-input" type="email" name="email" required placeholder="you@company.com" pattern="[^@]+@[^@]+\\.[a-zA-Z]{2,6}"',
    )
    expect(body).toContain(
      '<input id="hosted-login-button" type="submit" value="Sign in" form="hosted-login-form">',
    )
    expect(body).toContain('Go back')
    const form = findForm(body, { id: 'hosted-login-form' })
    expect(form.fields).toEqual({
      redirect_uri: DEMO.redirectUri,
      client_id: DEMO.clientId,
      state: 'st<ate>',
      response_type: 'code',
    })
    expect(body).toContain('value="st&lt;ate&gt;"')
  })

  it('lists every seeded user on the hosted page as a link to the same authorize URL with their email', async () => {
    const { body } = await get(authorizePath({ state: 'abc' }))
    const panel = /<section id="osso-dev-users">[\s\S]*?<\/section>/.exec(body)?.[0] ?? ''
    expect(panel).toContain('does not exist in real Osso')
    const href = /href="([^"]+)" data-email="user@example.com"/.exec(panel)?.[1] ?? ''
    const url = new URL(href.replace(/&amp;/g, '&'), server.url)
    expect(url.pathname).toBe('/oauth/authorize')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      redirect_uri: DEMO.redirectUri,
      client_id: DEMO.clientId,
      state: 'abc',
      response_type: 'code',
      email: 'user@example.com',
    })
  })

  it('treats an empty email as present, so it skips the hosted page and fails routing', async () => {
    const { res } = await get(authorizePath({ email: '' }))
    expect(ossoErrorOf(res)).toBe('MissingConfiguredIdentityProvider')
  })

  it('shows the provider picker when a domain has several IdPs for the client', async () => {
    const { body } = await get(authorizePath({ domain: 'multi-idp.test', state: 'x' }))
    expect(body).toContain('<h1>Please select your Identity Provider</h1>')
    const okta = findForm(body, { action: `/auth/saml/${SEED_IDP_IDS.multiOkta}` })
    const azure = findForm(body, { action: `/auth/saml/${SEED_IDP_IDS.multiAzure}` })
    expect(okta.method).toBe('post')
    expect(azure.fields).toMatchObject({
      client_id: DEMO.clientId,
      state: 'x',
      response_type: 'code',
    })
    expect(body).toContain(
      `data-provider-id="${SEED_IDP_IDS.multiOkta}" data-service="OKTA">Okta</button>`,
    )
    expect(body).toContain(
      `data-provider-id="${SEED_IDP_IDS.multiAzure}" data-service="AZURE">Azure</button>`,
    )
  })

  it.each([
    ['a PENDING IdP', { domain: 'pending.test' }, 'pending.test'],
    ["another client's IdP", { domain: 'other-client.test' }, 'other-client.test'],
    ['an unknown domain', { domain: 'nobody.test' }, 'nobody.test'],
    [
      'an email at an unknown domain (domain shown blank, as in Osso)',
      { email: 'a@nobody.test' },
      '',
    ],
  ])(
    'answers %s with the MissingConfiguredIdentityProvider page, status 200, no redirect',
    async (_label, extra, shown) => {
      const { res, body } = await get(authorizePath(extra))
      expect(res.status).toBe(200)
      expect(res.headers.get('location')).toBeNull()
      expect(ossoErrorOf(res)).toBe('MissingConfiguredIdentityProvider')
      expect(body).toContain(
        '<meta name="osso-error" content="Osso::Error::MissingConfiguredIdentityProvider">',
      )
      expect(body).toContain('data-osso-error="MissingConfiguredIdentityProvider"')
      expect(body).toContain('<h1>☠️</h1>')
      expect(body).toContain('<h4>Osso::Error::MissingConfiguredIdentityProvider</h4>')
      expect(body).toContain(
        `<p>${shown} has no configured Identity Provider. SAML configuartion must be finalized before a user for this domain can sign in with SSO.</p>`,
      )
      expect(body).toContain(
        '<a href="https://ossoapp.com/docs/integration/oauth-consumption">Review Documentation</a>',
      )
    },
  )

  it('decodes + in the query as a space, as Rack does', async () => {
    const { res } = await get(
      `/oauth/authorize?client_id=${DEMO.clientId}&redirect_uri=${DEMO.redirectUri}&email=jane+sso@nobody.test&response_type=code&state=s`,
    )
    expect(ossoErrorOf(res)).toBe('MissingConfiguredIdentityProvider')
    const session = [...server.osso.state.sessions.values()].at(-1)
    expect(session?.requested).toEqual({ email: 'jane sso@nobody.test', domain: null })
  })
})

describe('GET /oauth/authorize validation', () => {
  it('answers an unknown client_id with the InvalidOAuthClientIdentifier page', async () => {
    const { res, body } = await get(authorizePath({ client_id: 'nope' }))
    expect(res.status).toBe(200)
    expect(ossoErrorOf(res)).toBe('InvalidOAuthClientIdentifier')
    expect(body).toContain('No OAuth client exists for the requested OAuth client identifier.')
  })

  it.each([
    ['a blank client_id', { client_id: '' }],
    ['a missing client_id', { client_id: undefined }],
    ['a missing response_type', { response_type: undefined }],
    ['an unknown response_type', { response_type: 'id_token' }],
    [
      'a redirect URI that is not allow-listed',
      { redirect_uri: 'https://evil.example/complete/osso/' },
    ],
    [
      'a redirect URI without its trailing slash',
      { redirect_uri: 'http://localhost:3000/complete/osso' },
    ],
    [
      'a redirect URI with an extra query',
      { redirect_uri: 'http://localhost:3000/complete/osso/?next=/x' },
    ],
    [
      'a localhost redirect URI on another port',
      { redirect_uri: 'http://localhost:3001/complete/osso/' },
    ],
    ['a loopback URI with another path', { redirect_uri: 'http://127.0.0.1:4000/complete/other/' }],
    [
      'a loopback look-alike host',
      { redirect_uri: 'http://127.0.0.1.evil.example:4000/complete/osso/' },
    ],
    ['a missing redirect URI when the client has several', { redirect_uri: undefined }],
  ])('answers %s with the InvalidRedirectUri page and never redirects', async (_label, extra) => {
    const { res, body } = await get(authorizePath({ email: 'user@example.com', ...extra }))
    expect(res.status).toBe(200)
    expect(res.headers.get('location')).toBeNull()
    expect(res.headers.get('set-cookie')).toBeNull()
    expect(ossoErrorOf(res)).toBe('InvalidRedirectUri')
    expect(body).toContain('is not on the allow-list for the rquested OAuth client identifier.')
  })

  it('names the rejected redirect URI in the message, HTML-escaped', async () => {
    const { body } = await get(
      authorizePath({ redirect_uri: 'https://x.example/"><script>alert(1)</script>' }),
    )
    expect(body).not.toContain('<script>alert(1)</script>')
    expect(body).toContain(
      'The requested redirect URI https://x.example/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; is not on the allow-list',
    )
  })

  it('accepts the response_type token like code in osso-0.1.2 mode', async () => {
    const { body } = await get(authorizePath({ response_type: 'token', email: 'x@example.com' }))
    expect(findForm(body, { id: 'saml-login-form' }).method).toBe('post')
  })

  it('compares redirect URIs after lowercasing the scheme and dropping a default port, nothing more', async () => {
    const { res } = await get(
      authorizePath({ redirect_uri: 'HTTP://localhost:80/complete/osso/', email: 'x@example.com' }),
    )
    expect(ossoErrorOf(res)).toBe('InvalidRedirectUri')
    const ok = await get(
      authorizePath({
        redirect_uri: 'HTTP://localhost:3000/complete/osso/',
        email: 'x@example.com',
      }),
    )
    expect(ossoErrorOf(ok.res)).toBeNull()
  })

  it('accepts the demo client’s loopback redirect URI on any port (RFC 8252 §7.3)', async () => {
    for (const uri of [
      'http://127.0.0.1:54321/complete/osso/',
      'http://127.0.0.1/complete/osso/',
    ]) {
      const { res } = await get(authorizePath({ redirect_uri: uri, email: 'x@example.com' }))
      expect(ossoErrorOf(res)).toBeNull()
    }
  })

  it('uses the only registered redirect URI when none is sent', async () => {
    const { res } = await get(
      `/oauth/authorize?client_id=other-client-id&response_type=code&domain=other-client.test`,
    )
    expect(ossoErrorOf(res)).toBeNull()
    const session = [...server.osso.state.sessions.values()].at(-1)
    expect(session?.redirectUri).toBe('http://localhost:8000/complete/osso/')
  })
})
