export {
  MIGRATIONS,
  MIGRATIONS_TABLE,
  socialAuthMigrationSource,
  migrationConfig,
} from './migration-source.js'
export { migrate, rollback, type RollbackOptions } from './run.js'
export type { MigrationOptions, AppUsersTable, UserIdType, AdoptSource } from './options.js'
export { ADOPTIONS_TABLE } from './adopt.js'
export type { SocialAuthMigration } from './migration.js'
export { schemaDialect, type SchemaDialect } from './dialect.js'
