/**
 * Unique violations, whichever way they surface: the store's own error (inserts use
 * `ON CONFLICT DO NOTHING` and report an empty result), or a driver error from a statement that
 * has no conflict clause.
 */

const CODE = 'ERR_UNIQUE_VIOLATION'

// PostgreSQL SQLSTATE unique_violation; better-sqlite3's extended result codes.
const DRIVER_CODES = new Set(['23505', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'])

/**
 * The row conflicts with an existing one on a unique key: a lost race, or a taken username.
 * The engine retries the login in a fresh transaction when it sees it.
 *
 * @example
 * ```ts
 * try { await storage.user.createSocialAuth(user, uid, 'osso') } catch (err) {
 *   if (storage.isIntegrityError(err)) { … } // someone linked it first
 * }
 * ```
 */
export class UniqueViolationError extends Error {
  /** Stable code, `ERR_UNIQUE_VIOLATION`. */
  readonly code = CODE
  /** The table of the rejected row. */
  readonly table: string
  /** The unique key, when known. */
  readonly columns: readonly string[]

  constructor(table: string, columns: readonly string[] = []) {
    super(`UNIQUE constraint failed: ${table}${columns.length ? ` (${columns.join(', ')})` : ''}`)
    this.name = 'UniqueViolationError'
    this.table = table
    this.columns = columns
  }
}

/**
 * True when `err` (or an error in its `cause` chain) is a unique-constraint violation from this
 * store, PostgreSQL (SQLSTATE 23505) or SQLite (`SQLITE_CONSTRAINT_UNIQUE`).
 *
 * @example
 * ```ts
 * isIntegrityError(new UniqueViolationError('users')) // true
 * ```
 */
export function isIntegrityError(err: unknown): boolean {
  // Codes rather than classes: errors may cross module copies or VM realms.
  let current: unknown = err
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code
    if (code === CODE || (typeof code === 'string' && DRIVER_CODES.has(code))) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}
