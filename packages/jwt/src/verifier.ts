import { SocialAuthError, TokenInvalid } from '@social-auth/core'
import { decodeBase64url } from './base64url.js'
import { checkClaims, parseClaims } from './claims.js'
import { splitCompactJws, type CompactJwsParts } from './compact-jws.js'
import { resolveConfig, type JwtConfig, type ResolvedConfig } from './config.js'
import type { KeySetSource } from './key-source.js'
import { normalizeTyp, parseProtectedHeader, type ProtectedHeader } from './protected-header.js'
import { verifySignature, verifySignatureNow } from './signature.js'
import { TokenCache } from './token-cache.js'
import { extractToken, type RequestLike } from './token-sources.js'
import { userDataFrom, type UserData } from './user-data.js'

/** A verified token's user: {@link UserData} plus the fields of the verifier's claim schema. */
export type AuthUser<C extends object = object> = UserData & Readonly<C>

/**
 * Verifies bearer tokens (framework-free; the Express guards use it).
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ jwksUrl, issuer, audience })
 * const user = await verifier.verify(token)
 * console.log(user.sub, user.roles, user.scopes)
 * ```
 */
export interface JwtVerifier<C extends object = object> {
  /** Verifies `token`; throws `TokenInvalid`, `TokenExpired` or `KeySetUnavailable`. */
  verify(token: string): Promise<AuthUser<C>>
  /** The user of a token verified earlier and still valid, without any work (or undefined). */
  cached(token: string): AuthUser<C> | undefined
  /** The token of a request, from the configured header or cookie (see {@link extractToken}). */
  extractToken(request: RequestLike): string
  /** {@link JwtVerifier.extractToken} then {@link JwtVerifier.verify}. */
  authenticate(request: RequestLike): Promise<AuthUser<C>>
  /** The key-set cache behind `jwksUrl` or `keys` (undefined for static keys). */
  readonly keySource: KeySetSource | undefined
  /** Forgets every verified token (e.g. after revoking a signing key). */
  clearCache(): void
}

// Header types that say "this is not an access token" (RFC 8725 §3.11): an id_token, a logout
// token, a DPoP proof... Accepted when no `typ` is required: none, JWT and at+jwt.
const ACCESS_TYPES = new Set(['jwt', 'at+jwt'])

/**
 * Builds a verifier from a {@link JwtConfig}. The checks, in order: the pre-parse guards (size,
 * three segments, canonical base64url), the header (`alg` on the allowlist before any key is
 * looked up, no `crit`, `typ`), the signature with a key from configuration only, then the
 * claims and the user's fields. Verified tokens are cached until their `exp`. When the key is
 * already in memory the whole check runs without a promise.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   jwksUrl: 'https://id.example/.well-known/jwks.json',
 *   issuer: 'https://id.example',
 *   audience: 'posts-api',
 *   typ: 'at+jwt',
 * })
 * ```
 */
export function createVerifier<C extends object = object>(config: JwtConfig<C>): JwtVerifier<C> {
  return verifierFrom(resolveConfig(config))
}

function verifierFrom<C extends object>(config: ResolvedConfig<C>): JwtVerifier<C> {
  const { resolver, algorithms, policy, typ, sources, claims: schema, maxTokenLength, now } = config
  const cache =
    config.tokenCache === false ? undefined : new TokenCache<AuthUser<C>>(config.tokenCache)

  // The header rules that come before any key lookup: `alg` on the allowlist, then `typ`.
  function acceptHeader(segment: string): ProtectedHeader {
    const header = parseProtectedHeader(segment)
    if (!algorithms.has(header.alg))
      throw new TokenInvalid(`Algorithm ${header.alg} is not allowed`, { reason: 'algorithm' })
    if (
      typ !== undefined
        ? header.typ === undefined || normalizeTyp(header.typ) !== typ
        : header.typ !== undefined && !ACCESS_TYPES.has(normalizeTyp(header.typ))
    )
      throw new TokenInvalid('The token is not an access token of the expected type (typ)', {
        reason: 'typ',
      })
    return header
  }

  // Verifies `token` synchronously when its key is in memory (the usual case: one promise less
  // per request); otherwise returns a promise of the same outcome, after the key lookup.
  function attempt(token: string): AuthUser<C> | Promise<AuthUser<C>> {
    if (typeof token !== 'string')
      throw new TokenInvalid('The token is not a string', { reason: 'malformed' })
    const started = now()
    const hit = cache?.get(token, started)
    if (hit) return hit
    const parts = splitCompactJws(token, maxTokenLength)
    const header = acceptHeader(parts.header)
    if (verifySignatureNow(parts, header, resolver)) return userOf(token, parts, header, started)
    return verifySignature(parts, header, resolver).then(() =>
      userOf(token, parts, header, started),
    )
  }

  // The checks after the signature: the claims, then the user's fields.
  function userOf(
    token: string,
    parts: CompactJwsParts,
    header: ProtectedHeader,
    started: number,
  ): AuthUser<C> {
    const claims = parseClaims(decodeBase64url(parts.payload).toString('utf8'))
    checkClaims(claims, policy, started / 1000)
    // Only id_tokens carry hashes of the code and access token: never accept one as an access
    // token (security.md §3.1.6).
    if (Object.hasOwn(claims, 'at_hash') || Object.hasOwn(claims, 'c_hash'))
      throw new TokenInvalid('An id_token is not an access token', { reason: 'typ' })
    const base = userDataFrom(claims)
    let custom: C | undefined
    if (schema) {
      try {
        custom = schema(base.claims)
      } catch (err) {
        if (err instanceof TokenInvalid) throw err
        throw new TokenInvalid('The token claims do not match the expected schema', {
          reason: 'claims',
          cause: err,
        })
      }
    }
    const user = Object.freeze(custom === undefined ? base : { ...custom, ...base }) as AuthUser<C>
    if (cache) cache.set(token, user, cacheUntil(claims), started)
    return user
  }

  function cacheUntil(claims: Record<string, unknown>): number {
    const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : Number.POSITIVE_INFINITY
    const iat = claims.iat
    const aged =
      policy.maxTokenAge !== undefined && typeof iat === 'number'
        ? (iat + policy.maxTokenAge) * 1000
        : Number.POSITIVE_INFINITY
    return Math.min(exp, aged)
  }

  // The same outcome as `attempt`, with anything unforeseen turned into a coded refusal.
  function attemptFailingClosed(token: string): AuthUser<C> | Promise<AuthUser<C>> {
    let outcome: AuthUser<C> | Promise<AuthUser<C>>
    try {
      outcome = attempt(token)
    } catch (err) {
      throw failClosed(err)
    }
    return outcome instanceof Promise
      ? outcome.catch((err: unknown) => {
          throw failClosed(err)
        })
      : outcome
  }

  const verifier: JwtVerifier<C> = {
    keySource: config.keySource,
    cached: (token) => cache?.get(token, now()),
    verify: async (token) => attemptFailingClosed(token),
    extractToken: (request) => extractToken(request, sources),
    authenticate: async (request) => verifier.verify(extractToken(request, sources)),
    clearCache: () => cache?.clear(),
  }
  // eslint-disable-next-line @typescript-eslint/unbound-method -- compared, never called
  attempts.set(verifier, { attempt: attemptFailingClosed, verify: verifier.verify })
  return verifier
}

// Fail closed on anything unforeseen, and never let it become a 500.
function failClosed(err: unknown): SocialAuthError {
  if (err instanceof SocialAuthError) return err
  return new TokenInvalid('The access token could not be verified', {
    reason: 'internal',
    cause: err,
  })
}

/** Verifies a token: the user right away when that needs no waiting, else a promise of it. */
type Attempt<C extends object> = (token: string) => AuthUser<C> | Promise<AuthUser<C>>

// The synchronous-when-possible entry of the verifiers this module built, for the Express guard
// (internal: the public interface stays promise-based).
// Kept with the `verify` it stands for: an app that wraps `verify` afterwards (a deny-list, say)
// must not be bypassed.
const attempts = new WeakMap<
  JwtVerifier<object>,
  { readonly attempt: Attempt<object>; readonly verify: JwtVerifier<object>['verify'] }
>()

/**
 * How a guard should verify a token with `verifier`: the user right away when the verifier can
 * tell without waiting (its own verifiers, with the key in memory), else a promise. Throws or
 * rejects with a coded error. Verifiers not built by {@link createVerifier} go through their
 * `cached` and `verify`.
 *
 * @example
 * ```ts
 * const outcome = attemptOf(verifier)(token)
 * if (outcome instanceof Promise) outcome.then(admit, refuse)
 * else admit(outcome)
 * ```
 */
export function attemptOf<C extends object>(verifier: JwtVerifier<C>): Attempt<C> {
  const own = attempts.get(verifier)
  if (own && own.verify === verifier.verify) return own.attempt as Attempt<C>
  // Someone else's verifier: whatever `verify` returns is awaited (a thenable of another
  // library or realm is a promise too), never taken for the user.
  return (token) => verifier.cached(token) ?? Promise.resolve(verifier.verify(token))
}
