import type { CustomFetch } from 'openid-client'
import { httpFetch } from './http-fetch.js'

/** Options of {@link providerFetch}. */
export interface ProviderFetchOptions {
  /** The fetch to use (tests inject one); {@link httpFetch} (node:http, keep-alive) otherwise. */
  readonly fetch?: typeof fetch | undefined
  /** Sent as `User-Agent` unless the request sets one. */
  readonly userAgent: string
  /**
   * The most a call may take, in seconds (`REQUESTS_TIMEOUT`), for calls that bring no abort
   * signal of their own. openid-client is configured without a timeout so that this one
   * applies: a plain timer for our own fetch, an `AbortSignal.timeout` for an injected one.
   */
  readonly timeoutSeconds?: number | undefined
}

/**
 * The fetch every provider call goes through: injected or {@link httpFetch}, with our
 * User-Agent and deadline, never following redirects (a redirected token or JWKS request is an
 * error, not a hop).
 */
export function providerFetch(options: ProviderFetchOptions): CustomFetch {
  const base = options.fetch ?? httpFetch
  const timeoutMs =
    options.timeoutSeconds !== undefined && options.timeoutSeconds > 0
      ? options.timeoutSeconds * 1000
      : undefined
  return (url, init) => {
    const headers = new Headers(init.headers)
    if (!headers.has('user-agent')) headers.set('user-agent', options.userAgent)
    const request: RequestInit = { ...init, headers, redirect: 'manual' }
    if (init.signal || timeoutMs === undefined) return base(url, request)
    // An AbortSignal.timeout per call costs more than the rest of our fetch; a timer does.
    if (base === httpFetch) return httpFetch(url, request, { timeoutMs })
    return base(url, { ...request, signal: AbortSignal.timeout(timeoutMs) })
  }
}

/** The User-Agent sent when `USER_AGENT` is not set (PSA sends `social-auth-<version>`). */
export const DEFAULT_USER_AGENT = 'social-auth-node/0.1'
