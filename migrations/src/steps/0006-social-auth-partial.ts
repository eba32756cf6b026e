import { jsonObjectColumn, timestampColumn } from '../dialect.js'
import type { SocialAuthMigration } from '../migration.js'

/**
 * Paused pipelines (`Partial`). PSA only indexes `token`; here the index is unique (the token
 * is a random 128-bit value, and security.md §5.1 asks for it), which also lets `store` be an
 * upsert. The timestamp index serves the TTL check and `clearsocial`.
 */
export const createPartial: SocialAuthMigration = {
  name: '0006_social_auth_partial',
  async up(knex) {
    await knex.schema.createTable('social_auth_partial', (table) => {
      table.bigIncrements('id')
      table.string('token', 32).notNullable()
      table.integer('next_step').notNullable().defaultTo(0)
      table.string('backend', 32).notNullable()
      jsonObjectColumn(knex, table, 'data')
      timestampColumn(knex, table, 'timestamp')
      table.unique(['token'], { indexName: 'social_auth_partial_token_uniq' })
      table.index(['timestamp'], 'social_auth_partial_timestamp_idx')
      table.check('next_step >= 0', [], 'social_auth_partial_next_step_check')
    })
  },
  async down(knex) {
    await knex.schema.dropTable('social_auth_partial')
  },
}
