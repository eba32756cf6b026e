export { knexStorage } from './knex-storage.js'
export type { KnexStorageOptions } from './options.js'
export type { StorageLogger } from './logger.js'
export type { UserColumnDefault, UserColumns, UserTableOptions } from './user-table.js'
export { DJANGO_AUTH_USER } from './django-auth-user.js'
export { UniqueViolationError, isIntegrityError } from './integrity-error.js'
export {
  knexConfigFromUrl,
  parseDatabaseUrl,
  DEFAULT_DATABASE_URL,
  type DatabaseLocation,
  type DatabaseUrlOptions,
} from './database-url.js'
export { connectDatabase } from './connect.js'
export {
  createTokenCipher,
  DEFAULT_ENCRYPTED_FIELDS,
  type EncryptionKey,
  type EncryptionOptions,
  type TokenCipher,
} from './token-cipher.js'
export { generateEncryptionKey, encryptionFromEnv, ENCRYPTION_KEYS_ENV } from './encryption-keys.js'
export { reencryptExtraData, type ReencryptOptions, type ReencryptResult } from './reencrypt.js'
export { clearSocial, type ClearSocialOptions, type ClearSocialResult } from './clear-social.js'
export {
  migrate,
  rollback,
  migrationConfig,
  MIGRATIONS_TABLE,
  ADOPTIONS_TABLE,
  type AdoptSource,
  type MigrationOptions,
  type RollbackOptions,
} from '@social-auth/migrations'
