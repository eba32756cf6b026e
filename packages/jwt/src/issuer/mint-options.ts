import { InvalidSetting } from '@social-auth/core'

/** What to put in an access token. */
export interface MintOptions {
  /** The user's id (`sub`), as a string. */
  readonly sub: string
  /** Granted scopes, written as the space-separated `scope` claim (RFC 9068 §2.2.3). */
  readonly scopes?: readonly string[] | undefined
  /** The user's roles (`roles`). */
  readonly roles?: readonly string[] | undefined
  /** `tenant_id`. */
  readonly tenantId?: string | undefined
  /** `workspace_id`. */
  readonly workspaceId?: string | undefined
  /** Overrides the issuer's default audience. */
  readonly audience?: string | readonly string[] | undefined
  /** Shorter lifetime than the issuer's default (seconds); never longer. */
  readonly ttlSeconds?: number | undefined
  /** The OAuth client the token was issued to (`client_id`, RFC 9068 §2.2). */
  readonly clientId?: string | undefined
  /** More claims; they cannot replace the ones above or the registered ones. */
  readonly claims?: Readonly<Record<string, unknown>> | undefined
}

/** The claims the issuer sets itself; extra claims may not override them. */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'scope',
  'scp',
  'scopes',
  'roles',
  'tenant_id',
  'workspace_id',
  'client_id',
  '__proto__',
  'constructor',
  'prototype',
])

// RFC 6749 §3.3 scope-token: printable ASCII without space, quote or backslash.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

const names = (
  kind: string,
  values: readonly string[] | undefined,
  pattern?: RegExp,
): readonly string[] => {
  const list = values ?? []
  for (const value of list)
    if (typeof value !== 'string' || value === '' || (pattern && !pattern.test(value)))
      throw new InvalidSetting(
        kind,
        pattern ? 'RFC 6749 scope tokens (no spaces or quotes)' : 'non-empty strings',
      )
  return [...new Set(list)]
}

/**
 * Checks mint options and builds the claims the issuer adds to `iss`, `aud`, `iat`, `exp`
 * and `jti`. Throws `InvalidSetting` for a caller mistake (empty `sub`, a scope with a space,
 * an extra claim that would override a reserved one).
 */
export function mintClaims(options: MintOptions): Record<string, unknown> {
  if (typeof options.sub !== 'string' || options.sub === '')
    throw new InvalidSetting('sub', 'a non-empty string')
  const claims: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(options.claims ?? {})) {
    if (RESERVED_CLAIMS.has(name))
      throw new InvalidSetting('claims', `free of the reserved claim "${name}"`)
    claims[name] = value
  }
  const scopes = names('scopes', options.scopes, SCOPE_TOKEN)
  const roles = names('roles', options.roles)
  claims.sub = options.sub
  if (scopes.length > 0) claims.scope = scopes.join(' ')
  claims.roles = roles
  if (options.tenantId !== undefined) claims.tenant_id = options.tenantId
  if (options.workspaceId !== undefined) claims.workspace_id = options.workspaceId
  return claims
}
