/**
 * Key rotation: rewrites stored tokens under the active key. Put the new key first in the
 * ring (old keys stay, for reading), deploy, then run this once; afterwards the old keys can go.
 */
import { ImproperlyConfigured } from '@social-auth/core'
import { schemaDialect } from '@social-auth/migrations'
import type { Knex } from 'knex'
import { extraDataCodec, sealedValue } from './extra-data-codec.js'
import type { StorageLogger } from './logger.js'
import { SOCIAL_TABLE } from './social-auth-store.js'
import { fromDbJsonObject, toDbJson } from './sql-values.js'
import {
  createTokenCipher,
  DEFAULT_ENCRYPTED_FIELDS,
  type EncryptionOptions,
} from './token-cipher.js'

/** Options of {@link reencryptExtraData}. */
export interface ReencryptOptions {
  /** The key ring, with the key to encrypt under as the active one. */
  readonly encryption: EncryptionOptions
  /** Rows read per query; 500 by default. */
  readonly batchSize?: number
  readonly logger?: StorageLogger
}

/** What {@link reencryptExtraData} did. */
export interface ReencryptResult {
  /** Associations read. */
  readonly scanned: number
  /** Associations rewritten (older key, or plaintext tokens). */
  readonly updated: number
  /** Associations with a token no key in the ring can decrypt; left as they are. */
  readonly failed: number
}

/**
 * Re-encrypts every stored token under the active key, and encrypts tokens stored in
 * plaintext. Safe to run while the app serves logins: a row changed meanwhile is skipped (its
 * writer already used the active key).
 *
 * @example
 * ```ts
 * const { updated } = await reencryptExtraData(knex, { encryption: encryptionFromEnv()! })
 * ```
 */
export async function reencryptExtraData(
  knex: Knex,
  options: ReencryptOptions,
): Promise<ReencryptResult> {
  // `encryptionFromEnv()` is undefined when SOCIAL_AUTH_ENCRYPTION_KEYS is unset.
  if (!options.encryption?.keys)
    throw new ImproperlyConfigured(
      'Re-encryption needs keys: SOCIAL_AUTH_ENCRYPTION_KEYS is not set',
    )
  const cipher = createTokenCipher(options.encryption)
  const fields = options.encryption.fields ?? DEFAULT_ENCRYPTED_FIELDS
  const dialect = schemaDialect(knex)
  const logger = options.logger ?? console
  const codec = extraDataCodec(cipher, fields, logger)
  const batchSize = options.batchSize ?? 500
  let scanned = 0
  let updated = 0
  let failed = 0
  let after: string | number = 0
  for (;;) {
    const rows = (await knex(SOCIAL_TABLE)
      .select('id', 'provider', 'uid', 'extra_data')
      .where('id', '>', after)
      .orderBy('id')
      .limit(batchSize)) as {
      id: string | number
      provider: string
      uid: string
      extra_data: unknown
    }[]
    if (rows.length === 0) break
    for (const row of rows) {
      scanned++
      after = row.id
      const stored = fromDbJsonObject(row.extra_data)
      const stale = fields.some((field) => {
        const value = stored[field]
        if (value === undefined || value === null) return false
        const sealed = sealedValue(value)
        return sealed === undefined || cipher.keyIdOf(sealed) !== cipher.activeKeyId
      })
      if (!stale) continue
      const owner = { provider: row.provider, uid: row.uid, id: row.id }
      const opened = codec.open(stored, owner)
      if (opened.failed.length > 0) {
        failed++
        logger.warn(
          `social-auth: association ${String(row.id)} keeps ${opened.failed.join(', ')} encrypted ` +
            'under a key the ring does not hold; it was not re-encrypted',
        )
        continue
      }
      // Rewrite only if nobody changed the row since it was read.
      const original =
        dialect === 'postgresql' ? knex.raw('?::jsonb', [toDbJson(stored)]) : row.extra_data
      const count = await knex(SOCIAL_TABLE)
        .where('id', row.id)
        .where('extra_data', original as string)
        .update({ extra_data: toDbJson(codec.encode(opened.data, owner)) })
      if (count > 0) updated++
    }
  }
  return { scanned, updated, failed }
}
