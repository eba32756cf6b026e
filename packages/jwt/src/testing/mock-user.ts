import type { RequestHandler } from 'express'
import { TokenNotFound } from '@social-auth/core'
import type { JwtGuard } from '../express/guard.js'
import { allRoles, allScopes, anyRole, anyScope, type AuthCheck } from '../express/checks.js'
import type { AuthClaims } from '../express/request-auth.js'
import { sendBearerError } from '../express/send-error.js'
import type { UserData } from '../user-data.js'
import type { AuthUser } from '../verifier.js'

/** Fields of a mock user; anything not given takes the USSO guide's fixture value. */
export type MockUserFields = Partial<Omit<UserData, 'claims'>> & {
  readonly claims?: Readonly<Record<string, unknown>>
}

/**
 * A user as a verified token would give it (the USSO guide's `mock_user` fixture).
 *
 * @example
 * ```ts
 * const user = mockUser({ roles: ['admin'] })
 * // { sub: 'user:test123', tenant_id: 'org_test', workspace_id: 'ws_test', roles: ['admin'], scopes: ['read:posts', 'write:posts'], … }
 * ```
 */
export function mockUser(fields: MockUserFields = {}): AuthUser<AuthClaims> {
  const sub = fields.sub ?? 'user:test123'
  const tenant = 'tenant_id' in fields ? fields.tenant_id : 'org_test'
  const workspace = 'workspace_id' in fields ? fields.workspace_id : 'ws_test'
  const roles = Object.freeze([...(fields.roles ?? ['editor'])])
  const scopes = Object.freeze([...(fields.scopes ?? ['read:posts', 'write:posts'])])
  const exp = fields.exp ?? 9_999_999_999
  const claims = Object.freeze({
    sub,
    exp,
    roles,
    scope: scopes.join(' '),
    ...(tenant === undefined ? {} : { tenant_id: tenant }),
    ...(workspace === undefined ? {} : { workspace_id: workspace }),
    ...fields.claims,
  })
  return Object.freeze({
    sub,
    tenant_id: tenant,
    workspace_id: workspace,
    roles,
    scopes,
    exp,
    iss: fields.iss,
    claims,
  })
}

/**
 * Middleware that authenticates every request as `user` (no token needed): the USSO guide's
 * `dependency_overrides[authenticator]`, for route tests.
 *
 * @example
 * ```ts
 * app.use(mockAuth(mockUser({ scopes: ['read:posts'] })))
 * ```
 */
export function mockAuth(user: AuthUser<AuthClaims> = mockUser()): RequestHandler {
  return (req, _res, next) => {
    req.auth = user
    next()
  }
}

/**
 * A stand-in for `jwtGuard(...)` that authenticates every request as `user` but applies the
 * real scope and role checks, so route tests still see 403s. Pass `null` to refuse every
 * request as unauthenticated.
 *
 * @example
 * ```ts
 * const app = createApp(env, { guard: mockGuard(mockUser({ roles: [] })) })
 * await request(app, '/admin/users') // 403 insufficient_scope
 * ```
 */
export function mockGuard(user: AuthUser<AuthClaims> | null = mockUser()): JwtGuard {
  const middleware =
    (check?: AuthCheck): RequestHandler =>
    (req, res, next) => {
      if (user === null) return sendBearerError(res, new TokenNotFound())
      const denied = check?.(user)
      if (denied) return sendBearerError(res, denied)
      req.auth = user
      next()
    }
  return {
    requireAuth: () => middleware(),
    requireScope: (...scopes) => middleware(allScopes(scopes)),
    requireAnyScope: (...scopes) => middleware(anyScope(scopes)),
    requireRole: (...roles) => middleware(allRoles(roles)),
    requireAnyRole: (...roles) => middleware(anyRole(roles)),
  }
}
