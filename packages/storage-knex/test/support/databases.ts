/**
 * Real databases for the tests, opened the way an app opens them (`connectDatabase`): a SQLite
 * file under the OS temp directory, and a fresh PostgreSQL database per test file.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Knex } from 'knex'
import { createPostgresDatabase } from '../../../../migrations/test/support/postgres-databases.js'
import { connectDatabase } from '../../src/index.js'

/** An open test database. */
export interface TestDatabase {
  readonly name: 'sqlite' | 'postgres'
  readonly url: string
  readonly knex: Knex
  /** Closes the connections and removes the database. */
  destroy(): Promise<void>
}

/** A new SQLite file database (WAL mode, foreign keys on) in its own temp directory. */
export function openSqlite(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'social-auth-sqlite-'))
  const url = `sqlite:${join(dir, 'db.sqlite3')}`
  const db = connectDatabase(url)
  return {
    name: 'sqlite',
    url,
    knex: db,
    async destroy() {
      await db.destroy()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A new, empty PostgreSQL database of its own (see migrations' test support). */
export async function openPostgres(): Promise<TestDatabase> {
  const created = await createPostgresDatabase()
  const db = connectDatabase(created.url, { pool: { max: 40 } })
  return {
    name: 'postgres',
    url: created.url,
    knex: db,
    async destroy() {
      await db.destroy()
      await created.drop()
    },
  }
}

/** Opens either database by name. */
export function openDatabase(name: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  return name === 'sqlite' ? Promise.resolve(openSqlite()) : openPostgres()
}

/** The social-auth tables, children first. */
export const SOCIAL_TABLES = [
  'social_auth_usersocialauth',
  'social_auth_nonce',
  'social_auth_association',
  'social_auth_code',
  'social_auth_partial',
] as const

/** Empties every table (and the users table given), so a case starts from nothing. */
export async function emptyTables(db: Knex, usersTable = 'users'): Promise<void> {
  const tables = [...SOCIAL_TABLES, usersTable]
  if ((db.client as { dialect: string }).dialect === 'postgresql') {
    await db.raw(`TRUNCATE ${tables.map(() => '??').join(', ')} RESTART IDENTITY CASCADE`, tables)
    return
  }
  for (const table of tables) await db(table).delete()
}

/** Row count of a table. */
export async function countRows(db: Knex, table: string): Promise<number> {
  const row = (await db(table).count({ n: '*' }).first()) as { n: number | string } | undefined
  return Number(row?.n ?? 0)
}
