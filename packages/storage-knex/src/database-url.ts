/**
 * `DATABASE_URL` → knex configuration, in DESIGN.md's forms: `sqlite:PATH` (relative or
 * absolute), `sqlite::memory:`, and `postgres://user:pass@host:port/db`.
 */
import { isAbsolute, resolve } from 'node:path'
import { ImproperlyConfigured } from '@social-auth/core'
import { migrationConfig, type MigrationOptions } from '@social-auth/migrations'
import type { Knex } from 'knex'
// CommonJS without named exports for Node's ESM loader: the default import is module.exports.
import pgConnectionString from 'pg-connection-string'

/** Where `DATABASE_URL` points. */
export type DatabaseLocation =
  | { readonly kind: 'sqlite'; readonly filename: string; readonly memory: boolean }
  | { readonly kind: 'postgres'; readonly url: string }

/** Options of {@link knexConfigFromUrl}. */
export interface DatabaseUrlOptions {
  /** The directory relative SQLite paths start from; the working directory by default. */
  readonly cwd?: string
  /** The social-auth migration options, for the config's `migrations` section. */
  readonly migrations?: MigrationOptions
  /** How long a SQLite connection waits for another writer, in ms; 5000 by default. */
  readonly busyTimeoutMs?: number
  /** PostgreSQL pool size; knex's `{ min: 0, max: 10 }` by default. */
  readonly pool?: { readonly min?: number; readonly max?: number }
  /**
   * How long opening a PostgreSQL connection may take, in ms; 10000 by default, or libpq's
   * `connect_timeout` (seconds, 0 for none) when the URL carries it. Without a deadline a host
   * that accepts the connection and never answers holds a query (and the process) forever.
   */
  readonly connectTimeoutMs?: number
}

/** The SQLite file a `sqlite:` URL names when nothing is configured. */
export const DEFAULT_DATABASE_URL = 'sqlite:./data/social-auth.sqlite3'

// The message never repeats the URL: it may hold a password.
const FORMS =
  'DATABASE_URL must be sqlite:PATH, sqlite::memory: or postgres://user:pass@host:port/db'

/**
 * Reads a `DATABASE_URL`.
 *
 * @example
 * ```ts
 * parseDatabaseUrl('sqlite:data/app.db', '/srv') // { kind: 'sqlite', filename: '/srv/data/app.db', memory: false }
 * ```
 */
export function parseDatabaseUrl(url: string, cwd: string = process.cwd()): DatabaseLocation {
  const value = url.trim()
  if (/^postgres(ql)?:\/\//i.test(value)) {
    // An unencoded '#', '/' or '?' in the password breaks the URL; the driver would then
    // connect somewhere else (knex falls back to defaults) or fail with a stack trace.
    if (!URL.canParse(value))
      throw new ImproperlyConfigured(
        'DATABASE_URL is not a valid URL: percent-encode special characters in the user and password',
      )
    return { kind: 'postgres', url: value }
  }
  if (!/^sqlite:/i.test(value)) throw new ImproperlyConfigured(FORMS)
  let path = value.slice('sqlite:'.length)
  if (path === ':memory:') return { kind: 'sqlite', filename: ':memory:', memory: true }
  // Accept the URL spelling of an absolute path (sqlite:///srv/app.db); a host is meaningless.
  if (path.startsWith('//')) {
    if (!path.startsWith('///')) throw new ImproperlyConfigured(FORMS)
    path = path.slice(2)
  }
  if (path === '') throw new ImproperlyConfigured(FORMS)
  return { kind: 'sqlite', filename: isAbsolute(path) ? path : resolve(cwd, path), memory: false }
}

/** The part of a better-sqlite3 connection the pool hook uses. */
interface SqliteConnection {
  pragma(source: string): unknown
  prepare(source: string): unknown
}

// Prepared statements kept per connection. knex prepares every query again, and a login runs
// the same dozen statements each time; better-sqlite3 statements are reusable and SQLite
// re-prepares them itself after a schema change.
const STATEMENT_CACHE_SIZE = 256

/**
 * The URL read as knex reads it (the same parser and version, so the same fields, and a
 * `password` field that knex then hides from logs and inspection), plus a connect deadline.
 */
function postgresConnection(url: string, timeoutMs: number | undefined): Knex.PgConnectionConfig {
  const fields = pgConnectionString.parse(url) as ReturnType<typeof pgConnectionString.parse> & {
    connect_timeout?: string
  }
  const { connect_timeout: inUrl, ...rest } = fields
  const seconds = inUrl === undefined ? Number.NaN : Number(inUrl)
  return {
    ...(rest as Knex.PgConnectionConfig),
    connectionTimeoutMillis:
      Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : (timeoutMs ?? 10_000),
  }
}

/**
 * knex's warnings without the driver's stack: it warns on every failed connection attempt
 * (`Acquire connection error: <stack>`) while the caller gets the error itself, and a stack
 * trace for a mistyped password reads like a crash.
 */
function warnOneLine(message: unknown): void {
  const text = typeof message === 'string' ? message : String(message)
  console.warn(`knex: ${text.split('\n', 1)[0]}`)
}

/** Makes `connection.prepare` reuse statements by SQL text (bounded). */
function cachePreparedStatements(connection: SqliteConnection): void {
  const prepare = connection.prepare.bind(connection)
  const cache = new Map<string, unknown>()
  connection.prepare = (source: string): unknown => {
    let statement = cache.get(source)
    if (statement === undefined) {
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear()
      statement = prepare(source)
      cache.set(source, statement)
    }
    return statement
  }
}

/**
 * A knex configuration for a `DATABASE_URL`, including the social-auth `migrations` section,
 * so it doubles as a knexfile. Driver errors carry the SQL without its values
 * (`compileSqlOnError: false`), so a failed write never puts a token into a log line. SQLite
 * gets one connection (better-sqlite3 is synchronous, and
 * one writer per process is what SQLite allows), foreign keys on, and for files WAL mode and
 * a busy timeout so several processes can share the file.
 *
 * @example
 * ```ts
 * const knex = Knex(knexConfigFromUrl(process.env.DATABASE_URL ?? 'sqlite::memory:'))
 * ```
 */
export function knexConfigFromUrl(url: string, options: DatabaseUrlOptions = {}): Knex.Config {
  const location = parseDatabaseUrl(url, options.cwd)
  const migrations = migrationConfig(options.migrations)
  if (location.kind === 'postgres') {
    return {
      client: 'pg',
      connection: postgresConnection(location.url, options.connectTimeoutMs),
      compileSqlOnError: false,
      log: { warn: warnOneLine },
      pool: { min: options.pool?.min ?? 0, max: options.pool?.max ?? 10 },
      migrations,
    }
  }
  const busyTimeout = options.busyTimeoutMs ?? 5000
  return {
    client: 'better-sqlite3',
    connection: { filename: location.filename },
    useNullAsDefault: true,
    compileSqlOnError: false,
    log: { warn: warnOneLine },
    pool: {
      min: 1,
      max: 1,
      afterCreate(
        connection: SqliteConnection,
        done: (err: Error | null, connection: SqliteConnection) => void,
      ) {
        try {
          // Per connection: SQLite forgets pragmas when a connection closes.
          connection.pragma('foreign_keys = ON')
          if (!location.memory) {
            connection.pragma('journal_mode = WAL')
            connection.pragma('synchronous = NORMAL')
          }
          connection.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeout))}`)
          cachePreparedStatements(connection)
          done(null, connection)
        } catch (err) {
          done(err as Error, connection)
        }
      },
    },
    migrations,
  }
}
