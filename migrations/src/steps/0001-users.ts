import { ImproperlyConfigured } from '@social-auth/core'
import { adoptSource } from '../adopt.js'
import { timestampColumn } from '../dialect.js'
import type { SocialAuthMigration } from '../migration.js'

/**
 * The default user table (Django's `auth_user` fields the pipeline uses). Skipped when the app
 * maps its own users table. `username` may be null because `USER_FIELDS` need not contain it;
 * both databases let several nulls through a unique index.
 */
export const createUsers: SocialAuthMigration = {
  name: '0001_users',
  async up(knex, options) {
    if (options.users) return
    if (adoptSource(options) !== undefined && (await knex.schema.hasTable('users'))) {
      // Ours has the pipeline's columns and nothing else; an app's own table is mapped instead.
      throw new ImproperlyConfigured(
        "Cannot adopt a table named users as social-auth's users table: pass users: { table: 'users', … } to migrate and knexStorage to map it",
      )
    }
    await knex.schema.createTable('users', (table) => {
      table.bigIncrements('id')
      table.string('username', 150).nullable()
      table.string('email', 254).notNullable().defaultTo('')
      table.string('first_name', 150).notNullable().defaultTo('')
      table.string('last_name', 150).notNullable().defaultTo('')
      table.boolean('is_active').notNullable().defaultTo(true)
      timestampColumn(knex, table, 'date_joined')
      timestampColumn(knex, table, 'updated')
      table.unique(['username'], { indexName: 'users_username_uniq' })
    })
    // getUsersByEmail compares lower(email); this expression index serves it on both databases.
    await knex.raw('CREATE INDEX users_email_lower_idx ON users (lower(email))')
  },
  async down(knex, options) {
    if (options.users) return
    await knex.schema.dropTable('users')
  },
}
