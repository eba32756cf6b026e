import { adoptExistingTable, forgetAdoption, type AdoptedTable } from '../adopt.js'
import { timestampColumn } from '../dialect.js'
import type { SocialAuthMigration } from '../migration.js'

const TABLE = 'social_auth_code'

/** What the store needs of social-app-django's `Code` table. */
const ADOPTED_CODE: AdoptedTable = {
  table: TABLE,
  columns: { id: 'id', email: 'text', code: 'text', verified: 'boolean', timestamp: 'timestamp' },
  unique: [{ columns: ['email', 'code'], indexName: 'social_auth_code_email_code_uniq' }],
}

/** Email validation codes (`Code`); the timestamp index serves `clearsocial`. */
export const createCode: SocialAuthMigration = {
  name: '0005_social_auth_code',
  async up(knex, options) {
    if (await adoptExistingTable(knex, options, ADOPTED_CODE)) return
    await knex.schema.createTable(TABLE, (table) => {
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
    if (await forgetAdoption(knex, TABLE)) return
    await knex.schema.dropTable(TABLE)
  },
}
