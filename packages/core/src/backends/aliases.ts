/**
 * PSA dotted paths of the backends this project ships, mapped to `module#export` specifiers.
 * Core imports none of them (it depends on no other package); they load on demand when an
 * app lists the dotted path in `AUTHENTICATION_BACKENDS`.
 */
const aliases = new Map<string, string>([
  ['social_core.backends.osso.OssoOAuth2', '@social-auth/backend-osso#osso'],
  ['social_core.backends.open_id_connect.OpenIdConnectAuth', '@social-auth/oauth#oidc'],
])

/**
 * Adds dotted-path aliases (a provider package calls this for its backends).
 *
 * @example
 * ```ts
 * registerBackendAliases({ 'social_core.backends.github.GithubOAuth2': '@social-auth/providers#github' })
 * ```
 */
export function registerBackendAliases(table: Record<string, string>): void {
  for (const [path, spec] of Object.entries(table)) aliases.set(path, spec)
}

/** The `module#export` for a PSA dotted path, or undefined. */
export function backendAlias(dottedPath: string): string | undefined {
  return aliases.get(dottedPath)
}

/** Every registered alias (for docs). */
export function backendAliases(): ReadonlyMap<string, string> {
  return aliases
}
