import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { SEED_USER_ID } from '../src/index.js'
import { exchange, freshCode, postJson, start } from './helpers.js'
import type { Running } from './helpers.js'

let now = Date.parse('2026-01-01T00:00:00Z')
let server: Running

beforeAll(async () => {
  server = await start({ now: () => now })
})

afterAll(async () => {
  await server.close()
})

async function freshToken(): Promise<string> {
  const res = await exchange(server.url, await freshCode(server.url))
  return ((await res.json()) as { access_token: string }).access_token
}

const expected = {
  email: 'user@example.com',
  id: SEED_USER_ID,
  idp: 'Okta',
  requested: { email: 'user@example.com', domain: null },
}

describe('GET /oauth/me', () => {
  it('returns email, id, idp and requested, in that order, for the access_token query parameter', async () => {
    const res = await fetch(`${server.url}/oauth/me?access_token=${await freshToken()}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await res.text()).toBe(JSON.stringify(expected))
  })

  it('accepts the token as the last 64 characters of any Authorization header', async () => {
    const token = await freshToken()
    for (const header of [`Bearer ${token}`, `Bearer: ${token}`, `Token ${token}`]) {
      const res = await fetch(`${server.url}/oauth/me`, { headers: { Authorization: header } })
      expect(await res.json()).toEqual(expected)
    }
  })

  it('lets the query parameter win over the header, even when empty', async () => {
    const token = await freshToken()
    const res = await fetch(`${server.url}/oauth/me?access_token=`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(404)
  })

  it('answers a missing or unknown token with a 404 and an empty body', async () => {
    for (const path of ['/oauth/me', `/oauth/me?access_token=${'0'.repeat(64)}`]) {
      const res = await fetch(`${server.url}${path}`)
      expect(res.status).toBe(404)
      expect(await res.text()).toBe('')
    }
  })

  it('lets a token be used repeatedly until it expires after 600 seconds (injected clock)', async () => {
    const token = await freshToken()
    now += 599_000
    expect((await fetch(`${server.url}/oauth/me?access_token=${token}`)).status).toBe(200)
    expect((await fetch(`${server.url}/oauth/me?access_token=${token}`)).status).toBe(200)
    now += 1_000
    expect((await fetch(`${server.url}/oauth/me?access_token=${token}`)).status).toBe(404)
  })

  it('expires tokens after POST /__dev/clock advances 601 seconds', async () => {
    const token = await freshToken()
    const clock = await postJson(server.url, '/__dev/clock', { advance_seconds: 601 })
    expect(clock.status).toBe(200)
    expect((await fetch(`${server.url}/oauth/me?access_token=${token}`)).status).toBe(404)
  })
})
