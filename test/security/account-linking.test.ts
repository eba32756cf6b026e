/**
 * Threat: taking over an account by linking. Accounts are keyed only on (provider, tenant,
 * immutable subject) and an email links an identity to an existing account only when the
 * provider vouches for it (security.md §0.6, §4.6). Already proven elsewhere, not repeated:
 * associate_by_email's refusals (packages/core/test/association.test.ts), the guided link's
 * session binding (packages/core/test/safe-link.test.ts), Osso answers for another email or
 * domain than requested (packages/backend-osso/test/osso-dev-login.test.ts,
 * examples/express-osso/test/osso-errors.test.ts), the guided link in a browser
 * (examples/express-osso/test/guided-link.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { SEED_IDP_IDS, SEED_USER_ID, SEED_USER_IDP_ID } from '@social-auth/osso-dev'
import { createSocialAuth, type LoginInfo, type SocialAuth } from '@social-auth/core'
import { createTestStrategy } from '@social-auth/core/testing'
import { azureadTenantOAuth2 } from '@social-auth/providers'
import { connectDatabase, knexStorage, migrate } from '@social-auth/storage-knex'
import type { Knex } from 'knex'
import {
  ENTRA_CLIENT_ID,
  ENTRA_TENANT,
  fakeEntra,
  type EntraAccount,
} from './support/fake-entra.js'
import { startScriptedOp, type ScriptedOp } from './support/scripted-op.js'
import {
  TestBrowser,
  errorCode,
  finishOnApp,
  oidcCallback,
  ossoLogin,
  signedInAs,
  startSecurityStack,
  type SecurityStack,
} from './support/stack.js'

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

/** Signs in with Osso as `email` until the app's last redirect, in a fresh browser. */
async function ossoAccount(email: string): Promise<TestBrowser> {
  const browser = new TestBrowser()
  const done = await finishOnApp(browser, stack, await ossoLogin(browser, stack, email))
  expect(done.location).toBe(`${stack.appUrl}/profile`)
  return browser
}

describe('account pre-hijacking through an unverified email (security.md §0.6, §4.6)', () => {
  it('never signs an identity whose provider does not verify the email in to the account that owns it', async () => {
    await ossoAccount('user@example.com')
    await ossoAccount('mallory@example.com')
    const users = await stack.count('users')

    const attacker = new TestBrowser()
    op.reset()
    op.account = { sub: 'attacker-1', email: 'user@example.com', email_verified: false }
    const paused = await attacker.get(await oidcCallback(attacker, stack))
    expect(paused.location).toBe(`${stack.appUrl}/?link=oidc&reason=email_not_verified`)
    expect(await signedInAs(attacker, stack)).toBeUndefined()
    expect(await stack.uids('oidc')).toEqual([])
    expect(await stack.count('users')).toBe(users)
    expect(stack.events.filter((e) => e.name === 'link.refused').at(-1)?.payload).toEqual({
      backend: 'oidc',
      reason: 'email_not_verified',
      uid: 'attacker-1',
    })

    // Finishing the guided link with the attacker's own account links nothing.
    const resumed = await finishOnApp(
      attacker,
      stack,
      await ossoLogin(attacker, stack, 'mallory@example.com'),
    )
    expect(errorCode(resumed)).toBe('ERR_AUTH_LINK_REFUSED')
    expect(await signedInAs(attacker, stack)).toBe('mallory@example.com')
    expect(await stack.uids('oidc')).toEqual([])
  })

  it('does not let an account pre-registered with an unverified email capture the owner’s later sign-in', async () => {
    // The attacker registers first, with the victim's address, at a provider that does not check it.
    const attacker = new TestBrowser()
    op.reset()
    op.account = { sub: 'squatter-1', email: 'late.owner@example.com', email_verified: false }
    await finishOnApp(attacker, stack, await attacker.get(await oidcCallback(attacker, stack)))
    expect(await signedInAs(attacker, stack)).toBe('late.owner@example.com')
    const ossoBefore = await stack.uids('osso')

    // The owner then signs in with their company's SSO: not into the attacker's account.
    const owner = new TestBrowser()
    const paused = await ossoLogin(owner, stack, 'late.owner@example.com')
    expect(paused.location).toBe(`${stack.appUrl}/?link=osso&reason=email_not_verified`)
    expect(await signedInAs(owner, stack)).toBeUndefined()
    expect(await stack.uids('osso')).toEqual(ossoBefore)
  })

  it('treats email_verified "true" (a string) as unverified, even from a provider trusted for emails', async () => {
    const trusting = await startSecurityStack({
      op,
      env: { SOCIAL_AUTH_OIDC_ASSOCIATE_BY_EMAIL_TRUST_PROVIDER: 'true' },
    })
    try {
      const owner = new TestBrowser()
      const ok = await finishOnApp(
        owner,
        trusting,
        await ossoLogin(owner, trusting, 'user@example.com'),
      )
      expect(ok.location).toBe(`${trusting.appUrl}/profile`)

      const stringly = new TestBrowser()
      op.reset()
      op.account = { sub: 'stringly-1', email: 'user@example.com', email_verified: 'true' }
      const paused = await stringly.get(await oidcCallback(stringly, trusting))
      expect(paused.location).toBe(`${trusting.appUrl}/?link=oidc&reason=email_not_verified`)
      expect(await signedInAs(stringly, trusting)).toBeUndefined()

      // The boolean from a trusted provider links at once: the control that the case above is
      // refused for the string, not for anything else.
      const verified = new TestBrowser()
      op.reset()
      op.account = { sub: 'verified-1', email: 'user@example.com', email_verified: true }
      await verified.get(await oidcCallback(verified, trusting))
      expect(await signedInAs(verified, trusting)).toBe('user@example.com')
      expect(await trusting.uids('oidc')).toEqual(['verified-1'])
    } finally {
      await trusting.close()
    }
  })

  it('never vouches for the userinfo email with the id_token’s email_verified (they name different addresses)', async () => {
    const trusting = await startSecurityStack({
      op,
      env: { SOCIAL_AUTH_OIDC_ASSOCIATE_BY_EMAIL_TRUST_PROVIDER: 'true' },
    })
    try {
      const owner = new TestBrowser()
      await finishOnApp(owner, trusting, await ossoLogin(owner, trusting, 'user@example.com'))
      const mixer = new TestBrowser()
      op.reset()
      // The id_token vouches for the attacker's own address; userinfo names the victim's,
      // explicitly unverified. The details use userinfo's email.
      op.account = { sub: 'mixer-1', email: 'attacker@evil.example', email_verified: true }
      op.script.idToken = (draft) => {
        draft.claims.email = 'attacker@evil.example'
        draft.claims.email_verified = true
      }
      op.script.userinfo = (claims) => ({
        ...claims,
        email: 'user@example.com',
        email_verified: false,
      })
      const paused = await mixer.get(await oidcCallback(mixer, trusting))
      expect(paused.location).toBe(`${trusting.appUrl}/?link=oidc&reason=email_not_verified`)
      expect(await signedInAs(mixer, trusting)).toBeUndefined()
      expect(await trusting.uids('oidc')).toEqual([])
    } finally {
      await trusting.close()
    }
  })
})

describe('Osso: another tenant’s identity provider asserting an existing user (security.md §0.7)', () => {
  // osso-rb (and osso-dev's default fidelity) finds users by (email, NameID) across all tenants:
  // an identity provider of tenant B that asserts tenant A's user gets that user's Osso `id`.
  it('refuses a login routed to one tenant whose identity provider asserts another tenant’s user', async () => {
    await ossoAccount('user@example.com')
    const attacker = new TestBrowser()
    const answer = await ossoLogin(attacker, stack, 'user@example.com', {
      idpId: SEED_USER_IDP_ID,
      providerId: SEED_IDP_IDS.multiOkta,
      begin: { domain: 'multi-idp.test' },
    })
    expect(errorCode(answer)).toBe('ERR_AUTH_FORBIDDEN')
    expect(await signedInAs(attacker, stack)).toBeUndefined()
    expect(await stack.uids('osso')).toContain(SEED_USER_ID)
  })

  it('refuses it when the login was routed by an email of the attacker’s tenant', async () => {
    const attacker = new TestBrowser()
    const answer = await ossoLogin(attacker, stack, 'user@example.com', {
      idpId: SEED_USER_IDP_ID,
      providerId: SEED_IDP_IDS.multiOkta,
      begin: { email: 'mallory@multi-idp.test' },
    })
    expect(errorCode(answer)).toBe('ERR_AUTH_FORBIDDEN')
    expect(await signedInAs(attacker, stack)).toBeUndefined()
  })

  it('accepts another email domain only where the tenant is configured for it (OSSO_TENANT_EMAIL_DOMAINS)', async () => {
    const configured = await startSecurityStack({
      env: { SOCIAL_AUTH_OSSO_TENANT_EMAIL_DOMAINS: '{"multi-idp.test":["multi-idp.example"]}' },
    })
    try {
      const person = new TestBrowser()
      const done = await finishOnApp(
        person,
        configured,
        await ossoLogin(person, configured, 'jo@multi-idp.example', {
          providerId: SEED_IDP_IDS.multiOkta,
          begin: { domain: 'multi-idp.test' },
        }),
      )
      expect(done.location).toBe(`${configured.appUrl}/profile`)
      expect(await signedInAs(person, configured)).toBe('jo@multi-idp.example')
    } finally {
      await configured.close()
    }
  })
})

describe('mutable email claims: Microsoft Entra ID (security.md §0.6)', () => {
  let dir: string
  let db: Knex
  let social: SocialAuth
  let entra: Awaited<ReturnType<typeof fakeEntra>>

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'social-auth-entra-'))
    db = connectDatabase(`sqlite:${join(dir, 'entra.sqlite3')}`)
    await migrate(db)
    entra = await fakeEntra()
    social = await createSocialAuth({
      settings: {
        AUTHENTICATION_BACKENDS: [azureadTenantOAuth2({ fetch: entra.fetch })],
        SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_KEY: ENTRA_CLIENT_ID,
        SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_SECRET: 'entra-secret',
        SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_TENANT_ID: ENTRA_TENANT,
        // Even when the app trusts Entra for emails, only a domain-verified email links.
        SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_ASSOCIATE_BY_EMAIL_TRUST_PROVIDER: true,
        SOCIAL_AUTH_PIPELINE: [
          'social_details',
          'social_uid',
          'auth_allowed',
          'social_user',
          'get_username',
          'safe_link_by_email',
          'create_user',
          'associate_user',
          'load_extra_data',
          'user_details',
        ],
        LOGIN_URL: '/login',
        LOGIN_REDIRECT_URL: '/profile',
      },
      storage: knexStorage(db),
    })
  })
  afterAll(async () => {
    await db.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  /** One login through the backend; answers who was logged in (or the redirect). */
  async function entraLogin(account: EntraAccount) {
    entra.state.account = account
    const strategy = createTestStrategy()
    const started = await social.begin(
      strategy.request({ method: 'POST' }),
      'azuread-tenant-oauth2',
    )
    if (started.type !== 'redirect') throw new Error('begin did not redirect')
    const url = new URL(started.url)
    entra.state.nonce = url.searchParams.get('nonce') ?? undefined
    const logins: LoginInfo[] = []
    const done = await social.complete(
      strategy.request({ query: { code: 'entra-code', state: url.searchParams.get('state')! } }),
      'azuread-tenant-oauth2',
      { login: (info) => void logins.push(info) },
    )
    return { done, login: logins[0] }
  }

  it('keeps one account when the person’s email changes at Entra (the uid is tid:oid, not the email)', async () => {
    const first = await entraLogin({
      oid: 'oid-alice',
      email: 'alice@corp.example',
      xms_edov: true,
    })
    const renamed = await entraLogin({ oid: 'oid-alice', email: 'alice.smith@corp.example' })
    expect(first.login?.social?.uid).toBe(`${ENTRA_TENANT}:oid-alice`)
    expect(renamed.login?.user.id).toBe(first.login?.user.id)
    expect(renamed.login?.social?.uid).toBe(`${ENTRA_TENANT}:oid-alice`)
  })

  it('does not link an Entra user who set someone else’s email, unless Entra verified its domain (nOAuth)', async () => {
    const victim = await entraLogin({ oid: 'oid-bob', email: 'bob@corp.example', xms_edov: true })
    expect(victim.login).toBeDefined()
    const attacker = await entraLogin({ oid: 'oid-eve', email: 'bob@corp.example' })
    expect(attacker.login).toBeUndefined()
    expect(attacker.done).toMatchObject({
      type: 'redirect',
      url: '/login?link=azuread-tenant-oauth2&reason=email_not_verified',
    })
    expect(
      await social.storage.user.getSocialAuth('azuread-tenant-oauth2', `${ENTRA_TENANT}:oid-eve`),
    ).toBeNull()

    // The control: a colleague whose address Entra's domain owner verified is linked at once.
    const verified = await entraLogin({
      oid: 'oid-bob-2',
      email: 'bob@corp.example',
      xms_edov: true,
    })
    expect(verified.login?.user.id).toBe(victim.login?.user.id)
  })
})
