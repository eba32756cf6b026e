#!/usr/bin/env node
// Soak (issue 8): mixed traffic against the example apps on loopback for a bounded time —
// new logins, returning logins, API calls with valid tokens and with invalid ones — then the
// errors (goal 0), p50/p99 latencies per kind of request, and the apps' memory at the start,
// during and at the end (goal: flat).
//
// The apps (examples/express-osso on a SQLite file with sessions and rate-limit counters in it,
// examples/resource-server, and a @social-auth/jwt issuer serving its JWKS over HTTP) run in a
// child process started with --expose-gc, so the memory figures are the apps' own, measured
// after a full collection. osso-dev (autoLogin) and the load generator run in this process.
// Build first: `npx tsc -b` (`npm run bench` does).
//
// Usage: node bench/soak.mjs            (SOAK_SECONDS=60, SOAK_CONCURRENCY=8)
//        SOAK_SECONDS=300 node bench/soak.mjs
import { fork } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'

const SERVE = process.argv[2] === '--serve'
const work = fileURLToPath(new URL('./.work-soak/', import.meta.url))
const AUDIENCE = 'https://posts.api.example'

if (SERVE) await serve()
else await drive()

/** The child: the two example apps and the issuer, answering the parent over IPC. */
async function serve() {
  const express = (await import('express')).default
  const { createApp } = await import('../examples/express-osso/dist/index.js')
  const { createApp: createResourceServer } =
    await import('../examples/resource-server/dist/app.js')
  const { createIssuer } = await import('@social-auth/jwt')
  const listen = (app) =>
    new Promise((resolve) => {
      const server = app.listen(0, '127.0.0.1', () =>
        resolve({ server, url: `http://127.0.0.1:${server.address().port}` }),
      )
    })

  const example = await createApp(
    {
      DATABASE_URL: `sqlite:${work}soak.sqlite3`,
      SESSION_SECRET: 'soak-session-secret',
      SOCIAL_AUTH_OSSO_BASE_URL: process.env.SOAK_OSSO_URL,
      SOCIAL_AUTH_OSSO_KEY: 'demo-client-id',
      SOCIAL_AUTH_OSSO_SECRET: 'demo-client-secret',
    },
    {
      confirmUsername: false,
      // The limits stay on (their database counters are part of the load) but are raised: the
      // load generator is one client signing in far more often than any person could.
      rateLimit: {
        begin: {
          perIp: { limit: 1e9, windowSeconds: 60 },
          perEmail: { limit: 1e9, windowSeconds: 60 },
          perDomain: { limit: 1e9, windowSeconds: 60 },
        },
        complete: { perIp: { limit: 1e9, windowSeconds: 60 } },
      },
      logError: (line) => process.send({ type: 'log', line }),
    },
  )
  const app = await listen(example.app)
  const issuerSite = express()
  const issuerListening = await listen(issuerSite)
  const issuer = await createIssuer({
    issuer: issuerListening.url,
    audience: AUDIENCE,
    ttlSeconds: 3600,
  })
  issuerSite.get('/.well-known/jwks.json', issuer.jwksHandler())
  const api = await listen(
    createResourceServer({ JWT_ISSUER: issuerListening.url, JWT_AUDIENCE: AUDIENCE }),
  )

  process.on('message', async (message) => {
    if (message.type === 'mint') {
      const token = await issuer.mint({
        sub: message.sub,
        scopes: ['read:posts', 'write:posts'],
        workspaceId: `ws-${message.sub}`,
        ...(message.audience ? { audience: message.audience } : {}),
      })
      process.send({ type: 'minted', id: message.id, token: token.access_token })
    } else if (message.type === 'memory') {
      globalThis.gc?.()
      await new Promise((resolve) => setImmediate(resolve))
      globalThis.gc?.()
      const { rss, heapUsed, external } = process.memoryUsage()
      const row = await example.db('social_auth_session').count({ n: '*' }).first()
      process.send({
        type: 'memory',
        id: message.id,
        rss,
        heapUsed,
        external,
        sessions: Number(row.n),
      })
    } else if (message.type === 'stop') {
      for (const { server } of [app, issuerListening, api]) {
        server.closeAllConnections()
        server.close()
      }
      await example.close()
      process.exit(0)
    }
  })
  process.send({ type: 'ready', appUrl: app.url, apiUrl: api.url, issuer: issuerListening.url })
}

/** The parent: osso-dev, the load, the figures. */
async function drive() {
  const seconds = Number(process.env.SOAK_SECONDS ?? 60)
  const warmupSeconds = Number(process.env.SOAK_WARMUP_SECONDS ?? 5)
  const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 8)
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })

  const { createOssoDevServer } = await import('@social-auth/osso-dev')
  const { TestBrowser, findForm } = await import('@social-auth/express/testing')
  const { createIssuer } = await import('@social-auth/jwt')
  const { signJwt } = await import('@social-auth/jwt/testing')

  const osso = createOssoDevServer({ autoLogin: true, onError: () => undefined })
  const ossoListener = await osso.listen(0)
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--expose-gc'],
    env: { ...process.env, SOAK_OSSO_URL: ossoListener.url },
  })
  const logged = []
  let nextId = 0
  const pending = new Map()
  child.on('message', (message) => {
    if (message.type === 'log') logged.push(message.line)
    else if (pending.has(message.id)) {
      pending.get(message.id)(message)
      pending.delete(message.id)
    }
  })
  const ask = (message) =>
    new Promise((resolve) => {
      const id = nextId++
      pending.set(id, resolve)
      child.send({ ...message, id })
    })
  const { appUrl, apiUrl, issuer } = await new Promise((resolve, reject) => {
    child.once('message', (message) =>
      message.type === 'ready' ? resolve(message) : reject(message),
    )
    child.once('exit', (code) => reject(new Error(`the apps exited with ${code}`)))
  })

  async function login(email) {
    const browser = new TestBrowser()
    const page = await browser.get(`${appUrl}/`)
    const form = findForm(page.text, { id: 'sso-form' })
    const toOsso = await browser.post(`${appUrl}/begin/osso`, { ...form.fields, email })
    const back = await browser.get(toOsso.location)
    const done = await browser.get(back.location)
    if (done.location !== `${appUrl}/profile`)
      throw new Error(`login ended at ${done.status} ${done.location ?? ''}`)
  }
  async function api(token, expected) {
    const res = await fetch(`${apiUrl}/posts`, { headers: { authorization: `Bearer ${token}` } })
    await res.arrayBuffer()
    if (!expected.includes(res.status)) throw new Error(`API answered ${res.status}`)
  }

  // Warm-up: returning users and their tokens, and the invalid tokens an API sees in the wild.
  const returning = Array.from({ length: 50 }, (_, i) => `returning${i}@example.com`)
  for (const email of returning) await login(email)
  const valid = []
  for (let i = 0; i < 200; i++)
    valid.push((await ask({ type: 'mint', sub: `user-${i % 50}` })).token)
  const otherApi = (
    await ask({ type: 'mint', sub: 'user-1', audience: 'https://billing.api.example' })
  ).token
  const stranger = await createIssuer({ issuer, audience: AUDIENCE })
  const forged = (await stranger.mint({ sub: 'user-1', scopes: ['read:posts'] })).access_token
  const [h, p, s] = valid[0].split('.')
  const invalid = [
    forged,
    `${h}.${p}.${s.slice(0, -4)}AAAA`,
    `${h}.${Buffer.from(JSON.stringify({ sub: 'user-1', scope: 'read:posts' })).toString('base64url')}.${s}`,
    signJwt({ alg: 'none', typ: 'at+jwt' }, { sub: 'user-1', iss: issuer, aud: AUDIENCE }),
    'not-a-token',
    otherApi,
  ]
  let invalidTurn = 0

  const kinds = {
    'new login': { weight: 2, run: (w, i) => login(`new-${w}-${i}-${Date.now()}@example.com`) },
    'returning login': {
      weight: 3,
      run: (w, i) => login(returning[(w * 7 + i) % returning.length]),
    },
    'API, valid token': {
      weight: 4,
      run: (w, i) => api(valid[(w * 13 + i) % valid.length], [200]),
    },
    'API, invalid token': {
      weight: 1,
      run: () => {
        const which = invalidTurn++ % invalid.length
        return api(invalid[which], [401]).catch((err) => {
          throw new Error(`invalid token #${which}: ${err.message}`)
        })
      },
    },
  }
  const deck = Object.entries(kinds).flatMap(([name, kind]) => Array(kind.weight).fill(name))
  const stats = Object.fromEntries(
    Object.keys(kinds).map((name) => [name, { count: 0, errors: 0, latencies: [], samples: [] }]),
  )

  /** Runs the mix until `until`; recorded into `stats` unless it is the warm-up. */
  const load = (until, record) =>
    Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        for (let i = 0; Date.now() < until; i++) {
          const name = deck[(worker * 3 + i) % deck.length]
          const stat = record ? stats[name] : { count: 0, errors: 0, latencies: [], samples: [] }
          const t0 = performance.now()
          try {
            await kinds[name].run(worker, i)
            stat.latencies.push(performance.now() - t0)
            stat.count++
          } catch (err) {
            stat.errors++
            if (stat.samples.length < 3) stat.samples.push(String(err.message ?? err))
          }
        }
      }),
    )
  // A short warm-up of the same mix (JIT, caches, pools), so "start" is a warm process.
  await load(Date.now() + warmupSeconds * 1000, false)

  const memory = [{ at: 0, ...(await ask({ type: 'memory' })) }]
  const started = Date.now()
  const sampler = setInterval(
    async () => {
      memory.push({
        at: Math.round((Date.now() - started) / 1000),
        ...(await ask({ type: 'memory' })),
      })
    },
    Math.max(5000, (seconds * 1000) / 12),
  )
  await load(started + seconds * 1000, true)
  clearInterval(sampler)
  const elapsed = (Date.now() - started) / 1000
  memory.push({ at: Math.round(elapsed), ...(await ask({ type: 'memory' })) })

  const pct = (sorted, q) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  const rows = Object.entries(stats).map(([name, stat]) => {
    const sorted = stat.latencies.sort((a, b) => a - b)
    return {
      kind: name,
      requests: stat.count,
      perSecond: (stat.count / elapsed).toFixed(1),
      errors: stat.errors,
      p50: pct(sorted, 0.5).toFixed(1),
      p99: pct(sorted, 0.99).toFixed(1),
      samples: stat.samples,
    }
  })
  const totalErrors = rows.reduce((sum, row) => sum + row.errors, 0)
  const mb = (bytes) => (bytes / 1048576).toFixed(1)
  const first = memory[0]
  const last = memory.at(-1)
  const peak = memory.reduce((max, m) => (m.heapUsed > max.heapUsed ? m : max), first)
  console.table(rows.map(({ samples: _s, ...row }) => row))
  console.table(
    memory.map((m) => ({
      at: m.at,
      heapMB: mb(m.heapUsed),
      rssMB: mb(m.rss),
      sessions: m.sessions,
    })),
  )
  for (const row of rows) for (const sample of row.samples) console.log(`${row.kind}: ${sample}`)

  const md = `# Soak (issue 8)

\`node bench/soak.mjs\` (after \`npx tsc -b\`; \`SOAK_SECONDS\`, \`SOAK_CONCURRENCY\`): ${seconds} s of mixed
traffic (after ${warmupSeconds} s of warm-up), ${concurrency} concurrent clients, against the example apps on loopback. The apps run in
a child process (started with \`--expose-gc\`): examples/express-osso on a SQLite file (users,
sessions and the rate-limit counters in it; the limits on but raised, since the load generator
is one client), examples/resource-server, and a \`@social-auth/jwt\` issuer serving its JWKS over
HTTP. osso-dev (autoLogin) and the load generator run in the parent. The mix: 20 % new logins,
30 % returning logins (50 accounts), 40 % API calls with valid tokens (\`GET /posts\`, 200 tokens),
10 % API calls with invalid tokens (another issuer's key, a broken or swapped signature, a
changed payload, \`alg: none\`, garbage, a token for another API), which must answer 401. A login is the four
requests a browser makes (sign-in page, \`POST /begin/osso\`, osso-dev's authorize, the callback);
an error is any exception or unexpected status.

Machine: ${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}. Run ${new Date().toISOString().slice(0, 10)}.

| kind | requests | per second | errors | p50 ms | p99 ms |
| --- | --- | --- | --- | --- | --- |
${rows.map((r) => `| ${r.kind} | ${r.requests} | ${r.perSecond} | ${r.errors} | ${r.p50} | ${r.p99} |`).join('\n')}

**Errors: ${totalErrors}** (goal 0). Unexpected errors logged by the app: ${logged.length}.

Memory of the apps' process after a full GC (heap used / RSS, MiB), with the session rows in the
database (every login leaves one):

| at s | heap used | RSS | session rows |
| --- | --- | --- | --- |
${memory.map((m) => `| ${m.at} | ${mb(m.heapUsed)} | ${mb(m.rss)} | ${m.sessions} |`).join('\n')}

Start ${mb(first.heapUsed)} MiB, end ${mb(last.heapUsed)} MiB, peak ${mb(peak.heapUsed)} MiB heap used
(${(((last.heapUsed - first.heapUsed) / first.heapUsed) * 100).toFixed(1)} % from start to end).
`
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true })
  writeFileSync(new URL('./results/soak.md', import.meta.url), md)
  console.log(md)

  child.send({ type: 'stop' })
  await new Promise((resolve) => child.once('exit', resolve))
  await ossoListener.close()
  rmSync(work, { recursive: true, force: true })
  process.exit(totalErrors === 0 && logged.length === 0 ? 0 : 1)
}
