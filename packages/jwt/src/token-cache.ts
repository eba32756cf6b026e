/** Limits of the verified-token cache. */
export interface TokenCacheOptions {
  /** At most this many tokens (default 10 000). */
  readonly maxEntries?: number
  /** At most this many token characters in all (default 16 MiB worth). */
  readonly maxChars?: number
  /** Re-verify a token after this many seconds even if it is still valid (default 300). */
  readonly maxTtlSeconds?: number
}

interface Entry<V> {
  readonly value: V
  readonly expiresAt: number
}

/**
 * Remembers tokens that passed verification, keyed by the whole token string (so two spellings
 * of a token never share an entry), until the earliest of its `exp`, its `iat` + max age, and a
 * TTL — never past `exp`, even by the verifier's leeway. Bounded by count and by size; the
 * oldest entries go first. A hit costs one `Map` lookup, which is what lets a repeated token
 * cost almost nothing.
 *
 * @example
 * ```ts
 * const cache = new TokenCache<UserData>({ maxEntries: 1000 })
 * cache.set(token, user, user.exp! * 1000, Date.now())
 * cache.get(token, Date.now()) // user, until exp
 * ```
 */
export class TokenCache<V> {
  readonly #entries = new Map<string, Entry<V>>()
  readonly #maxEntries: number
  readonly #maxChars: number
  readonly #maxTtlMs: number
  #chars = 0

  constructor(options: TokenCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000
    this.#maxChars = options.maxChars ?? 16 * 1024 * 1024
    this.#maxTtlMs = (options.maxTtlSeconds ?? 300) * 1000
  }

  /** How many tokens are cached. */
  get size(): number {
    return this.#entries.size
  }

  /** The cached value for `token`, unless it expired by `now` (epoch ms). */
  get(token: string, now: number): V | undefined {
    const entry = this.#entries.get(token)
    if (entry === undefined) return undefined
    if (now < entry.expiresAt) return entry.value
    this.#delete(token)
    return undefined
  }

  /** Caches `value` for `token` until `expiresAt` (epoch ms), capped by the TTL. */
  set(token: string, value: V, expiresAt: number, now: number): void {
    const until = Math.min(expiresAt, now + this.#maxTtlMs)
    if (!(until > now) || this.#maxEntries <= 0 || token.length > this.#maxChars) return
    if (this.#entries.has(token)) this.#delete(token)
    while (this.#entries.size >= this.#maxEntries || this.#chars + token.length > this.#maxChars) {
      const oldest = this.#entries.keys().next()
      if (oldest.done) break
      this.#delete(oldest.value)
    }
    this.#entries.set(token, { value, expiresAt: until })
    this.#chars += token.length
  }

  /** Forgets every token (e.g. after a key was revoked). */
  clear(): void {
    this.#entries.clear()
    this.#chars = 0
  }

  #delete(token: string): void {
    if (this.#entries.delete(token)) this.#chars -= token.length
  }
}
