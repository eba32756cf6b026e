import { describe, expect, it } from '@jest/globals'
import { InvalidSetting, TokenInvalid } from '@social-auth/core'
import {
  claimsSchema,
  createVerifier,
  hasRole,
  hasScope,
  userDataFrom,
  type ClaimsSchema,
} from '../src/index.js'
import { createTestKit } from '../src/testing/index.js'

// The USSO guide's UserData and CustomUserData; security.md §3.1.7 (own properties, exact
// elements, wrong types refused); RFC 9068 §2.2.3 (scope).

describe('UserData', () => {
  it('collects scopes from scope (space-separated), scp and scopes, in order and without repeats (RFC 9068 §2.2.3)', () => {
    const user = userDataFrom({
      sub: 'u',
      scope: 'read:posts  write:posts',
      scp: ['write:posts', 'a'],
      scopes: ['b'],
    })
    expect(user.scopes).toEqual(['read:posts', 'write:posts', 'a', 'b'])
    expect(userDataFrom({ sub: 'u', scp: 'x y' }).scopes).toEqual(['x', 'y'])
  })

  it('reads sub, tenant_id, workspace_id, roles and exp', () => {
    const user = userDataFrom({
      sub: 'user:1',
      tenant_id: 'org',
      workspace_id: 'ws',
      roles: ['admin'],
      exp: 5,
      iss: 'i',
    })
    expect(user).toMatchObject({
      sub: 'user:1',
      tenant_id: 'org',
      workspace_id: 'ws',
      roles: ['admin'],
      exp: 5,
      iss: 'i',
    })
    expect(userDataFrom({ sub: 'u' })).toMatchObject({
      tenant_id: undefined,
      workspace_id: undefined,
      roles: [],
      scopes: [],
    })
  })

  it('refuses claims of the wrong type instead of guessing (security.md §3.1.7)', () => {
    for (const claims of [
      { sub: 1 },
      { sub: '' },
      { sub: 'u', scope: ['a'] },
      { sub: 'u', scopes: 'a b' },
      { sub: 'u', scp: [1] },
      { sub: 'u', roles: 'admin' },
      { sub: 'u', roles: [['admin']] },
      { sub: 'u', tenant_id: 7 },
      { sub: 'u', workspace_id: { id: 'ws' } },
    ])
      expect(() => userDataFrom(claims)).toThrow(TokenInvalid)
  })

  it('matches scopes and roles as exact elements, never as substrings', () => {
    const user = userDataFrom({ sub: 'u', scope: 'read:posts-archive', roles: ['superadmin'] })
    expect(hasScope(user, 'read:posts')).toBe(false)
    expect(hasRole(user, 'admin')).toBe(false)
  })

  it('ignores __proto__ and constructor keys and reads own properties only', async () => {
    const kit = createTestKit({ algorithm: 'ES256' })
    const verifier = createVerifier(kit.config())
    // Raw JSON, so the keys really are in the payload.
    const payload = JSON.parse(
      `{"iss":"${kit.issuer}","aud":"${kit.audience}","sub":"u","iat":${Math.floor(Date.now() / 1000)},"exp":${Math.floor(Date.now() / 1000) + 60},` +
        '"__proto__":{"roles":["admin"],"scope":"admin"},"constructor":{"prototype":{"admin":true}}}',
    ) as Record<string, unknown>
    const user = await verifier.verify(kit.sign(payload))
    expect(user.roles).toEqual([])
    expect(user.scopes).toEqual([])
    expect(Object.hasOwn(user.claims, '__proto__')).toBe(false)
    expect(Object.hasOwn(user.claims, 'constructor')).toBe(false)
    expect(({} as Record<string, unknown>).admin).toBeUndefined()
  })

  it('is frozen, so a cached user cannot be changed by one request for the next', async () => {
    const kit = createTestKit()
    const user = await createVerifier(kit.config()).verify(
      kit.sign({ roles: ['editor'], nested: { a: [1] } }),
    )
    expect(Object.isFrozen(user)).toBe(true)
    expect(Object.isFrozen(user.roles)).toBe(true)
    expect(Object.isFrozen((user.claims.nested as { a: number[] }).a)).toBe(true)
  })
})

describe("custom claim schemas (the USSO guide's CustomUserData)", () => {
  it("validate and type the app's claims from a small spec", async () => {
    const kit = createTestKit()
    const verifier = createVerifier(
      kit.config({
        claims: claimsSchema({
          company_id: 'string',
          subscription_tier: 'string?',
          custom_permissions: 'string[]?',
          seats: 'number?',
        }),
      }),
    )
    const user = await verifier.verify(kit.sign({ company_id: 'acme', custom_permissions: ['x'] }))
    const company: string = user.company_id
    const tier: string | undefined = user.subscription_tier
    expect([company, tier, user.custom_permissions, user.seats]).toEqual([
      'acme',
      undefined,
      ['x'],
      undefined,
    ])
    await expect(verifier.verify(kit.sign({ sub: 'a' }))).rejects.toThrow(/company_id/)
    await expect(verifier.verify(kit.sign({ sub: 'b', company_id: 1 }))).rejects.toThrow(
      TokenInvalid,
    )
    await expect(
      verifier.verify(kit.sign({ sub: 'c', company_id: 'x', custom_permissions: 'x' })),
    ).rejects.toThrow(TokenInvalid)
  })

  it('accept any validator function, and refuse the token whatever it throws', async () => {
    const kit = createTestKit()
    const schema: ClaimsSchema<{ tier: 'free' | 'pro' }> = (claims) => {
      if (claims.tier !== 'free' && claims.tier !== 'pro') throw new Error('bad tier')
      return { tier: claims.tier }
    }
    const verifier = createVerifier(kit.config({ claims: schema }))
    expect((await verifier.verify(kit.sign({ tier: 'pro' }))).tier).toBe('pro')
    await expect(verifier.verify(kit.sign({ tier: 'gold' }))).rejects.toMatchObject({
      code: 'ERR_TOKEN_INVALID',
      reason: 'claims',
    })
  })

  it('never let custom fields replace the standard ones', async () => {
    const kit = createTestKit()
    const verifier = createVerifier(
      kit.config({ claims: () => ({ sub: 'someone-else', roles: ['admin'] }) }),
    )
    const user = await verifier.verify(kit.sign({ sub: 'me' }))
    expect([user.sub, user.roles]).toEqual(['me', []])
  })

  it('refuse a spec naming __proto__ at start-up', () => {
    expect(() =>
      claimsSchema(JSON.parse('{"__proto__":"string"}') as Record<string, 'string'>),
    ).toThrow(InvalidSetting)
  })
})
