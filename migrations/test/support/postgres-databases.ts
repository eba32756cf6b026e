/**
 * Fresh PostgreSQL databases for tests. `npm test` starts one server for the whole run and
 * sets SOCIAL_AUTH_TEST_PG_URL (a PostgreSQL DATABASE_URL serves too); a test file run alone
 * starts a throwaway server of its own and stops it when its last database is dropped. Each test file works in databases of its own,
 * so files never see each other's rows.
 */
import knex, { type Knex } from 'knex'
import { startPostgres, type ThrowawayPostgres } from '../../../test/support/postgres.mjs'

/** A database created for one test file. */
export interface PostgresDatabase {
  /** Its connection URL. */
  readonly url: string
  /** Drops it (and stops the server this file started once nothing is left on it). */
  drop(): Promise<void>
}

let server: Promise<ThrowawayPostgres> | undefined
let open = 0

// A server where the tests may create and drop databases of their own: the one `npm test`
// started, else a PostgreSQL DATABASE_URL (issue 3), else a throwaway one.
function serverUrl(): Promise<string> {
  const databaseUrl = process.env.DATABASE_URL
  const shared =
    process.env.SOCIAL_AUTH_TEST_PG_URL ||
    (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl) ? databaseUrl : undefined)
  if (shared) return Promise.resolve(shared)
  server ??= startPostgres()
  return server.then((started) => started.url)
}

/**
 * Stops the server this file started. The shared helper signals `runuser`, which does not pass
 * SIGINT on to postgres (its stop then waits 10 s and leaves postgres running for a minute);
 * signalling the postmaster itself makes it stop at once.
 */
async function stopOwnServer(admin: Knex): Promise<void> {
  const started = await server!
  server = undefined
  const result = await admin.raw<{ rows: { text: string }[] }>(
    `select pg_read_file('postmaster.pid') as text`,
  )
  await admin.destroy()
  const pid = Number(result.rows[0]?.text.split('\n')[0])
  if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGINT')
  await started.stop()
}

/** Creates an empty database on the test server. */
export async function createPostgresDatabase(): Promise<PostgresDatabase> {
  const base = await serverUrl()
  const name = `sa_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
  const admin = knex({ client: 'pg', connection: base, pool: { min: 0, max: 1 } })
  await admin.raw('CREATE DATABASE ??', [name])
  open++
  const url = new URL(base)
  url.pathname = `/${name}`
  return {
    url: url.href,
    async drop() {
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name])
      if (--open === 0 && server) await stopOwnServer(admin)
      else await admin.destroy()
    },
  }
}
