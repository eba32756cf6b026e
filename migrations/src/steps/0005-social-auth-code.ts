import { timestampColumn } from '../dialect.js'
import type { SocialAuthMigration } from '../migration.js'

/** Email validation codes (`Code`); the timestamp index serves `clearsocial`. */
export const createCode: SocialAuthMigration = {
  name: '0005_social_auth_code',
  async up(knex) {
    await knex.schema.createTable('social_auth_code', (table) => {
      table.bigIncrements('id')
      table.string('email', 254).notNullable()
      table.string('code', 32).notNullable()
      table.boolean('verified').notNullable().defaultTo(false)
      timestampColumn(knex, table, 'timestamp')
      table.unique(['email', 'code'], { indexName: 'social_auth_code_email_code_uniq' })
      table.index(['code'], 'social_auth_code_code_idx')
      table.index(['timestamp'], 'social_auth_code_timestamp_idx')
    })
  },
  async down(knex) {
    await knex.schema.dropTable('social_auth_code')
  },
}
