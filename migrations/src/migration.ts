import type { Knex } from 'knex'
import type { MigrationOptions } from './options.js'

/** One step of the schema: a stable name (kept in the state table) and a reversible change. */
export interface SocialAuthMigration {
  /** Recorded in `social_auth_migrations`; never rename a released migration. */
  readonly name: string
  readonly up: (knex: Knex, options: MigrationOptions) => Promise<void>
  /** Undoes exactly what `up` did. */
  readonly down: (knex: Knex, options: MigrationOptions) => Promise<void>
}
