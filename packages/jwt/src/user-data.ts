import { TokenInvalid } from '@social-auth/core'
import type { JwtClaims } from './claims.js'

/**
 * Who a verified token speaks for: the USSO SDK's `UserData`. Every field is read from the
 * token's own claims only, with its type checked; the whole claims set stays in `claims`.
 *
 * @example
 * ```ts
 * app.get('/me', requireAuth(verifier), (req, res) => {
 *   const { sub, tenant_id, workspace_id, roles, scopes } = req.auth!
 *   res.json({ user_id: sub, tenant_id, workspace_id, roles, scopes })
 * })
 * ```
 */
export interface UserData {
  /** The subject (`sub`). */
  readonly sub: string
  /** `tenant_id`, when the token has one. */
  readonly tenant_id: string | undefined
  /** `workspace_id`, when the token has one. */
  readonly workspace_id: string | undefined
  /** `roles`. */
  readonly roles: readonly string[]
  /** The union of `scope` (space-separated, RFC 9068 §2.2.3), `scp` and `scopes`, in order, without repeats. */
  readonly scopes: readonly string[]
  /** `exp`, seconds since the epoch, when present. */
  readonly exp: number | undefined
  /** `iss`, when present. */
  readonly iss: string | undefined
  /** The verified claims set (frozen). */
  readonly claims: Readonly<JwtClaims>
}

const wrongType = (claim: string, expected: string): TokenInvalid =>
  new TokenInvalid(`The token "${claim}" claim is not ${expected}`, { reason: 'claims' })

const own = (claims: Record<string, unknown>, name: string): unknown =>
  Object.hasOwn(claims, name) ? claims[name] : undefined

type ListForm = 'string' | 'array' | 'either'

function stringList(claims: Record<string, unknown>, name: string, form: ListForm): string[] {
  const value = own(claims, name)
  if (value === undefined) return []
  if (typeof value === 'string' && form !== 'array')
    return value.split(' ').filter((item) => item !== '')
  if (form !== 'string' && Array.isArray(value) && value.every((item) => typeof item === 'string'))
    return value
  throw wrongType(
    name,
    form === 'string'
      ? 'a string'
      : form === 'array'
        ? 'an array of strings'
        : 'a string or an array of strings',
  )
}

function optionalString(claims: Record<string, unknown>, name: string): string | undefined {
  const value = own(claims, name)
  if (value !== undefined && typeof value !== 'string') throw wrongType(name, 'a string')
  return value
}

/**
 * Reads {@link UserData} from verified claims: `scope` is a space-separated string (RFC 9068
 * §2.2.3), `scp` a string or an array (Azure AD and Okta differ), `scopes` and `roles` arrays
 * of strings; `tenant_id` and `workspace_id` strings. A wrong type refuses the token rather than
 * guess (security.md §3.1.7). Only own properties are read, so `__proto__` or `constructor`
 * never stand in for a claim.
 *
 * @example
 * ```ts
 * userDataFrom({ sub: 'u1', scope: 'read:posts write:posts', roles: ['editor'] }).scopes
 * // ['read:posts', 'write:posts']
 * ```
 */
export function userDataFrom(claims: Record<string, unknown>): UserData {
  const sub = own(claims, 'sub')
  if (typeof sub !== 'string' || sub === '') throw wrongType('sub', 'a non-empty string')
  const scopes = [
    ...new Set([
      ...stringList(claims, 'scope', 'string'),
      ...stringList(claims, 'scp', 'either'),
      ...stringList(claims, 'scopes', 'array'),
    ]),
  ]
  const exp = own(claims, 'exp')
  return {
    sub,
    tenant_id: optionalString(claims, 'tenant_id'),
    workspace_id: optionalString(claims, 'workspace_id'),
    roles: Object.freeze([...new Set(stringList(claims, 'roles', 'array'))]),
    scopes: Object.freeze(scopes),
    exp: typeof exp === 'number' ? exp : undefined,
    iss: optionalString(claims, 'iss'),
    claims: deepFreeze(claims),
  }
}

// Verified users are cached and shared between requests: nothing downstream may change them.
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}

/**
 * True when `user` was granted `scope` (exact element match, never a substring).
 *
 * @example
 * ```ts
 * if (!hasScope(req.auth!, 'write:posts')) throw new InsufficientScope(['write:posts'])
 * ```
 */
export function hasScope(user: Pick<UserData, 'scopes'>, scope: string): boolean {
  return user.scopes.includes(scope)
}

/**
 * True when `user` has `role` (exact element match).
 *
 * @example
 * ```ts
 * const canModerate = hasRole(req.auth!, 'moderator')
 * ```
 */
export function hasRole(user: Pick<UserData, 'roles'>, role: string): boolean {
  return user.roles.includes(role)
}
