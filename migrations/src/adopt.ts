/**
 * Taking over tables social-app-django made (`adopt: 'social-app-django'`): a migration whose
 * table already exists checks that the store can use it, adds what it lacks, and records the
 * adoption instead of creating the table. Everything runs inside the migration batch's
 * transaction, so a refusal changes nothing.
 */
import { ImproperlyConfigured } from '@social-auth/core'
import type { Knex } from 'knex'
import { SQLITE_ISO_FORMAT, schemaDialect, timestampColumn, type SchemaDialect } from './dialect.js'
import { sqliteAffinity, tableShape, type ColumnShape, type TableShape } from './introspect.js'
import type { AdoptSource, MigrationOptions } from './options.js'

/** Which tables were adopted rather than created, so that a rollback never drops them. */
export const ADOPTIONS_TABLE = 'social_auth_migrations_adopted'

const SOURCES: readonly AdoptSource[] = ['social-app-django']

/**
 * What the store keeps in a column: `id` is the row key, `user_id` the users table's key (its
 * type follows `users.idType`), `timestamp` a point in time (added when missing: older
 * social-app-django releases had no `created`, `modified` or `timestamp`).
 */
export type ColumnKind = 'id' | 'user_id' | 'text' | 'integer' | 'timestamp' | 'json' | 'boolean'

/** A unique key the store relies on (an `ON CONFLICT` target), and the name of the index adoption creates for it when missing. */
export interface UniqueKey {
  readonly columns: readonly string[]
  readonly indexName: string
}

/** What the store needs of one table. */
export interface AdoptedTable {
  readonly table: string
  /** Every column the store reads or writes. */
  readonly columns: Readonly<Record<string, ColumnKind>>
  readonly unique: readonly UniqueKey[]
  /** Columns the store merges keys into: each row must hold a JSON object (or NULL). */
  readonly jsonObjects?: readonly string[]
  /** Integer columns of Unix seconds, widened to bigint on PostgreSQL (int overflows in 2038). */
  readonly widen?: readonly string[]
}

type PlainKind = Exclude<ColumnKind, 'user_id'>

const POSTGRES_TYPES: Record<PlainKind, readonly string[]> = {
  id: ['integer', 'bigint'],
  text: ['character varying', 'text', 'character'],
  integer: ['smallint', 'integer', 'bigint'],
  timestamp: ['timestamp with time zone'],
  json: ['jsonb'],
  boolean: ['boolean'],
}

// SQLite keeps what it is given; the declared type only sets an affinity.
const SQLITE_AFFINITIES: Record<PlainKind, readonly string[]> = {
  id: ['INTEGER'],
  text: ['TEXT'],
  integer: ['INTEGER'],
  timestamp: ['NUMERIC', 'TEXT'],
  json: ['TEXT', 'NUMERIC'],
  boolean: ['NUMERIC', 'INTEGER'],
}

// The store's timestamp format on SQLite (the migrations' defaults use it too).

function refuse(table: string, detail: string): ImproperlyConfigured {
  return new ImproperlyConfigured(`Cannot adopt social-app-django's ${table}: ${detail}`)
}

function userIdKind(options: MigrationOptions): PlainKind | 'uuid' {
  const type = options.users?.idType ?? 'bigint'
  return type === 'uuid' ? 'uuid' : type === 'string' ? 'text' : 'integer'
}

function typeFits(dialect: SchemaDialect, kind: PlainKind | 'uuid', column: ColumnShape): boolean {
  if (kind === 'uuid') {
    return dialect === 'postgresql'
      ? column.type === 'uuid'
      : sqliteAffinity(column.type) === 'TEXT'
  }
  return dialect === 'postgresql'
    ? POSTGRES_TYPES[kind].includes(column.type)
    : SQLITE_AFFINITIES[kind].includes(sqliteAffinity(column.type))
}

function expectedType(dialect: SchemaDialect, kind: PlainKind | 'uuid'): string {
  if (kind === 'uuid') return dialect === 'postgresql' ? 'uuid' : 'a text type'
  return dialect === 'postgresql'
    ? POSTGRES_TYPES[kind].join(' or ')
    : `a type of ${SQLITE_AFFINITIES[kind].join(' or ')} affinity`
}

const sameColumns = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((column) => b.includes(column))

/** The timestamp columns to add, after checking every column the store uses. */
function checkColumns(
  dialect: SchemaDialect,
  spec: AdoptedTable,
  shape: TableShape,
  options: MigrationOptions,
): string[] {
  const missing: string[] = []
  for (const [name, kind] of Object.entries(spec.columns)) {
    const column = shape.columns.get(name)
    if (!column) {
      if (kind !== 'timestamp') throw refuse(spec.table, `column ${spec.table}.${name} is missing`)
      missing.push(name)
      continue
    }
    const wanted = kind === 'user_id' ? userIdKind(options) : kind
    if (!typeFits(dialect, wanted, column)) {
      const hint =
        kind === 'json'
          ? " (social-app-django's migrations 0012–0016 make it a JSONField: upgrade social-auth-app-django and run its migrations first)"
          : kind === 'user_id'
            ? ` (the users option says idType ${options.users?.idType ?? 'bigint'})`
            : ''
      throw refuse(
        spec.table,
        `column ${spec.table}.${name} is ${column.type}; social-auth needs ${expectedType(dialect, wanted)}${hint}`,
      )
    }
  }
  for (const [name, column] of shape.columns) {
    if (Object.hasOwn(spec.columns, name) || column.nullable || column.filledIn) continue
    throw refuse(
      spec.table,
      `column ${spec.table}.${name} is NOT NULL without a default, and social-auth does not fill it`,
    )
  }
  return missing
}

/** The user_id foreign key must point at the users table the options name. */
function checkUserKey(spec: AdoptedTable, shape: TableShape, options: MigrationOptions): void {
  const usersTable = options.users?.table ?? 'users'
  const usersId = options.users?.id ?? 'id'
  for (const key of shape.foreignKeys) {
    if (spec.columns[key.column] !== 'user_id') continue
    const target = `${key.table}${key.foreignColumn === null ? '' : `.${key.foreignColumn}`}`
    if (key.table === usersTable && (key.foreignColumn ?? usersId) === usersId) continue
    throw refuse(
      spec.table,
      `column ${spec.table}.${key.column} references ${target}, but the users option names ${usersTable}.${usersId}: pass users: { table: '${key.table}', … } to migrate and the same to knexStorage (@social-auth/storage-knex's DJANGO_AUTH_USER maps Django's auth_user)`,
    )
  }
}

async function countNonObjects(
  knex: Knex,
  dialect: SchemaDialect,
  table: string,
  column: string,
): Promise<number> {
  const query =
    dialect === 'postgresql'
      ? knex(table).whereNotNull(column).whereRaw(`jsonb_typeof(??) <> 'object'`, [column])
      : knex(table)
          .whereNotNull(column)
          .whereRaw(`coalesce(case when json_valid(??) then json_type(??) end, '') <> 'object'`, [
            column,
            column,
          ])
  const row = (await query.count({ n: '*' }).first()) as { n: number | string } | undefined
  return Number(row?.n ?? 0)
}

async function countDuplicates(knex: Knex, table: string, columns: string[]): Promise<number> {
  const row = (await knex
    .count({ n: '*' })
    .from(knex(table).select(columns).groupBy(columns).havingRaw('count(*) > 1').as('duplicates'))
    .first()) as { n: number | string } | undefined
  return Number(row?.n ?? 0)
}

async function addTimestampColumn(
  knex: Knex,
  dialect: SchemaDialect,
  table: string,
  column: string,
): Promise<void> {
  if (dialect === 'postgresql') {
    await knex.raw('alter table ?? add column ?? timestamptz not null default CURRENT_TIMESTAMP', [
      table,
      column,
    ])
    return
  }
  // SQLite adds a NOT NULL column only with a constant default: existing rows get the adoption
  // time (the store always writes the column itself). An ISO string needs no escaping.
  const now = new Date().toISOString()
  await knex.raw(`alter table ?? add column ?? datetime not null default '${now}'`, [table, column])
}

/**
 * Django writes SQLite timestamps as `2024-05-01 10:00:00.123456` (UTC with its default
 * USE_TZ); the store writes and compares ISO 8601 (`2024-05-01T10:00:00.123Z`), so the rows
 * are rewritten in that format (to the millisecond, the precision of JavaScript dates).
 */
async function normalizeSqliteTimestamps(knex: Knex, table: string, column: string): Promise<void> {
  await knex.raw(
    `update ?? set ?? = strftime('${SQLITE_ISO_FORMAT}', ??)
      where typeof(??) = 'text' and strftime('${SQLITE_ISO_FORMAT}', ??) is not null
        and ?? is not strftime('${SQLITE_ISO_FORMAT}', ??)`,
    [table, column, column, column, column, column, column],
  )
}

async function recordAdoption(knex: Knex, table: string, source: AdoptSource): Promise<void> {
  if (!(await knex.schema.hasTable(ADOPTIONS_TABLE))) {
    await knex.schema.createTable(ADOPTIONS_TABLE, (t) => {
      t.string('table_name', 63).primary()
      t.string('source', 32).notNullable()
      timestampColumn(knex, t, 'adopted_at')
    })
  }
  await knex(ADOPTIONS_TABLE)
    .insert({ table_name: table, source })
    .onConflict('table_name')
    .ignore()
}

/** The source to adopt from, or undefined when the options do not ask for adoption. */
export function adoptSource(options: MigrationOptions): AdoptSource | undefined {
  const source = options.adopt
  if (source === undefined) return undefined
  if (!SOURCES.includes(source)) {
    throw new ImproperlyConfigured(
      `adopt must be one of ${SOURCES.map((s) => `'${s}'`).join(', ')}, not ${JSON.stringify(source)}`,
    )
  }
  return source
}

/**
 * Adopts the spec's table when the options ask for it and the table exists; resolves to
 * whether it did (the migration then creates nothing). Checks everything before changing
 * anything.
 */
export async function adoptExistingTable(
  knex: Knex,
  options: MigrationOptions,
  spec: AdoptedTable,
): Promise<boolean> {
  const source = adoptSource(options)
  if (source === undefined || !(await knex.schema.hasTable(spec.table))) return false
  const dialect = schemaDialect(knex)
  const shape = await tableShape(knex, spec.table)

  const missing = checkColumns(dialect, spec, shape, options)
  checkUserKey(spec, shape, options)
  for (const column of spec.jsonObjects ?? []) {
    if (missing.includes(column)) continue
    const count = await countNonObjects(knex, dialect, spec.table, column)
    if (count > 0) {
      throw refuse(
        spec.table,
        `${count} row(s) of ${spec.table}.${column} hold something other than a JSON object; social-auth merges keys into it`,
      )
    }
  }
  const uniques = spec.unique.filter(
    (key) => !shape.uniqueKeys.some((existing) => sameColumns(existing, key.columns)),
  )
  for (const key of uniques) {
    const count = await countDuplicates(knex, spec.table, [...key.columns])
    if (count > 0) {
      throw refuse(
        spec.table,
        `${count} value(s) of (${key.columns.join(', ')}) appear in more than one row, so the unique index social-auth needs cannot be created; remove the extra rows (see "Moving from social-app-django" in the @social-auth/storage-knex README) and migrate again`,
      )
    }
  }

  for (const column of missing) await addTimestampColumn(knex, dialect, spec.table, column)
  if (dialect === 'postgresql') {
    for (const column of spec.widen ?? []) {
      // checkColumns accepted an integer type: only a narrower one than bigint is widened.
      const type = shape.columns.get(column)?.type
      if (type !== undefined && type !== 'bigint') {
        await knex.raw('alter table ?? alter column ?? type bigint', [spec.table, column])
      }
    }
  }
  for (const key of uniques) {
    await knex.schema.alterTable(spec.table, (t) => {
      t.unique([...key.columns], { indexName: key.indexName })
    })
  }
  if (dialect === 'sqlite3') {
    for (const [column, kind] of Object.entries(spec.columns)) {
      if (kind === 'timestamp' && !missing.includes(column)) {
        await normalizeSqliteTimestamps(knex, spec.table, column)
      }
    }
  }
  await recordAdoption(knex, spec.table, source)
  return true
}

/**
 * Forgets an adopted table on rollback; resolves to whether it was one (the migration then
 * drops nothing: the table and its rows stay, as adoption left them).
 */
export async function forgetAdoption(knex: Knex, table: string): Promise<boolean> {
  if (!(await knex.schema.hasTable(ADOPTIONS_TABLE))) return false
  const removed = await knex(ADOPTIONS_TABLE).where('table_name', table).delete()
  if (removed === 0) return false
  const left = (await knex(ADOPTIONS_TABLE).count({ n: '*' }).first()) as
    { n: number | string } | undefined
  if (Number(left?.n ?? 0) === 0) await knex.schema.dropTable(ADOPTIONS_TABLE)
  return true
}
