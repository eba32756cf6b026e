/** Making keys and reading the key ring from the environment. */
import { randomBytes } from 'node:crypto'
import { ImproperlyConfigured } from '@social-auth/core'
import type { EncryptionOptions } from './token-cipher.js'

/** The environment variable {@link encryptionFromEnv} reads. */
export const ENCRYPTION_KEYS_ENV = 'SOCIAL_AUTH_ENCRYPTION_KEYS'

/**
 * A new random 256-bit key, base64: what `EncryptionKey.key` takes.
 *
 * @example
 * ```sh
 * node -e "import('@social-auth/storage-knex').then(m => console.log(m.generateEncryptionKey()))"
 * ```
 */
export function generateEncryptionKey(): string {
  return randomBytes(32).toString('base64')
}

/**
 * The key ring from `SOCIAL_AUTH_ENCRYPTION_KEYS`: comma-separated `id:base64key` pairs, the
 * first one encrypting (put a new key first to rotate, keep the old ones after it). Undefined
 * when the variable is unset or empty.
 *
 * @example
 * ```ts
 * // SOCIAL_AUTH_ENCRYPTION_KEYS="2025-06:q83v…=,2024-01:Zm9v…="
 * const storage = knexStorage(knex, { encryption: encryptionFromEnv() })
 * ```
 */
export function encryptionFromEnv(
  env: Record<string, string | undefined> = process.env,
): EncryptionOptions | undefined {
  const value = env[ENCRYPTION_KEYS_ENV]?.trim()
  if (!value) return undefined
  const keys = value.split(',').map((entry) => {
    const separator = entry.indexOf(':')
    if (separator <= 0)
      throw new ImproperlyConfigured(`${ENCRYPTION_KEYS_ENV} entries must look like id:base64key`)
    return { id: entry.slice(0, separator).trim(), key: entry.slice(separator + 1).trim() }
  })
  return { keys }
}
