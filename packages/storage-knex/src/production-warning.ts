import type { StorageLogger } from './logger.js'

let warned = false

/**
 * Warns once per process when a production app stores provider tokens in plaintext
 * (security.md §5.4): a storage is usually created once at start-up, so this is the start-up
 * warning.
 */
export function warnIfPlaintextInProduction(
  logger: StorageLogger,
  encrypts: boolean,
  env = process.env,
): void {
  if (encrypts || warned || env.NODE_ENV !== 'production') return
  warned = true
  logger.warn(
    'social-auth: no encryption key is configured, so provider tokens in extra_data are stored in plaintext. ' +
      'Pass `encryption` to knexStorage (e.g. encryptionFromEnv() with SOCIAL_AUTH_ENCRYPTION_KEYS).',
  )
}
