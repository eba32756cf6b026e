import {
  InsufficientRole,
  InsufficientScope,
  InvalidSetting,
  type SocialAuthError,
} from '@social-auth/core'
import type { UserData } from '../user-data.js'

/** An authorisation check on a verified user: the error to answer with, or undefined to pass. */
export type AuthCheck = (user: UserData) => SocialAuthError | undefined

const names = (kind: string, values: readonly string[]): readonly string[] => {
  // A guard that checks nothing would let everyone through: refuse it when the app starts.
  if (values.length === 0 || !values.every((value) => typeof value === 'string' && value !== ''))
    throw new InvalidSetting(kind, 'given at least one non-empty name')
  return values
}

/** Every scope in `scopes` is granted. */
export function allScopes(scopes: readonly string[]): AuthCheck {
  names('requireScope', scopes)
  return (user) =>
    scopes.every((scope) => user.scopes.includes(scope))
      ? undefined
      : new InsufficientScope(scopes, 'all')
}

/** At least one scope in `scopes` is granted. */
export function anyScope(scopes: readonly string[]): AuthCheck {
  names('requireAnyScope', scopes)
  return (user) =>
    scopes.some((scope) => user.scopes.includes(scope))
      ? undefined
      : new InsufficientScope(scopes, 'any')
}

/** The user has every role in `roles`. */
export function allRoles(roles: readonly string[]): AuthCheck {
  names('requireRole', roles)
  return (user) =>
    roles.every((role) => user.roles.includes(role))
      ? undefined
      : new InsufficientRole(roles, 'all')
}

/** The user has at least one role in `roles`. */
export function anyRole(roles: readonly string[]): AuthCheck {
  names('requireAnyRole', roles)
  return (user) =>
    roles.some((role) => user.roles.includes(role)) ? undefined : new InsufficientRole(roles, 'any')
}
