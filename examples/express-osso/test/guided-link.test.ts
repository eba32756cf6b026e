import { existsSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { describeWithBrowser, executablePath, launchChromium } from './chromium.js'
import type { SocialAuthEventName } from '@social-auth/core'
import { startFakeOp, type FakeOp } from './fake-op.js'
import { startStack, type Stack } from './support.js'

// Issue 8, "safe linking, guided" (security.md §4.6): a second sign-in method whose provider
// does not vouch for the email is linked only after the person proves they own the existing
// account, in a real browser. The second method is the generic `oidc` backend against a small
// OpenID provider that reports `email_verified: false`.

let op: FakeOp
let stack: Stack
let browser: Browser
const events: Array<{ name: SocialAuthEventName; payload: unknown }> = []

beforeAll(async () => {
  if (!existsSync(executablePath)) return
  op = await startFakeOp()
  stack = await startStack({
    env: {
      SOCIAL_AUTH_OIDC_OIDC_ENDPOINT: op.issuer,
      SOCIAL_AUTH_OIDC_KEY: op.clientId,
      SOCIAL_AUTH_OIDC_SECRET: op.clientSecret,
    },
  })
  for (const name of ['link.refused', 'account.linked', 'user.created'] as const) {
    stack.example.social.events.on(name, (payload) => events.push({ name, payload }))
  }
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await stack?.close()
  await op?.close()
})

async function signInWithSso(page: Page, email: string): Promise<void> {
  await page.getByLabel('Work email').fill(email)
  await page.getByRole('button', { name: 'Sign in with SSO' }).click()
  await page.getByRole('button', { name: `Sign in as ${email}` }).click()
}

const count = async (table: string): Promise<number> =>
  Number(((await stack.example.db(table).count({ n: '*' }).first()) as { n: number | string }).n)

describeWithBrowser('the guided link in Chromium', () => {
  it('asks a person whose new sign-in method does not vouch for the email to sign in with the existing one, then links it', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()

    // An existing account, made with SSO.
    await page.goto(`${stack.appUrl}/`)
    await signInWithSso(page, 'user@example.com')
    await page.waitForURL(/\/confirm-username\?/)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(`${stack.appUrl}/profile`)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(`${stack.appUrl}/`)

    // The same email at a provider that does not verify it: no silent link, no second account.
    op.mode = 'ok'
    op.account = { sub: 'lax-42', email: 'user@example.com', email_verified: false }
    await page.getByRole('button', { name: 'Sign in with OpenID Connect' }).click()
    await page.waitForURL(`${stack.appUrl}/?link=oidc&reason=email_not_verified`)
    const banner = page.locator('#link-banner')
    await expect(banner.getByRole('heading').textContent()).resolves.toBe(
      'Link your OpenID Connect account',
    )
    await expect(banner.textContent()).resolves.toContain(
      'the provider you used does not confirm that the address is yours',
    )
    expect(await count('users')).toBe(1)
    expect(await stack.example.social.storage.user.getSocialAuth('oidc', 'lax-42')).toBeNull()
    expect(events.filter((e) => e.name === 'link.refused').map((e) => e.payload)).toEqual([
      { backend: 'oidc', reason: 'email_not_verified', uid: 'lax-42' },
    ])
    await page.goto(`${stack.appUrl}/profile`)
    await page.waitForURL(`${stack.appUrl}/?next=%2Fprofile`)

    // Proving ownership with the existing method finishes the paused sign-in once the person
    // confirms the identity it names (a planted session could carry someone else's): both are
    // then linked.
    await signInWithSso(page, 'user@example.com')
    await expect(page.getByRole('heading').textContent()).resolves.toBe('Link your oidc account?')
    const text = await page.locator('main').textContent()
    expect(text).toMatch(/Link the oidc account “[^”]+” to this account/)
    expect(text).toContain('oidc did not confirm that its email address is yours')
    expect(text).not.toContain('user@example.com')
    expect(await stack.example.social.storage.user.getSocialAuth('oidc', 'lax-42')).toBeNull()
    await page.getByRole('button', { name: 'Link account' }).click()
    await page.waitForURL(`${stack.appUrl}/profile`)
    await expect(page.getByRole('row', { name: /SSO/ }).count()).resolves.toBe(1)
    await expect(page.getByRole('row', { name: /OpenID Connect/ }).count()).resolves.toBe(1)
    await expect(
      page.getByRole('row', { name: /OpenID Connect/ }).textContent(),
    ).resolves.toContain('lax-42')
    expect(await count('users')).toBe(1)
    expect(events.filter((e) => e.name === 'account.linked')).toHaveLength(2)

    // From now on the new method signs straight in to the same account.
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(`${stack.appUrl}/`)
    await expect(page.locator('#link-banner').count()).resolves.toBe(0)
    await page.getByRole('button', { name: 'Sign in with OpenID Connect' }).click()
    await page.waitForURL(`${stack.appUrl}/profile`)
    await expect(page.locator('#profile-email').textContent()).resolves.toBe('user@example.com')
    expect(await count('users')).toBe(1)
    await context.close()
  })

  it('shows no link banner for a crafted ?link= URL when nothing was paused', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${stack.appUrl}/?link=oidc&reason=email_not_verified`)
    await expect(page.getByRole('button', { name: 'Sign in with SSO' }).isVisible()).resolves.toBe(
      true,
    )
    await expect(page.locator('#link-banner').count()).resolves.toBe(0)
    await context.close()
  })
})
