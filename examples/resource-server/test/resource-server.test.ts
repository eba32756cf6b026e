import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import express from 'express'
import { createIssuer, type MintOptions, type TokenIssuer } from '@social-auth/jwt'
import { mockGuard, mockUser } from '@social-auth/jwt/testing'
import { listenLoopback, type Loopback } from '../../../test/support/loopback.js'
import { createApp, readEnv, DEFAULT_AUDIENCE } from '../src/index.js'

// The resource server of DESIGN.md (the USSO SDK guide's API), tested end to end against a
// token issuer served over HTTP in-process, as the express-osso app serves its own.

interface Answer {
  readonly status: number
  readonly challenge: string | null
  readonly body: Record<string, unknown>
}

let issuer: TokenIssuer
let issuerServer: Loopback
let api: Loopback
let jwksFetches = 0

async function request(
  path: string,
  options: {
    method?: string
    token?: string
    cookie?: string
    headers?: Record<string, string>
    body?: unknown
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  if (options.cookie !== undefined) headers.cookie = options.cookie
  if (options.body !== undefined) headers['content-type'] ??= 'application/json'
  const response = await fetch(api.url + path, {
    method: options.method ?? 'GET',
    headers,
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  })
  const text = await response.text()
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  }
}

const token = async (options: Partial<MintOptions> = {}): Promise<string> =>
  (await issuer.mint({ sub: 'user:ada', tenantId: 'acme', workspaceId: 'ws-a', ...options }))
    .access_token

beforeAll(async () => {
  // The issuer side: what express-osso mounts at /.well-known/jwks.json.
  const issuerApp = express()
  issuerApp.get('/.well-known/jwks.json', (req, res, next) => {
    jwksFetches += 1
    issuer.jwksHandler()(req, res, next)
  })
  issuerServer = await listenLoopback(issuerApp)
  issuer = await createIssuer({ issuer: issuerServer.url, audience: DEFAULT_AUDIENCE })
  // JWT_JWKS_URL left out: it defaults to <JWT_ISSUER>/.well-known/jwks.json.
  api = await listenLoopback(createApp({ JWT_ISSUER: issuerServer.url }))
})

afterAll(async () => {
  await api.close()
  await issuerServer.close()
})

describe('GET /me', () => {
  it('answers who the token speaks for, with a token from the Authorization header', async () => {
    const answer = await request('/me', {
      token: await token({ roles: ['editor'], scopes: ['read:posts'] }),
    })
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({
      user_id: 'user:ada',
      tenant_id: 'acme',
      workspace_id: 'ws-a',
      roles: ['editor'],
      scopes: ['read:posts'],
    })
  })

  it('accepts the token from the access_token cookie', async () => {
    const answer = await request('/me', {
      cookie: `access_token=${await token({ sub: 'user:cookie' })}`,
    })
    expect(answer.status).toBe(200)
    expect(answer.body.user_id).toBe('user:cookie')
  })

  it('answers null for a tenant or workspace the token does not name', async () => {
    const answer = await request('/me', {
      token: await token({ tenantId: undefined, workspaceId: undefined }),
    })
    expect(answer.body).toMatchObject({ tenant_id: null, workspace_id: null })
  })
})

describe('RFC 6750 refusals', () => {
  it('answers 401 with a bare Bearer challenge when no token is sent (§3.1)', async () => {
    const answer = await request('/me')
    expect(answer.status).toBe(401)
    expect(answer.challenge).toBe('Bearer')
    expect(answer.body).toEqual({
      error: 'ERR_TOKEN_NOT_FOUND',
      detail: 'No bearer token was sent',
    })
  })

  it("answers 401 invalid_token for a malformed token, another key's token or another audience's (§3.1)", async () => {
    // Same issuer name, other keys: an unknown kid at the trusted JWKS.
    const impostor = await createIssuer({ issuer: issuerServer.url, audience: DEFAULT_AUDIENCE })
    for (const bad of [
      'not-a-jwt',
      (await impostor.mint({ sub: 'u' })).access_token,
      (await issuer.mint({ sub: 'u', audience: 'http://other-api.test' })).access_token,
    ]) {
      const answer = await request('/me', { token: bad })
      expect(answer.status).toBe(401)
      expect(answer.challenge).toMatch(/^Bearer error="invalid_token", error_description="[^"]+"$/)
      expect(answer.body.error).toBe('ERR_TOKEN_INVALID')
    }
  })

  it('answers 401 ERR_TOKEN_EXPIRED for an expired token of the trusted issuer', async () => {
    // Same keys as the trusted issuer, an hour in the past.
    const { generateSigningKey } = await import('@social-auth/jwt')
    const key = (await generateSigningKey('EdDSA')).privateJwk
    const now = { at: Date.now() - 3_600_000 }
    const past = await createIssuer({
      issuer: issuerServer.url,
      audience: DEFAULT_AUDIENCE,
      privateKeys: [key],
      now: () => now.at,
    })
    const expired = (await past.mint({ sub: 'u' })).access_token
    const localApi = await listenLoopback(
      createApp(
        { JWT_ISSUER: issuerServer.url },
        { fetch: async () => Response.json(await past.jwks()) },
      ),
    )
    try {
      const response = await fetch(`${localApi.url}/me`, {
        headers: { authorization: `Bearer ${expired}` },
      })
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"')
      expect(((await response.json()) as { error: string }).error).toBe('ERR_TOKEN_EXPIRED')
    } finally {
      await localApi.close()
    }
  })

  it('answers 400 invalid_request for a malformed header or a token sent two ways (§2, §3.1)', async () => {
    const good = await token()
    for (const answer of [
      await request('/me', { headers: { authorization: 'Bearer a b' } }),
      await request('/me', { token: good, cookie: `access_token=${good}` }),
    ]) {
      expect(answer.status).toBe(400)
      expect(answer.challenge).toContain('error="invalid_request"')
      expect(answer.body.error).toBe('ERR_TOKEN_REQUEST_MALFORMED')
    }
  })
})

describe('posts and scopes', () => {
  it('need read:posts to list, write:posts to create and delete:posts to delete (403 insufficient_scope otherwise)', async () => {
    const reader = await token({ scopes: ['read:posts'] })
    const denied = await request('/posts', {
      method: 'POST',
      token: reader,
      body: { title: 't', content: 'c' },
    })
    expect(denied.status).toBe(403)
    expect(denied.challenge).toMatch(/error="insufficient_scope".*scope="write:posts"$/)
    expect(denied.body.error).toBe('ERR_INSUFFICIENT_SCOPE')
    expect(
      (await request('/posts', { token: await token({ scopes: ['write:posts'] }) })).status,
    ).toBe(403)
    expect((await request('/posts/x', { method: 'DELETE', token: reader })).status).toBe(403)
  })

  it("create, list and delete posts in the caller's workspace", async () => {
    const writer = await token({
      sub: 'user:bob',
      workspaceId: 'ws-posts',
      scopes: ['read:posts', 'write:posts', 'delete:posts'],
    })
    const created = await request('/posts', {
      method: 'POST',
      token: writer,
      body: { title: 'Hello', content: 'World', workspace_id: 'ws-other' },
    })
    expect(created.status).toBe(201)
    const post = created.body.post as Record<string, unknown>
    // The workspace comes from the token, not from the body.
    expect(post).toMatchObject({
      title: 'Hello',
      content: 'World',
      workspace_id: 'ws-posts',
      author_id: 'user:bob',
    })
    expect((await request('/posts', { token: writer })).body.posts).toEqual([post])
    expect(
      (await request(`/posts/${String(post.id)}`, { method: 'DELETE', token: writer })).body,
    ).toEqual({ message: 'Post deleted' })
    expect((await request('/posts', { token: writer })).body.posts).toEqual([])
  })

  it('answer 400, never 500, for a bad post body', async () => {
    const writer = await token({ scopes: ['write:posts'] })
    for (const body of [
      {},
      { title: '', content: 'c' },
      { title: 'x'.repeat(201), content: '' },
      { title: 1, content: 'c' },
      '{"title":',
      '[1,2]',
    ])
      expect((await request('/posts', { method: 'POST', token: writer, body })).status).toBe(400)
  })
})

describe('workspace isolation (the USSO guide)', () => {
  it("lets a user see and change only their own workspace's posts", async () => {
    const all = ['read:posts', 'write:posts', 'delete:posts']
    const alice = await token({ sub: 'user:alice', workspaceId: 'ws-alice', scopes: all })
    const mallory = await token({ sub: 'user:mallory', workspaceId: 'ws-mallory', scopes: all })
    const colleague = await token({ sub: 'user:carol', workspaceId: 'ws-alice', scopes: all })
    const otherTenant = await token({
      sub: 'user:eve',
      tenantId: 'globex',
      workspaceId: 'ws-alice',
      scopes: all,
    })
    const created = await request('/posts', {
      method: 'POST',
      token: alice,
      body: { title: 'Secret', content: 'plans' },
    })
    const id = String((created.body.post as { id: string }).id)

    expect((await request('/posts', { token: mallory })).body.posts).toEqual([])
    expect((await request('/posts', { token: otherTenant })).body.posts).toEqual([])
    expect((await request('/posts', { token: colleague })).body.posts).toHaveLength(1)

    const stolen = await request(`/posts/${id}`, { method: 'DELETE', token: mallory })
    expect(stolen.status).toBe(404)
    expect((await request(`/posts/${id}`, { method: 'DELETE', token: otherTenant })).status).toBe(
      404,
    )
    expect((await request('/posts', { token: alice })).body.posts).toHaveLength(1)
  })
})

describe('GET /admin/users', () => {
  it("needs the admin role and lists the users of the admin's tenant", async () => {
    const editor = await request('/admin/users', { token: await token({ roles: ['editor'] }) })
    expect(editor.status).toBe(403)
    expect(editor.challenge).toContain('error="insufficient_scope"')
    expect(editor.body.error).toBe('ERR_INSUFFICIENT_ROLE')

    await request('/me', { token: await token({ sub: 'user:zed', tenantId: 'initech' }) })
    const admin = await request('/admin/users', {
      token: await token({ sub: 'user:root', roles: ['admin'] }),
    })
    expect(admin.status).toBe(200)
    const users = admin.body.users as { user_id: string; tenant_id: string }[]
    expect(users.map((user) => user.user_id)).toContain('user:ada')
    expect(users.every((user) => user.tenant_id === 'acme')).toBe(true)
  })
})

describe('keys', () => {
  it("picks up the issuer's key rotation (the next key is published before it signs)", async () => {
    const before = jwksFetches
    await issuer.rotate()
    expect((await request('/me', { token: await token({ sub: 'user:rotated' }) })).status).toBe(200)
    expect(jwksFetches - before).toBe(0)
  })

  it("answers 503, never 500, when the issuer's keys cannot be fetched", async () => {
    const dead = await listenLoopback(express())
    const deadUrl = dead.url
    await dead.close()
    const orphan = await listenLoopback(
      createApp({ JWT_ISSUER: issuerServer.url, JWT_JWKS_URL: `${deadUrl}/.well-known/jwks.json` }),
    )
    try {
      const response = await fetch(`${orphan.url}/me`, {
        headers: { authorization: `Bearer ${await token()}` },
      })
      expect(response.status).toBe(503)
      expect(((await response.json()) as { error: string }).error).toBe('ERR_KEY_SET_UNAVAILABLE')
    } finally {
      await orphan.close()
    }
  })
})

describe("route tests with a mock user (the USSO guide's dependency_overrides)", () => {
  it('run against the app without any token', async () => {
    const app = await listenLoopback(
      createApp({}, { guard: mockGuard(mockUser({ roles: ['admin'] })) }),
    )
    try {
      const me = (await (await fetch(`${app.url}/me`)).json()) as Record<string, unknown>
      expect(me).toEqual({
        user_id: 'user:test123',
        tenant_id: 'org_test',
        workspace_id: 'ws_test',
        roles: ['admin'],
        scopes: ['read:posts', 'write:posts'],
      })
      expect((await fetch(`${app.url}/admin/users`)).status).toBe(200)
      expect((await fetch(`${app.url}/posts/1`, { method: 'DELETE' })).status).toBe(403)
    } finally {
      await app.close()
    }
  })
})

describe('configuration', () => {
  it('trusts the express-osso app on localhost:3000 by default', () => {
    expect(readEnv({})).toEqual({
      jwksUrl: 'http://localhost:3000/.well-known/jwks.json',
      issuer: 'http://localhost:3000',
      audience: 'http://localhost:8001',
      typ: 'at+jwt',
      port: 8001,
    })
    expect(readEnv({ JWT_ISSUER: 'https://id.example/', JWT_TYP: '', PORT: '9000' })).toMatchObject(
      {
        jwksUrl: 'https://id.example/.well-known/jwks.json',
        typ: undefined,
        port: 9000,
      },
    )
  })

  it('answers unknown routes with JSON 404', async () => {
    const answer = await request('/nope')
    expect(answer.status).toBe(404)
    expect(answer.body.error).toBe('ERR_NOT_FOUND')
  })
})

describe('npm run start:resource-server', () => {
  it('exits with a clear line, not a false "listening", when its port is taken', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url))
    const script = `${root}examples/resource-server/dist/start.js`
    // `npm test` builds first; a direct jest run may not have.
    if (!existsSync(script))
      spawnSync(process.execPath, [
        `${root}node_modules/typescript/bin/tsc`,
        '-b',
        `${root}examples/resource-server`,
      ])
    // Held on the wildcard address the server binds: 127.0.0.1 alone may not conflict on BSDs.
    const taken = createNetServer()
    await new Promise<void>((resolve) => taken.listen(0, resolve))
    try {
      const port = String((taken.address() as AddressInfo).port)
      const run = spawnSync(process.execPath, [script], {
        env: { PATH: process.env.PATH ?? '', PORT: port, JWT_ISSUER: 'http://127.0.0.1:1' },
        encoding: 'utf8',
        timeout: 30_000,
      })
      expect(run.status).toBe(1)
      expect(run.stderr).toContain(`port ${port} is already in use; set PORT to a free one`)
      expect(run.stdout).not.toContain('resource server on')
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  }, 60_000)
})
