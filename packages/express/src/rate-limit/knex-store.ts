import { createHash, createHmac } from 'node:crypto'
import type { Knex } from 'knex'
import type { RateLimitHit, RateLimitStore } from './store.js'

/** Options of {@link KnexRateLimitStore}. */
export interface KnexRateLimitStoreOptions {
  /** The table (default `social_auth_rate_limit`). */
  readonly tableName?: string
  /** Create the table on first use when it is missing (default true). */
  readonly createTable?: boolean
  /** Delete ended windows this often, in seconds; 0 turns it off (default 300). */
  readonly pruneIntervalSeconds?: number
  /**
   * Keys are stored as hashes, so the table never holds an email or an address in clear. With
   * a secret they are HMAC-SHA-256 (a leaked table cannot be matched against a list of
   * emails); without one, plain SHA-256.
   */
  readonly secret?: string
  /** The clock for pruning, in milliseconds (tests inject one). */
  readonly now?: () => number
}

/** A counter row; bigint columns arrive as strings from pg. */
interface Row {
  count: number | string
  reset_at: number | string
}

const DIALECTS = new Set(['pg', 'postgres', 'postgresql', 'better-sqlite3', 'sqlite3'])

/**
 * Rate-limit counters in a database table (SQLite or PostgreSQL), so that several app nodes
 * share one limit. Each request is one atomic `INSERT … ON CONFLICT DO UPDATE … RETURNING`:
 * concurrent requests on any node see distinct counts, and no read-then-write race lets a
 * burst through.
 *
 * @example
 * ```ts
 * const store = new KnexRateLimitStore(knex, { secret: process.env.SESSION_SECRET })
 * socialAuthExpress(social, { rateLimit: { store } })
 * // on shutdown: store.close()
 * ```
 */
export class KnexRateLimitStore implements RateLimitStore {
  readonly tableName: string
  readonly #knex: Knex
  readonly #createTable: boolean
  readonly #secret: string | undefined
  readonly #now: () => number
  #ready: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined

  constructor(knex: Knex, options: KnexRateLimitStoreOptions = {}) {
    const configured = (knex.client as { config?: { client?: unknown } }).config?.client
    const client = typeof configured === 'string' ? configured : 'an unknown client'
    if (!DIALECTS.has(client))
      throw new TypeError(`KnexRateLimitStore supports PostgreSQL and SQLite, not "${client}"`)
    this.#knex = knex
    this.tableName = options.tableName ?? 'social_auth_rate_limit'
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(this.tableName))
      throw new TypeError(`tableName must be a plain SQL identifier, got "${this.tableName}"`)
    this.#createTable = options.createTable ?? true
    this.#secret = options.secret
    this.#now = options.now ?? Date.now
    const prune = options.pruneIntervalSeconds ?? 300
    if (prune > 0) {
      this.#timer = setInterval(() => void this.prune().catch(() => undefined), prune * 1000)
      // Pruning must never keep a process alive that has nothing else to do.
      this.#timer.unref()
    }
  }

  /** Creates the table if it is missing (also run lazily before the first query). */
  ensureTable(): Promise<void> {
    this.#ready ??= (async () => {
      if (!this.#createTable) return
      if (await this.#knex.schema.hasTable(this.tableName)) return
      try {
        await this.#knex.schema.createTable(this.tableName, (table) => {
          table.string('key', 64).primary()
          table.integer('count').notNullable()
          table.bigInteger('reset_at').notNullable().index()
        })
      } catch (err) {
        // Another node created it between our check and our CREATE.
        if (!(await this.#knex.schema.hasTable(this.tableName))) throw err
      }
    })().catch((err: unknown) => {
      this.#ready = undefined
      throw err
    })
    return this.#ready
  }

  #digest(key: string): string {
    return this.#secret === undefined
      ? createHash('sha256').update(key).digest('hex')
      : createHmac('sha256', this.#secret).update(key).digest('hex')
  }

  async hit(key: string, windowMs: number, now: number): Promise<RateLimitHit> {
    await this.ensureTable()
    const t = this.tableName
    const resetAt = Math.floor(now + windowMs)
    const at = Math.floor(now)
    // Both PostgreSQL and SQLite (≥ 3.35) evaluate every SET expression against the old row,
    // so the window is restarted and the count reset together, or neither.
    const result: unknown = await this.#knex.raw(
      `INSERT INTO "${t}" ("key", "count", "reset_at") VALUES (?, 1, ?)
       ON CONFLICT ("key") DO UPDATE SET
         "count" = CASE WHEN "${t}"."reset_at" <= ? THEN 1 ELSE "${t}"."count" + 1 END,
         "reset_at" = CASE WHEN "${t}"."reset_at" <= ? THEN ? ELSE "${t}"."reset_at" END
       RETURNING "count", "reset_at"`,
      [this.#digest(key), resetAt, at, at, resetAt],
    )
    const rows = (Array.isArray(result) ? result : (result as { rows?: Row[] }).rows) as
      Row[] | undefined
    const row = rows?.[0]
    if (!row) throw new Error('the rate-limit counter was not returned')
    return { count: Number(row.count), resetAt: Number(row.reset_at) }
  }

  async reset(key: string): Promise<void> {
    await this.ensureTable()
    await this.#knex(this.tableName)
      .where({ key: this.#digest(key) })
      .delete()
  }

  /** Deletes ended windows; resolves to how many. */
  async prune(): Promise<number> {
    await this.ensureTable()
    return this.#knex(this.tableName).where('reset_at', '<=', this.#now()).delete()
  }

  /** Stops the prune timer. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
  }
}
