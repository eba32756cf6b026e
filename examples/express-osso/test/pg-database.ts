import knex from 'knex'
import { startPostgres } from '../../../test/support/postgres.mjs'

/** A fresh database on `npm test`'s PostgreSQL (or a throwaway server), dropped afterwards. */
export interface TestDatabase {
  readonly url: string
  drop(): Promise<void>
}

/**
 * Creates `name` on the server `npm test` started (`SOCIAL_AUTH_TEST_PG_URL`), or on a
 * throwaway server started here when the variable is unset (a direct jest run).
 */
export async function createTestDatabase(name: string): Promise<TestDatabase> {
  let adminUrl = process.env.SOCIAL_AUTH_TEST_PG_URL ?? ''
  let stopServer: (() => Promise<void>) | undefined
  if (!adminUrl) {
    const server = await startPostgres()
    adminUrl = server.url
    stopServer = () => server.stop()
  }
  const admin = knex({ client: 'pg', connection: adminUrl })
  await admin.raw(`create database ${name}`)
  await admin.destroy()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.href,
    async drop() {
      const cleanup = knex({ client: 'pg', connection: adminUrl })
      await cleanup.raw(`drop database if exists ${name} with (force)`)
      await cleanup.destroy()
      await stopServer?.()
    },
  }
}
