/**
 * One database transaction per login. On SQLite it starts with `BEGIN IMMEDIATE`: knex sends a
 * deferred `BEGIN`, which takes the write lock only at the first write, so two processes that
 * both read "no such account" would then collide (SQLITE_BUSY, or SQLITE_BUSY_SNAPSHOT in WAL
 * mode, which no busy timeout cures). Taking the lock up front serialises logins across
 * connections and processes; `busy_timeout` makes the others wait their turn.
 */
import type { SchemaDialect } from '@social-auth/migrations'
import type { Knex } from 'knex'

/** The part of knex's (internal, stable since 0.x) Transaction this module overrides. */
interface PendingTransaction {
  begin?: (this: PendingTransaction, connection: unknown) => Promise<unknown>
  query(connection: unknown, sql: string): Promise<unknown>
}

/** The statement that opens a top-level SQLite transaction. */
export const SQLITE_BEGIN = 'BEGIN IMMEDIATE;'

/**
 * Runs `work` in a transaction of `db`: a top-level transaction of a knex instance, or a
 * savepoint inside a transaction.
 */
export function runTransaction<T>(
  db: Knex,
  dialect: SchemaDialect,
  work: (trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  // knex builds the transaction object synchronously and calls `begin` on it only after it has
  // a connection, so replacing `begin` on this one object changes only this transaction.
  const pending = db.transaction(work) as unknown as PendingTransaction & Promise<T>
  if (dialect === 'sqlite3' && !db.isTransaction && typeof pending.begin === 'function') {
    pending.begin = function begin(connection) {
      return this.query(connection, SQLITE_BEGIN)
    }
  }
  return pending
}
