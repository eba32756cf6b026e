import { InvalidExpiryValue } from './errors.js'
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
  /** Upper bound in seconds; also the timeout on its own when expiration is off. */
  readonly maxLength?: number | undefined
}

/**
 * How long the login session should last, in seconds, or undefined for the framework's
 * default (social_django `get_session_timeout`). With `expiration`, the token's remaining
 * lifetime capped by `maxLength` (or `maxLength` when the lifetime is unknown); without it,
 * `maxLength`, including 0.
 *
 * @example
 * ```ts
 * sessionTimeout({ expires_in: 60 }, { expiration: true, maxLength: 30 }, Date.now()) // 30
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
  return options.maxLength === undefined ? received : Math.min(received, options.maxLength)
}
