import type { SocialAuthMigration } from '../migration.js'

/** Server associations (`Association`); OIDC keeps its nonces here in PSA. */
export const createAssociation: SocialAuthMigration = {
  name: '0004_social_auth_association',
  async up(knex) {
    await knex.schema.createTable('social_auth_association', (table) => {
      table.bigIncrements('id')
      table.string('server_url', 255).notNullable()
      table.string('handle', 255).notNullable()
      table.string('secret', 255).notNullable()
      table.bigInteger('issued').notNullable()
      table.integer('lifetime').notNullable()
      table.string('assoc_type', 64).notNullable()
      table.unique(['server_url', 'handle'], {
        indexName: 'social_auth_association_server_url_handle_uniq',
      })
    })
  },
  async down(knex) {
    await knex.schema.dropTable('social_auth_association')
  },
}
