import session, { type SessionOptions, type Store } from 'express-session'
import type { RequestHandler } from 'express'
import { markHttpsSite } from './secure-cookies.js'

/** Options of {@link sessionMiddleware}. */
export interface SessionMiddlewareOptions {
  /** `SESSION_SECRET`: signs the cookie; an array rotates secrets (the first one signs). */
  readonly secret: string | string[]
  /** Where sessions live; `new KnexSessionStore(knex)` for several app nodes. Default: memory. */
  readonly store?: Store
  /** Cookie name (default `__Host-sid` for an https `publicUrl`, else `sid`). */
  readonly name?: string
  /** Session lifetime in seconds (default two weeks, Django's `SESSION_COOKIE_AGE`). */
  readonly maxAgeSeconds?: number
  /**
   * `PUBLIC_URL`: when it is https the cookie is always `Secure`. Otherwise the cookie is
   * `Secure` exactly when the request came over https (Express's `req.secure`, which honours
   * `trust proxy`).
   */
  readonly publicUrl?: string | URL | undefined
  /** Anything else for express-session (merged last, except the cookie's safety flags). */
  readonly extra?: Partial<SessionOptions>
}

/**
 * express-session with the cookie rules of security.md: `HttpOnly`, `SameSite=Lax`, `Secure`
 * over https, nothing stored for visitors who never start a login (`saveUninitialized: false`),
 * and no rewrite of unchanged sessions (the store's `touch` keeps them alive).
 *
 * @example
 * ```ts
 * app.set('trust proxy', 'loopback') // behind a local TLS-terminating proxy
 * app.use(sessionMiddleware({ secret: process.env.SESSION_SECRET!, store: new KnexSessionStore(knex), publicUrl: process.env.PUBLIC_URL }))
 * ```
 */
export function sessionMiddleware(options: SessionMiddlewareOptions): RequestHandler {
  if (!options.secret || (Array.isArray(options.secret) && options.secret.length === 0)) {
    throw new TypeError('sessionMiddleware needs a secret (SESSION_SECRET)')
  }
  const https = isHttps(options.publicUrl)
  // `__Host-` holds only for a cookie on the whole host: no Domain, Path=/.
  const cookie = options.extra?.cookie
  const hostOnly =
    typeof cookie !== 'function' && (cookie?.path ?? '/') === '/' && cookie?.domain === undefined
  const middleware = session({
    resave: false,
    saveUninitialized: false,
    // An https PUBLIC_URL means a TLS-terminating proxy in front. Without `trust proxy`
    // express-session would see plain http and never send the Secure cookie: every sign-in would
    // then fail its CSRF check, silently. Its own `proxy` reads X-Forwarded-Proto for that one
    // decision, whatever the app trusts otherwise.
    ...(https ? { proxy: true } : {}),
    ...options.extra,
    secret: options.secret,
    name: options.name ?? (hostOnly ? defaultSessionCookieName(options.publicUrl) : 'sid'),
    ...(options.store ? { store: options.store } : {}),
    cookie: {
      ...options.extra?.cookie,
      httpOnly: true,
      sameSite: 'lax',
      secure: https ? true : 'auto',
      maxAge: (options.maxAgeSeconds ?? 14 * 24 * 3600) * 1000,
    },
  })
  if (!https) return middleware
  // The CSRF cookie follows the same rule, also where a request has no session (after logout).
  return (req, res, next) => {
    markHttpsSite(req)
    return middleware(req, res, next)
  }
}

const isHttps = (publicUrl: string | URL | undefined): boolean =>
  publicUrl !== undefined && /^https:/i.test(String(publicUrl).trim())

/**
 * The session cookie's default name: `__Host-sid` for an https `PUBLIC_URL`, else `sid`. With
 * the `__Host-` prefix a browser takes the cookie only from this host over https, with
 * `Path=/` and no `Domain`: a sibling subdomain or a plain-http answer cannot plant a session
 * (session fixation) in the person's browser.
 */
export function defaultSessionCookieName(publicUrl: string | URL | undefined): string {
  return isHttps(publicUrl) ? '__Host-sid' : 'sid'
}
