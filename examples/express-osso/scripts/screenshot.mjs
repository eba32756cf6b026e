#!/usr/bin/env node
// Regenerates docs/sign-in.png: the built example on a free port, SQLite in memory, osso-dev
// started for it, and Debian's Chromium taking the picture. Run `npx tsc -b` first.
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { startExample } from '../dist/index.js'

const output = fileURLToPath(new URL('../docs/sign-in.png', import.meta.url))
const running = await startExample(
  {
    ...process.env,
    PORT: '0',
    OSSO_DEV_PORT: '0',
    DATABASE_URL: 'sqlite::memory:',
    SESSION_SECRET: 'screenshot',
    SOCIAL_AUTH_OSSO_BASE_URL: '',
  },
  { host: '127.0.0.1' },
)
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})
try {
  const page = await browser.newPage({
    viewport: { width: 900, height: 620 },
    colorScheme: 'light',
  })
  await page.goto(running.url.replace('localhost', '127.0.0.1'))
  await page.getByLabel('Work email').fill('user@example.com')
  await page.screenshot({ path: output })
  console.log(`wrote ${output}`)
} finally {
  await browser.close()
  await running.close()
}
