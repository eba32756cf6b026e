import { adoptExistingTable, forgetAdoption, type AdoptedTable } from '../adopt.js'
import { jsonObjectColumn, timestampColumn } from '../dialect.js'
import type { SocialAuthMigration } from '../migration.js'

const TABLE = 'social_auth_partial'

/**
 * What the store needs of social-app-django's `Partial` table: above all a unique index on
 * `token`, which Django only indexes (the store upserts on it).
 */
const ADOPTED_PARTIAL: AdoptedTable = {
  table: TABLE,
  columns: {
    id: 'id',
    token: 'text',
    next_step: 'integer',
    backend: 'text',
    data: 'json',
    timestamp: 'timestamp',
  },
  unique: [{ columns: ['token'], indexName: 'social_auth_partial_token_uniq' }],
}

/**
 * Paused pipelines (`Partial`). PSA only indexes `token`; here the index is unique (the token
 * is a random 128-bit value, and security.md §5.1 asks for it), which also lets `store` be an
 * upsert. The timestamp index serves the TTL check and `clearsocial`.
 */
export const createPartial: SocialAuthMigration = {
  name: '0006_social_auth_partial',
  async up(knex, options) {
    if (await adoptExistingTable(knex, options, ADOPTED_PARTIAL)) return
    await knex.schema.createTable(TABLE, (table) => {
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
    if (await forgetAdoption(knex, TABLE)) return
    await knex.schema.dropTable(TABLE)
  },
}
