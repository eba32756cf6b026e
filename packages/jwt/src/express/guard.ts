import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { BearerChallengeOptions } from '../bearer-response.js'
import type { JwtConfig } from '../config.js'
import { tenantVerifiers, type TenantVerifiersOptions, type VerifierResolver } from '../tenants.js'
import { attemptOf, createVerifier, type AuthUser, type JwtVerifier } from '../verifier.js'
import { allRoles, allScopes, anyRole, anyScope, type AuthCheck } from './checks.js'
import type { AuthClaims } from './request-auth.js'
import './request-auth.js'
import { sendBearerError } from './send-error.js'

/** What a guard verifies with: a verifier, a configuration, or a per-request resolver (multi-tenant). */
export type VerifierSource<C extends object = AuthClaims> =
  JwtVerifier<C> | JwtConfig<C> | VerifierResolver<C, Request>

/** Options of {@link jwtGuard}. */
export interface GuardOptions extends BearerChallengeOptions, TenantVerifiersOptions {
  /** Told about every refused request (logs, metrics); the client gets the RFC 6750 answer. */
  readonly onError?: ((err: unknown, req: Request) => void) | undefined
}

/**
 * Express middleware factories bound to one verifier source. Each middleware authenticates
 * the request (setting `req.auth`) and then applies its check; refusals are answered per
 * RFC 6750 and never reach your error handler as a 500.
 *
 * @example
 * ```ts
 * const auth = jwtGuard({ jwksUrl, issuer, audience })
 * app.get('/me', auth.requireAuth(), (req, res) => res.json(req.auth))
 * app.post('/posts', auth.requireScope('write:posts'), createPost)
 * app.get('/admin/users', auth.requireRole('admin'), listUsers)
 * ```
 */
export interface JwtGuard {
  /** Any valid token. */
  requireAuth(): RequestHandler
  /** A valid token granting every one of `scopes`. */
  requireScope(...scopes: string[]): RequestHandler
  /** A valid token granting at least one of `scopes`. */
  requireAnyScope(...scopes: string[]): RequestHandler
  /** A valid token whose user has every one of `roles`. */
  requireRole(...roles: string[]): RequestHandler
  /** A valid token whose user has at least one of `roles`. */
  requireAnyRole(...roles: string[]): RequestHandler
}

const isVerifier = (source: object): source is JwtVerifier<AuthClaims> =>
  typeof (source as Partial<JwtVerifier>).verify === 'function'

/**
 * Builds the guard middleware for a verifier source. A token is answered synchronously, without
 * a promise, when it was verified before (the verified-token cache) or when its key is already
 * in memory; only a key fetch makes the request wait.
 *
 * @example
 * ```ts
 * const auth = jwtGuard(createVerifier({ jwksUrl, issuer, audience }), { realm: 'posts' })
 * ```
 */
export function jwtGuard(source: VerifierSource, options: GuardOptions = {}): JwtGuard {
  const challenge: BearerChallengeOptions = { realm: options.realm }
  const fixed: JwtVerifier<AuthClaims> | undefined =
    typeof source === 'function' ? undefined : isVerifier(source) ? source : createVerifier(source)
  const authenticateNow = fixed === undefined ? undefined : authenticatorOf(fixed)
  const verifierFor = typeof source === 'function' ? tenantVerifiers(source, options) : undefined

  const refuse = (req: Request, res: Response, err: unknown): void => {
    options.onError?.(err, req)
    sendBearerError(res, err, challenge)
  }
  const admit = (
    req: Request,
    res: Response,
    next: NextFunction,
    user: AuthUser<AuthClaims>,
    check: AuthCheck | undefined,
  ): void => {
    const denied = check?.(user)
    if (denied) return refuse(req, res, denied)
    req.auth = user
    next()
  }

  const middleware =
    (check?: AuthCheck): RequestHandler =>
    (req, res, next) => {
      if (authenticateNow === undefined) {
        ;(verifierFor as (request: Request) => Promise<JwtVerifier<AuthClaims>>)(req)
          .then((verifier) => verifier.authenticate(req))
          .then(
            (user) => admit(req, res, next, user, check),
            (err: unknown) => refuse(req, res, err),
          )
          .catch(next)
        return
      }
      let outcome: AuthUser<AuthClaims> | Promise<AuthUser<AuthClaims>>
      try {
        outcome = authenticateNow(req)
      } catch (err) {
        return refuse(req, res, err)
      }
      // Decided without waiting (a cached token, or its key in memory): answer in this tick.
      if (!isThenable(outcome)) return admit(req, res, next, outcome, check)
      Promise.resolve(outcome)
        .then(
          (user) => admit(req, res, next, user, check),
          (err: unknown) => refuse(req, res, err),
        )
        .catch(next)
    }

  return {
    requireAuth: () => middleware(),
    requireScope: (...scopes) => middleware(allScopes(scopes)),
    requireAnyScope: (...scopes) => middleware(anyScope(scopes)),
    requireRole: (...roles) => middleware(allRoles(roles)),
    requireAnyRole: (...roles) => middleware(anyRole(roles)),
  }
}

// Authenticates a request with a fixed verifier: the user right away when the verifier can tell
// without waiting, else a promise (see `attemptOf`). Looked up per request, so a `verify` the app
// wraps after building the guard is still the one that runs.
function authenticatorOf(
  verifier: JwtVerifier<AuthClaims>,
): (req: Request) => AuthUser<AuthClaims> | Promise<AuthUser<AuthClaims>> {
  return (req) => attemptOf(verifier)(verifier.extractToken(req))
}

// Any promise-like value, from any library or realm, is awaited — never taken for the user.
const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function'

/**
 * Middleware that admits requests with a valid token and sets `req.auth` (the USSO guide's
 * `Depends(authenticator)`). Shorthand for `jwtGuard(source, options).requireAuth()`.
 *
 * @example
 * ```ts
 * app.use('/api', requireAuth({ jwksUrl, issuer, audience }))
 * app.get('/api/me', (req, res) => res.json({ user_id: req.auth!.sub }))
 * ```
 */
export function requireAuth(source: VerifierSource, options?: GuardOptions): RequestHandler {
  return jwtGuard(source, options).requireAuth()
}
