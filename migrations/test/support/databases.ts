/** Plain knex instances on a SQLite temp file or a fresh PostgreSQL database. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import knex, { type Knex } from 'knex'
import { createPostgresDatabase } from './postgres-databases.js'

/** A database a test owns. */
export interface OwnedDatabase {
  readonly knex: Knex
  destroy(): Promise<void>
}

/** A SQLite file with foreign keys enforced (SQLite leaves them off per connection). */
export function sqliteDatabase(): OwnedDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'social-auth-migrations-'))
  const db = knex({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'db.sqlite3') },
    useNullAsDefault: true,
    pool: {
      afterCreate(
        connection: { pragma(source: string): unknown },
        done: (err: Error | null, c: unknown) => void,
      ) {
        connection.pragma('foreign_keys = ON')
        done(null, connection)
      },
    },
  })
  return {
    knex: db,
    async destroy() {
      await db.destroy()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A fresh PostgreSQL database. */
export async function postgresDatabase(): Promise<OwnedDatabase> {
  const created = await createPostgresDatabase()
  const db = knex({ client: 'pg', connection: created.url })
  return {
    knex: db,
    async destroy() {
      await db.destroy()
      await created.drop()
    },
  }
}
