import type { Knex } from 'knex'
import { schemaDialect } from './dialect.js'

/** A column as the database describes it. */
export interface ColumnShape {
  /** PostgreSQL's `data_type` (`character varying`, `jsonb`, …) or SQLite's declared type. */
  readonly type: string
  readonly nullable: boolean
  /** A default, an identity or (SQLite) the rowid key: an insert may leave it out. */
  readonly filledIn: boolean
}

/** A foreign key of one column. */
export interface ForeignKeyShape {
  readonly column: string
  readonly table: string
  /** Null when SQLite's key names the parent's primary key without its column. */
  readonly foreignColumn: string | null
}

/** What the migrations need to know of an existing table. */
export interface TableShape {
  readonly columns: ReadonlyMap<string, ColumnShape>
  /**
   * The column sets of its unique indexes and constraints that can back `ON CONFLICT`: not
   * partial, no expressions, not deferrable.
   */
  readonly uniqueKeys: readonly (readonly string[])[]
  readonly foreignKeys: readonly ForeignKeyShape[]
}

type PgRows<T> = { rows: T[] }

// The table in the schema knex's queries use (the search path's first), not any other.
const PG_TABLE = `to_regclass(quote_ident(current_schema()) || '.' || quote_ident(?))`

async function postgresShape(knex: Knex, table: string): Promise<TableShape> {
  const columns = await knex.raw<
    PgRows<{ name: string; type: string; nullable: string; filled_in: boolean }>
  >(
    `select column_name as name, data_type as type, is_nullable as nullable,
            (column_default is not null or is_identity = 'YES') as filled_in
       from information_schema.columns
      where table_schema = current_schema() and table_name = ?`,
    [table],
  )
  const uniques = await knex.raw<PgRows<{ columns: string }>>(
    `select (select string_agg(a.attname::text, ',' order by k.n)
               from unnest(i.indkey) with ordinality as k(attnum, n)
               join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum) as columns
       from pg_index i
      where i.indrelid = ${PG_TABLE} and i.indisunique and i.indimmediate
        and i.indpred is null and i.indexprs is null`,
    [table],
  )
  const foreignKeys = await knex.raw<
    PgRows<{ column: string; foreign_table: string; foreign_column: string }>
  >(
    `select a.attname::text as column, t.relname::text as foreign_table,
            fa.attname::text as foreign_column
       from pg_constraint c
       join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
       join pg_class t on t.oid = c.confrelid
       join pg_attribute fa on fa.attrelid = c.confrelid and fa.attnum = c.confkey[1]
      where c.contype = 'f' and c.conrelid = ${PG_TABLE} and cardinality(c.conkey) = 1`,
    [table],
  )
  return {
    columns: new Map(
      columns.rows.map((c) => [
        c.name,
        { type: c.type, nullable: c.nullable === 'YES', filledIn: c.filled_in },
      ]),
    ),
    uniqueKeys: uniques.rows.map((u) => u.columns.split(',')),
    foreignKeys: foreignKeys.rows.map((f) => ({
      column: f.column,
      table: f.foreign_table,
      foreignColumn: f.foreign_column,
    })),
  }
}

async function sqliteShape(knex: Knex, table: string): Promise<TableShape> {
  const columns = await knex.raw<
    { name: string; type: string; notnull: number; dflt_value: unknown; pk: number }[]
  >(`select name, type, "notnull", dflt_value, pk from pragma_table_info(?)`, [table])
  const indexes = await knex.raw<{ name: string }[]>(
    `select name from pragma_index_list(?) where "unique" = 1 and partial = 0`,
    [table],
  )
  const uniqueKeys: string[][] = []
  for (const index of indexes) {
    const parts = await knex.raw<{ name: string | null }[]>(
      `select name from pragma_index_info(?) order by seqno`,
      [index.name],
    )
    // An expression's column name is NULL: such an index cannot back ON CONFLICT (columns).
    if (parts.every((part) => part.name !== null)) uniqueKeys.push(parts.map((p) => p.name!))
  }
  const foreignKeys = await knex.raw<{ from: string; table: string; to: string | null }[]>(
    `select "from", "table", "to" from pragma_foreign_key_list(?)`,
    [table],
  )
  return {
    columns: new Map(
      Array.from(columns, (c) => [
        c.name,
        {
          type: c.type,
          nullable: c.notnull === 0 && c.pk === 0,
          filledIn: c.dflt_value !== null || c.pk > 0,
        },
      ]),
    ),
    uniqueKeys,
    foreignKeys: Array.from(foreignKeys, (f) => ({
      column: f.from,
      table: f.table,
      foreignColumn: f.to,
    })),
  }
}

/** The columns, unique keys and foreign keys of an existing table. */
export function tableShape(knex: Knex, table: string): Promise<TableShape> {
  return schemaDialect(knex) === 'postgresql'
    ? postgresShape(knex, table)
    : sqliteShape(knex, table)
}

/**
 * SQLite's type affinity of a declared type (https://www.sqlite.org/datatype3.html §3.1):
 * what it actually stores, whatever the name says.
 */
export function sqliteAffinity(type: string): 'INTEGER' | 'TEXT' | 'BLOB' | 'REAL' | 'NUMERIC' {
  const upper = type.toUpperCase()
  if (upper.includes('INT')) return 'INTEGER'
  if (/CHAR|CLOB|TEXT/.test(upper)) return 'TEXT'
  if (upper.includes('BLOB') || upper === '') return 'BLOB'
  if (/REAL|FLOA|DOUB/.test(upper)) return 'REAL'
  return 'NUMERIC'
}
