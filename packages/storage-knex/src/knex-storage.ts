import { ImproperlyConfigured, type Storage, type User } from '@social-auth/core'
import { schemaDialect } from '@social-auth/migrations'
import type { Knex } from 'knex'
import { associationStore } from './association-store.js'
import { codeStore } from './code-store.js'
import { extraDataCodec, type ExtraDataCodec } from './extra-data-codec.js'
import { isIntegrityError } from './integrity-error.js'
import { nonceStore } from './nonce-store.js'
import type { KnexStorageOptions } from './options.js'
import { partialStore } from './partial-store.js'
import { QueryShapes } from './query-shapes.js'
import { warnIfPlaintextInProduction } from './production-warning.js'
import { socialAuthStore } from './social-auth-store.js'
import type { StoreContext } from './store-context.js'
import { createTokenCipher, DEFAULT_ENCRYPTED_FIELDS } from './token-cipher.js'
import { runTransaction } from './transaction.js'
import { userStore } from './user-store.js'
import { resolveUserTable } from './user-table.js'

/** The codec of the options: a bad key ring fails here, when the storage is created. */
export function codecFromOptions(options: KnexStorageOptions): ExtraDataCodec {
  const cipher = options.encryption ? createTokenCipher(options.encryption) : undefined
  return extraDataCodec(
    cipher,
    options.encryption?.fields ?? DEFAULT_ENCRYPTED_FIELDS,
    options.logger ?? console,
  )
}

function storageOn(
  base: Omit<StoreContext, 'db' | 'userCache'>,
  db: Knex,
  userCache: Map<string, User> | null,
): Storage {
  const ctx: StoreContext = { ...base, db, userCache }
  // Each table's store is made on first use: a login's transaction touches two of the five.
  let user: Storage['user'] | undefined
  let nonce: Storage['nonce'] | undefined
  let association: Storage['association'] | undefined
  let code: Storage['code'] | undefined
  let partial: Storage['partial'] | undefined
  return {
    get user() {
      return (user ??= { ...userStore(ctx), ...socialAuthStore(ctx) })
    },
    get nonce() {
      return (nonce ??= nonceStore(ctx))
    },
    get association() {
      return (association ??= associationStore(ctx))
    },
    get code() {
      return (code ??= codeStore(ctx))
    },
    get partial() {
      return (partial ??= partialStore(ctx))
    },
    isIntegrityError,
    transaction(work) {
      return runTransaction(db, base.dialect, async (trx) => {
        try {
          return await work(storageOn(base, trx, new Map()))
        } finally {
          // A savepoint may have changed or rolled back users the outer transaction cached.
          userCache?.clear()
        }
      })
    },
  }
}

/**
 * The social-auth `Storage` on a knex instance (SQLite through better-sqlite3, or PostgreSQL
 * through pg), on the tables of `@social-auth/migrations`.
 *
 * @example
 * ```ts
 * const knex = connectDatabase(process.env.DATABASE_URL ?? 'sqlite:./data/social-auth.sqlite3')
 * await migrate(knex)
 * const social = await createSocialAuth({ settings, storage: knexStorage(knex, { encryption: encryptionFromEnv() }) })
 * ```
 */
export function knexStorage(knex: Knex, options: KnexStorageOptions = {}): Storage {
  const codec = codecFromOptions(options)
  warnIfPlaintextInProduction(options.logger ?? console, codec.encrypts)
  const usernameMaxLength = options.usernameMaxLength ?? 150
  if (!Number.isInteger(usernameMaxLength) || usernameMaxLength < 1) {
    throw new ImproperlyConfigured('usernameMaxLength must be a positive integer')
  }
  return storageOn(
    {
      dialect: schemaDialect(knex),
      users: resolveUserTable(options.users),
      codec,
      usernameMaxLength,
      now: options.now ?? (() => new Date()),
      shapes: new QueryShapes(knex),
    },
    knex,
    null,
  )
}
