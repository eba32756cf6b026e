import { InvalidSetting, JwksCache, type JwksCacheOptions } from '@social-auth/core'
import {
  DEFAULT_ALGORITHMS,
  isSupportedAlgorithm,
  isSymmetricAlgorithm,
  type JwsAlgorithm,
} from './algorithms.js'
import type { ClaimsPolicy } from './claims.js'
import type { ClaimsSchema } from './claims-schema.js'
import { DEFAULT_MAX_TOKEN_LENGTH } from './compact-jws.js'
import {
  remoteKeyResolver,
  secretKeyResolver,
  staticKeyResolver,
  type KeyResolver,
  type KeySetSource,
  type StaticKey,
} from './key-source.js'
import { normalizeTyp } from './protected-header.js'
import type { TokenCacheOptions } from './token-cache.js'
import { tokenSources, type TokenSourceConfig, type TokenSources } from './token-sources.js'

/**
 * How a verifier checks tokens: the USSO SDK's `JWTConfig`, in TypeScript. Give exactly one
 * key source: `jwksUrl`, `key`, `secret` (HS256 only) or `keys` (your own cache).
 *
 * @example
 * ```ts
 * const config: JwtConfig = {
 *   jwksUrl: 'http://localhost:8000/.well-known/jwks.json',
 *   issuer: 'http://localhost:8000',
 *   audience: 'your-app',
 *   header: { name: 'Authorization', prefix: 'Bearer', cookieName: 'access_token' },
 *   leeway: 10,
 * }
 * ```
 */
export interface JwtConfig<C extends object = object> {
  /** The issuer's JWKS (https, or http on a loopback host). Fetched lazily and cached by `JwksCache`. */
  readonly jwksUrl?: string | undefined
  /** A public key given directly: PEM (SPKI), `KeyObject`, JWK or JWKS (USSO's `key`). */
  readonly key?: StaticKey | undefined
  /** The HS256 shared secret (≥ 32 bytes). Never combined with asymmetric keys or algorithms. */
  readonly secret?: string | Uint8Array | undefined
  /** A key-set cache of your own (pluggable; `JwksCache` fits). */
  readonly keys?: KeySetSource | undefined
  /** The exact `iss` (or the accepted ones). Required unless `verifyIss` is false. */
  readonly issuer?: string | readonly string[] | undefined
  /** This API's identifier, which `aud` must contain (or the accepted ones). Required unless `verifyAud` is false. */
  readonly audience?: string | readonly string[] | undefined
  /** The algorithm allowlist (default EdDSA, ES256, RS256, PS256; HS256 with `secret`). */
  readonly algorithms?: readonly JwsAlgorithm[] | undefined
  /** Where the token is read from (default `Authorization: Bearer`, no cookie). */
  readonly header?: TokenSourceConfig | undefined
  /** Check `exp` (default true; `exp` is then required). */
  readonly verifyExp?: boolean | undefined
  /** Check `nbf` when present (default true). */
  readonly verifyNbf?: boolean | undefined
  /** Check `aud` (default true). */
  readonly verifyAud?: boolean | undefined
  /** Check `iss` (default true). */
  readonly verifyIss?: boolean | undefined
  /** Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds (default 30, at most 60). */
  readonly leeway?: number | undefined
  /** Refuse tokens whose `iat` is older than this many seconds (default 86 400; `false`: no limit). */
  readonly maxTokenAge?: number | false | undefined
  /** Claims that must be present besides the defaults (`sub`, and `iss`, `aud`, `exp`, `iat` when checked). */
  readonly requiredClaims?: readonly string[] | undefined
  /** The JWS `typ` required, e.g. `at+jwt` (RFC 9068). Unset: absent, `JWT` or `at+jwt` accepted. */
  readonly typ?: string | undefined
  /** Validates and types your own claims; the result is merged into `req.auth`. */
  readonly claims?: ClaimsSchema<C> | undefined
  /** Refuse longer tokens before parsing them (default 8192 characters). */
  readonly maxTokenLength?: number | undefined
  /** The verified-token cache (default on: 10 000 tokens, 5 min); `false` turns it off. */
  readonly tokenCache?: TokenCacheOptions | false | undefined
  /** Tuning of the `JwksCache` built for `jwksUrl` (cooldown, back-off, limits, onFetchError). */
  readonly jwks?: Omit<JwksCacheOptions, 'url' | 'fetch' | 'now'> | undefined
  /** The `fetch` used for `jwksUrl` (tests inject one). */
  readonly fetch?: typeof fetch | undefined
  /** The clock, in epoch milliseconds (tests inject one). */
  readonly now?: (() => number) | undefined
}

/** A {@link JwtConfig} checked and completed with defaults (internal). */
export interface ResolvedConfig<C extends object> {
  readonly resolver: KeyResolver
  readonly keySource: KeySetSource | undefined
  readonly algorithms: ReadonlySet<string>
  readonly policy: ClaimsPolicy
  readonly typ: string | undefined
  readonly sources: TokenSources
  readonly claims: ClaimsSchema<C> | undefined
  readonly maxTokenLength: number
  readonly tokenCache: TokenCacheOptions | false
  readonly now: () => number
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/** Refuses a JWKS URL that is not https (plain http only on loopback, DESIGN.md). */
export function checkJwksUrl(url: string): void {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (err) {
    throw new InvalidSetting('jwksUrl', 'an absolute URL', { cause: err })
  }
  if (parsed.protocol === 'https:') return
  if (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname)) return
  throw new InvalidSetting('jwksUrl', 'an https URL (http only on localhost, 127.0.0.1 or [::1])')
}

const list = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value

/**
 * Checks a configuration at start-up and fills in the defaults, so a mistake (no key source,
 * two key sources, `none`, HS256 next to asymmetric keys, a leeway over 60 s) fails when the
 * app starts, not on the first request.
 */
export function resolveConfig<C extends object>(config: JwtConfig<C>): ResolvedConfig<C> {
  const given = [config.jwksUrl, config.key, config.secret, config.keys].filter(
    (v) => v !== undefined,
  )
  if (given.length !== 1)
    throw new InvalidSetting('jwksUrl', 'set, or else exactly one of key, secret or keys')
  const symmetric = config.secret !== undefined
  const algorithms = config.algorithms ?? (symmetric ? ['HS256'] : DEFAULT_ALGORITHMS)
  if (algorithms.length === 0) throw new InvalidSetting('algorithms', 'a non-empty list')
  for (const alg of algorithms as readonly unknown[]) {
    if (!isSupportedAlgorithm(alg))
      throw new InvalidSetting(
        'algorithms',
        'EdDSA, RS256, RS384, RS512, PS256, ES256, ES384 or HS256 (never none)',
      )
    // RFC 8725 §2.1/§3.1: a verifier that accepts HS256 next to public keys can be fed a token
    // "signed" with the public key as the HMAC secret.
    if (isSymmetricAlgorithm(alg) !== symmetric)
      throw new InvalidSetting(
        'algorithms',
        symmetric
          ? 'HS256 only, with a secret'
          : 'asymmetric only; HS256 needs secret and nothing else',
      )
  }

  const verifyIss = config.verifyIss ?? true
  const verifyAud = config.verifyAud ?? true
  const verifyExp = config.verifyExp ?? true
  const issuers = list(config.issuer)
  const audiences = list(config.audience)
  if (verifyIss && issuers.length === 0)
    throw new InvalidSetting('issuer', 'set (or verifyIss: false)')
  if (verifyAud && audiences.length === 0)
    throw new InvalidSetting('audience', 'set (or verifyAud: false)')
  const leeway = config.leeway ?? 30
  if (!(leeway >= 0 && leeway <= 60)) throw new InvalidSetting('leeway', 'between 0 and 60 seconds')
  const maxTokenAge = config.maxTokenAge === false ? undefined : (config.maxTokenAge ?? 86_400)
  if (maxTokenAge !== undefined && !(maxTokenAge > 0))
    throw new InvalidSetting('maxTokenAge', 'a positive number of seconds or false')
  const maxTokenLength = config.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH
  if (!(maxTokenLength > 0)) throw new InvalidSetting('maxTokenLength', 'a positive number')

  const required = new Set(['sub', ...(config.requiredClaims ?? [])])
  if (verifyIss) required.add('iss')
  if (verifyAud) required.add('aud')
  if (verifyExp) required.add('exp')
  if (maxTokenAge !== undefined) required.add('iat')

  const now = config.now ?? Date.now
  let keySource: KeySetSource | undefined
  let resolver: KeyResolver
  if (config.jwksUrl !== undefined) {
    checkJwksUrl(config.jwksUrl)
    keySource = new JwksCache({
      ...config.jwks,
      url: config.jwksUrl,
      now,
      ...(config.fetch ? { fetch: config.fetch } : {}),
    })
    resolver = remoteKeyResolver(keySource)
  } else if (config.keys !== undefined) {
    keySource = config.keys
    resolver = remoteKeyResolver(keySource)
  } else if (config.secret !== undefined) {
    resolver = secretKeyResolver(config.secret)
  } else {
    resolver = staticKeyResolver(config.key as StaticKey)
  }

  return {
    resolver,
    keySource,
    algorithms: new Set(algorithms),
    policy: {
      issuers: verifyIss ? new Set(issuers) : undefined,
      audiences: verifyAud ? new Set(audiences) : undefined,
      verifyExp,
      verifyNbf: config.verifyNbf ?? true,
      leeway,
      maxTokenAge,
      requiredClaims: [...required],
    },
    typ: config.typ === undefined ? undefined : normalizeTyp(config.typ),
    sources: tokenSources(config.header),
    claims: config.claims,
    maxTokenLength,
    tokenCache: config.tokenCache ?? {},
    now,
  }
}
