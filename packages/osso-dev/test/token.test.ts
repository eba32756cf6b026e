import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DEMO, exchange, freshCode, postJson, start } from './helpers.js'
import type { Running } from './helpers.js'

const INVALID_CLIENT =
  'The client identifier provided is invalid, the client failed to authenticate, the client did not include its credentials, provided multiple client credentials, or used unsupported credentials type.'
const INVALID_GRANT =
  'The provided access grant is invalid, expired, or revoked (e.g. invalid assertion, expired authorization token, bad end-user password credentials, or mismatching authorization code and redirection URI).'
const UNSUPPORTED =
  'The access grant included - its type or another attribute - is not supported by the authorization server.'

let now = Date.parse('2026-01-01T00:00:00Z')
let server: Running

beforeAll(async () => {
  server = await start({ now: () => now })
})

afterAll(async () => {
  await server.close()
})

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`
}

describe('POST /oauth/token success', () => {
  it('exchanges a code for a bearer token with no-store headers and keys in Osso order', async () => {
    const res = await exchange(server.url, await freshCode(server.url))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('pragma')).toBe('no-cache')
    const text = await res.text()
    expect(text).toMatch(
      /^\{"access_token":"[0-9a-f]{64}","token_type":"bearer","expires_in":(599|600)\}$/,
    )
  })

  it('accepts client credentials through HTTP Basic (form-decoded)', async () => {
    const code = await freshCode(server.url)
    const res = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: basic(DEMO.clientId, DEMO.clientSecret) },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: DEMO.redirectUri,
      }),
    })
    expect(res.status).toBe(200)
  })

  it('accepts a JSON body, as Rack::JSONBodyParser does', async () => {
    const code = await freshCode(server.url)
    const res = await postJson(server.url, '/oauth/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: DEMO.redirectUri,
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
    })
    expect(res.status).toBe(200)
  })

  it('lets a code be reused in osso-0.1.2 mode, minting a new token each time', async () => {
    const code = await freshCode(server.url)
    const first = (await (await exchange(server.url, code)).json()) as { access_token: string }
    const second = (await (await exchange(server.url, code)).json()) as { access_token: string }
    expect(second.access_token).not.toBe(first.access_token)
    expect(server.osso.state.codes.get(code)?.expiresAt).toBe(server.osso.state.now())
  })

  it('ignores code expiry in osso-0.1.2 mode', async () => {
    const code = await freshCode(server.url)
    now += 3600_000
    expect((await exchange(server.url, code)).status).toBe(200)
  })

  it('does not bind the code to the client in osso-0.1.2 mode', async () => {
    const code = await freshCode(server.url)
    const res = await exchange(server.url, code, {
      client_id: 'other-client-id',
      client_secret: 'other-client-secret',
    })
    expect(res.status).toBe(200)
  })
})

describe('POST /oauth/token errors, in rack-oauth2 order', () => {
  async function expectError(
    res: Response,
    status: number,
    error: string,
    description: string,
  ): Promise<void> {
    expect(res.status).toBe(status)
    expect(await res.json()).toEqual({ error, error_description: description })
  }

  it('requires grant_type, naming client_id too when it is missing', async () => {
    await expectError(
      await exchange(server.url, 'x', { grant_type: undefined }),
      400,
      'invalid_request',
      "'grant_type' required.",
    )
    await expectError(
      await exchange(server.url, 'x', { grant_type: '', client_id: undefined }),
      400,
      'invalid_request',
      "'client_id', 'grant_type' required.",
    )
  })

  it('rejects an unknown grant type', async () => {
    await expectError(
      await exchange(server.url, 'x', { grant_type: 'foo' }),
      400,
      'unsupported_grant_type',
      UNSUPPORTED,
    )
  })

  it('lists the missing client_id and code', async () => {
    await expectError(
      await exchange(server.url, '', { client_id: undefined }),
      400,
      'invalid_request',
      "'client_id', 'code' required.",
    )
    await expectError(await exchange(server.url, ''), 400, 'invalid_request', "'code' required.")
  })

  it("checks another known grant's own parameters first, then 404s for the absent code", async () => {
    await expectError(
      await exchange(server.url, '', { grant_type: 'refresh_token' }),
      400,
      'invalid_request',
      "'refresh_token' required.",
    )
    const res = await exchange(server.url, '', { grant_type: 'client_credentials' })
    expect(res.status).toBe(404)
  })

  it('answers an unknown client with a 404 and an empty body, not invalid_client', async () => {
    const res = await exchange(server.url, 'x', { client_id: 'nope' })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('text/html;charset=utf-8')
    expect(await res.text()).toBe('')
  })

  it('answers a wrong or missing secret with 401 invalid_client and a Basic challenge', async () => {
    for (const secret of ['wrong', undefined]) {
      const res = await exchange(server.url, 'x', { client_secret: secret })
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="OAuth2 Token Endpoint"')
      await expectError(res, 401, 'invalid_client', INVALID_CLIENT)
    }
  })

  it('rejects Basic credentials plus a different client_id in the body', async () => {
    const res = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: basic(DEMO.clientId, DEMO.clientSecret) },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'x',
        client_id: 'other-client-id',
      }),
    })
    await expectError(res, 400, 'invalid_request', 'Multiple client credentials are provided.')
  })

  it('answers an unknown code with a 404 and an empty body', async () => {
    const res = await exchange(server.url, 'f'.repeat(64))
    expect(res.status).toBe(404)
    expect(await res.text()).toBe('')
  })

  it('answers a missing or tampered redirect_uri with 400 invalid_grant', async () => {
    const code = await freshCode(server.url)
    for (const redirectUri of [
      undefined,
      'http://localhost:3000/complete/osso',
      'http://localhost:8000/complete/osso/',
    ]) {
      await expectError(
        await exchange(server.url, code, { redirect_uri: redirectUri }),
        400,
        'invalid_grant',
        INVALID_GRANT,
      )
    }
  })

  it('answers malformed JSON with Osso’s parse error', async () => {
    const res = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"grant_type":',
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'Failed to parse body as JSON' })
  })

  it('is POST-only and has no trailing-slash variant', async () => {
    expect((await fetch(`${server.url}/oauth/token`)).status).toBe(404)
    const slash = await fetch(`${server.url}/oauth/token/`, { method: 'POST' })
    expect(slash.status).toBe(404)
  })

  it('answers missing records with a 500 HTML page when rackEnv is development', async () => {
    const dev = await start({ rackEnv: 'development' })
    try {
      const res = await exchange(dev.url, 'x', { client_id: 'nope' })
      expect(res.status).toBe(500)
      expect(await res.text()).toContain('ActiveRecord::RecordNotFound')
    } finally {
      await dev.close()
    }
  })
})
