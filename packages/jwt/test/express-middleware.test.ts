import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import express from 'express'
import { InvalidSetting } from '@social-auth/core'
import {
  jwtGuard,
  requireAnyRole,
  requireAnyScope,
  requireAuth,
  requireRole,
  requireScope,
} from '../src/index.js'
import { createTestKit, mockAuth, mockGuard, mockUser } from '../src/testing/index.js'
import { call, guardedApp, serve, type Served } from './support/http.js'

// The USSO guide's dependencies as Express middleware, and its test mocks.

describe('the standalone checks after requireAuth', () => {
  const kit = createTestKit({ algorithm: 'ES256' })
  const errors: unknown[] = []
  let served: Served

  beforeAll(async () => {
    const app = express()
    app.use('/api', requireAuth(kit.config(), { onError: (err) => errors.push(err) }))
    app.get(
      '/api/posts',
      requireScope('read:posts'),
      (req, res) => void res.json({ user: req.auth!.sub }),
    )
    app.get('/api/any', requireAnyScope('a', 'b'), (_req, res) => void res.json({}))
    app.get('/api/admin', requireRole('admin'), (_req, res) => void res.json({}))
    app.get('/api/staff', requireAnyRole('editor', 'admin'), (_req, res) => void res.json({}))
    // A check without a guard before it: must fail closed.
    app.get('/open', requireScope('read:posts'), (_req, res) => void res.json({}))
    served = await serve(app)
  })
  afterAll(() => served.close())

  it('admit the scopes and roles asked for and refuse the others with 403 (RFC 6750 §3.1)', async () => {
    const token = kit.sign({ scope: 'read:posts b', roles: ['editor'] })
    expect((await call(served.url, '/api/posts', { token })).body).toEqual({ user: 'user:test123' })
    expect((await call(served.url, '/api/any', { token })).status).toBe(200)
    expect((await call(served.url, '/api/staff', { token })).status).toBe(200)
    const admin = await call(served.url, '/api/admin', { token })
    expect(admin.status).toBe(403)
    expect(admin.body.error).toBe('ERR_INSUFFICIENT_ROLE')
  })

  it('tell onError about refusals', async () => {
    await call(served.url, '/api/posts', { token: 'x.y.z' })
    expect(errors.at(-1)).toMatchObject({ code: 'ERR_TOKEN_INVALID' })
  })

  it('fail closed with 401 when no guard authenticated the request', async () => {
    const answer = await call(served.url, '/open', { token: kit.sign({ scope: 'read:posts' }) })
    expect(answer.status).toBe(401)
    expect(answer.body.error).toBe('ERR_TOKEN_NOT_FOUND')
  })

  it('refuse at start-up a check that names nothing, which would admit everyone', () => {
    expect(() => requireScope()).toThrow(InvalidSetting)
    expect(() => requireAnyRole('')).toThrow(InvalidSetting)
    expect(() => jwtGuard(kit.config()).requireScope()).toThrow(InvalidSetting)
  })
})

describe("the test kit's mock user (the USSO guide's mock_user and dependency_overrides)", () => {
  it("looks like the guide's fixture", () => {
    expect(mockUser()).toMatchObject({
      sub: 'user:test123',
      tenant_id: 'org_test',
      workspace_id: 'ws_test',
      roles: ['editor'],
      scopes: ['read:posts', 'write:posts'],
      exp: 9_999_999_999,
    })
    expect(mockUser({ workspace_id: undefined }).workspace_id).toBeUndefined()
  })

  it('authenticates routes without a token, through mockAuth or mockGuard, with the real checks', async () => {
    const app = express()
    app.use('/a', mockAuth(mockUser({ scopes: ['read:posts'] })))
    app.get(
      '/a/posts',
      requireScope('read:posts'),
      (req, res) => void res.json({ user_id: req.auth!.sub }),
    )
    app.get('/a/write', requireScope('write:posts'), (_req, res) => void res.json({}))
    const guarded = guardedApp(mockGuard(mockUser({ roles: ['admin'], scopes: [] })))
    app.use('/g', guarded)
    app.use('/none', guardedApp(mockGuard(null)))
    const served = await serve(app)
    try {
      expect((await call(served.url, '/a/posts')).body).toEqual({ user_id: 'user:test123' })
      expect((await call(served.url, '/a/write')).status).toBe(403)
      expect((await call(served.url, '/g/admin')).status).toBe(200)
      expect((await call(served.url, '/g/posts')).status).toBe(403)
      expect((await call(served.url, '/none/me')).status).toBe(401)
    } finally {
      await served.close()
    }
  })
})
