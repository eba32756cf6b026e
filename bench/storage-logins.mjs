#!/usr/bin/env node
// The knex store's query budget and returning-login latency (issue 3). Counts the SQL
// statements of a new and of a returning login on SQLite and PostgreSQL (knex `query` events,
// which include BEGIN / COMMIT / SAVEPOINT), then times returning logins on PostgreSQL with
// 1k and with 1M users (bulk-inserted with generate_series) and reports the ratio.
// Writes bench/results/storage.md. Builds the packages first (tsc -b).
// PostgreSQL: SOCIAL_AUTH_BENCH_PG_URL (a server where it may CREATE DATABASE), else a
// throwaway server from the local binaries.
// Usage: node bench/storage-logins.mjs [logins per size=2000] [large size=1000000]
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import knexFactory from 'knex'
import { startPostgres } from '../test/support/postgres.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const LOGINS = Number(process.argv[2] ?? 2000)
const LARGE = Number(process.argv[3] ?? 1_000_000)
const SMALL = 1000
const WARMUP = 200

execFileSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/storage-knex'],
  {
    cwd: root,
    stdio: 'inherit',
  },
)
const { connectDatabase, knexStorage, migrate } = await import('@social-auth/storage-knex')
const { createSocialAuth } = await import('@social-auth/core')
const { createTestStrategy, dummyBackend } = await import('@social-auth/core/testing')

/** An engine whose provider answers for account `uid-<n>` when the code is `<n>:<token>`. */
function engine(storage) {
  return createSocialAuth({
    settings: {
      AUTHENTICATION_BACKENDS: [
        dummyBackend({
          response: (code) => {
            const [n, token] = code.split(':')
            return {
              id: `uid-${n}`,
              login: `user${n}`,
              email: `user${n}@example.com`,
              name: 'Bench User',
              access_token: token,
            }
          },
        }),
      ],
      LOGIN_REDIRECT_URL: '/done',
    },
    storage,
  })
}

async function login(social, code) {
  const strategy = createTestStrategy()
  const started = await social.begin(strategy.request({ method: 'POST', body: {} }), 'dummy')
  const state = new URL(started.url).searchParams.get('state')
  strategy.request({ method: 'GET', query: { code, state } })
  let isNew
  const response = await social.complete(strategy, 'dummy', {
    onError: 'throw',
    login: (info) => {
      isNew = info.isNew
    },
  })
  if (isNew === undefined) throw new Error(`login failed: ${JSON.stringify(response)}`)
  return isNew
}

/** The statements knex sends while `work` runs. */
async function statementsOf(db, work) {
  const statements = []
  const listener = (query) => statements.push(query.sql)
  db.on('query', listener)
  try {
    await work()
  } finally {
    db.off('query', listener)
  }
  return statements
}

async function countStatements(db) {
  await migrate(db)
  const social = await engine(knexStorage(db))
  const fresh = await statementsOf(db, () => login(social, '424242:token-a'))
  const returning = await statementsOf(db, () => login(social, '424242:token-b'))
  const unchanged = await statementsOf(db, () => login(social, '424242:token-b'))
  return { fresh, returning, unchanged }
}

const short = (sql) => sql.replace(/\s+/g, ' ').slice(0, 90)
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]

async function seed(db, users) {
  await migrate(db)
  await db.raw(
    `insert into users (username, email, first_name, last_name)
       select 'user' || g, 'user' || g || '@example.com', 'Bench', 'User' from generate_series(1, ?) g`,
    [users],
  )
  await db.raw(
    `insert into social_auth_usersocialauth (user_id, provider, uid, extra_data)
       select id, 'dummy', 'uid-' || id, '{"access_token":"seed","token_type":"bearer"}'::jsonb from users`,
  )
  await db.raw('analyze')
}

/** Times returning logins of random seeded accounts: the whole login, and the store's transaction alone. */
async function timeLogins(db, users, count) {
  const storage = knexStorage(db)
  const social = await engine(storage)
  const pick = () => 1 + Math.floor(Math.random() * users)
  for (let i = 0; i < WARMUP; i++) await login(social, `${pick()}:warm-${i}`)
  const full = []
  const store = []
  for (let i = 0; i < count; i++) {
    let started = process.hrtime.bigint()
    if (await login(social, `${pick()}:t-${i}`)) throw new Error('a returning login created a user')
    full.push(Number(process.hrtime.bigint() - started) / 1e6)
    // The same work the pipeline does in its transaction, without the engine around it.
    const n = pick()
    started = process.hrtime.bigint()
    await storage.transaction(async (tx) => {
      const found = await tx.user.getSocialAuth('dummy', `uid-${n}`)
      await tx.user.getUserAnyState(found.user_id)
      await tx.user.setExtraData(found, { access_token: `s-${i}` })
    })
    store.push(Number(process.hrtime.bigint() - started) / 1e6)
  }
  const stats = (samples) => {
    const sorted = [...samples].sort((a, b) => a - b)
    return {
      mean: samples.reduce((a, b) => a + b, 0) / samples.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
    }
  }
  return { full: stats(full), store: stats(store) }
}

// ---- statement counts ----
const sqliteDir = mkdtempSync(join(tmpdir(), 'social-auth-bench-'))
const sqlite = connectDatabase(`sqlite:${join(sqliteDir, 'bench.sqlite3')}`)
const sqliteCounts = await countStatements(sqlite)
const sqliteTiming = await (async () => {
  // A small SQLite reference point: 1k users seeded through the store.
  const storage = knexStorage(sqlite)
  for (let n = 1; n <= SMALL; n++) {
    const user = await storage.user.createUser({
      username: `user${n}`,
      email: `user${n}@example.com`,
    })
    await storage.user.createSocialAuth(user, `uid-${n}`, 'dummy')
  }
  const social = await engine(storage)
  const samples = []
  for (let i = 0; i < WARMUP + LOGINS; i++) {
    const started = process.hrtime.bigint()
    await login(social, `${1 + Math.floor(Math.random() * SMALL)}:s-${i}`)
    if (i >= WARMUP) samples.push(Number(process.hrtime.bigint() - started) / 1e6)
  }
  samples.sort((a, b) => a - b)
  return {
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
  }
})()
await sqlite.destroy()
rmSync(sqliteDir, { recursive: true, force: true })

let server
let baseUrl = process.env.SOCIAL_AUTH_BENCH_PG_URL
if (!baseUrl) {
  server = await startPostgres()
  baseUrl = server.url
}
const admin = knexFactory({ client: 'pg', connection: baseUrl, pool: { min: 0, max: 1 } })
const databases = []
async function database(name) {
  await admin.raw('drop database if exists ?? with (force)', [name])
  await admin.raw('create database ??', [name])
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  const db = connectDatabase(url.href)
  databases.push([name, db])
  return db
}

let report
try {
  const pgCounts = await countStatements(await database('social_auth_bench_counts'))

  const small = await database('social_auth_bench_1k')
  await seed(small, SMALL)
  const large = await database('social_auth_bench_large')
  const started = Date.now()
  await seed(large, LARGE)
  const seedSeconds = (Date.now() - started) / 1000
  const largeCounts = await statementsOf(large, async () => {
    const social = await engine(knexStorage(large))
    await login(social, `${LARGE}:count-check`)
  })

  // Alternate the two sizes in rounds, so drift on the machine affects both alike.
  const rounds = 4
  const per = Math.ceil(LOGINS / rounds)
  const results = { small: [], large: [] }
  for (let r = 0; r < rounds; r++) {
    results.small.push(await timeLogins(small, SMALL, per))
    results.large.push(await timeLogins(large, LARGE, per))
  }
  const merge = (list, key) => {
    const avg = (field) => list.reduce((a, x) => a + x[key][field], 0) / list.length
    return { mean: avg('mean'), p50: avg('p50'), p95: avg('p95'), p99: avg('p99') }
  }
  const t = {
    smallFull: merge(results.small, 'full'),
    largeFull: merge(results.large, 'full'),
    smallStore: merge(results.small, 'store'),
    largeStore: merge(results.large, 'store'),
  }
  const version = (await admin.raw('show server_version')).rows[0].server_version
  const ms = (v) => v.toFixed(3)
  const ratio = (a, b) => (b / a).toFixed(2)
  const list = (statements) => statements.map((sql, i) => `${i + 1}. \`${short(sql)}\``).join('\n')
  report = `# Storage benchmark (\`@social-auth/storage-knex\`)

Generated by \`node bench/storage-logins.mjs ${LOGINS} ${LARGE}\` on ${new Date().toISOString().slice(0, 10)}
(Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, PostgreSQL ${version}${server ? ' — throwaway server with fsync=off, synchronous_commit=off' : ''}).

## Statements per login (goal: returning ≤ 4, new user ≤ 8, one transaction each)

Counted from knex's \`query\` events while \`complete\` runs (\`begin\` touches no table). knex
emits the transaction's own statements as queries, so BEGIN and COMMIT are counted; no
SAVEPOINT is used (inserts that may collide use \`ON CONFLICT DO NOTHING\` instead). The
provider returns a name (so the new user also gets \`user_details\`' update) and a fresh access
token per login (so a returning login writes \`extra_data\`).

| login | SQLite | PostgreSQL | PostgreSQL, ${LARGE.toLocaleString('en')} users |
| --- | ---: | ---: | ---: |
| new user | ${sqliteCounts.fresh.length} | ${pgCounts.fresh.length} | – |
| returning, new token | ${sqliteCounts.returning.length} | ${pgCounts.returning.length} | ${largeCounts.length} |
| returning, nothing changed | ${sqliteCounts.unchanged.length} | ${pgCounts.unchanged.length} | – |

"Nothing changed" is a second login with the same token within the same second (the engine
also stores \`auth_time\`, so a later login always writes \`extra_data\`).

New user on PostgreSQL:

${list(pgCounts.fresh)}

Returning user on PostgreSQL:

${list(pgCounts.returning)}

## Returning-login latency on PostgreSQL (goal: ${LARGE.toLocaleString('en')} users ≤ 1.2 × 1k users)

${LARGE.toLocaleString('en')} users and as many associations were inserted with \`generate_series\` in
${seedSeconds.toFixed(1)} s, then \`ANALYZE\`. Each size ran ${rounds} alternating rounds of ${per} logins
of random seeded accounts after ${WARMUP} warm-up logins per round; figures are in ms,
averaged over the rounds. "Whole login" is \`begin\` + \`complete\` through the engine with the
dummy backend (no network); "store transaction" is the pipeline's storage work alone
(\`getSocialAuth\` + \`getUserAnyState\` + \`setExtraData\` in one transaction).

| | users | mean | p50 | p95 | p99 |
| --- | ---: | ---: | ---: | ---: | ---: |
| whole login | 1k | ${ms(t.smallFull.mean)} | ${ms(t.smallFull.p50)} | ${ms(t.smallFull.p95)} | ${ms(t.smallFull.p99)} |
| whole login | ${LARGE.toLocaleString('en')} | ${ms(t.largeFull.mean)} | ${ms(t.largeFull.p50)} | ${ms(t.largeFull.p95)} | ${ms(t.largeFull.p99)} |
| store transaction | 1k | ${ms(t.smallStore.mean)} | ${ms(t.smallStore.p50)} | ${ms(t.smallStore.p95)} | ${ms(t.smallStore.p99)} |
| store transaction | ${LARGE.toLocaleString('en')} | ${ms(t.largeStore.mean)} | ${ms(t.largeStore.p50)} | ${ms(t.largeStore.p95)} | ${ms(t.largeStore.p99)} |

**Ratio ${LARGE.toLocaleString('en')} / 1k users:** whole login ${ratio(t.smallFull.p50, t.largeFull.p50)} (p50),
${ratio(t.smallFull.mean, t.largeFull.mean)} (mean); store transaction ${ratio(t.smallStore.p50, t.largeStore.p50)} (p50),
${ratio(t.smallStore.mean, t.largeStore.mean)} (mean).

SQLite file (WAL), 1k users, whole returning login: mean ${ms(sqliteTiming.mean)} ms, p50 ${ms(sqliteTiming.p50)} ms, p95 ${ms(sqliteTiming.p95)} ms.
`
} finally {
  for (const [name, db] of databases) {
    await db.destroy()
    await admin.raw('drop database if exists ?? with (force)', [name]).catch(() => undefined)
  }
  if (server) {
    // The helper signals runuser, which does not forward SIGINT; stop the postmaster directly.
    const pidFile = await admin
      .raw(`select pg_read_file('postmaster.pid') as text`)
      .catch(() => undefined)
    await admin.destroy()
    const pid = Number(pidFile?.rows[0]?.text.split('\n')[0])
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGINT')
    await server.stop()
  } else {
    await admin.destroy()
  }
}

mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(join(root, 'bench/results/storage.md'), report)
process.stdout.write(report)
