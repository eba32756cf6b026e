import type { Request, RequestHandler, Response } from 'express'
import { TokenNotFound } from '@social-auth/core'
import type { BearerChallengeOptions } from '../bearer-response.js'
import { allRoles, allScopes, anyRole, anyScope, type AuthCheck } from './checks.js'
import './request-auth.js'
import { sendBearerError } from './send-error.js'

function authorize(check: AuthCheck, options: BearerChallengeOptions): RequestHandler {
  return (req: Request, res: Response, next) => {
    // Fails closed when no guard ran before: an unauthenticated request never passes a check.
    const user = req.auth
    const denied = user === undefined ? new TokenNotFound() : check(user)
    if (denied) return sendBearerError(res, denied, options)
    next()
  }
}

/**
 * Checks `req.auth` (set by `requireAuth` earlier in the chain, or by `mockAuth` in tests)
 * for every one of `scopes`; answers 403 `insufficient_scope` with `scope="…"` otherwise
 * (RFC 6750 §3.1).
 *
 * @example
 * ```ts
 * app.use(requireAuth(verifier))
 * app.post('/posts', requireScope('write:posts'), createPost)
 * ```
 */
export function requireScope(...scopes: string[]): RequestHandler {
  return authorize(allScopes(scopes), {})
}

/**
 * Checks `req.auth` for at least one of `scopes`.
 *
 * @example
 * ```ts
 * app.get('/posts', requireAnyScope('read:posts', 'admin:posts'), listPosts)
 * ```
 */
export function requireAnyScope(...scopes: string[]): RequestHandler {
  return authorize(anyScope(scopes), {})
}

/**
 * Checks `req.auth` for every one of `roles`; 403 otherwise.
 *
 * @example
 * ```ts
 * app.get('/admin/users', requireRole('admin'), listUsers)
 * ```
 */
export function requireRole(...roles: string[]): RequestHandler {
  return authorize(allRoles(roles), {})
}

/**
 * Checks `req.auth` for at least one of `roles` (the USSO guide's `require_any_role`).
 *
 * @example
 * ```ts
 * app.post('/content', requireAnyRole('editor', 'admin'), createContent)
 * ```
 */
export function requireAnyRole(...roles: string[]): RequestHandler {
  return authorize(anyRole(roles), {})
}
