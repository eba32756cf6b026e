import { SocialAuthError, TokenInvalid } from '@social-auth/core'
import { decodeBase64url } from './base64url.js'
import { checkClaims, parseClaims } from './claims.js'
import { splitCompactJws } from './compact-jws.js'
import { resolveConfig, type JwtConfig, type ResolvedConfig } from './config.js'
import type { KeySetSource } from './key-source.js'
import { normalizeTyp, parseProtectedHeader } from './protected-header.js'
import { verifySignature } from './signature.js'
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
 * claims and the user's fields. Verified tokens are cached until their `exp`.
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

  async function verifyUncached(token: string, started: number): Promise<AuthUser<C>> {
    const parts = splitCompactJws(token, maxTokenLength)
    const header = parseProtectedHeader(parts.header)
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
    await verifySignature(parts, header, resolver)
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

  const verifier: JwtVerifier<C> = {
    keySource: config.keySource,
    cached: (token) => cache?.get(token, now()),
    async verify(token) {
      if (typeof token !== 'string')
        throw new TokenInvalid('The token is not a string', { reason: 'malformed' })
      const started = now()
      const hit = cache?.get(token, started)
      if (hit) return hit
      try {
        return await verifyUncached(token, started)
      } catch (err) {
        if (err instanceof SocialAuthError) throw err
        // Fail closed on anything unforeseen, and never let it become a 500.
        throw new TokenInvalid('The access token could not be verified', {
          reason: 'internal',
          cause: err,
        })
      }
    },
    extractToken: (request) => extractToken(request, sources),
    authenticate: async (request) => verifier.verify(extractToken(request, sources)),
    clearCache: () => cache?.clear(),
  }
  return verifier
}
