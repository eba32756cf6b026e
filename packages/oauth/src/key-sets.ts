import { JwksCache, type JwksCacheOptions } from '@social-auth/core'

// One key-set cache per jwks_uri (and fetch implementation), shared by every backend that
// trusts that issuer: PSA caches per backend class, so two OIDC backends for one issuer
// fetched twice, and two issuers behind one class shared a cache.
const caches = new WeakMap<typeof fetch, Map<string, JwksCache>>()

/** The shared key-set cache for a `jwks_uri`. */
export function keySetFor(url: string, options: Omit<JwksCacheOptions, 'url'> = {}): JwksCache {
  const fetchImpl = options.fetch ?? globalThis.fetch
  let byUrl = caches.get(fetchImpl)
  if (!byUrl) caches.set(fetchImpl, (byUrl = new Map<string, JwksCache>()))
  let cache = byUrl.get(url)
  if (!cache) byUrl.set(url, (cache = new JwksCache({ ...options, url, fetch: fetchImpl })))
  return cache
}
