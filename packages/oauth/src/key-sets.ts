import { JwksCache } from '@social-auth/core'
import { httpFetch } from './http-fetch.js'
import { DEFAULT_USER_AGENT, providerFetch } from './provider-fetch.js'

/** Options of {@link keySetFor}: how the key set is fetched, as every provider call is. */
export interface KeySetOptions {
  /** The backend's injected fetch (tests); {@link httpFetch} otherwise. */
  readonly fetch?: typeof fetch | undefined
  /** `USER_AGENT` (default {@link DEFAULT_USER_AGENT}). */
  readonly userAgent?: string | undefined
  /** `REQUESTS_TIMEOUT`: seconds a fetch of the keys may take (default 5). */
  readonly timeoutSeconds?: number | undefined
  /** Milliseconds since the epoch (tests inject a clock). */
  readonly now?: (() => number) | undefined
}

// One key-set cache per jwks_uri (and fetch implementation, User-Agent and deadline), shared
// by every backend that trusts that issuer: PSA caches per backend class, so two OIDC backends
// for one issuer fetched twice, and two issuers behind one class shared a cache.
const caches = new WeakMap<typeof fetch, Map<string, JwksCache>>()

/**
 * The shared key-set cache for a `jwks_uri`, fetched through the provider fetch: the
 * backend's User-Agent, `REQUESTS_TIMEOUT` and no redirects, like discovery and the token call.
 */
export function keySetFor(url: string, options: KeySetOptions = {}): JwksCache {
  const base = options.fetch ?? httpFetch
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT
  const timeoutSeconds = options.timeoutSeconds ?? 5
  let byKey = caches.get(base)
  if (!byKey) caches.set(base, (byKey = new Map<string, JwksCache>()))
  const key = JSON.stringify([url, userAgent, timeoutSeconds])
  let cache = byKey.get(key)
  if (!cache) {
    cache = new JwksCache({
      url,
      // The cache sends its own abort signal: providerFetch then adds no deadline of its own.
      fetch: providerFetch({ fetch: options.fetch, userAgent }) as typeof fetch,
      // As for the other calls, a REQUESTS_TIMEOUT that is not positive sets no deadline of its
      // own; the cache then keeps its default (it never fetches without one).
      ...(timeoutSeconds > 0 ? { timeoutMs: timeoutSeconds * 1000 } : {}),
      ...(options.now ? { now: options.now } : {}),
    })
    byKey.set(key, cache)
  }
  return cache
}
