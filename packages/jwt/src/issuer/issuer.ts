import { randomUUID } from 'node:crypto'
import { SignJWT, type JWK } from 'jose'
import type { Request, RequestHandler } from 'express'
import { InvalidSetting, LoginRequired, type JsonWebKeySet } from '@social-auth/core'
import type { AsymmetricAlgorithm } from '../algorithms.js'
import type { JwtConfig } from '../config.js'
import type { KeySetSource } from '../key-source.js'
import { createVerifier, type JwtVerifier } from '../verifier.js'
import { KeyRing } from './key-ring.js'
import { mintClaims, type MintOptions } from './mint-options.js'
import { generateSigningKey, importSigningKey, signingAlgorithm } from './signing-key.js'

/** Options of {@link createIssuer}. */
export interface IssuerOptions {
  /** The `iss` of every token: the app's public URL, e.g. `https://app.example`. */
  readonly issuer: string
  /** The default `aud`: the API identifier(s) the tokens are for. */
  readonly audience: string | readonly string[]
  /** Signing algorithm (default `EdDSA`, Ed25519). */
  readonly algorithm?: AsymmetricAlgorithm | undefined
  /** Token lifetime in seconds (default 600; at most 86 400). */
  readonly ttlSeconds?: number | undefined
  /** `client_id` claim when `mint` is given none (default: the issuer URL). */
  readonly clientId?: string | undefined
  /** Persisted private JWKs: the first signs, the others stay published. Default: keys generated in memory. */
  readonly privateKeys?: readonly JWK[] | undefined
  /** Rotate after this many seconds (default 86 400 for generated keys; `false` with `privateKeys`, since nodes sharing keys must rotate together). */
  readonly rotateEverySeconds?: number | false | undefined
  /** How long a retired key stays in the JWKS (default 3600; at least the token lifetime). */
  readonly overlapSeconds?: number | undefined
  /** The clock, in epoch milliseconds. */
  readonly now?: (() => number) | undefined
}

/** An RFC 6749 §5.1 token response. */
export interface AccessTokenResponse {
  readonly access_token: string
  readonly token_type: 'Bearer'
  readonly expires_in: number
  readonly scope?: string
}

/**
 * The app's own token issuer: signing keys (rotated with overlap), the JWKS, and access tokens
 * in the RFC 9068 profile (`typ: at+jwt`, `iss`, `sub`, `aud`, `exp`, `iat`, `jti`,
 * `client_id`, `scope`) plus `roles`, `tenant_id` and `workspace_id`.
 *
 * @example
 * ```ts
 * const issuer = await createIssuer({ issuer: 'http://localhost:3000', audience: 'social-auth-example-api' })
 * app.get('/.well-known/jwks.json', issuer.jwksHandler())
 * const { access_token } = await issuer.mint({ sub: '42', scopes: ['read:posts'], roles: ['editor'] })
 * ```
 */
export interface TokenIssuer extends KeySetSource {
  readonly issuer: string
  readonly audience: readonly string[]
  readonly algorithm: AsymmetricAlgorithm
  readonly ttlSeconds: number
  /** Signs an access token. */
  mint(options: MintOptions): Promise<AccessTokenResponse>
  /** The public JWKS (next, active and overlapping retired keys). */
  jwks(): Promise<JsonWebKeySet>
  /** Rotates the signing key now (the old one stays published for the overlap). */
  rotate(): Promise<void>
  /** `GET /.well-known/jwks.json`: the JWKS, cacheable for 5 minutes. */
  jwksHandler(): RequestHandler
  /**
   * `GET /user/token`: mints a token for whatever `claimsFor(req)` returns (401
   * `ERR_LOGIN_REQUIRED` when it returns undefined), answered with `Cache-Control: no-store`.
   */
  tokenHandler(
    claimsFor: (req: Request) => MintOptions | undefined | Promise<MintOptions | undefined>,
  ): RequestHandler
  /** A verifier for this issuer's tokens that reads the keys in-process (no HTTP). */
  verifier<C extends object = object>(options?: Partial<JwtConfig<C>>): JwtVerifier<C>
}

/**
 * Creates the issuer. Keys are generated in memory unless `privateKeys` are given; with
 * generated keys a restart invalidates earlier tokens, which resource servers notice as an
 * unknown `kid` and answer 401.
 *
 * @example
 * ```ts
 * const issuer = await createIssuer({ issuer: process.env.PUBLIC_URL!, audience: 'social-auth-example-api' })
 * ```
 */
export async function createIssuer(options: IssuerOptions): Promise<TokenIssuer> {
  const now = options.now ?? Date.now
  const alg = signingAlgorithm(options.algorithm ?? 'EdDSA')
  if (typeof options.issuer !== 'string' || options.issuer === '')
    throw new InvalidSetting('issuer', 'a non-empty string')
  const audience =
    typeof options.audience === 'string' ? [options.audience] : [...(options.audience ?? [])]
  if (audience.length === 0 || audience.some((aud) => typeof aud !== 'string' || aud === ''))
    throw new InvalidSetting('audience', 'one or more non-empty strings')
  const ttlSeconds = options.ttlSeconds ?? 600
  if (!(ttlSeconds > 0 && ttlSeconds <= 86_400))
    throw new InvalidSetting('ttlSeconds', 'between 1 and 86400')
  const overlapSeconds = options.overlapSeconds ?? Math.max(3600, ttlSeconds)
  // A retired key must outlive the tokens it signed, or they would fail before they expire.
  if (!(overlapSeconds >= ttlSeconds))
    throw new InvalidSetting('overlapSeconds', 'at least ttlSeconds')
  const loaded = await Promise.all(
    (options.privateKeys ?? []).map((jwk) => importSigningKey(jwk, alg)),
  )
  const rotateEverySeconds = options.rotateEverySeconds ?? (loaded.length > 0 ? false : 86_400)
  if (rotateEverySeconds !== false && !(rotateEverySeconds > 0))
    throw new InvalidSetting('rotateEverySeconds', 'a positive number of seconds or false')
  const [first, ...rest] = loaded
  const active = first ?? (await generateSigningKey(alg))
  const next = rotateEverySeconds === false ? undefined : await generateSigningKey(alg)
  const ring = new KeyRing(
    active.alg,
    active,
    next,
    rest,
    { everySeconds: rotateEverySeconds, overlapSeconds },
    now,
  )
  const clientId = options.clientId ?? options.issuer

  const issuer: TokenIssuer = {
    issuer: options.issuer,
    audience: Object.freeze(audience),
    algorithm: alg,
    ttlSeconds,
    async mint(mint) {
      const claims = mintClaims(mint)
      const ttl = Math.min(mint.ttlSeconds ?? ttlSeconds, ttlSeconds)
      if (!(ttl > 0)) throw new InvalidSetting('ttlSeconds', 'a positive number')
      const key = await ring.active()
      const iat = Math.floor(now() / 1000)
      const aud =
        mint.audience === undefined
          ? audience
          : typeof mint.audience === 'string'
            ? [mint.audience]
            : [...mint.audience]
      const accessToken = await new SignJWT({ ...claims, client_id: mint.clientId ?? clientId })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
        .setIssuer(options.issuer)
        .setAudience(aud.length === 1 ? (aud[0] as string) : aud)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttl)
        .setJti(randomUUID())
        .sign(key.privateKey)
      return {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: ttl,
        ...(typeof claims.scope === 'string' ? { scope: claims.scope } : {}),
      }
    },
    jwks: () => ring.jwks(),
    get: () => ring.jwks(),
    // In-process keys are always current: an unknown kid stays unknown.
    refreshForUnknownKid: async () => false,
    rotate: () => ring.rotate(),
    jwksHandler: () => (_req, res, next) => {
      ring.jwks().then((jwks) => {
        res
          .set('cache-control', 'public, max-age=300')
          .type('application/json')
          .send(JSON.stringify(jwks))
      }, next)
    },
    tokenHandler: (claimsFor) => (req, res, next) => {
      Promise.resolve()
        .then(() => claimsFor(req))
        .then(async (mint) => {
          // RFC 6749 §5.1: token responses must not be cached.
          res.set({ 'cache-control': 'no-store', pragma: 'no-cache' })
          if (mint === undefined) {
            const err = new LoginRequired()
            res.status(401).json({ error: err.code, detail: err.message })
            return
          }
          res.json(await issuer.mint(mint))
        })
        .catch(next)
    },
    verifier: <C extends object>(overrides: Partial<JwtConfig<C>> = {}) =>
      createVerifier<C>({
        issuer: options.issuer,
        audience,
        algorithms: [...new Set([alg, ...loaded.map((key) => key.alg)])],
        typ: 'at+jwt',
        now,
        ...overrides,
        keys: issuer,
      }),
  }
  return issuer
}
