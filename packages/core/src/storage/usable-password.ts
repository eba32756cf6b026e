import { randomString } from '../random.js'

/** Django's `UNUSABLE_PASSWORD_PREFIX`: `set_unusable_password()` stores `!` + random text. */
const UNUSABLE_PASSWORD_PREFIX = '!'

/**
 * Django's `has_usable_password()`, which PSA's `allowed_to_disconnect` asks: whether a stored
 * password lets the user sign in without a social account. Any value starting with `!` is
 * unusable, as in Django; NULL or absent and `''` are too, deliberately stricter than modern
 * Django (whose `is_password_usable(None)` is true): neither holds a hash to check a password
 * against. Django gives the users PSA creates the password
 * `!` + 40 random characters, so a user migrated from PSA with no real password must not be
 * able to remove their last login method.
 *
 * @example
 * ```ts
 * hasUsablePassword('pbkdf2_sha256$600000$…') // true
 * hasUsablePassword('!Xq3…') // false: Django's set_unusable_password()
 * hasUsablePassword(null) // false
 * ```
 */
export function hasUsablePassword(stored: unknown): boolean {
  return typeof stored === 'string' && stored !== '' && !stored.startsWith(UNUSABLE_PASSWORD_PREFIX)
}

/**
 * A password no one can sign in with, as Django's `make_password(None)` stores it: `!` and 40
 * random characters. {@link hasUsablePassword} refuses it.
 *
 * @example
 * ```ts
 * hasUsablePassword(unusablePassword()) // false
 * ```
 */
export function unusablePassword(): string {
  return `${UNUSABLE_PASSWORD_PREFIX}${randomString(40)}`
}
