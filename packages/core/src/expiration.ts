import { AuthTokenError, InvalidExpiryValue } from './errors.js'
import type { JsonObject } from './storage/types.js'

// PSA treats an `expires` above two years as an absolute epoch, below as a duration.
const TWO_YEARS = 63_072_000
/** PSA's `ACCESS_TOKEN_EXPIRED_THRESHOLD`: a token this close to expiry counts as expired. */
export const ACCESS_TOKEN_EXPIRED_THRESHOLD_SECONDS = 5

function numeric(field: string, value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new InvalidExpiryValue(field, value)
  return Math.trunc(n)
}

/**
 * Seconds until the access token in `extra_data` expires (negative once expired), or
 * undefined when unknown (PSA `expiration_timedelta`). Reads `expires_at` (our normalised
 * absolute epoch), then PSA's `expires_on`, `expires_in` (relative to `auth_time`) and
 * `expires`.
 */
export function secondsUntilExpiry(extraData: JsonObject, nowMs: number): number | undefined {
  const now = Math.floor(nowMs / 1000)
  const authTime = typeof extraData.auth_time === 'number' ? extraData.auth_time : now
  if (extraData.expires_at != null) return numeric('expires_at', extraData.expires_at) - now
  if (extraData.expires_on != null) return numeric('expires_on', extraData.expires_on) - now
  if (extraData.expires_in != null)
    return authTime + numeric('expires_in', extraData.expires_in) - now
  if (extraData.expires != null) {
    const expires = numeric('expires', extraData.expires)
    return expires > TWO_YEARS ? expires - now : authTime + expires - now
  }
  return undefined
}

/** Whether the access token is expired or about to (PSA `access_token_expired`). */
export function accessTokenExpired(extraData: JsonObject, nowMs: number): boolean {
  const seconds = secondsUntilExpiry(extraData, nowMs)
  return seconds !== undefined && seconds <= ACCESS_TOKEN_EXPIRED_THRESHOLD_SECONDS
}

/** Options of {@link sessionTimeout} (settings `SESSION_EXPIRATION`, `MAX_SESSION_LENGTH`). */
export interface SessionTimeoutOptions {
  /** End the session when the provider's access token expires. */
  readonly expiration: boolean
  /**
   * Upper bound in seconds; also the timeout on its own when expiration is off. 0 is Django's
   * `set_expiry(0)`: a session that ends when the browser closes.
   */
  readonly maxLength?: number | undefined
}

/**
 * How long the login session should last, in seconds, or undefined for the framework's
 * default (social_django `get_session_timeout`, PSA behaviour 73). 0 means a browser-session
 * cookie (no `Expires`), as Django's `set_expiry(0)`: a framework must not read it as "expired".
 *
 * - Without `expiration`: `maxLength` (0 included), or undefined.
 * - With `expiration`: the token's remaining lifetime capped by `maxLength`, or `maxLength` when
 *   the lifetime is unknown. A `maxLength` of 0 caps nothing there: the token's lifetime wins,
 *   since a browser-session cookie could outlive the token by days (Django would take 0).
 * - With `expiration` and a token that has already expired (0 seconds or less left, a provider
 *   clock or an `expires_on` in the past), it throws `AuthTokenError` (`ERR_AUTH_TOKEN`): the
 *   login fails visibly. Django would log the user in with a session that is over at once, and
 *   a token expiring this very second would get the default session length.
 *
 * @example
 * ```ts
 * sessionTimeout({ expires_in: 60 }, { expiration: true, maxLength: 30 }, Date.now()) // 30
 * sessionTimeout(undefined, { expiration: false, maxLength: 0 }, Date.now()) // 0: until the browser closes
 * ```
 */
export function sessionTimeout(
  extraData: JsonObject | undefined,
  options: SessionTimeoutOptions,
  nowMs: number,
): number | undefined {
  if (!options.expiration) return options.maxLength
  const received = extraData ? secondsUntilExpiry(extraData, nowMs) : undefined
  if (received === undefined) return options.maxLength
  if (received <= 0) {
    throw new AuthTokenError(
      'the access token had already expired at login, so the session (SESSION_EXPIRATION) would be over at once',
    )
  }
  if (options.maxLength === undefined || options.maxLength === 0) return received
  return Math.min(received, options.maxLength)
}
