import type { Knex } from 'knex'
import { adoptExistingTable, forgetAdoption, type AdoptedTable } from '../adopt.js'
import { jsonObjectColumn, timestampColumn } from '../dialect.js'
import type { SocialAuthMigration } from '../migration.js'
import type { MigrationOptions } from '../options.js'

function userIdColumn(table: Knex.CreateTableBuilder, options: MigrationOptions): void {
  const target = options.users
  const type = target?.idType ?? 'bigint'
  const column =
    type === 'integer'
      ? table.integer('user_id')
      : type === 'uuid'
        ? table.uuid('user_id')
        : type === 'string'
          ? table.string('user_id', 255)
          : table.bigInteger('user_id')
  column
    .notNullable()
    .references(target?.id ?? 'id')
    .inTable(target?.table ?? 'users')
    .onDelete('CASCADE')
    .withKeyName('social_auth_usersocialauth_user_id_fk')
}

const TABLE = 'social_auth_usersocialauth'

/** What the store needs of social-app-django's `UserSocialAuth` table. */
const ADOPTED_USER_SOCIAL_AUTH: AdoptedTable = {
  table: TABLE,
  columns: {
    id: 'id',
    user_id: 'user_id',
    provider: 'text',
    uid: 'text',
    extra_data: 'json',
    created: 'timestamp',
    modified: 'timestamp',
  },
  unique: [
    { columns: ['provider', 'uid'], indexName: 'social_auth_usersocialauth_provider_uid_uniq' },
  ],
  jsonObjects: ['extra_data'],
}

/**
 * The linked accounts (`UserSocialAuth`), with social-app-django's constraints: one row per
 * (provider, uid) compared case-sensitively (no NOCASE collation, no citext), a non-empty uid
 * (its CHECK keeps PSA's name), and rows that go with their user.
 */
export const createUserSocialAuth: SocialAuthMigration = {
  name: '0002_social_auth_usersocialauth',
  async up(knex, options) {
    if (await adoptExistingTable(knex, options, ADOPTED_USER_SOCIAL_AUTH)) return
    await knex.schema.createTable(TABLE, (table) => {
      table.bigIncrements('id')
      userIdColumn(table, options)
      table.string('provider', 32).notNullable()
      table.string('uid', 255).notNullable()
      jsonObjectColumn(knex, table, 'extra_data')
      timestampColumn(knex, table, 'created')
      timestampColumn(knex, table, 'modified')
      table.unique(['provider', 'uid'], {
        indexName: 'social_auth_usersocialauth_provider_uid_uniq',
      })
      table.index(['user_id'], 'social_auth_usersocialauth_user_id_idx')
      table.index(['uid'], 'social_auth_usersocialauth_uid_idx')
      table.check(`uid <> ''`, [], 'user_social_auth_uid_required')
    })
  },
  async down(knex) {
    if (await forgetAdoption(knex, TABLE)) return
    await knex.schema.dropTable(TABLE)
  },
}
