import { InvalidSetting, TokenInvalid } from '@social-auth/core'
import type { JwtClaims } from './claims.js'

/**
 * Validates and types an app's own claims (the USSO guide's `CustomUserData`): given the
 * verified claims, return the typed fields or throw. Whatever it throws refuses the token with
 * `TokenInvalid` (reason `claims`). The result is merged into `req.auth`, under the standard
 * fields (which always win).
 *
 * @example
 * ```ts
 * const companyClaims: ClaimsSchema<{ company_id: string }> = (claims) => {
 *   if (typeof claims.company_id !== 'string') throw new Error('company_id')
 *   return { company_id: claims.company_id }
 * }
 * ```
 */
export type ClaimsSchema<C> = (claims: Readonly<JwtClaims>) => C

/** The field kinds {@link claimsSchema} understands; `?` marks an optional claim. */
export type ClaimKind =
  'string' | 'string?' | 'number' | 'number?' | 'boolean' | 'boolean?' | 'string[]' | 'string[]?'

/** The TypeScript type of a {@link ClaimKind}. */
export type ClaimType<K extends ClaimKind> = K extends 'string'
  ? string
  : K extends 'string?'
    ? string | undefined
    : K extends 'number'
      ? number
      : K extends 'number?'
        ? number | undefined
        : K extends 'boolean'
          ? boolean
          : K extends 'boolean?'
            ? boolean | undefined
            : K extends 'string[]'
              ? readonly string[]
              : readonly string[] | undefined

/** The typed object a spec of claim kinds describes. */
export type ClaimsOf<S extends Readonly<Record<string, ClaimKind>>> = {
  readonly [K in keyof S]: ClaimType<S[K]>
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype'])

function matches(kind: string, value: unknown): boolean {
  if (kind === 'string[]')
    return Array.isArray(value) && value.every((item) => typeof item === 'string')
  return typeof value === kind
}

/**
 * Builds a {@link ClaimsSchema} from a small spec, typed from it: no schema library needed.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   jwksUrl, issuer, audience,
 *   claims: claimsSchema({ company_id: 'string?', subscription_tier: 'string?', custom_permissions: 'string[]?' }),
 * })
 * const user = await verifier.verify(token) // user.company_id: string | undefined
 * ```
 */
export function claimsSchema<const S extends Readonly<Record<string, ClaimKind>>>(
  spec: S,
): ClaimsSchema<ClaimsOf<S>> {
  const fields = Object.entries(spec).map(([name, kind]) => {
    if (FORBIDDEN.has(name)) throw new InvalidSetting('claims', `a claim name other than ${name}`)
    const optional = kind.endsWith('?')
    return { name, optional, base: optional ? kind.slice(0, -1) : kind }
  })
  return (claims) => {
    const out: Record<string, unknown> = {}
    for (const { name, optional, base } of fields) {
      const value = Object.hasOwn(claims, name) ? claims[name] : undefined
      if (value === undefined) {
        if (!optional)
          throw new TokenInvalid(`The token has no "${name}" claim`, { reason: 'claims' })
      } else if (!matches(base, value)) {
        throw new TokenInvalid(`The token "${name}" claim is not a ${base}`, { reason: 'claims' })
      }
      out[name] = value
    }
    return out as ClaimsOf<S>
  }
}
