import type { Knex } from 'knex'
import { adoptSource } from './adopt.js'
import type { SocialAuthMigration } from './migration.js'
import type { MigrationOptions } from './options.js'
import { createUsers } from './steps/0001-users.js'
import { createUserSocialAuth } from './steps/0002-social-auth-usersocialauth.js'
import { createNonce } from './steps/0003-social-auth-nonce.js'
import { createAssociation } from './steps/0004-social-auth-association.js'
import { createCode } from './steps/0005-social-auth-code.js'
import { createPartial } from './steps/0006-social-auth-partial.js'

/**
 * The state table of these migrations. It is not knex's default (`knex_migrations`), so the
 * social-auth schema never mixes with an app's own migrations.
 */
export const MIGRATIONS_TABLE = 'social_auth_migrations'

/** Every migration, in order. Imported statically so a bundle or a build keeps them. */
export const MIGRATIONS: readonly SocialAuthMigration[] = [
  createUsers,
  createUserSocialAuth,
  createNonce,
  createAssociation,
  createCode,
  createPartial,
]

/**
 * A knex migration source for the social-auth schema: the same migrations from code, whatever
 * the app's migrations directory.
 *
 * @example
 * ```ts
 * await knex.migrate.latest({ tableName: MIGRATIONS_TABLE, migrationSource: socialAuthMigrationSource() })
 * ```
 */
export function socialAuthMigrationSource(
  options: MigrationOptions = {},
): Knex.MigrationSource<SocialAuthMigration> {
  adoptSource(options) // a wrong `adopt` fails here, before any migration runs
  return {
    // `file` too: the knex CLI's migrate:list prints a pending migration's `file`.
    getMigrations: async () =>
      MIGRATIONS.map((migration) => ({ ...migration, file: migration.name })),
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => ({
      up: (knex: Knex) => migration.up(knex, options),
      down: (knex: Knex) => migration.down(knex, options),
    }),
  }
}

/**
 * The `migrations` section of a knexfile (state table and migration source), so the knex CLI
 * runs the same migrations: `npx knex migrate:latest --knexfile knexfile.mjs`.
 *
 * @example
 * ```ts
 * // knexfile.mjs
 * export default { client: 'pg', connection: process.env.DATABASE_URL, migrations: migrationConfig() }
 * ```
 */
export function migrationConfig(options: MigrationOptions = {}): Knex.MigratorConfig {
  return { tableName: MIGRATIONS_TABLE, migrationSource: socialAuthMigrationSource(options) }
}
