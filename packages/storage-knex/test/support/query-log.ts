/** Records the statements a knex instance sends, transactions' BEGIN/COMMIT/SAVEPOINT included. */
import type { Knex } from 'knex'

/** A running record of SQL statements. */
export interface QueryLog {
  readonly statements: string[]
  /** Statements recorded while `work` ran. */
  during<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }>
  stop(): void
}

/** Starts recording `db`'s `query` events. */
export function recordQueries(db: Knex): QueryLog {
  const statements: string[] = []
  const listener = (query: { sql: string }): void => {
    statements.push(query.sql)
  }
  db.on('query', listener)
  return {
    statements,
    async during(work) {
      const start = statements.length
      const result = await work()
      return { result, statements: statements.slice(start) }
    },
    stop: () => void db.off('query', listener),
  }
}
