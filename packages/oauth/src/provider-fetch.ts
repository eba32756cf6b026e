import type { CustomFetch } from 'openid-client'

/** Options of {@link providerFetch}. */
export interface ProviderFetchOptions {
  /** The fetch to use (tests inject one); `globalThis.fetch` otherwise. */
  readonly fetch?: typeof fetch | undefined
  /** Sent as `User-Agent` unless the request sets one. */
  readonly userAgent: string
}

/**
 * The fetch every provider call goes through: injected or global, with our User-Agent, never
 * following redirects (a redirected token or JWKS request is an error, not a hop).
 */
export function providerFetch(options: ProviderFetchOptions): CustomFetch {
  const base = options.fetch ?? globalThis.fetch
  return (url, init) => {
    const headers = new Headers(init.headers)
    if (!headers.has('user-agent')) headers.set('user-agent', options.userAgent)
    return base(url, { ...init, headers, redirect: 'manual' })
  }
}

/** The User-Agent sent when `USER_AGENT` is not set (PSA sends `social-auth-<version>`). */
export const DEFAULT_USER_AGENT = 'social-auth-node/0.1'
