/**
 * Threat: a user reaching another company's data at the API. The resource-server example
 * isolates posts by the token's `tenant_id` and `workspace_id` only, so what the app's issuer
 * puts there must be a tenant a login checked — never the email's domain, which a backend that
 * does not verify emails (the generic `oidc` one) lets anyone choose. Real parts: the example
 * app with osso-dev and a scripted OpenID provider, the resource-server example, over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { decodeJwt } from 'jose'
import { createApp as createApi } from '../../examples/resource-server/src/index.js'
import { listenLoopback, type Loopback } from '../support/loopback.js'
import { startScriptedOp, type ScriptedOp } from './support/scripted-op.js'
import {
  TestBrowser,
  finishOnApp,
  oidcCallback,
  ossoLogin,
  startSecurityStack,
  type SecurityStack,
} from './support/stack.js'

let op: ScriptedOp
let stack: SecurityStack
let api: Loopback

beforeAll(async () => {
  op = await startScriptedOp()
  stack = await startSecurityStack({ op })
  api = await listenLoopback(
    createApi({
      JWT_ISSUER: stack.example.issuer.issuer,
      JWT_AUDIENCE: stack.example.issuer.audience[0],
      JWT_JWKS_URL: `${stack.appUrl}/.well-known/jwks.json`,
    }),
  )
})
afterAll(async () => {
  await api.close()
  await stack.close()
  await op.close()
})

async function tokenOf(browser: TestBrowser): Promise<string> {
  const answer = await browser.get(`${stack.appUrl}/user/token`)
  return answer.json<{ access_token: string }>().access_token
}

const call = (token: string, path: string, init: RequestInit = {}) =>
  fetch(`${api.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(init.headers as Record<string, string> | undefined),
    },
  })

describe('tenants come from a checked login, not from an email (audit: cross-tenant posts)', () => {
  it('gives an OIDC user with an unverified company email a personal workspace, not the company’s', async () => {
    const alice = new TestBrowser()
    await finishOnApp(alice, stack, await ossoLogin(alice, stack, 'user@example.com'))
    const aliceToken = await tokenOf(alice)
    // Osso routed the login to example.com and checked the asserted email against it.
    expect(decodeJwt(aliceToken)).toMatchObject({
      tenant_id: 'example.com',
      workspace_id: 'example.com',
    })
    const created = await call(aliceToken, '/posts', {
      method: 'POST',
      body: JSON.stringify({ title: 'Q3 layoffs', content: 'confidential' }),
    })
    expect(created.status).toBe(201)
    const post = (await created.json()) as { post: { id: string } }

    op.reset()
    op.account = { sub: 'mallory-1', email: 'mallory@example.com', email_verified: false }
    const mallory = new TestBrowser()
    await finishOnApp(mallory, stack, await mallory.get(await oidcCallback(mallory, stack)))
    const malloryToken = await tokenOf(mallory)
    const claims = decodeJwt(malloryToken)
    expect(claims.tenant_id).toBe(`user:${claims.sub}`)
    expect(claims.workspace_id).toBe(`user:${claims.sub}`)

    const list = await call(malloryToken, '/posts')
    expect(await list.json()).toEqual({ posts: [] })
    const removed = await call(malloryToken, `/posts/${post.post.id}`, { method: 'DELETE' })
    expect(removed.status).toBe(404)
    const still = (await (await call(aliceToken, '/posts')).json()) as { posts: unknown[] }
    expect(still.posts).toHaveLength(1)
  })

  it('lets a colleague whose Osso login checked the same tenant share the workspace', async () => {
    const alice = new TestBrowser()
    await finishOnApp(alice, stack, await ossoLogin(alice, stack, 'user@example.com'))
    const bob = new TestBrowser()
    await finishOnApp(bob, stack, await ossoLogin(bob, stack, 'bob@example.com'))
    const bobToken = await tokenOf(bob)
    expect(decodeJwt(bobToken)).toMatchObject({ tenant_id: 'example.com' })
    const posted = await call(await tokenOf(alice), '/posts', {
      method: 'POST',
      body: JSON.stringify({ title: 'Standup', content: '9:30' }),
    })
    expect(posted.status).toBe(201)
    const seen = (await (await call(bobToken, '/posts')).json()) as {
      posts: Array<{ title: string }>
    }
    expect(seen.posts.map((p) => p.title)).toContain('Standup')
  })
})
