/** Options shared by every migration of the social-auth schema. */

/** Column type of the app's user id, which `social_auth_usersocialauth.user_id` must match. */
export type UserIdType = 'bigint' | 'integer' | 'uuid' | 'string'

/**
 * An app whose tables the migrations may take over instead of creating them; only
 * social-app-django's for now.
 */
export type AdoptSource = 'social-app-django'

/** Where the app keeps its users, when it does not adopt the default `users` table. */
export interface AppUsersTable {
  /** The app's table, e.g. `accounts`. */
  readonly table: string
  /** Its primary key column; `id` by default. */
  readonly id?: string
  /** The primary key's type; `bigint` by default. */
  readonly idType?: UserIdType
}

/**
 * Options of the social-auth migrations. Pass the same options to every run (latest and
 * rollback): they decide which tables exist and what `user_id` references.
 *
 * @example
 * ```ts
 * await migrate(knex, { users: { table: 'accounts', id: 'account_id', idType: 'integer' } })
 * ```
 */
export interface MigrationOptions {
  /**
   * The app's own users table. When set, the `users` table is not created and
   * `social_auth_usersocialauth.user_id` references this table instead.
   */
  readonly users?: AppUsersTable
  /**
   * Take over the tables social-app-django made in this database instead of failing on them:
   * each migration whose table exists checks its shape, adds what social-auth needs (a unique
   * index on `social_auth_partial.token`, columns older releases lacked), and is recorded as
   * applied; a table that does not exist is created as usual. A shape it cannot take over fails
   * with `ERR_IMPROPERLY_CONFIGURED` naming the table and column, and nothing is changed.
   * Rolling back never drops an adopted table.
   */
  readonly adopt?: AdoptSource
}
