/**
 * Encrypts the secret fields of `extra_data` on the way in and decrypts them on the way out.
 * An encrypted field is stored as `{"$enc": "v1:<kid>:<iv>:<ciphertext>:<tag>"}` so it cannot
 * be mistaken for a token; its plaintext is the field's JSON, so non-string values survive.
 */
import type { JsonObject, JsonValue, UserId } from '@social-auth/core'
import type { StorageLogger } from './logger.js'
import type { TokenCipher } from './token-cipher.js'

/** The row an `extra_data` document belongs to; the ciphertext is bound to it. */
export interface ExtraDataOwner {
  readonly provider: string
  readonly uid: string
  readonly id?: UserId
}

/** Encodes and decodes `extra_data` documents. */
export interface ExtraDataCodec {
  /** True when secrets are encrypted. */
  readonly encrypts: boolean
  /** The document as stored. */
  encode(data: JsonObject, owner: ExtraDataOwner): JsonObject
  /** The document as the pipeline sees it; a field that cannot be decrypted is left out (and logged). */
  decode(data: JsonObject, owner: ExtraDataOwner): JsonObject
  /** Like `decode`, without logging: also names the fields that could not be decrypted. */
  open(data: JsonObject, owner: ExtraDataOwner): { data: JsonObject; failed: string[] }
}

// Warn once per field of a row, so a lost key does not write a line on every login; bounded
// so a process that meets many such rows does not grow without limit.
const MAX_REMEMBERED = 1000

/** The stored form of an encrypted field, if `value` is one. */
export function sealedValue(value: JsonValue | undefined): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined
  const keys = Object.keys(value)
  const sealed = value.$enc
  return keys.length === 1 && typeof sealed === 'string' ? sealed : undefined
}

/**
 * The associated data of a field: table, provider, uid and field name. (provider, uid) is the
 * row's unique key, so a ciphertext copied to another row or field fails to decrypt.
 */
export function fieldAad(owner: ExtraDataOwner, field: string): string {
  return JSON.stringify(['social_auth_usersocialauth', owner.provider, owner.uid, field])
}

/** The codec for a cipher (or none: plaintext) and the list of secret fields. */
export function extraDataCodec(
  cipher: TokenCipher | undefined,
  fields: readonly string[],
  logger: StorageLogger,
): ExtraDataCodec {
  const secret = new Set(fields)
  const warned = new Set<string>()
  function open(data: JsonObject, owner: ExtraDataOwner): { data: JsonObject; failed: string[] } {
    const out: JsonObject = {}
    const failed: string[] = []
    for (const [field, value] of Object.entries(data)) {
      const sealed = secret.has(field) ? sealedValue(value) : undefined
      if (sealed === undefined) {
        out[field] = value
        continue
      }
      try {
        if (!cipher) throw new Error('no encryption key is configured')
        out[field] = JSON.parse(cipher.open(sealed, fieldAad(owner, field))) as JsonValue
      } catch {
        failed.push(field)
      }
    }
    return { data: out, failed }
  }

  return {
    open,
    encrypts: cipher !== undefined,
    encode(data, owner) {
      if (!cipher) return data
      const out: JsonObject = {}
      for (const [field, value] of Object.entries(data)) {
        out[field] =
          secret.has(field) && value !== null && sealedValue(value) === undefined
            ? { $enc: cipher.seal(JSON.stringify(value), fieldAad(owner, field)) }
            : value
      }
      return out
    },
    decode(data, owner) {
      const opened = open(data, owner)
      for (const field of opened.failed) {
        const key = `${owner.provider}\u0000${String(owner.id ?? owner.uid)}\u0000${field}`
        if (warned.has(key)) continue
        if (warned.size >= MAX_REMEMBERED) warned.clear()
        warned.add(key)
        // A token we cannot read is a missing token: the user re-authenticates. Name the row,
        // never the value.
        logger.warn(
          `social-auth: cannot decrypt extra_data.${field} of ${owner.provider} association ` +
            `${String(owner.id ?? '?')} (unknown key id, altered value or wrong row); treating it as absent`,
        )
      }
      return opened.data
    },
  }
}
