import { existsSync } from 'node:fs'
import { describe } from '@jest/globals'
import { chromium, type Browser } from 'playwright-core'

/** Debian's Chromium, which `npm test` installs when it is missing; CHROMIUM_PATH points elsewhere. */
export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** `describe`, or `describe.skip` on a machine without the browser (`npm test` installs it). */
export const describeWithBrowser = existsSync(executablePath) ? describe : describe.skip

/**
 * Headless Chromium with the flags this sandbox needs: no sandbox as root, and none of the
 * background traffic the closed network would refuse.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
