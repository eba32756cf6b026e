import type { OAuth2Spec } from '@social-auth/oauth'

/**
 * What every provider factory accepts: another backend name (two instances side by side, each
 * with its own `SOCIAL_AUTH_<NAME>_…` settings) and the fetch for provider calls (tests).
 */
export interface ProviderOptions {
  readonly name?: string
  readonly fetch?: OAuth2Spec['fetch']
}

/** The spec fields a factory forwards from its options. */
export function forwarded(options: ProviderOptions): Pick<OAuth2Spec, 'fetch'> {
  return options.fetch ? { fetch: options.fetch } : {}
}
