import type { StorageLogger } from './logger.js'
import type { EncryptionOptions } from './token-cipher.js'
import type { UserTableOptions } from './user-table.js'

/**
 * Options of `knexStorage`.
 *
 * @example
 * ```ts
 * knexStorage(knex, { encryption: encryptionFromEnv(), usernameMaxLength: 150 })
 * ```
 */
export interface KnexStorageOptions {
  /** The app's own users table and column names; the migrations' `users` table by default. */
  readonly users?: UserTableOptions
  /** Encrypt provider tokens in `extra_data` (AES-256-GCM). Without it they are stored in plaintext. */
  readonly encryption?: EncryptionOptions
  /** The longest username the users table takes; 150 (Django's) by default. */
  readonly usernameMaxLength?: number
  /** Where warnings go; `console` by default. Messages never contain token values. */
  readonly logger?: StorageLogger
  /** The clock (tests inject one). */
  readonly now?: () => Date
}
