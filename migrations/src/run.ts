import type { Knex } from 'knex'
import { migrationConfig } from './migration-source.js'
import type { MigrationOptions } from './options.js'

/** Options of {@link rollback}. */
export interface RollbackOptions extends MigrationOptions {
  /** Undo every migration instead of the last batch. */
  readonly all?: boolean
}

// knex answers [batchNo, names]; only the names matter to callers.
function names(result: unknown): string[] {
  const list = Array.isArray(result) ? (result[1] as unknown) : undefined
  return Array.isArray(list) ? list.map(String) : []
}

/**
 * Applies every pending social-auth migration; resolves to the names it applied.
 *
 * @example
 * ```ts
 * await migrate(knex) // ['0001_users', '0002_social_auth_usersocialauth', …] on a new database
 * ```
 */
export async function migrate(knex: Knex, options: MigrationOptions = {}): Promise<string[]> {
  return names(await knex.migrate.latest(migrationConfig(options)))
}

/**
 * Undoes the last batch of social-auth migrations, or all of them; resolves to the names it
 * undid.
 *
 * @example
 * ```ts
 * await rollback(knex, { all: true })
 * ```
 */
export async function rollback(knex: Knex, options: RollbackOptions = {}): Promise<string[]> {
  const { all = false, ...rest } = options
  return names(await knex.migrate.rollback(migrationConfig(rest), all))
}
