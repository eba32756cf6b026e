import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Request } from 'express'
import { jwtGuard, type JwtConfig } from '../src/index.js'
import { createTestKit } from '../src/testing/index.js'
import { call, guardedApp, serve, type Served } from './support/http.js'

// The USSO guide's "Multiple Tenants": a per-request configuration with caches per issuer.

describe('a multi-tenant guard', () => {
  const one = createTestKit({
    issuer: 'https://tenant1.test',
    audience: 'app1',
    algorithm: 'ES256',
  })
  const two = createTestKit({
    issuer: 'https://tenant2.test',
    audience: 'app2',
    algorithm: 'EdDSA',
  })
  let served: Served
  let resolved = 0

  beforeAll(async () => {
    // A fresh configuration object per request, as a naive resolver would build it.
    const configs: Record<string, () => JwtConfig> = {
      tenant1: () => one.config(),
      tenant2: () => two.config(),
    }
    const auth = jwtGuard((req: Request) => {
      resolved += 1
      const tenant = req.headers['x-tenant-id']
      return typeof tenant === 'string' && Object.hasOwn(configs, tenant)
        ? configs[tenant]!()
        : undefined
    })
    served = await serve(guardedApp(auth))
  })
  afterAll(() => served.close())

  it("verifies each tenant's tokens with that tenant's keys, issuer and audience", async () => {
    expect(
      (await call(served.url, '/me', { token: one.sign(), headers: { 'x-tenant-id': 'tenant1' } }))
        .status,
    ).toBe(200)
    expect(
      (await call(served.url, '/me', { token: two.sign(), headers: { 'x-tenant-id': 'tenant2' } }))
        .status,
    ).toBe(200)
    const crossed = await call(served.url, '/me', {
      token: one.sign(),
      headers: { 'x-tenant-id': 'tenant2' },
    })
    expect(crossed.status).toBe(401)
    expect(crossed.challenge).toContain('invalid_token')
  })

  it('keeps one JWKS cache per issuer however many requests build a configuration', async () => {
    const before = resolved
    for (let i = 0; i < 5; i += 1) {
      await call(served.url, '/me', {
        token: one.sign({ sub: `u${i}` }),
        headers: { 'x-tenant-id': 'tenant1' },
      })
      await call(served.url, '/me', {
        token: two.sign({ sub: `u${i}` }),
        headers: { 'x-tenant-id': 'tenant2' },
      })
    }
    expect(resolved - before).toBe(10)
    expect(one.jwks.calls).toBe(1)
    // Tenant 2's second fetch was the one unknown-kid refetch caused by tenant 1's token above.
    expect(two.jwks.calls).toBe(2)
  })

  it('answers 400 invalid_request for an unknown tenant', async () => {
    for (const tenant of ['tenant3', '__proto__', 'constructor']) {
      const answer = await call(served.url, '/me', {
        token: one.sign(),
        headers: { 'x-tenant-id': tenant },
      })
      expect(answer.status).toBe(400)
      expect(answer.challenge).toContain('invalid_request')
    }
  })
})
