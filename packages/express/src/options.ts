import type { Request } from 'express'
import type { RouteRateLimits } from './rate-limit/route-limits.js'

/** Options of {@link socialAuthExpress}. */
export interface SocialAuthExpressOptions {
  /**
   * Where the routes live inside the router: `''` (default) gives `/begin/osso`, `'/auth'`
   * gives `/auth/begin/osso`. Mounting the router under a path (`app.use('/auth', router)`)
   * works too; redirect URIs follow either.
   */
  readonly mountPath?: string
  /**
   * `PUBLIC_URL`: the app's public origin (optionally with a path prefix) when it runs behind a
   * proxy. Redirect URIs, absolute URLs and the allowed `next` host come from it. Without it
   * they come from the request, which honours Express's `trust proxy`.
   */
  readonly publicUrl?: string | URL | undefined
  /** The session cookie's name, to clear it at logout (express-session's `name`; default `__Host-sid` for an https `publicUrl`, else `sid`, as {@link sessionMiddleware}). */
  readonly sessionCookieName?: string
  /**
   * Request fields `POST /begin/:backend` passes to the engine besides `next`, the backend's
   * `FIELDS_STORED_IN_SESSION` and `AUTH_EXTRA_ARGUMENTS_OVERRIDE_ALLOWLIST` (default
   * `['email', 'domain']`, what Osso routes by). Everything else in the form is dropped.
   */
  readonly beginFields?: readonly string[]
  /** What an association id in `/disconnect/:backend/:id` must look like (default: a positive integer). */
  readonly associationIdPattern?: RegExp
  /**
   * `POST /complete/:backend` arriving without the session cookie (a cross-site `form_post`
   * under `SameSite=Lax`) is re-posted from this origin so the cookie comes along (default true).
   */
  readonly formPostRelay?: boolean
  /** Receives unexpected errors (bugs, outages), already redacted; default `console.error`. */
  readonly logError?: (line: string, err: unknown, req: Request) => void
  /**
   * Abuse limits on `/begin`, `/complete`, `/resume` and `/disconnect`, per client address and
   * per identity, answered 429 with `Retry-After` (default: {@link DEFAULT_ROUTE_LIMITS} in
   * this process's memory). Give a `KnexRateLimitStore` when several app nodes serve the
   * routes; `false` turns the limits off (they then belong in front of the app).
   */
  readonly rateLimit?: RouteRateLimits | false
}

/** The options with their defaults. */
export interface ResolvedOptions {
  readonly mountPath: string
  readonly publicUrl: URL | undefined
  readonly sessionCookieName: string
  readonly beginFields: readonly string[]
  readonly associationIdPattern: RegExp
  readonly formPostRelay: boolean
  readonly logError: (line: string, err: unknown, req: Request) => void
  readonly rateLimit: RouteRateLimits | false | undefined
}

/** Checks a mount path: empty, or `/segment…` without a trailing slash. */
export function normaliseMountPath(value: string | undefined): string {
  const path = (value ?? '').replace(/\/+$/, '')
  if (path !== '' && !/^(\/[A-Za-z0-9._~-]+)+$/.test(path)) {
    throw new TypeError(`mountPath must look like "/auth", got "${value}"`)
  }
  return path
}
