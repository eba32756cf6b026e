/** One counted request: how many the key has had in its current window, and when it ends. */
export interface RateLimitHit {
  /** Requests counted for the key in the current window, this one included. */
  readonly count: number
  /** When the current window ends, in epoch milliseconds. */
  readonly resetAt: number
}

/**
 * Where rate-limit counters live. A window starts at a key's first request and lasts
 * `windowMs`; `hit` counts one request atomically (two app nodes sharing a store must never
 * both see the same count). Implementations: {@link MemoryRateLimitStore} for one process,
 * {@link KnexRateLimitStore} for several app nodes on one database.
 *
 * @example
 * ```ts
 * const { count, resetAt } = await store.hit('begin:ip:203.0.113.7', 60_000, Date.now())
 * ```
 */
export interface RateLimitStore {
  /** Counts one request for `key` at `now` in a window of `windowMs`. */
  hit(key: string, windowMs: number, now: number): Promise<RateLimitHit>
  /** Forgets a key (an operator unblocking someone). */
  reset(key: string): Promise<void>
}
