/**
 * knex compiles a query's SQL from its builder every time the query runs. For the stores' small
 * queries that costs more than the database does: in a login, building and compiling a one-row
 * lookup takes about 60 µs and running it on SQLite about 20. Their SQL depends only on their
 * shape (which columns, which values are null), not on the values, so each shape is compiled
 * once and then run with new values through knex's own runner: the same connection or
 * transaction, the same `query` and `query-response` events, the same handling of the driver's
 * answer.
 */
import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'

/** Builds a query from its values. It must only place them: on a cache hit it is not called. */
export type QueryBuild = (values: readonly Knex.Value[]) => Knex.QueryBuilder

interface Compiled {
  readonly query: Knex.Sql
  /** For each binding of the SQL: the index of the value it takes, or -1 for a constant. */
  readonly slots: readonly number[]
}

// What the compile sees in place of a value: nothing a query's code writes looks like it.
const PLACEHOLDER = '\u0000social-auth value '
// Shapes come from code (columns, the number of extra_data keys); the bound keeps a caller that
// makes many from growing the map without limit.
const MAX_SHAPES = 500

// A null or undefined value changes the SQL (`is null`, a column's DEFAULT): it is part of the
// shape and compiled as itself. Any other value of these types is bound as it is.
const isPlain = (value: unknown): boolean =>
  typeof value === 'string' ||
  typeof value === 'number' ||
  typeof value === 'bigint' ||
  typeof value === 'boolean' ||
  value instanceof Date

const tagOf = (value: unknown): string =>
  value === null ? 'n' : value === undefined ? 'u' : isPlain(value) ? 'v' : 'x'

/** Compiles `build` with placeholders; null when its SQL cannot be reused with other values. */
function compile(build: QueryBuild, values: readonly Knex.Value[]): Compiled | null {
  const stand = values.map((value, index) => (isPlain(value) ? `${PLACEHOLDER}${index}` : value))
  let query: Knex.Sql | Knex.Sql[]
  try {
    query = build(stand).toSQL()
  } catch {
    // The real values will meet the same refusal when they run, where the caller sees it.
    return null
  }
  if (Array.isArray(query) || query.sql.includes(PLACEHOLDER)) return null
  // Only its own fields: knex's object also holds `toNative`, whose closure reaches the builder,
  // the transaction and what that transaction's work returned (a whole login, tokens included).
  query = { ...query }
  const slots = query.bindings.map((binding) =>
    typeof binding === 'string' && binding.startsWith(PLACEHOLDER)
      ? Number(binding.slice(PLACEHOLDER.length))
      : -1,
  )
  // Each placed value must be bound exactly once, or the SQL does not take it as a value.
  for (let index = 0; index < values.length; index++) {
    if (isPlain(values[index]) && slots.filter((slot) => slot === index).length !== 1) return null
  }
  return { query, slots }
}

/** The compiled query with these values, as `toSQL` would have returned it. */
function instantiate(
  client: Knex.Client,
  compiled: Compiled,
  values: readonly Knex.Value[],
): Knex.Sql {
  const { query, slots } = compiled
  const bindings = slots.map((slot, i) => (slot < 0 ? query.bindings[i] : values[slot]))
  const sql: Knex.Sql = {
    ...query,
    options: { ...(query.options as object) },
    bindings,
    __knexQueryUid: randomUUID(),
  } as Knex.Sql
  Object.defineProperty(sql, 'toNative', {
    value: (): Knex.SqlNative => ({
      sql: client.positionBindings(sql.sql) as string,
      bindings: client.prepBindings(bindings) as Knex.Value[],
    }),
    enumerable: false,
  })
  return sql
}

interface KnexInternals {
  /** knex's own listeners on its client (they pass the client's events on to the instance). */
  readonly _internalListeners?: ReadonlyArray<{ readonly eventName: string }>
}

/**
 * The compiled queries of one storage: `run(db, 'user by username', [name], build)` runs
 * `build([name])`'s query on `db` (the storage's knex or a transaction of it), compiling its
 * shape only the first time. A compiled query runs on an empty builder of `db` that hands knex's
 * runner the SQL: tracing that reads the builder rather than the query events sees no table.
 * While the app listens to knex's `start` event, which hands over each query's builder before
 * knex compiles it (a listener may change the query there: a timeout, driver options), every
 * query is built and compiled as knex does.
 */
export class QueryShapes {
  readonly #compiled = new Map<string, Compiled | null>()
  readonly #knex: Knex
  // The `start` listeners knex puts on its client itself; any more are the app's.
  readonly #ownStartListeners: number

  /** `knex`: the storage's instance, whose `start` listeners turn the cache off. */
  constructor(knex: Knex) {
    this.#knex = knex
    this.#ownStartListeners =
      (knex as Knex & KnexInternals)._internalListeners?.filter((l) => l.eventName === 'start')
        .length ?? 0
  }

  /** Counted, not listed: this runs for every query. */
  #startHooked(): boolean {
    const knex = this.#knex
    return (
      knex.listenerCount('start') > 0 ||
      (knex.client as Knex.Client).listenerCount('start') > this.#ownStartListeners
    )
  }

  run<T>(
    db: Knex,
    shape: string,
    values: readonly Knex.Value[],
    build: QueryBuild,
  ): PromiseLike<T> {
    const tags = values.map(tagOf).join('')
    // Another kind of value (a raw expression, an array) may change the SQL: built each time.
    if (tags.includes('x') || this.#startHooked())
      return build(values) as PromiseLike<unknown> as PromiseLike<T>
    const key = `${shape}|${tags}`
    let compiled = this.#compiled.get(key)
    if (compiled === undefined) {
      compiled = compile(build, values)
      if (this.#compiled.size >= MAX_SHAPES) this.#compiled.clear()
      this.#compiled.set(key, compiled)
    }
    if (compiled === null) return build(values) as PromiseLike<unknown> as PromiseLike<T>
    const builder = db.queryBuilder()
    const client = db.client as Knex.Client
    // knex's runner asks the builder for its SQL; a fresh object each time, as knex gives
    // (the runner rewrites it for the driver).
    builder.toSQL = () => instantiate(client, compiled, values)
    return builder as PromiseLike<unknown> as PromiseLike<T>
  }
}
