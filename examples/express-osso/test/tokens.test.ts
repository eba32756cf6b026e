import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { TestBrowser } from '@social-auth/express/testing'
import { createVerifier } from '@social-auth/jwt'
import { json, signIn, startStack, type Stack } from './support.js'

// DESIGN.md: GET /user/token (an access token for the session user, signed by the app's own
// key), GET /.well-known/jwks.json, GET /user/id by session or by bearer token.
let stack: Stack
beforeAll(async () => {
  stack = await startStack()
})
afterAll(() => stack.close())

describe('the app’s own tokens', () => {
  it('mints an at+jwt for the signed-in user that verifies against the published JWKS', async () => {
    const browser = new TestBrowser()
    await signIn(browser, stack)
    const answer = await browser.get(`${stack.appUrl}/user/token`, json)
    expect(answer.status).toBe(200)
    expect(answer.headers.get('cache-control')).toBe('no-store')
    const { access_token: token } = answer.json<{ access_token: string }>()
    const verifier = createVerifier({
      jwksUrl: `${stack.appUrl}/.well-known/jwks.json`,
      issuer: stack.example.issuer.issuer,
      audience: stack.example.issuer.audience[0]!,
      typ: 'at+jwt',
    })
    const claims = await verifier.verify(token)
    expect(claims.scopes).toEqual(expect.arrayContaining(['read:posts', 'write:posts']))
    expect(claims.workspace_id).toBe('example.com')

    const byBearer = await fetch(`${stack.appUrl}/user/id`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(await byBearer.json()).toEqual({ email: 'user@example.com' })
    const bySession = await browser.get(`${stack.appUrl}/user/id`, json)
    expect(bySession.json()).toEqual({ email: 'user@example.com' })
  })

  it('answers 401 to /user/token without a session and to /user/id with a bad token', async () => {
    expect((await fetch(`${stack.appUrl}/user/token`)).status).toBe(401)
    const bad = await fetch(`${stack.appUrl}/user/id`, {
      headers: { authorization: 'Bearer not.a.token' },
    })
    expect(bad.status).toBe(401)
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer/)
    const none = await fetch(`${stack.appUrl}/user/id`)
    expect(none.status).toBe(401)
  })
})
