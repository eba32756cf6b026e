import { KeySetUnavailable } from '../errors.js'
import { readLimited } from './read-limited.js'

/** A JSON Web Key Set as published at a `jwks_uri`. */
export interface JsonWebKeySet {
  readonly keys: readonly Record<string, unknown>[]
}

/** Options of {@link JwksCache}. */
export interface JwksCacheOptions {
  /** The `jwks_uri`. */
  readonly url: string
  readonly fetch?: typeof fetch
  /** Milliseconds since the epoch (tests inject a clock). */
  readonly now?: () => number
  /** Refresh keys older than this (default 10 min). */
  readonly maxAgeMs?: number
  /** Minimum time between refetches caused by an unknown `kid` (default 30 s). */
  readonly cooldownMs?: number
  /** Keep serving the last good keys this long while the endpoint fails (default 24 h). */
  readonly staleIfErrorMs?: number
  /** Abort a fetch after this long (default 5 s). */
  readonly timeoutMs?: number
  /** Refuse bodies larger than this (default 256 KiB). */
  readonly maxBytes?: number
  /** Refuse sets with more keys than this (default 50). */
  readonly maxKeys?: number
  /** Told about every failed fetch (metrics, logs). */
  readonly onFetchError?: (err: unknown) => void
}

// Back-off after failures: 1 s, 2 s, 4 s … capped at 5 min (security.md §3.3).
const MAX_BACKOFF_MS = 300_000

/**
 * A remote key set with the fetch discipline an auth framework needs and jose's and
 * oauth4webapi's caches lack in part: one fetch in flight at a time, a refetch on an unknown
 * `kid` at most once per cooldown, exponential back-off after failures, the last good keys
 * kept during an outage, and size, count and time limits on what is fetched.
 *
 * @example
 * ```ts
 * const cache = new JwksCache({ url: 'https://op.example/jwks' })
 * const { keys } = await cache.get()
 * ```
 */
export class JwksCache {
  readonly url: string
  readonly #fetch: typeof fetch
  readonly #now: () => number
  readonly #maxAgeMs: number
  readonly #cooldownMs: number
  readonly #staleIfErrorMs: number
  readonly #timeoutMs: number
  readonly #maxBytes: number
  readonly #maxKeys: number
  readonly #onFetchError: (err: unknown) => void
  #keys: JsonWebKeySet | undefined
  #fetchedAt = 0
  #fetches = 0
  #lastUnknownKidRefetch = Number.NEGATIVE_INFINITY
  #failures = 0
  #retryAt = 0
  #inFlight: Promise<JsonWebKeySet> | undefined
  /** How many fetches were started (for tests and metrics). */
  fetchCount = 0

  constructor(options: JwksCacheOptions) {
    this.url = options.url
    this.#fetch = options.fetch ?? globalThis.fetch
    this.#now = options.now ?? Date.now
    this.#maxAgeMs = options.maxAgeMs ?? 600_000
    this.#cooldownMs = options.cooldownMs ?? 30_000
    this.#staleIfErrorMs = options.staleIfErrorMs ?? 86_400_000
    this.#timeoutMs = options.timeoutMs ?? 5_000
    this.#maxBytes = options.maxBytes ?? 262_144
    this.#maxKeys = options.maxKeys ?? 50
    this.#onFetchError = options.onFetchError ?? (() => {})
  }

  /** The cached keys, fetched first when there are none or they are older than the max age. */
  async get(): Promise<JsonWebKeySet> {
    return this.peek() ?? this.#refresh()
  }

  /**
   * The cached keys when {@link JwksCache.get} would answer them without fetching, else
   * undefined: lets a verifier check a token without waiting for a promise.
   */
  peek(): JsonWebKeySet | undefined {
    return this.#keys && this.#now() - this.#fetchedAt < this.#maxAgeMs ? this.#keys : undefined
  }

  /**
   * Called when a token names a `kid` the cached keys lack: refetches once, unless a refetch
   * for that reason happened within the cooldown (so random `kid`s cannot make us hammer the
   * provider). True when fresh keys were fetched.
   */
  async refreshForUnknownKid(): Promise<boolean> {
    const now = this.#now()
    if (now - this.#lastUnknownKidRefetch < this.#cooldownMs) return false
    if (now < this.#retryAt) return false
    this.#lastUnknownKidRefetch = now
    // Counted, not timed: two fetches within one millisecond have the same fetchedAt.
    const before = this.#fetches
    await this.#refresh()
    return this.#fetches !== before
  }

  #refresh(): Promise<JsonWebKeySet> {
    if (this.#inFlight) return this.#inFlight
    const now = this.#now()
    if (now < this.#retryAt)
      return this.#staleOrThrow(
        new KeySetUnavailable('The signing keys endpoint is backing off after failures'),
      )
    this.#inFlight = this.#download()
      .then((keys) => {
        this.#keys = keys
        this.#fetchedAt = this.#now()
        this.#fetches += 1
        this.#failures = 0
        this.#retryAt = 0
        return keys
      })
      .catch((err: unknown) => {
        this.#onFetchError(err)
        this.#failures += 1
        this.#retryAt = this.#now() + Math.min(1000 * 2 ** (this.#failures - 1), MAX_BACKOFF_MS)
        return this.#staleOrThrow(new KeySetUnavailable(undefined, { cause: err }))
      })
      .finally(() => {
        this.#inFlight = undefined
      })
    return this.#inFlight
  }

  #staleOrThrow(error: KeySetUnavailable): Promise<JsonWebKeySet> {
    if (this.#keys && this.#now() - this.#fetchedAt < this.#staleIfErrorMs)
      return Promise.resolve(this.#keys)
    return Promise.reject(error)
  }

  async #download(): Promise<JsonWebKeySet> {
    this.fetchCount += 1
    const response = await this.#fetch(this.url, {
      headers: { accept: 'application/json, application/jwk-set+json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(this.#timeoutMs),
    })
    if (response.status !== 200) {
      await response.body?.cancel()
      throw new Error(`JWKS endpoint answered HTTP ${response.status}`)
    }
    const parsed = JSON.parse(await readLimited(response, this.#maxBytes)) as unknown
    const keys = (parsed as { keys?: unknown } | null)?.keys
    if (
      !Array.isArray(keys) ||
      !keys.every((key) => typeof key === 'object' && key !== null && !Array.isArray(key))
    ) {
      throw new Error('JWKS endpoint did not answer a key set')
    }
    if (keys.length > this.#maxKeys)
      throw new Error(`JWKS has ${keys.length} keys, more than ${this.#maxKeys}`)
    return { keys: keys as Record<string, unknown>[] }
  }
}
