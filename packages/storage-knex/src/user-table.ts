/**
 * The mapping between the pipeline's user fields and a users table: ours (`users`) or the
 * app's own, whose table and column names are configured instead of adopted.
 */
import type { User, UserId } from '@social-auth/core'
import type { AppUsersTable, SchemaDialect } from '@social-auth/migrations'
import { fromDbBoolean, toDbDate } from './sql-values.js'

/** The user fields the pipeline reads and writes, in PSA's names. */
export const USER_FIELDS = ['username', 'email', 'first_name', 'last_name', 'is_active'] as const

/** One of {@link USER_FIELDS}. */
export type UserField = (typeof USER_FIELDS)[number]

/**
 * Column names of the users table. `null` means the table has no such column: the field is
 * then left out of the user objects (and `is_active` absent means every user is active).
 */
export interface UserColumns {
  readonly username: string | null
  readonly email: string | null
  readonly first_name: string | null
  readonly last_name: string | null
  readonly is_active: string | null
  /** A password hash; when non-empty, the user may disconnect their last social account. */
  readonly password: string | null
  /** Set when a user is created. */
  readonly date_joined: string | null
  /** Set whenever a user is created or changed. */
  readonly updated: string | null
}

/**
 * An app's own users table: where it is (the same object the migrations take) and what its
 * columns are called.
 *
 * @example
 * ```ts
 * const accounts: UserTableOptions = {
 *   table: 'accounts', id: 'account_id', idType: 'integer',
 *   columns: { username: 'login', email: 'mail', first_name: 'given_name', last_name: 'family_name',
 *              is_active: 'enabled', password: 'password_hash', date_joined: 'created_at', updated: null },
 * }
 * ```
 */
export interface UserTableOptions extends AppUsersTable {
  /** Column names by field; unlisted fields keep the default table's names. */
  readonly columns?: Partial<UserColumns>
  /**
   * Values the store writes, when it creates a user, into columns the pipeline does not fill:
   * NOT NULL columns without a database default, such as Django's `is_staff`. A function is
   * called for each new user. The pipeline's fields (and `is_active`, `date_joined`,
   * `updated`) win over them.
   */
  readonly defaults?: Readonly<Record<string, UserColumnDefault>>
}

/** A value for a column the pipeline does not fill, or a function making one per new user. */
export type UserColumnDefault =
  string | number | boolean | null | (() => string | number | boolean | null)

/** A resolved users table. */
export interface UserTable {
  readonly table: string
  readonly id: string
  readonly idType: NonNullable<AppUsersTable['idType']>
  readonly columns: UserColumns
  readonly defaults: Readonly<Record<string, UserColumnDefault>>
}

const DEFAULT_COLUMNS: UserColumns = {
  username: 'username',
  email: 'email',
  first_name: 'first_name',
  last_name: 'last_name',
  is_active: 'is_active',
  password: null,
  date_joined: 'date_joined',
  updated: 'updated',
}

/** The default `users` table, or the app's table with its column names. */
export function resolveUserTable(options: UserTableOptions | undefined): UserTable {
  return {
    table: options?.table ?? 'users',
    id: options?.id ?? 'id',
    idType: options?.idType ?? 'bigint',
    columns: { ...DEFAULT_COLUMNS, ...options?.columns },
    defaults: options?.defaults ?? {},
  }
}

/**
 * Whether `id` can be a key of this table. A session may hold a stale or forged id, and
 * PostgreSQL rejects `'abc'` for a bigint column with an error rather than no row.
 */
export function isPlausibleUserId(users: UserTable, id: UserId): boolean {
  const text = String(id)
  if (users.idType === 'bigint' || users.idType === 'integer') return /^-?\d{1,19}$/.test(text)
  if (users.idType === 'uuid')
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)
  return text !== ''
}

/** `column as alias` selections for a user, aliases prefixed so they can share a join. */
export function userSelection(users: UserTable, tableAlias?: string, prefix = ''): string[] {
  const qualify = (column: string): string => (tableAlias ? `${tableAlias}.${column}` : column)
  const selection = [`${qualify(users.id)} as ${prefix}id`]
  for (const field of USER_FIELDS) {
    const column = users.columns[field]
    if (column !== null) selection.push(`${qualify(column)} as ${prefix}${field}`)
  }
  return selection
}

/** The user object of a row selected with {@link userSelection}. */
export function userFromRow(users: UserTable, row: Record<string, unknown>, prefix = ''): User {
  const user: Record<string, unknown> = { id: row[`${prefix}id`] }
  for (const field of USER_FIELDS) {
    if (users.columns[field] === null) continue
    const value = row[`${prefix}${field}`]
    user[field] = field === 'is_active' ? fromDbBoolean(value) : (value ?? null)
  }
  return user as User
}

/**
 * The column values for user fields; `id` is never written. Fields the table has no column for
 * are dropped: `user_details` offers every detail it has, and a `USER_FIELDS` entry without a
 * column fails `createSocialAuth` before any login (the store's `userFields`).
 */
export function userRow(
  users: UserTable,
  dialect: SchemaDialect,
  fields: Record<string, unknown>,
  mode: 'insert' | 'update',
  now: Date,
): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  if (mode === 'insert') {
    for (const [column, value] of Object.entries(users.defaults)) {
      row[column] = typeof value === 'function' ? value() : value
    }
  }
  for (const field of USER_FIELDS) {
    const column = users.columns[field]
    if (column === null || !Object.hasOwn(fields, field) || fields[field] === undefined) continue
    row[column] = field === 'is_active' ? Boolean(fields[field]) : fields[field]
  }
  const { is_active, date_joined, updated } = users.columns
  if (mode === 'insert') {
    // Users are created active unless the fields say otherwise (the Storage contract).
    if (is_active !== null && !(is_active in row)) row[is_active] = true
    if (date_joined !== null) row[date_joined] = toDbDate(dialect, now)
  }
  if (updated !== null && (mode === 'insert' || Object.keys(row).length > 0))
    row[updated] = toDbDate(dialect, now)
  return row
}
