/**
 * AES-256-GCM for provider tokens at rest (security.md §5.4): a random 96-bit IV per value,
 * associated data that binds the ciphertext to its row and field, and a key id in the stored
 * text so several keys can be known while one encrypts (rotation).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { ImproperlyConfigured } from '@social-auth/core'

/** One key of the ring. */
export interface EncryptionKey {
  /** Stored next to every value it encrypted; letters, digits, `_` and `-`, at most 32. */
  readonly id: string
  /** 32 bytes, raw or base64 (standard or URL-safe); see {@link generateEncryptionKey}. */
  readonly key: string | Uint8Array
}

/**
 * Token encryption settings: the key ring, the key that encrypts, and which `extra_data`
 * fields are secrets.
 *
 * @example
 * ```ts
 * const encryption: EncryptionOptions = {
 *   keys: [{ id: '2025-06', key: process.env.TOKEN_KEY_2025_06! }, { id: '2024-01', key: process.env.TOKEN_KEY_2024_01! }],
 *   activeKeyId: '2025-06',
 * }
 * ```
 */
export interface EncryptionOptions {
  /** Every key that may have encrypted a stored value. */
  readonly keys: readonly EncryptionKey[]
  /** The key new values are encrypted with; the first key by default. */
  readonly activeKeyId?: string
  /** `extra_data` fields to encrypt; `access_token`, `refresh_token` and `id_token` by default. */
  readonly fields?: readonly string[]
}

/** The fields encrypted when {@link EncryptionOptions.fields} is not given. */
export const DEFAULT_ENCRYPTED_FIELDS: readonly string[] = [
  'access_token',
  'refresh_token',
  'id_token',
]

/** Seals and opens strings with the key ring. */
export interface TokenCipher {
  /** The id of the key that encrypts. */
  readonly activeKeyId: string
  /** `v1:<kid>:<iv>:<ciphertext>:<tag>` (base64url parts) of `plaintext`, bound to `aad`. */
  seal(plaintext: string, aad: string): string
  /** The plaintext of a sealed value; throws when the key is unknown or the value or `aad` was altered. */
  open(sealed: string, aad: string): string
  /** The key id a sealed value names, or undefined when it is not in this format. */
  keyIdOf(sealed: string): string | undefined
}

const VERSION = 'v1'
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/
const IV_BYTES = 12
const TAG_BYTES = 16

function decodeKey(key: EncryptionKey): Buffer {
  const bytes =
    typeof key.key === 'string'
      ? Buffer.from(key.key.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
      : Buffer.from(key.key)
  if (bytes.length !== 32) {
    throw new ImproperlyConfigured(
      `Encryption key "${key.id}" must be 32 bytes (AES-256), got ${bytes.length}`,
    )
  }
  return bytes
}

/**
 * Builds the cipher of a key ring; a malformed ring fails here, at start-up.
 *
 * @example
 * ```ts
 * const cipher = createTokenCipher({ keys: [{ id: 'k1', key: generateEncryptionKey() }] })
 * const sealed = cipher.seal('secret', 'row-1')
 * cipher.open(sealed, 'row-1') // 'secret'
 * ```
 */
export function createTokenCipher(options: EncryptionOptions): TokenCipher {
  if (options.keys.length === 0) throw new ImproperlyConfigured('Encryption needs at least one key')
  const ring = new Map<string, Buffer>()
  for (const key of options.keys) {
    if (!KEY_ID.test(key.id)) {
      // Never the value: an entry written key:id instead of id:key has the key in this place.
      throw new ImproperlyConfigured(
        `An encryption key id must match ${String(KEY_ID)} (is an entry written key:id instead of id:key?)`,
      )
    }
    if (ring.has(key.id))
      throw new ImproperlyConfigured(`Encryption key id "${key.id}" is listed twice`)
    ring.set(key.id, decodeKey(key))
  }
  const activeKeyId = options.activeKeyId ?? options.keys[0]!.id
  const activeKey = ring.get(activeKeyId)
  if (!activeKey)
    throw new ImproperlyConfigured(
      `The active encryption key "${activeKeyId}" is not in the key ring`,
    )

  return {
    activeKeyId,
    seal(plaintext, aad) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', activeKey, iv, { authTagLength: TAG_BYTES })
      cipher.setAAD(Buffer.from(aad, 'utf8'))
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      const tag = cipher.getAuthTag()
      return [
        VERSION,
        activeKeyId,
        iv.toString('base64url'),
        ciphertext.toString('base64url'),
        tag.toString('base64url'),
      ].join(':')
    },
    open(sealed, aad) {
      const parts = sealed.split(':')
      if (parts.length !== 5 || parts[0] !== VERSION) throw new Error('not a sealed value')
      const [, kid, iv, ciphertext, tag] = parts as [string, string, string, string, string]
      const key = ring.get(kid)
      if (!key) throw new Error(`unknown key id ${kid}`)
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      })
      decipher.setAAD(Buffer.from(aad, 'utf8'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8')
    },
    keyIdOf(sealed) {
      const parts = sealed.split(':')
      return parts.length === 5 && parts[0] === VERSION ? parts[1] : undefined
    },
  }
}
