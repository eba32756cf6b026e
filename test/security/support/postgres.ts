/**
 * A fresh PostgreSQL database per test file, on the server `npm test` started
 * (`SOCIAL_AUTH_TEST_PG_URL`), or on a throwaway server this file starts when run on its own.
 */
import { randomBytes } from 'node:crypto'
import knex, { type Knex } from 'knex'
import { startPostgres, type ThrowawayPostgres } from '../../support/postgres.mjs'

/** A database of its own: its URL, an admin connection to the server, and cleanup. */
export interface TestDatabase {
  readonly url: string
  readonly name: string
  /** A connection to the server's maintenance database (to cut this one off, for outages). */
  readonly admin: Knex
  drop(): Promise<void>
}

/** Creates an empty database named after `label` on the test server. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  let server: ThrowawayPostgres | undefined
  let base = process.env.SOCIAL_AUTH_TEST_PG_URL
  if (!base) {
    server = await startPostgres()
    base = server.url
  }
  const name = `security_${label}_${randomBytes(4).toString('hex')}`
  const adminUrl = new URL(base)
  adminUrl.pathname = '/postgres'
  const admin = knex({ client: 'pg', connection: adminUrl.href, pool: { min: 0, max: 2 } })
  await admin.raw(`CREATE DATABASE "${name}"`)
  const url = new URL(base)
  url.pathname = `/${name}`
  return {
    url: url.href,
    name,
    admin,
    async drop() {
      await admin.raw(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`)
      await admin.raw(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()',
        [name],
      )
      await admin.raw(`DROP DATABASE IF EXISTS "${name}"`)
      await admin.destroy()
      await server?.stop()
    },
  }
}

/** Cuts the database off: no new connections, existing ones terminated (an outage). */
export async function cutOff(database: TestDatabase): Promise<void> {
  await database.admin.raw(`ALTER DATABASE "${database.name}" ALLOW_CONNECTIONS false`)
  await database.admin.raw(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()',
    [database.name],
  )
}

/** Lets connections in again. */
export async function restore(database: TestDatabase): Promise<void> {
  await database.admin.raw(`ALTER DATABASE "${database.name}" ALLOW_CONNECTIONS true`)
}
