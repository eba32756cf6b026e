import { TokenInvalid } from '@social-auth/core'
import type { JwtClaims } from './claims.js'
import { isStringArray, own } from './own-values.js'

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

type ListForm = 'string' | 'array' | 'either'

const NONE: readonly string[] = Object.freeze([])

function stringList(
  claims: Record<string, unknown>,
  name: string,
  form: ListForm,
): readonly string[] {
  const value = own(claims, name)
  if (value === undefined) return NONE
  if (typeof value === 'string' && form !== 'array') return spaceSeparated(value)
  if (form !== 'string' && isStringArray(value)) return value
  throw wrongType(
    name,
    form === 'string'
      ? 'a string'
      : form === 'array'
        ? 'an array of strings'
        : 'a string or an array of strings',
  )
}

function spaceSeparated(value: string): readonly string[] {
  if (value.indexOf(' ') < 0) return value === '' ? NONE : [value]
  // Empty items come only from repeated, leading or trailing spaces.
  return value.split(' ').filter((item) => item !== '')
}

// Up to this many items, a linear search for repeats is cheaper than building a Set (tokens
// carry a few scopes and roles); past it, the Set keeps a long list linear.
const FEW_ITEMS = 16

// The items of `lists` in order, without repeats, as a new frozen array.
function unionOf(...lists: readonly (readonly string[])[]): readonly string[] {
  let total = 0
  for (const list of lists) total += list.length
  if (total === 0) return NONE
  const union: string[] = []
  const seen = total > FEW_ITEMS ? new Set<string>() : undefined
  for (const list of lists)
    for (const item of list) {
      if (seen ? seen.has(item) : union.includes(item)) continue
      seen?.add(item)
      union.push(item)
    }
  return Object.freeze(union)
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
  const scopes = unionOf(
    stringList(claims, 'scope', 'string'),
    stringList(claims, 'scp', 'either'),
    stringList(claims, 'scopes', 'array'),
  )
  const exp = own(claims, 'exp')
  return {
    sub,
    tenant_id: optionalString(claims, 'tenant_id'),
    workspace_id: optionalString(claims, 'workspace_id'),
    roles: unionOf(stringList(claims, 'roles', 'array')),
    scopes,
    exp: typeof exp === 'number' ? exp : undefined,
    iss: optionalString(claims, 'iss'),
    claims: deepFreeze(claims),
  }
}

// Verified users are cached and shared between requests: nothing downstream may change them.
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  Object.freeze(value)
  // Only objects need a visit: most claims are strings and numbers.
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (typeof item === 'object') deepFreeze(item)
  } else {
    const record = value as Record<string, unknown>
    for (const key in record)
      if (Object.hasOwn(record, key) && typeof record[key] === 'object') deepFreeze(record[key])
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
