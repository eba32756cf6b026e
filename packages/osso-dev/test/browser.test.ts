import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { chromium } from 'playwright-core'
import type { Browser, Page } from 'playwright-core'
import { SEED_USER_ID } from '../src/index.js'
import { DEMO, exchange, start } from './helpers.js'
import type { Running } from './helpers.js'

// Debian's Chromium, which `npm test` installs; CHROMIUM_PATH points elsewhere.
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
const describeWithBrowser = existsSync(executablePath) ? describe : describe.skip

let osso: Running
let app: Server
let appUrl: string
let browser: Browser

beforeAll(async () => {
  if (!existsSync(executablePath)) return
  osso = await start()
  // Stands in for the app: its /complete/osso/ page just shows the query it received.
  app = createServer((req, res) => {
    res.setHeader('Content-Type', 'text/plain')
    res.end(`callback ${req.url ?? ''}`)
  })
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/complete/osso/`
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] })
})

afterAll(async () => {
  if (!existsSync(executablePath)) return
  await browser.close()
  await new Promise((resolve) => app.close(resolve))
  await osso.close()
})

function authorizeUrl(extra: Record<string, string>): string {
  const params = new URLSearchParams({
    client_id: DEMO.clientId,
    // Any port on a loopback IP is accepted for the demo client (RFC 8252 §7.3).
    redirect_uri: appUrl,
    response_type: 'code',
    ...extra,
  })
  return `${osso.url}/oauth/authorize?${params.toString()}`
}

async function newPage(): Promise<{ page: Page; cspErrors: string[] }> {
  const page = await browser.newPage()
  const cspErrors: string[] = []
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspErrors.push(message.text())
  })
  return { page, cspErrors }
}

async function landedCode(page: Page, state: string): Promise<string> {
  await page.waitForURL((url) => url.href.startsWith(appUrl))
  const url = new URL(page.url())
  expect(url.searchParams.get('state')).toBe(state)
  return url.searchParams.get('code') ?? ''
}

describeWithBrowser('a real browser driving the pages', () => {
  it('signs in from the hosted login page through the auto-submitted SAML step and the mock IdP', async () => {
    const { page, cspErrors } = await newPage()
    await page.goto(authorizeUrl({ state: 'browser-1' }))
    await page.fill('#email-input', 'user@example.com')
    await page.click('#hosted-login-button')
    await page.waitForSelector('#mock-idp-form')
    await page.getByRole('button', { name: 'Sign in as user@example.com' }).click()
    const code = await landedCode(page, 'browser-1')
    expect(code).toMatch(/^[0-9a-f]{64}$/)
    const token = await exchange(osso.url, code, { redirect_uri: appUrl })
    const { access_token } = (await token.json()) as { access_token: string }
    const me = await fetch(`${osso.url}/oauth/me?access_token=${access_token}`)
    expect(await me.json()).toMatchObject({
      id: SEED_USER_ID,
      requested: { email: 'user@example.com', domain: null },
    })
    expect(cspErrors).toEqual([])
    await page.close()
  })

  it('picks an IdP on the picker and signs in as a new user through the mock IdP form', async () => {
    const { page, cspErrors } = await newPage()
    await page.goto(authorizeUrl({ domain: 'multi-idp.test', state: 'browser-2' }))
    await page.getByRole('button', { name: 'Azure' }).click()
    await page.fill('#mock-idp-form input[name=email]', 'new.person@multi-idp.test')
    await page.fill('#mock-idp-form input[name=password]', 'ignored')
    await page.click('#hosted-login-button')
    const code = await landedCode(page, 'browser-2')
    const token = await exchange(osso.url, code, { redirect_uri: appUrl })
    expect(token.status).toBe(200)
    expect(cspErrors).toEqual([])
    await page.close()
  })

  it('starts an authorize request from the dashboard, leaving empty optional fields out', async () => {
    const { page, cspErrors } = await newPage()
    await page.goto(`${osso.url}/`)
    await page.fill('#start-email', 'user@example.com')
    await page.getByRole('button', { name: 'Authorize', exact: true }).click()
    await page.waitForSelector('#mock-idp-form')
    const session = [...osso.osso.state.sessions.values()].at(-1)
    expect(session?.requested).toEqual({ email: 'user@example.com', domain: null })
    expect(session?.state).toBeUndefined()
    expect(cspErrors).toEqual([])
    await page.close()
  })

  it('shows an error page with its test hooks instead of redirecting for an unknown domain', async () => {
    const { page } = await newPage()
    await page.goto(authorizeUrl({ domain: 'nobody.test' }))
    expect(await page.getAttribute('meta[name="osso-error"]', 'content')).toBe(
      'Osso::Error::MissingConfiguredIdentityProvider',
    )
    expect(page.url().startsWith(osso.url)).toBe(true)
    await page.close()
  })
})
