import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import knex, { type Knex } from 'knex'
import { knexConfigFromUrl, parseDatabaseUrl, type DatabaseUrlOptions } from './database-url.js'

/** Creates the directory of a SQLite file, which SQLite itself will not do. */
export function ensureDatabaseDirectory(url: string, cwd?: string): void {
  const location = parseDatabaseUrl(url, cwd)
  if (location.kind === 'sqlite' && !location.memory)
    mkdirSync(dirname(location.filename), { recursive: true })
}

/**
 * A knex instance for a `DATABASE_URL` (see {@link knexConfigFromUrl}); creates the directory
 * of a SQLite file. Call `destroy()` on it at shutdown.
 *
 * @example
 * ```ts
 * const db = connectDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL)
 * await migrate(db)
 * ```
 */
export function connectDatabase(url: string, options: DatabaseUrlOptions = {}): Knex {
  ensureDatabaseDirectory(url, options.cwd)
  return knex(knexConfigFromUrl(url, options))
}
