import { adoptExistingTable, forgetAdoption, type AdoptedTable } from '../adopt.js'
import type { SocialAuthMigration } from '../migration.js'

const TABLE = 'social_auth_association'

/** What the store needs of social-app-django's `Association` table. */
const ADOPTED_ASSOCIATION: AdoptedTable = {
  table: TABLE,
  columns: {
    id: 'id',
    server_url: 'text',
    handle: 'text',
    secret: 'text',
    issued: 'integer',
    lifetime: 'integer',
    assoc_type: 'text',
  },
  unique: [
    {
      columns: ['server_url', 'handle'],
      indexName: 'social_auth_association_server_url_handle_uniq',
    },
  ],
  widen: ['issued'],
}

/** Server associations (`Association`); OIDC keeps its nonces here in PSA. */
export const createAssociation: SocialAuthMigration = {
  name: '0004_social_auth_association',
  async up(knex, options) {
    if (await adoptExistingTable(knex, options, ADOPTED_ASSOCIATION)) return
    await knex.schema.createTable(TABLE, (table) => {
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
    if (await forgetAdoption(knex, TABLE)) return
    await knex.schema.dropTable(TABLE)
  },
}
