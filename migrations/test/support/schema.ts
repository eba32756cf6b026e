/** The schema as data: what a migration changed, and what a rollback must restore. */
import type { Knex } from 'knex'

const STATE_TABLES = new Set([
  'social_auth_migrations',
  'social_auth_migrations_lock',
  'knex_migrations',
  'knex_migrations_lock',
])

/** The social-auth tables the migrations create (all but the user table). */
export const SOCIAL_TABLES = [
  'social_auth_association',
  'social_auth_code',
  'social_auth_nonce',
  'social_auth_partial',
  'social_auth_usersocialauth',
]

type Rows = { rows: Record<string, unknown>[] }

const isPostgres = (db: Knex): boolean =>
  (db.client as { dialect: string }).dialect === 'postgresql'

/** Every table, column, index and constraint outside the migration state tables, as sorted lines. */
export async function schemaSnapshot(db: Knex): Promise<string[]> {
  if (isPostgres(db)) {
    const columns = await db.raw<Rows>(
      `select table_name, column_name, data_type, is_nullable, column_default, character_maximum_length
         from information_schema.columns where table_schema = 'public'`,
    )
    const indexes = await db.raw<Rows>(
      `select tablename as table_name, indexdef from pg_indexes where schemaname = 'public'`,
    )
    const constraints = await db.raw<Rows>(
      `select conrelid::regclass::text as table_name, conname, pg_get_constraintdef(oid) as def
         from pg_constraint where connamespace = 'public'::regnamespace`,
    )
    const lines = (kind: string, result: Rows): string[] =>
      result.rows
        .filter((r) => !STATE_TABLES.has(String(r.table_name)))
        .map((r) => `${kind} ${Object.values(r).map(String).join(' ')}`)
    return [
      ...lines('column', columns),
      ...lines('index', indexes),
      ...lines('constraint', constraints),
    ].sort()
  }
  const rows = await db.raw<{ type: string; name: string; tbl_name: string; sql: string | null }[]>(
    `select type, name, tbl_name, sql from sqlite_master where name not like 'sqlite_%'`,
  )
  return Array.from(rows)
    .filter((r) => !STATE_TABLES.has(r.tbl_name))
    .map((r) => `${r.type} ${r.name} ${r.sql ?? ''}`)
    .sort()
}

/** The names of the tables in the database. */
export async function tableNames(db: Knex): Promise<string[]> {
  if (isPostgres(db)) {
    const result = await db.raw<{ rows: { tablename: string }[] }>(
      `select tablename from pg_tables where schemaname = 'public'`,
    )
    return result.rows.map((r) => r.tablename).sort()
  }
  const rows = await db.raw<{ name: string }[]>(
    `select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`,
  )
  return Array.from(rows, (r) => r.name).sort()
}
