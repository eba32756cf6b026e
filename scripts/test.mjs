#!/usr/bin/env node
// `npm test`: type-check, install what the tests need when it is missing (Debian's Chromium),
// start one throwaway PostgreSQL for the whole run, then run jest. Extra arguments go to jest.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { startPostgres } from '../test/support/postgres.mjs'

const root = new URL('..', import.meta.url).pathname
const jestArgs = process.argv.slice(2)
const resultsFile = `${root}.tmp/jest-results.json`
mkdirSync(`${root}.tmp`, { recursive: true })
rmSync(resultsFile, { force: true })

function step(title, fn) {
  const started = Date.now()
  process.stdout.write(`› ${title}\n`)
  const result = fn()
  process.stdout.write(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
  return result
}

function ensureChromium() {
  if (existsSync('/usr/bin/chromium')) return
  if (process.getuid?.() !== 0) {
    console.warn('  /usr/bin/chromium is missing and this is not root: browser tests will fail')
    return
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env,
  })
}

if (!process.env.SKIP_BUILD) {
  const tsc = `${root}node_modules/typescript/bin/tsc`
  step('type-check every package (tsc -b)', () => {
    execFileSync(process.execPath, [tsc, '-b'], { stdio: 'inherit', cwd: root })
  })
  step('type-check the tests (tsconfig.test.json)', () => {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.test.json'], {
      stdio: 'inherit',
      cwd: root,
    })
  })
}
step('ensure Debian Chromium for the browser tests', ensureChromium)

let postgres
if (!process.env.SOCIAL_AUTH_TEST_PG_URL) {
  postgres = await startPostgres()
  process.env.SOCIAL_AUTH_TEST_PG_URL = postgres.url
  console.log(`› throwaway PostgreSQL at ${postgres.url}`)
}

let status = 1
try {
  const result = spawnSync(
    process.execPath,
    [
      '--experimental-vm-modules',
      `${root}node_modules/jest/bin/jest.js`,
      '--json',
      `--outputFile=${resultsFile}`,
      ...jestArgs,
    ],
    {
      stdio: 'inherit',
      cwd: root,
      env: {
        ...process.env,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --no-warnings=ExperimentalWarning`.trim(),
      },
    },
  )
  status = result.status ?? 1
} finally {
  await postgres?.stop()
}
// CI reads a closing line in this plain form; jest's own summary is not one it knows.
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'))
  console.log(
    `\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`,
  )
}
process.exit(status)
