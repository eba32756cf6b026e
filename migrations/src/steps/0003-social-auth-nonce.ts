import { adoptExistingTable, forgetAdoption, type AdoptedTable } from '../adopt.js'
import type { SocialAuthMigration } from '../migration.js'

const TABLE = 'social_auth_nonce'

/** What the store needs of social-app-django's `Nonce` table. */
const ADOPTED_NONCE: AdoptedTable = {
  table: TABLE,
  columns: { id: 'id', server_url: 'text', timestamp: 'integer', salt: 'text' },
  unique: [
    {
      columns: ['server_url', 'timestamp', 'salt'],
      indexName: 'social_auth_nonce_server_url_timestamp_salt_uniq',
    },
  ],
  widen: ['timestamp'],
}

/**
 * One-use numbers (`Nonce`). The timestamp is in seconds like PSA's, but bigint so it does not
 * overflow in 2038.
 */
export const createNonce: SocialAuthMigration = {
  name: '0003_social_auth_nonce',
  async up(knex, options) {
    if (await adoptExistingTable(knex, options, ADOPTED_NONCE)) return
    await knex.schema.createTable(TABLE, (table) => {
      table.bigIncrements('id')
      table.string('server_url', 255).notNullable()
      table.bigInteger('timestamp').notNullable()
      table.string('salt', 65).notNullable()
      table.unique(['server_url', 'timestamp', 'salt'], {
        indexName: 'social_auth_nonce_server_url_timestamp_salt_uniq',
      })
    })
  },
  async down(knex) {
    if (await forgetAdoption(knex, TABLE)) return
    await knex.schema.dropTable(TABLE)
  },
}
