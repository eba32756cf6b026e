#!/usr/bin/env node
// Login throughput (issue 5): full logins per second through examples/express-osso against a
// baseline written with Express + passport-oauth2 + knex (bench/baselines/), both signing in
// through one in-process osso-dev (autoLogin, so no HTML is parsed on its side).
//
// A login is what a browser does: GET / (the sign-in page and its CSRF token: ours binds it to a
// cookie and stores nothing, the baseline keeps it in a new session row),
// POST /begin/osso (CSRF check, state + PKCE in the session, redirect), osso-dev's
// /oauth/authorize (redirect back with a code), GET /complete/osso/ (state check, code
// exchange, GET /oauth/me, find-or-create in one SQLite transaction, new session id, redirect
// to /profile). New users get a fresh email each login; returning users cycle through 50
// accounts made during warm-up.
//
// Both apps run in this process with the load generator and osso-dev, each on its own SQLite
// file (WAL). They take turns: each round runs every (users, concurrency) slice for both
// apps, a fixed number of logins each, in an order that alternates from slice to slice, so
// drift (JIT, GC, a busy machine) falls on both sides alike. Build first: `npx tsc -b`
// (`npm run bench` does).
//
// Usage: node bench/login-bench.mjs [--rounds=20] [--logins=100] [--concurrency=1,16]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createOssoDevServer, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from '@social-auth/osso-dev'
import { TestBrowser, findForm } from '@social-auth/express/testing'
import { createApp } from '../examples/express-osso/dist/index.js'
import { createBaselineApp } from './baselines/passport-oauth2-app.mjs'

const USAGE = 'usage: node bench/login-bench.mjs [--rounds=20] [--logins=100] [--concurrency=1,16]'
/** The usage and exit 2: a typo must not run (and record) the defaults. */
const refuse = (reason) => {
  console.error(`${reason}\n${USAGE}`)
  process.exit(2)
}
let args
try {
  args = parseArgs({
    options: {
      rounds: { type: 'string', default: '20' },
      logins: { type: 'string', default: '100' },
      concurrency: { type: 'string', default: '1,16' },
    },
  }).values
} catch (err) {
  refuse(err.message)
}
const count = (name, text) =>
  /^[1-9]\d*$/.test(text)
    ? Number(text)
    : refuse(`--${name} must be a whole number ≥ 1, not ${JSON.stringify(text)}`)
// Twenty rounds: on a shared machine a burst of outside load can sink one round of either app
// (single rounds range from 0.65× to 1.45× here); the ratio is over all of them.
const rounds = count('rounds', args.rounds)
const loginsPerSlice = count('logins', args.logins)
const levels = args.concurrency.split(',').map((level) => count('concurrency', level))
const RETURNING = 50
const command = `node bench/login-bench.mjs --rounds=${rounds} --logins=${loginsPerSlice} --concurrency=${levels.join(',')}`

const work = fileURLToPath(new URL('./.work/', import.meta.url))
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url))
rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })
mkdirSync(resultsDir, { recursive: true })

const listen = (app) =>
  new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server))
  })
const urlOf = (server) => `http://127.0.0.1:${server.address().port}`

const osso = createOssoDevServer({ autoLogin: true, onError: () => undefined })
const ossoListener = await osso.listen(0)

const example = await createApp(
  {
    DATABASE_URL: `sqlite:${work}ours.sqlite3`,
    SESSION_SECRET: 'bench',
    SOCIAL_AUTH_OSSO_BASE_URL: ossoListener.url,
    SOCIAL_AUTH_OSSO_KEY: DEMO_CLIENT_ID,
    SOCIAL_AUTH_OSSO_SECRET: DEMO_CLIENT_SECRET,
  },
  {
    // The username step is a partial (a form): off, so both sides do the same work.
    confirmUsername: false,
    // The abuse limits are off: the baseline has none, and one client signing in hundreds of
    // times a minute is what they exist to refuse.
    rateLimit: false,
  },
)
const baseline = await createBaselineApp({
  databaseFile: `${work}baseline.sqlite3`,
  ossoBaseUrl: ossoListener.url,
  clientId: DEMO_CLIENT_ID,
  clientSecret: DEMO_CLIENT_SECRET,
  sessionSecret: 'bench',
})
const apps = [
  { name: 'ours', label: 'social-auth (examples/express-osso)', server: await listen(example.app) },
  { name: 'baseline', label: 'passport-oauth2 baseline', server: await listen(baseline.app) },
]
for (const app of apps) app.url = urlOf(app.server)

// Server-side time per route (request received → response finished), measured rounds only, at
// concurrency 1 where nothing else overlaps it: which step of a login the difference is in.
let timingRoutes = false
const routeMs = new Map()
for (const app of apps) {
  app.server.prependListener('request', (req, res) => {
    if (!timingRoutes) return
    const begun = performance.now()
    const route = `${req.method} ${req.url.split('?')[0].replace(/\/$/, '') || '/'}`
    res.once('finish', () => {
      const key = `${app.name}|${route}`
      const entry = routeMs.get(key) ?? { ms: 0, count: 0 }
      entry.ms += performance.now() - begun
      entry.count += 1
      routeMs.set(key, entry)
    })
  })
}

/** One full login; resolves to the browser (to look at /profile) or throws. */
async function login(app, email) {
  const browser = new TestBrowser()
  const page = await browser.get(`${app.url}/`)
  const form = findForm(page.text, { id: 'sso-form' })
  const toOsso = await browser.post(new URL(form.action, page.url).href, { ...form.fields, email })
  if (!toOsso.location?.startsWith(ossoListener.url))
    throw new Error(`begin failed: ${toOsso.status}`)
  const back = await browser.get(toOsso.location)
  const done = await browser.get(back.location)
  if (!done.location?.endsWith('/profile'))
    throw new Error(`login failed: ${done.status} ${done.location}`)
  return browser
}

async function inParallel(count, concurrency, work) {
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++)
    }),
  )
}

/** Runs `count` logins at `concurrency`; the figures of this slice. */
async function slice(app, kind, concurrency, round) {
  const latencies = []
  let errors = 0
  const cpu = process.cpuUsage()
  const started = performance.now()
  await inParallel(loginsPerSlice, concurrency, async (i) => {
    const email =
      kind === 'new'
        ? `new-${app.name}-${concurrency}-${round}-${i}@example.com`
        : `returning${i % RETURNING}@example.com`
    const t = performance.now()
    try {
      await login(app, email)
      latencies.push(performance.now() - t)
    } catch {
      errors++
    }
  })
  const elapsedMs = performance.now() - started
  const used = process.cpuUsage(cpu)
  return { latencies, errors, elapsedMs, cpuMs: (used.user + used.system) / 1000 }
}

// Warm-up: the returning users, the JIT, and one checked /profile per app.
for (const app of apps) {
  const browser = await login(app, 'check@example.com')
  const profile = await browser.get(`${app.url}/profile`, {
    headers: { accept: 'application/json' },
  })
  if (profile.status !== 200 || !profile.text.includes('check@example.com'))
    throw new Error(`${app.name}: /profile after login answered ${profile.status}`)
  await inParallel(RETURNING, 8, (i) => login(app, `returning${i}@example.com`))
  await inParallel(100, 8, (i) => login(app, `warm-${app.name}-${i}@example.com`))
}

const loadBefore = loadavg()
const totals = new Map()
const total = (app, kind, c) => {
  const key = `${app}|${kind}|${c}`
  if (!totals.has(key))
    totals.set(key, { latencies: [], errors: 0, elapsedMs: 0, cpuMs: 0, logins: 0, rates: [] })
  return totals.get(key)
}
let order = 0
const started = Date.now()
for (let round = 0; round < rounds; round++) {
  for (const kind of ['new', 'returning']) {
    for (const concurrency of levels) {
      // ABBA order: whichever app runs first in one slice runs second in the next.
      const turn = order++ % 2 === 0 ? apps : [...apps].reverse()
      for (const app of turn) {
        timingRoutes = concurrency === 1
        const r = await slice(app, kind, concurrency, round)
        timingRoutes = false
        const t = total(app.name, kind, concurrency)
        t.latencies.push(...r.latencies)
        t.errors += r.errors
        t.elapsedMs += r.elapsedMs
        t.cpuMs += r.cpuMs
        t.logins += r.latencies.length
        t.rates.push((r.latencies.length / r.elapsedMs) * 1000)
      }
    }
  }
  process.stdout.write(`round ${round + 1}/${rounds} done\n`)
}
const seconds = (Date.now() - started) / 1000

const median = (sorted) =>
  sorted.length % 2 === 1
    ? sorted[(sorted.length - 1) / 2]
    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
const figures = (app, kind, c) => {
  const t = total(app, kind, c)
  const sorted = [...t.latencies].sort((a, b) => a - b)
  return {
    perSecond: (t.logins / t.elapsedMs) * 1000,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    cpuPerLogin: t.cpuMs / Math.max(1, t.logins),
    errors: t.errors,
    logins: t.logins,
    rates: t.rates,
  }
}
const rows = []
for (const kind of ['new', 'returning']) {
  for (const c of levels) {
    const ours = figures('ours', kind, c)
    const base = figures('baseline', kind, c)
    const roundRatios = ours.rates.map((rate, i) => rate / base.rates[i]).sort((a, b) => a - b)
    rows.push({ kind, c, ours, base, ratio: ours.perSecond / base.perSecond, roundRatios })
  }
}

const f1 = (n) => n.toFixed(1)
const f2 = (n) => n.toFixed(2)
const f3 = (n) => n.toFixed(3)
const routes = [...new Set([...routeMs.keys()].map((key) => key.split('|')[1]))].sort()
const routeRows = routes.map((route) => {
  const of = (app) => {
    const entry = routeMs.get(`${app}|${route}`)
    return entry ? entry.ms / entry.count : NaN
  }
  return { route, ours: of('ours'), base: of('baseline') }
})
console.table(
  rows.map((r) => ({
    users: r.kind,
    concurrency: r.c,
    'ours/s': f1(r.ours.perSecond),
    'baseline/s': f1(r.base.perSecond),
    ratio: f2(r.ratio),
    'ours p50/p99': `${f1(r.ours.p50)}/${f1(r.ours.p99)}`,
    'baseline p50/p99': `${f1(r.base.p50)}/${f1(r.base.p99)}`,
    errors: r.ours.errors + r.base.errors,
  })),
)

const cpu = cpus()
const md = `# Login throughput: social-auth vs passport-oauth2 (issue 5)

Generated by \`bench/login-bench.mjs\` — do not edit by hand; run \`npm run bench\` (which
builds first and runs \`${command}\`).

Full logins per second through \`examples/express-osso\` (**ours**) and through
\`bench/baselines/passport-oauth2-app.mjs\` (**baseline**: Express 5, express-session, passport
0.7, passport-oauth2 1.8 with state and PKCE, knex find-or-create in one transaction, sessions
in SQLite). The baseline does the example's work: it renders the example's sign-in page with
the example's template, sends the example's security headers (and no-store / no-referrer on
the sign-in routes, as @social-auth/express does), and looks a new identity's email up before
creating a user, as \`safe_link_by_email\` does. Each login: \`GET /\` (the sign-in page and
its CSRF token), \`POST /begin/osso\`, osso-dev's \`/oauth/authorize\`, \`GET /complete/osso/\`
(state, code exchange, \`/oauth/me\`, the find-or-create transaction, a new session id).
Where the two differ by design: the baseline keeps the sign-in page's CSRF token in a new
session row (csurf's default) and regenerates the session id at login as express-session does
(delete the old row, insert the new); ours binds an anonymous visitor's token to a cookie, so
its first session row is written by \`POST /begin\`, \`KnexSessionStore\` moves the row to the
new id in one write, and on SQLite it runs its session queries as prepared statements (through
knex's pool, not its query builder); its storage compiles each query's SQL once and runs it
with new values through knex's runner, where the baseline's knex compiles every query it
runs. Both are what each stack does out of the box. osso-dev, both apps and the load
generator share one process and one event loop, so the absolute numbers are a floor; the
ratio is the figure.
Ours runs the example's pipeline as shipped (with \`safe_link_by_email\` and the custom
\`rememberSignIn\` step), without the username partial (a form) and with the abuse limits off
(\`rateLimit: false\`: the baseline has none, and one client signing in this often is what they
refuse).

${rounds} rounds; in each, every row below ran ${loginsPerSlice} logins on each app, the apps
taking turns (ABBA). logins/s = all logins of a row / the time they took; p50/p99 are per-login
latencies in ms; CPU ms/login is this process's CPU time (osso-dev and the load generator
included) per login, which other load on the machine disturbs less than wall-clock time; the
per-round ratio is each round's ours/baseline logins/s (a burst of outside load shows as a
wide range).

| users | concurrency | ours logins/s | baseline logins/s | ours/baseline | per-round ratio: median (min–max) | ours p50 / p99 ms | baseline p50 / p99 ms | ours / baseline CPU ms/login | errors |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows
  .map(
    (r) =>
      `| ${r.kind} | ${r.c} | ${f1(r.ours.perSecond)} | ${f1(r.base.perSecond)} | **${f2(r.ratio)}×** | ${f2(median(r.roundRatios))} (${f2(r.roundRatios[0])}–${f2(r.roundRatios.at(-1))}) | ${f1(r.ours.p50)} / ${f1(r.ours.p99)} | ${f1(r.base.p50)} / ${f1(r.base.p99)} | ${f2(r.ours.cpuPerLogin)} / ${f2(r.base.cpuPerLogin)} | ${r.ours.errors + r.base.errors} |`,
  )
  .join('\n')}

### Where the time goes

Server-side time per request of each route (received → response finished, ms, mean over the
concurrency-1 rows, new and returning users together). The complete routes include the two
calls to osso-dev (token, userinfo), which run in this process too.

| route | ours ms | baseline ms | ours − baseline |
| --- | ---: | ---: | ---: |
${routeRows.map((r) => `| \`${r.route}\` | ${f3(r.ours)} | ${f3(r.base)} | ${Number.isNaN(r.ours - r.base) ? '—' : f3(r.ours - r.base)} |`).join('\n')}

Machine: Node ${process.version} on ${process.platform}/${process.arch}, ${cpu.length} CPUs
(${cpu[0]?.model?.trim() ?? 'unknown'}); load average ${loadBefore.map(f2).join(' ')} before the
measured rounds, ${loadavg().map(f2).join(' ')} after (other work on the machine shows here, and
slows both apps alike). Measured rounds took ${f1(seconds)} s; ${new Date().toISOString().slice(0, 10)}.

Command: \`npm run bench\` (\`tsc -b\`, then \`${command}\`).
`
writeFileSync(`${resultsDir}login.md`, md)
writeFileSync(
  `${resultsDir}login.json`,
  `${JSON.stringify(
    {
      command,
      node: process.version,
      cpus: cpu.length,
      rounds,
      loginsPerSlice,
      rows: rows.map((r) => ({
        users: r.kind,
        concurrency: r.c,
        ratio: r.ratio,
        ours: { ...r.ours, rates: undefined },
        baseline: { ...r.base, rates: undefined },
      })),
    },
    null,
    2,
  )}\n`,
)
console.log(`wrote bench/results/login.md (${f1(seconds)} s measured)`)

for (const app of apps) {
  const closed = new Promise((resolve) => app.server.close(resolve))
  app.server.closeAllConnections()
  await closed
}
await example.close()
await baseline.close()
await ossoListener.close()
rmSync(work, { recursive: true, force: true })
const failed = rows.some((r) => r.ours.errors + r.base.errors > 0)
if (failed) {
  console.error('some logins failed: see the errors column')
  process.exit(1)
}
