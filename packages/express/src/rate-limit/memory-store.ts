import type { RateLimitHit, RateLimitStore } from './store.js'

/** Options of {@link MemoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /**
   * The most keys kept (default 50 000). Past it, expired windows are dropped first, then the
   * oldest windows: a flood of distinct keys (random emails, spoofed identities) cannot grow
   * the process without bound. Per-IP limits cap how fast one client can create keys.
   */
  readonly maxKeys?: number
}

interface Window {
  count: number
  resetAt: number
}

/**
 * Fixed-window counters in this process's memory: the default store, right for one app node.
 * Several nodes each count on their own (a client gets up to N × the limit); use
 * {@link KnexRateLimitStore} to share the counters.
 *
 * @example
 * ```ts
 * socialAuthExpress(social, { rateLimit: { store: new MemoryRateLimitStore({ maxKeys: 10_000 }) } })
 * ```
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #windows = new Map<string, Window>()
  readonly #maxKeys: number

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    const maxKeys = options.maxKeys ?? 50_000
    if (!Number.isInteger(maxKeys) || maxKeys < 1)
      throw new TypeError('maxKeys must be a positive integer')
    this.#maxKeys = maxKeys
  }

  /** How many keys are held (for tests and metrics). */
  get size(): number {
    return this.#windows.size
  }

  async hit(key: string, windowMs: number, now: number): Promise<RateLimitHit> {
    let window = this.#windows.get(key)
    if (!window || window.resetAt <= now) {
      // Re-inserted so that Map order stays "oldest window first" for eviction.
      this.#windows.delete(key)
      window = { count: 0, resetAt: now + windowMs }
      this.#windows.set(key, window)
      if (this.#windows.size > this.#maxKeys) this.#evict(now)
    }
    window.count += 1
    return { count: window.count, resetAt: window.resetAt }
  }

  async reset(key: string): Promise<void> {
    this.#windows.delete(key)
  }

  #evict(now: number): void {
    for (const [key, window] of this.#windows) {
      if (window.resetAt <= now) this.#windows.delete(key)
    }
    // Still full of live windows: drop the oldest tenth at once, so eviction stays amortised.
    const target = Math.floor(this.#maxKeys * 0.9)
    for (const key of this.#windows.keys()) {
      if (this.#windows.size <= target) break
      this.#windows.delete(key)
    }
  }
}
