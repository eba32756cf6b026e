import type { Knex } from 'knex'

/** A row of the sessions table (bigint columns arrive as strings from pg). */
export interface SessionRow {
  sid: string
  sess: string
  expires: number | string
}

/** The queries {@link KnexSessionStore} runs on every request, for one database. */
export interface SessionRows {
  find(sid: string): Promise<SessionRow | undefined>
  /** Moves row `from` to id `sid` with new contents; false when there was no row `from`. */
  move(from: string, sid: string, sess: string, expires: number): Promise<boolean>
  upsert(sid: string, sess: string, expires: number): Promise<void>
  remove(sid: string): Promise<void>
  /** Sets the expiry of a row whose expiry is before `ifBefore`. */
  extend(sid: string, expires: number, ifBefore: number): Promise<void>
}

/** The session queries through knex's query builder (any database knex drives). */
export function knexSessionRows(knex: Knex, table: string): SessionRows {
  return {
    find: (sid) => knex<SessionRow>(table).where({ sid }).first(),
    async move(from, sid, sess, expires) {
      return (await knex(table).where({ sid: from }).update({ sid, sess, expires })) > 0
    },
    async upsert(sid, sess, expires) {
      await knex(table).insert({ sid, sess, expires }).onConflict('sid').merge(['sess', 'expires'])
    },
    async remove(sid) {
      await knex(table).where({ sid }).delete()
    },
    async extend(sid, expires, ifBefore) {
      await knex(table).where({ sid }).andWhere('expires', '<', ifBefore).update({ expires })
    },
  }
}

/** The parts of a better-sqlite3 connection and of knex's client used below. */
interface SqliteStatement {
  get(...params: unknown[]): unknown
  run(...params: unknown[]): { changes: number }
}
interface SqliteConnection {
  prepare(source: string): SqliteStatement
}
interface PooledClient {
  acquireConnection(): Promise<SqliteConnection>
  releaseConnection(connection: SqliteConnection): Promise<void>
}

/** True when `knex` drives better-sqlite3 (see {@link sqliteSessionRows}). */
export const drivesBetterSqlite = (knex: Knex): boolean =>
  (knex.client as { driverName?: unknown }).driverName === 'better-sqlite3'

/**
 * The same queries on better-sqlite3, as prepared statements on a connection taken from knex's
 * pool: knex builds and compiles each query anew (tens of microseconds of JavaScript, more
 * than SQLite's own work here), and a session is read and written on nearly every request.
 * Taking the connection from the pool keeps knex's order: a query waits while a transaction
 * holds the connection. These queries do not show in knex's `query` events.
 */
export function sqliteSessionRows(knex: Knex, table: string): SessionRows {
  const client = knex.client as unknown as PooledClient
  // Names as knex writes them (its quoting, a `schema.table` name, the app's wrapIdentifier),
  // so these statements find the table knex created.
  const [name, sid, sess, expires] = [table, 'sid', 'sess', 'expires'].map((identifier) =>
    knex.ref(identifier).toQuery(),
  ) as [string, string, string, string]
  const sql = {
    find: `select ${sid} as sid, ${sess} as sess, ${expires} as expires from ${name} where ${sid} = ?`,
    move: `update ${name} set ${sid} = ?, ${sess} = ?, ${expires} = ? where ${sid} = ?`,
    upsert: `insert into ${name} (${sid}, ${sess}, ${expires}) values (?, ?, ?) on conflict (${sid}) do update set ${sess} = excluded.${sess}, ${expires} = excluded.${expires}`,
    remove: `delete from ${name} where ${sid} = ?`,
    extend: `update ${name} set ${expires} = ? where ${sid} = ? and ${expires} < ?`,
  }
  // Per connection: statements belong to the connection that prepared them (storage-knex's
  // connectDatabase caches `prepare` too, but a plain knex's connections do not).
  const prepared = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>()

  async function on<T>(source: string, work: (statement: SqliteStatement) => T): Promise<T> {
    const connection = await client.acquireConnection()
    try {
      let statements = prepared.get(connection)
      if (!statements) prepared.set(connection, (statements = new Map<string, SqliteStatement>()))
      let statement = statements.get(source)
      if (!statement) statements.set(source, (statement = connection.prepare(source)))
      return work(statement)
    } finally {
      await client.releaseConnection(connection)
    }
  }

  return {
    find: (sid) => on(sql.find, (s) => s.get(sid) as SessionRow | undefined),
    move: (from, sid, sess, expires) =>
      on(sql.move, (s) => s.run(sid, sess, expires, from).changes > 0),
    upsert: (sid, sess, expires) => on(sql.upsert, (s) => void s.run(sid, sess, expires)),
    remove: (sid) => on(sql.remove, (s) => void s.run(sid)),
    extend: (sid, expires, ifBefore) => on(sql.extend, (s) => void s.run(expires, sid, ifBefore)),
  }
}
