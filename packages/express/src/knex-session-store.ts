import type { Request } from 'express'
import session, { type SessionData } from 'express-session'
import type { Knex } from 'knex'
import {
  drivesBetterSqlite,
  knexSessionRows,
  sqliteSessionRows,
  type SessionRows,
} from './session-rows.js'

/** Options of {@link KnexSessionStore}. */
export interface KnexSessionStoreOptions {
  /** The table (default `social_auth_session`). */
  readonly tableName?: string
  /** Create the table on first use when it is missing (default true). */
  readonly createTable?: boolean
  /** Lifetime of a session without a cookie expiry, in seconds (default one day). */
  readonly ttlSeconds?: number
  /** Delete expired rows this often, in seconds; 0 turns it off (default 900). */
  readonly pruneIntervalSeconds?: number
  /** `touch` skips the write when the expiry moved less than this, in seconds (default 60). */
  readonly touchAfterSeconds?: number
  /** The clock, in milliseconds (tests inject one). */
  readonly now?: () => number
}

type Callback<T = void> = (err?: unknown, value?: T) => void

/**
 * An express-session store on knex (SQLite or PostgreSQL), so several app nodes share sessions:
 * a login begun on one node finishes on another. Rows are `(sid, sess JSON, expires ms)` in
 * `social_auth_session`; expired rows are never returned and are pruned in the background.
 *
 * @example
 * ```ts
 * const store = new KnexSessionStore(knex)
 * app.use(sessionMiddleware({ secret: process.env.SESSION_SECRET!, store }))
 * // on shutdown: store.close()
 * ```
 */
export class KnexSessionStore extends session.Store {
  readonly tableName: string
  private readonly knex: Knex
  private readonly rows: SessionRows
  private readonly ttlMs: number
  private readonly touchAfterMs: number
  private readonly now: () => number
  private ready: Promise<void> | undefined
  private readonly createTable: boolean
  private timer: NodeJS.Timeout | undefined
  /**
   * The expiry this store wrote for each session object, for the request's lifetime:
   * express-session passes the request's own session object to `set` and `touch`, and it
   * touches a session at the end of every request that did not save it — also one a route
   * saved explicitly before redirecting. That touch can skip its query: the row was written
   * moments ago with an expiry this store knows.
   */
  private readonly written = new WeakMap<object, { sid: string; expires: number }>()
  /**
   * Sessions {@link renewSessionId} made, to the id they replace: their first `set` moves the
   * old row to the new id (one write where express-session does a delete, then an insert).
   */
  private readonly replacing = new WeakMap<object, string>()

  constructor(knex: Knex, options: KnexSessionStoreOptions = {}) {
    super()
    this.knex = knex
    this.tableName = options.tableName ?? 'social_auth_session'
    this.rows = (drivesBetterSqlite(knex) ? sqliteSessionRows : knexSessionRows)(
      knex,
      this.tableName,
    )
    this.createTable = options.createTable ?? true
    this.ttlMs = (options.ttlSeconds ?? 86_400) * 1000
    this.touchAfterMs = (options.touchAfterSeconds ?? 60) * 1000
    this.now = options.now ?? Date.now
    const prune = options.pruneIntervalSeconds ?? 900
    if (prune > 0) {
      this.timer = setInterval(
        () => void this.prune().catch((err: unknown) => this.reportPruneFailure(err)),
        prune * 1000,
      )
      // Pruning must never keep a process alive that has nothing else to do.
      this.timer.unref()
    }
  }

  /** Creates the table if it is missing (also run lazily before the first query). */
  ensureTable(): Promise<void> {
    this.ready ??= (async () => {
      if (!this.createTable) return
      if (await this.knex.schema.hasTable(this.tableName)) return
      try {
        await this.knex.schema.createTable(this.tableName, (table) => {
          table.string('sid', 255).primary()
          table.text('sess').notNullable()
          table.bigInteger('expires').notNullable().index()
        })
      } catch (err) {
        // Another node created it between our check and our CREATE.
        if (!(await this.knex.schema.hasTable(this.tableName))) throw err
      }
    })().catch((err: unknown) => {
      this.ready = undefined
      throw err
    })
    return this.ready
  }

  /** Deletes expired sessions; resolves to how many. */
  async prune(): Promise<number> {
    await this.ensureTable()
    return this.knex(this.tableName).where('expires', '<=', this.now()).delete()
  }

  // An 'error' event nobody listens to would end the process: a database blip must not.
  private reportPruneFailure(err: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', err)
    else console.warn(`KnexSessionStore: pruning expired sessions failed: ${String(err)}`)
  }

  /** Stops the prune timer. */
  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  private expiryOf(sess: SessionData): number {
    const expires = sess.cookie?.expires
    const at = expires ? new Date(expires).getTime() : Number.NaN
    return Number.isFinite(at) ? at : this.now() + this.ttlMs
  }

  private run<T>(work: () => Promise<T>, callback: Callback<T> | undefined): void {
    this.ensureTable()
      .then(work)
      .then(
        (value) => callback?.(undefined, value),
        (err: unknown) => callback?.(err),
      )
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.run(
      async () => {
        const row = await this.rows.find(sid)
        if (!row || Number(row.expires) <= this.now()) return null
        try {
          return JSON.parse(row.sess) as SessionData
        } catch {
          // A row that is not JSON is treated as no session rather than a failing request.
          return null
        }
      },
      (err, value) => callback(err, value ?? null),
    )
  }

  override set(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    const expires = this.expiryOf(sess)
    this.run(async () => {
      const json = JSON.stringify(sess)
      const previous = this.replacing.get(sess)
      // The old id stops working in the same statement that makes the new one.
      const moved = previous !== undefined && (await this.rows.move(previous, sid, json, expires))
      if (!moved) await this.rows.upsert(sid, json, expires)
      this.replacing.delete(sess)
      this.written.set(sess, { sid, expires })
    }, callback)
  }

  /**
   * A new session id for a login (session fixation) whose session is saved before the
   * response ends, as `logInSession` does: the new session's first `set` moves the old row to
   * the new id in one write, where express-session's `regenerate` deletes it now and inserts
   * the new one then. Until that write the old id keeps what it held before the login, never
   * the new user; if the save fails, it keeps it, as if the login had not happened. Returns
   * false (nothing done) when express-session has not given this store its `generate`.
   */
  renewSessionId(req: Request): boolean {
    const generate = (this as { generate?: (req: Request) => void }).generate
    if (!generate) return false
    const previous = req.sessionID
    generate.call(this, req)
    this.replacing.set(req.session, previous)
    return true
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.run(() => this.rows.remove(sid), callback)
  }

  override touch(sid: string, sess: SessionData, callback?: () => void): void {
    const expires = this.expiryOf(sess)
    const wrote = this.written.get(sess)
    if (wrote?.sid === sid && expires - wrote.expires <= this.touchAfterMs) {
      // The same rule as the query below, on the row this store just wrote.
      callback?.()
      return
    }
    this.run(
      async () => {
        // Only rows whose expiry moved enough are written: a read-only page view stays a read.
        await this.rows.extend(sid, expires, expires - this.touchAfterMs)
      },
      () => callback?.(),
    )
  }

  override clear(callback?: (err?: unknown) => void): void {
    this.run(async () => {
      await this.knex(this.tableName).delete()
    }, callback)
  }

  override length(callback: (err: unknown, length?: number) => void): void {
    this.run(
      async () => {
        const row = (await this.knex(this.tableName)
          .where('expires', '>', this.now())
          .count({ n: '*' })
          .first()) as { n: number | string } | undefined
        return Number(row?.n ?? 0)
      },
      (err, value) => callback(err, value),
    )
  }
}
