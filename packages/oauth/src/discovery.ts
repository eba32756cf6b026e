import * as client from 'openid-client'
import { AuthUnreachableProvider } from '@social-auth/core'
import { isLoopback } from './url-policy.js'

/** Options of {@link discoverIssuer}. */
export interface DiscoveryOptions {
  readonly fetch?: client.CustomFetch | undefined
  readonly timeoutSeconds: number
  /** Milliseconds since the epoch. */
  readonly now?: () => number
}

interface Entry {
  metadata?: client.ServerMetadata
  fetchedAt: number
  failures: number
  retryAt: number
  /** Why the last fetch failed: answered again while backing off. */
  lastError?: Error | undefined
  inFlight?: Promise<client.ServerMetadata>
}

// Discovery documents cached per issuer (not per backend class, as PSA does), refreshed daily,
// kept during an outage, and not refetched in a tight loop after failures.
const MAX_AGE_MS = 86_400_000
const MAX_BACKOFF_MS = 300_000
const entries = new Map<string, Entry>()

/**
 * The issuer's metadata from `/.well-known/openid-configuration`, validated by openid-client
 * (the document's `issuer` must equal the URL it was discovered from: `mapProviderError`
 * reports a mismatch as `ERR_AUTH_INVALID_RESPONSE`).
 */
export async function discoverIssuer(
  issuer: URL,
  options: DiscoveryOptions,
): Promise<client.ServerMetadata> {
  const now = (options.now ?? Date.now)()
  const key = issuer.href
  let entry = entries.get(key)
  if (!entry) entries.set(key, (entry = { fetchedAt: 0, failures: 0, retryAt: 0 }))
  if (entry.metadata && now - entry.fetchedAt < MAX_AGE_MS) return entry.metadata
  if (entry.inFlight) return entry.inFlight
  if (now < entry.retryAt) {
    if (entry.metadata) return entry.metadata
    // The last failure again, not a generic one: a wrong OIDC_ENDPOINT must not read as an
    // unreachable provider for the minutes the back-off lasts.
    throw entry.lastError ?? new AuthUnreachableProvider()
  }
  const current = entry
  current.inFlight = client
    .discovery(issuer, 'discovery', undefined, undefined, {
      timeout: options.timeoutSeconds,
      ...(options.fetch ? { [client.customFetch]: options.fetch } : {}),
      ...(isLoopback(issuer) && issuer.protocol === 'http:'
        ? { execute: [client.allowInsecureRequests] }
        : {}),
    })
    .then((config) => {
      current.metadata = { ...config.serverMetadata() }
      current.fetchedAt = (options.now ?? Date.now)()
      current.failures = 0
      current.lastError = undefined
      return current.metadata
    })
    .catch((err: unknown) => {
      current.failures += 1
      current.lastError = err instanceof Error ? err : undefined
      current.retryAt =
        (options.now ?? Date.now)() + Math.min(1000 * 2 ** (current.failures - 1), MAX_BACKOFF_MS)
      if (current.metadata) return current.metadata
      throw err
    })
    .finally(() => {
      current.inFlight = undefined
    })
  return current.inFlight
}

/** Forgets cached discovery documents (tests). */
export function clearDiscoveryCache(): void {
  entries.clear()
}
