/**
 * Threat: malformed input that crashes a route (a 500 is a bug an attacker can aim at) or,
 * worse, slips through: a session, a user, an association or a bearer-authenticated request
 * out of junk. Property-based (fast-check) over the callback and begin routes of the example
 * app and over the resource server's bearer guard: random query strings, bodies, content
 * types, headers, cookies and tokens, mixed with real states, CSRF tokens and signatures so
 * the junk reaches the deep checks. DESIGN.md: "No route ever answers 500 to bad input".
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import express from 'express'
import fc from 'fast-check'
import { createIssuer, type TokenIssuer } from '@social-auth/jwt'
import { createTestKey, signJwt } from '@social-auth/jwt/testing'
import { createApp as createResourceServer } from '../../examples/resource-server/src/index.js'
import { listenLoopback } from '../support/loopback.js'
import { startScriptedOp, type ScriptedOp } from './support/scripted-op.js'
import {
  TestBrowser,
  signInPage,
  signedInAs,
  startSecurityStack,
  type SecurityStack,
} from './support/stack.js'

const RUNS = 150

// Printable ASCII plus a few controls and non-ASCII characters, percent-encoded or raw.
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '%',
    '%zz',
    '%E0%A4%A',
    '%00',
    '\u0000',
    '../..',
    '{"a":1}',
    '[]',
    'null',
  ),
  fc.string({ maxLength: 3000, minLength: 2000 }),
)
const paramName = fc.oneof(
  fc.constantFrom(
    'code',
    'state',
    'error',
    'error_description',
    'iss',
    'next',
    'email',
    'domain',
    'partial_token',
    'partial_pipeline_confirm_nonce',
    'partial_pipeline_confirmation',
    '_csrf',
    '_social_auth_relay',
    'id',
    'sub',
    'username',
    '__proto__',
    'constructor',
    'state[]',
    'code[0]',
    'email[a]',
  ),
  fc.string({ maxLength: 12 }),
)
const params = fc.array(fc.tuple(paramName, text), { maxLength: 8 })

/** Encodes pairs as a query or form body, sometimes leaving raw percent junk unencoded. */
const encode = (pairs: Array<[string, string]>, raw: boolean): string =>
  pairs
    .map(([k, v]) =>
      raw
        ? `${k.replace(/[^\x21-\x7e]/g, '')}=${v.replace(/[^\x21-\x7e]/g, '').replace(/[#&]/g, '')}`
        : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`,
    )
    .join('&')

const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/)
const body = fc.oneof(
  fc.record({ type: fc.constant('application/x-www-form-urlencoded'), raw: fc.boolean(), params }),
  fc.record({ type: fc.constant('application/json'), json: fc.json({ maxDepth: 3 }) }),
  fc.record({
    type: fc.constantFrom('text/plain', 'multipart/form-data; boundary=x', 'application/xml', ''),
    data: fc.string({ maxLength: 200 }),
  }),
)

function bodyText(b: {
  type: string
  raw?: boolean
  params?: Array<[string, string]>
  json?: string
  data?: string
}): string {
  if (b.params) return encode(b.params, b.raw ?? false)
  if (b.json !== undefined) return b.json
  return b.data ?? ''
}

/**
 * No 500: that is a bug. A junk callback that gets as far as the provider may be refused there
 * (Osso answers 404 to an unknown code) and answered as the provider's fault — 502/503 with a
 * coded body (`ERR_AUTH_INVALID_RESPONSE`, `ERR_AUTH_UNREACHABLE_PROVIDER`) — never the bare
 * `ERR_INTERNAL` of an unexpected error.
 */
function expectNoCrash(status: number, body: string): void {
  expect(status).not.toBe(500)
  expect(body).not.toContain('ERR_INTERNAL')
  if (status >= 500) {
    expect([502, 503]).toContain(status)
    expect(body).toMatch(/ERR_(AUTH_[A-Z_]+|KEY_SET_UNAVAILABLE)/)
  }
}

let op: ScriptedOp
let stack: SecurityStack

beforeAll(async () => {
  op = await startScriptedOp()
  stack = await startSecurityStack({ op })
})
afterAll(async () => {
  await stack.close()
  await op.close()
})

/** The rows that must never appear from junk. */
async function snapshot() {
  return {
    users: await stack.count('users'),
    social: await stack.count('social_auth_usersocialauth'),
    partials: await stack.count('social_auth_partial'),
    sessions: await stack.count('social_auth_session'),
  }
}

describe('the callback route under random input', () => {
  it(`never answers 500, never signs in, never writes a user, an association, a partial or a session (${RUNS} requests)`, async () => {
    // A browser with real pending logins at both backends, whose states the fuzzer may reuse.
    const browser = new TestBrowser()
    const { csrf } = await signInPage(browser, stack)
    const states: string[] = []
    for (const backend of ['osso', 'oidc']) {
      const res = await browser.post(`${stack.appUrl}/begin/${backend}`, {
        _csrf: csrf,
        email: 'user@example.com',
      })
      states.push(new URL(res.location!).searchParams.get('state')!)
    }
    const cookie = `sid=${browser.cookie(stack.appUrl, 'sid')}`
    const before = await snapshot()

    await fc.assert(
      fc.asyncProperty(
        fc.record({
          backend: fc.constantFrom('osso', 'oidc', 'nope', 'osso%00', 'OSSO', '%2e'),
          method: fc.constantFrom('GET', 'POST'),
          query: params,
          rawQuery: fc.boolean(),
          realState: fc.option(fc.constantFrom(...states), { nil: undefined }),
          body,
          withCookie: fc.boolean(),
          cookieJunk: fc.option(headerValue, { nil: undefined }),
          accept: fc.option(fc.oneof(headerValue, fc.constant('application/json')), {
            nil: undefined,
          }),
        }),
        async (input) => {
          const query: Array<[string, string]> = [...input.query]
          if (input.realState) query.push(['state', input.realState], ['code', 'x'])
          const url = `${stack.appUrl}/complete/${input.backend}/?${encode(query, input.rawQuery)}`
          const headers: Record<string, string> = {}
          if (input.withCookie) headers.cookie = cookie
          else if (input.cookieJunk !== undefined) headers.cookie = input.cookieJunk
          if (input.accept !== undefined) headers.accept = input.accept
          let payload: string | undefined
          if (input.method === 'POST') {
            if (input.body.type !== '') headers['content-type'] = input.body.type
            payload = bodyText(input.body)
          }
          const res = await fetch(url, {
            method: input.method,
            headers,
            body: payload,
            redirect: 'manual',
          })
          expectNoCrash(res.status, await res.text())
          // No session is started for junk, and the browser's own is never replaced (a login).
          const setCookie = res.headers.get('set-cookie') ?? ''
          if (input.withCookie && setCookie.startsWith('sid=')) expect(setCookie).toContain(cookie)
          else expect(setCookie).not.toMatch(/sid=/)
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    )
    expect(await snapshot()).toEqual(before)
    expect(await signedInAs(browser, stack)).toBeUndefined()
  })
})

describe('the begin route under random input', () => {
  it(`never answers 500, never signs in, and writes no user, association, or session beyond the logins it starts (${RUNS} requests)`, async () => {
    const browser = new TestBrowser()
    const { csrf } = await signInPage(browser, stack)
    // The sign-in page stores nothing: its token is bound to the CSRF cookie.
    expect(browser.cookie(stack.appUrl, 'sid')).toBeUndefined()
    const cookie = `sa_csrf=${browser.cookie(stack.appUrl, 'sa_csrf')}`
    const before = await snapshot()
    let reachedProvider = 0

    await fc.assert(
      fc.asyncProperty(
        fc.record({
          backend: fc.constantFrom('osso', 'oidc', 'nope', 'osso%2F..'),
          verb: fc.constantFrom('begin', 'login'),
          method: fc.constantFrom('GET', 'POST', 'POST', 'POST'),
          query: params,
          fields: params,
          withCsrf: fc.boolean(),
          withCookie: fc.boolean(),
          body,
          accept: fc.option(fc.constantFrom('application/json', 'text/html', '*/*'), {
            nil: undefined,
          }),
        }),
        async (input) => {
          const headers: Record<string, string> = {}
          if (input.withCookie) headers.cookie = cookie
          if (input.accept) headers.accept = input.accept
          let payload: string | undefined
          if (input.method === 'POST') {
            if (input.withCsrf) {
              headers['content-type'] = 'application/x-www-form-urlencoded'
              payload = encode([['_csrf', csrf], ...input.fields], false)
            } else {
              if (input.body.type !== '') headers['content-type'] = input.body.type
              payload = bodyText(input.body)
            }
          }
          const res = await fetch(
            `${stack.appUrl}/${input.verb}/${input.backend}/?${encode(input.query, false)}`,
            { method: input.method, headers, body: payload, redirect: 'manual' },
          )
          expectNoCrash(res.status, await res.text())
          const location = res.headers.get('location') ?? ''
          if (location.startsWith(stack.ossoUrl) || location.startsWith(op.issuer)) {
            // Only a CSRF-checked POST from the browser that owns the token starts a login, and
            // that login's state is the one session it stores (this client keeps no cookie).
            expect(input.method === 'POST' && input.withCsrf && input.withCookie).toBe(true)
            reachedProvider += 1
          }
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    )
    const after = await snapshot()
    expect(after).toEqual({ ...before, sessions: before.sessions + reachedProvider })
    expect(await signedInAs(browser, stack)).toBeUndefined()
    expect(reachedProvider).toBeGreaterThan(0)
  })
})

describe('the bearer guard under random tokens and headers', () => {
  let issuerSite: { url: string; close(): Promise<void> }
  let api: { url: string; close(): Promise<void> }
  let issuer: TokenIssuer
  let valid: string

  beforeAll(async () => {
    const site = express()
    issuerSite = await listenLoopback(site)
    issuer = await createIssuer({ issuer: issuerSite.url, audience: 'https://posts.api.example' })
    site.get('/.well-known/jwks.json', issuer.jwksHandler())
    api = await listenLoopback(
      createResourceServer({
        JWT_ISSUER: issuerSite.url,
        JWT_AUDIENCE: 'https://posts.api.example',
      }),
    )
    valid = (await issuer.mint({ sub: 'user:ada', scopes: ['read:posts'], roles: ['admin'] }))
      .access_token
  })
  afterAll(async () => {
    await api.close()
    await issuerSite.close()
  })

  it(`never answers 500 and never lets a forged or broken token through (${RUNS} requests)`, async () => {
    const attacker = createTestKey('EdDSA')
    const segment = fc.oneof(
      fc.base64String({ maxLength: 60 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{0,80}$/),
      fc.string({ maxLength: 30 }),
    )
    const mutation = fc
      .tuple(
        fc.nat(),
        fc.constantFrom('flip', 'drop', 'dup', 'swap', 'insert'),
        fc.string({ minLength: 1, maxLength: 1 }),
      )
      .map(([at, how, ch]) => {
        const i = at % valid.length
        const parts = valid.split('.')
        switch (how) {
          case 'flip':
            return valid.slice(0, i) + (valid[i] === 'A' ? 'B' : 'A') + valid.slice(i + 1)
          case 'drop':
            return valid.slice(0, i) + valid.slice(i + 1)
          case 'dup':
            return `${valid}.${parts[2]}`
          case 'swap':
            return `${parts[1]}.${parts[0]}.${parts[2]}`
          default:
            return valid.slice(0, i) + ch + valid.slice(i)
        }
      })
      .filter((token) => token !== valid)
    const forged = fc
      .record({
        alg: fc.constantFrom('none', 'HS256', 'EdDSA', 'RS256', 'ES256', 'PS256', 'nOnE', ''),
        kid: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
        typ: fc.option(fc.constantFrom('at+jwt', 'JWT', 'id+jwt', ''), { nil: undefined }),
        claims: fc.dictionary(
          fc.constantFrom('iss', 'aud', 'sub', 'exp', 'iat', 'nbf', 'scope', 'roles', '__proto__'),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        signature: fc.stringMatching(/^[A-Za-z0-9_-]{0,120}$/),
      })
      .map(({ alg, kid, typ, claims, signature }) => {
        const header = {
          alg,
          ...(kid === undefined ? {} : { kid }),
          ...(typ === undefined ? {} : { typ }),
        }
        if (alg === 'EdDSA') return signJwt(header, claims, attacker.privateKey)
        if (alg.startsWith('HS') || alg.toLowerCase() === 'none' || alg === '')
          return signJwt(header, claims, 'secret')
        // RS/ES/PS with a random signature: no key of the attacker's could be trusted anyway.
        const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
        return `${b64(header)}.${b64(claims)}.${signature}`
      })
    const token = fc.oneof(
      mutation,
      forged,
      fc.tuple(segment, segment, segment).map((p) => p.join('.')),
      fc.array(segment, { maxLength: 6 }).map((p) => p.join('.')),
      fc.string({ maxLength: 100 }),
    )
    const header = fc.oneof(
      token.map((t) => ({ authorization: `Bearer ${t}` })),
      token.map((t) => ({ authorization: `bearer  ${t}` })),
      token.map((t) => ({ cookie: `access_token=${t}` })),
      token.map((t) => ({ authorization: `Bearer ${t}`, cookie: `access_token=${t}` })),
      headerValue.map((v) => ({ authorization: v })),
      fc.constant({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }),
      fc.constant({ authorization: `Bearer ${valid},${valid}` }),
      fc.constant({}),
    )
    await fc.assert(
      fc.asyncProperty(
        header.filter((h) => Object.values(h).every((v) => /^[\x20-\x7e]*$/.test(v))),
        fc.constantFrom('/me', '/posts', '/admin/users'),
        async (headers, path) => {
          const res = await fetch(`${api.url}${path}`, { headers })
          await res.arrayBuffer()
          expect(res.status).toBeLessThan(500)
          expect(res.status).toBeGreaterThanOrEqual(400)
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    )
    // The control: the valid token is accepted, so the refusals above were the guard's doing.
    const ok = await fetch(`${api.url}/admin/users`, {
      headers: { authorization: `Bearer ${valid}` },
    })
    expect(ok.status).toBe(200)
  })
})
