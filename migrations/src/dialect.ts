import type { Knex } from 'knex'

/** The databases the schema is written for. */
export type SchemaDialect = 'postgresql' | 'sqlite3'

/**
 * The dialect of a knex instance or transaction. Only PostgreSQL and SQLite are supported:
 * the migrations use jsonb, expression indexes and ISO timestamps chosen for those two.
 */
export function schemaDialect(knex: Knex): SchemaDialect {
  const dialect = (knex.client as { dialect?: unknown }).dialect
  if (dialect === 'postgresql' || dialect === 'sqlite3') return dialect
  throw new Error(`social-auth migrations support PostgreSQL and SQLite, not ${String(dialect)}`)
}

/**
 * SQLite's `strftime` format of the timestamps the store writes (ISO 8601 to the millisecond,
 * `2024-05-01T10:00:00.123Z`): defaults and rewritten rows use it, so rows compare as text.
 */
export const SQLITE_ISO_FORMAT = '%Y-%m-%dT%H:%M:%fZ'

/**
 * The default of a timestamp column. SQLite keeps timestamps as text; the store writes ISO
 * 8601 strings, so the default uses the same format and rows compare correctly as text.
 */
export function nowDefault(knex: Knex): Knex.Raw {
  return schemaDialect(knex) === 'postgresql'
    ? knex.raw('CURRENT_TIMESTAMP')
    : knex.raw(`(strftime('${SQLITE_ISO_FORMAT}', 'now'))`)
}

/** Adds a JSON object column: jsonb on PostgreSQL, JSON text on SQLite; `{}` by default. */
export function jsonObjectColumn(knex: Knex, table: Knex.CreateTableBuilder, name: string): void {
  const column = schemaDialect(knex) === 'postgresql' ? table.jsonb(name) : table.json(name)
  column.notNullable().defaultTo('{}')
}

/** Adds a timestamp column (with time zone on PostgreSQL) that defaults to now. */
export function timestampColumn(knex: Knex, table: Knex.CreateTableBuilder, name: string): void {
  table.timestamp(name, { useTz: true }).notNullable().defaultTo(nowDefault(knex))
}
