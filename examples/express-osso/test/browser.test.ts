import { existsSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser } from 'playwright-core'
import { describeWithBrowser, executablePath, launchChromium } from './chromium.js'
import { startStack, type Stack } from './support.js'

let stack: Stack
let browser: Browser

beforeAll(async () => {
  if (!existsSync(executablePath)) return
  stack = await startStack()
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

describeWithBrowser('a person in Chromium', () => {
  it('signs in with their email through osso-dev, sees the profile, cannot disconnect the only login, and signs out', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const cspErrors: string[] = []
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspErrors.push(message.text())
    })

    await page.goto(`${stack.appUrl}/`)
    await expect(page.title()).resolves.toBe('Sign in · Example Co')
    await page.getByLabel('Work email').fill('user@example.com')
    await page.getByRole('button', { name: 'Sign in with SSO' }).click()

    // osso-dev: the SAML step submits itself, then the mock identity provider's page.
    await page.getByRole('button', { name: 'Sign in as user@example.com' }).click()

    // First sign-in: the partial pipeline step asks for a username.
    await page.waitForURL(/\/confirm-username\?/)
    await expect(page.getByLabel('Username', { exact: true }).inputValue()).resolves.toBe('user')
    await page.getByRole('button', { name: 'Continue' }).click()

    await page.waitForURL(`${stack.appUrl}/profile`)
    await expect(page.locator('#profile-email').textContent()).resolves.toBe('user@example.com')
    await expect(page.getByRole('row', { name: /SSO/ }).count()).resolves.toBe(1)

    await page.getByRole('button', { name: 'Disconnect' }).click()
    await page.waitForURL(`${stack.appUrl}/profile?error=ERR_NOT_ALLOWED_TO_DISCONNECT`)
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'This is your only way to sign in',
    )
    await expect(page.getByRole('row', { name: /SSO/ }).count()).resolves.toBe(1)

    const cookies = await context.cookies(stack.appUrl)
    const sid = cookies.find((cookie) => cookie.name === 'sid')!
    expect(sid.httpOnly).toBe(true)
    expect(sid.sameSite).toBe('Lax')

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(`${stack.appUrl}/`)
    await page.goto(`${stack.appUrl}/profile`)
    await page.waitForURL(`${stack.appUrl}/?next=%2Fprofile`)
    await expect(page.getByRole('button', { name: 'Sign in with SSO' }).isVisible()).resolves.toBe(
      true,
    )
    expect(cspErrors).toEqual([])
    await context.close()
  })

  it('signs in from a GET /begin/osso link through the auto-submitting form', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${stack.appUrl}/begin/osso?email=user%40example.com`)
    await page.getByRole('button', { name: 'Sign in as user@example.com' }).click()
    await page.waitForURL(/\/(profile|confirm-username)/)
    await context.close()
  })
})
