#!/usr/bin/env node
// Login throughput through examples/express-osso: full logins per second (sign-in page, CSRF
// POST /begin/osso, osso-dev's authorize, /complete/osso/ with token exchange, /oauth/me, the
// pipeline and a session write), for new and for returning users. osso-dev runs in-process
// with autoLogin, so no HTML is parsed on its side. Build first: `npx tsc -b`.
// Usage: node bench/login-bench.mjs [seconds=10] [concurrency=16]
import { mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createOssoDevServer, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from '@social-auth/osso-dev'
import { TestBrowser, findForm } from '@social-auth/express/testing'
import { createApp } from '../examples/express-osso/dist/index.js'

const seconds = Number(process.argv[2] ?? 10)
const concurrency = Number(process.argv[3] ?? 16)
const work = fileURLToPath(new URL('./.work/', import.meta.url))
rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })

const osso = createOssoDevServer({ autoLogin: true, onError: () => undefined })
const ossoListener = await osso.listen(0)
const example = await createApp(
  {
    DATABASE_URL: `sqlite:${work}bench.sqlite3`,
    SESSION_SECRET: 'bench',
    SOCIAL_AUTH_OSSO_BASE_URL: ossoListener.url,
    SOCIAL_AUTH_OSSO_KEY: DEMO_CLIENT_ID,
    SOCIAL_AUTH_OSSO_SECRET: DEMO_CLIENT_SECRET,
  },
  { confirmUsername: false },
)
const server = await new Promise((resolve) => {
  const s = example.app.listen(0, '127.0.0.1', () => resolve(s))
})
const appUrl = `http://127.0.0.1:${server.address().port}`

async function login(email) {
  const browser = new TestBrowser()
  const page = await browser.get(`${appUrl}/`)
  const form = findForm(page.text, { id: 'sso-form' })
  const toOsso = await browser.post(`${appUrl}/begin/osso`, { ...form.fields, email })
  const back = await browser.get(toOsso.location)
  const done = await browser.get(back.location)
  if (!done.location?.endsWith('/profile'))
    throw new Error(`login failed: ${done.status} ${done.location}`)
}

async function run(label, emailFor) {
  let count = 0
  let errors = 0
  const latencies = []
  const deadline = Date.now() + seconds * 1000
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; Date.now() < deadline; i++) {
        const started = performance.now()
        try {
          await login(emailFor(worker, i))
          count++
          latencies.push(performance.now() - started)
        } catch {
          errors++
        }
      }
    }),
  )
  latencies.sort((a, b) => a - b)
  const p = (q) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]?.toFixed(1)
  const result = {
    label,
    logins: count,
    errors,
    perSecond: (count / seconds).toFixed(1),
    p50: p(0.5),
    p99: p(0.99),
  }
  console.log(JSON.stringify(result))
  return result
}

const returning = Array.from({ length: 50 }, (_, i) => `returning${i}@example.com`)
for (const email of returning) await login(email)
const results = [
  await run('new users', (worker, i) => `new-${worker}-${i}-${Date.now()}@example.com`),
  await run('returning users', (worker, i) => returning[(worker * 7 + i) % returning.length]),
]
console.log(
  `node ${process.version}, ${seconds}s per scenario, concurrency ${concurrency}, SQLite file (WAL)`,
)
console.table(results)

await new Promise((resolve) => server.close(resolve))
server.closeAllConnections()
await example.close()
await ossoListener.close()
rmSync(work, { recursive: true, force: true })
