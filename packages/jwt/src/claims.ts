import { TokenExpired, TokenInvalid } from '@social-auth/core'
import { isStringArray, own } from './own-values.js'

/** A verified JWT claims set: a JSON object (registered claims of RFC 7519 §4.1 and any others). */
export interface JwtClaims {
  readonly iss?: string
  readonly sub?: string
  readonly aud?: string | readonly string[]
  readonly exp?: number
  readonly nbf?: number
  readonly iat?: number
  readonly jti?: string
  readonly [claim: string]: unknown
}

/** The claim checks, normalised from the verifier's configuration. */
export interface ClaimsPolicy {
  /** Accepted `iss` values; undefined when `verifyIss` is off. */
  readonly issuers: ReadonlySet<string> | undefined
  /** Accepted audiences (one must be in `aud`); undefined when `verifyAud` is off. */
  readonly audiences: ReadonlySet<string> | undefined
  readonly verifyExp: boolean
  readonly verifyNbf: boolean
  /** Clock skew allowed on `exp`, `nbf` and `iat`, in seconds. */
  readonly leeway: number
  /** How old `iat` may be, in seconds; undefined when unlimited. Also turns on the future-`iat` check. */
  readonly maxTokenAge: number | undefined
  /** Claims that must be present. */
  readonly requiredClaims: readonly string[]
}

const invalid = (message: string, reason: string): TokenInvalid =>
  new TokenInvalid(message, { reason })
const isNumericDate = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value)

// Names that would be dangerous if code downstream merged the claims into an object.
const POLLUTING_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype']

function numericDate(claims: Record<string, unknown>, name: string): number | undefined {
  const value = own(claims, name)
  if (value === undefined) return undefined
  if (!isNumericDate(value)) throw invalid(`The token "${name}" is not a number`, name)
  return value
}

/**
 * Decodes the payload JSON once (the claims object every later check uses: a second parser
 * could resolve duplicate names differently, RFC 7519 §4) and drops the keys that would be
 * dangerous if code downstream merged the claims into an object (`__proto__`, `constructor`,
 * `prototype`). Throws {@link TokenInvalid} when it is not a JSON object.
 *
 * @example
 * ```ts
 * parseClaims('{"sub":"u1","__proto__":{"admin":true}}') // { sub: 'u1' }
 * ```
 */
export function parseClaims(json: string): Record<string, unknown> {
  let claims: unknown
  try {
    claims = JSON.parse(json)
  } catch {
    throw invalid('The token payload is not JSON', 'malformed')
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
    throw invalid('The token payload is not a JSON object', 'malformed')
  const record = claims as Record<string, unknown>
  for (const key of POLLUTING_NAMES) if (Object.hasOwn(record, key)) delete record[key]
  return record
}

/**
 * Applies the claim rules of security.md §3.1.5: required claims present, `iss` exact, `aud`
 * naming only accepted audiences, numeric dates that are numbers, `exp` in the future and `nbf`
 * in the past (within the leeway), `iat` not in the future and not older than `maxTokenAge`.
 * Throws {@link TokenExpired} or {@link TokenInvalid} naming the failed check.
 *
 * @example
 * ```ts
 * checkClaims(claims, policy, Date.now() / 1000)
 * ```
 */
export function checkClaims(
  claims: Record<string, unknown>,
  policy: ClaimsPolicy,
  now: number,
): void {
  for (const name of policy.requiredClaims)
    if (!Object.hasOwn(claims, name)) throw invalid(`The token has no "${name}" claim`, name)

  const iss = own(claims, 'iss')
  if (iss !== undefined && typeof iss !== 'string')
    throw invalid('The token "iss" is not a string', 'iss')
  if (policy.issuers && (iss === undefined || !policy.issuers.has(iss)))
    throw invalid('The token was issued by an unexpected issuer', 'issuer')

  const sub = own(claims, 'sub')
  if (sub !== undefined && (typeof sub !== 'string' || sub === ''))
    throw invalid('The token "sub" is not a non-empty string', 'sub')

  const aud = own(claims, 'aud')
  if (aud !== undefined && typeof aud !== 'string' && !isStringArray(aud))
    throw invalid('The token "aud" is neither a string nor an array of strings', 'aud')
  if (policy.audiences && !isMeantForUs(aud, policy.audiences))
    throw invalid('The token is meant for another audience', 'audience')

  const exp = numericDate(claims, 'exp')
  const nbf = numericDate(claims, 'nbf')
  const iat = numericDate(claims, 'iat')
  const { leeway } = policy
  if (policy.verifyNbf && nbf !== undefined && nbf > now + leeway)
    throw invalid('The token is not valid yet (nbf)', 'nbf')
  // RFC 7519 §4.1.4: the current time must be before `exp`.
  if (policy.verifyExp && exp !== undefined && exp <= now - leeway) throw new TokenExpired()
  if (policy.maxTokenAge !== undefined && iat !== undefined) {
    if (iat > now + leeway) throw invalid('The token was issued in the future (iat)', 'iat')
    if (now - iat > policy.maxTokenAge + leeway)
      throw new TokenExpired('The access token is too old (iat)')
  }
}

// True when `aud` names at least one audience and only audiences this verifier accepts.
function isMeantForUs(
  aud: string | readonly string[] | undefined,
  audiences: ReadonlySet<string>,
): boolean {
  if (typeof aud === 'string') return audiences.has(aud)
  if (aud === undefined || aud.length === 0) return false
  // security.md §3.1.5: a token for several audiences is ours only when every one of them is
  // an audience we accept; otherwise another API could replay it here.
  for (const one of aud) if (!audiences.has(one)) return false
  return true
}
