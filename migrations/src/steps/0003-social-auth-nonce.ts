import type { SocialAuthMigration } from '../migration.js'

/**
 * One-use numbers (`Nonce`). The timestamp is in seconds like PSA's, but bigint so it does not
 * overflow in 2038.
 */
export const createNonce: SocialAuthMigration = {
  name: '0003_social_auth_nonce',
  async up(knex) {
    await knex.schema.createTable('social_auth_nonce', (table) => {
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
    await knex.schema.dropTable('social_auth_nonce')
  },
}
