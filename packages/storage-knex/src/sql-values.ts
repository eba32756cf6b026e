/**
 * Conversions between JavaScript values and what each database stores. PostgreSQL keeps
 * timestamptz, jsonb and booleans natively. SQLite keeps timestamps as ISO 8601 text (the
 * migrations' defaults use the same format, so text comparison orders them), JSON as text and
 * booleans as 0/1.
 *
 * Result arrays are rebuilt with `Array.from` rather than `.map`: better-sqlite3 creates them
 * in the main realm, and `.map` keeps their prototype, which strict deep equality in a VM
 * context (jest) tells apart from the caller's arrays.
 */
import type { JsonObject } from '@social-auth/core'
import type { SchemaDialect } from '@social-auth/migrations'

/** A timestamp as the database takes it. */
export function toDbDate(dialect: SchemaDialect, date: Date): Date | string {
  return dialect === 'postgresql' ? date : date.toISOString()
}

/** A timestamp read back. */
export function fromDbDate(value: unknown): Date {
  if (value instanceof Date) return value
  if (typeof value === 'number') return new Date(value)
  return new Date(String(value))
}

/** A JSON document as the database takes it (pg would turn a JS array into a SQL array). */
export function toDbJson(value: unknown): string {
  return JSON.stringify(value)
}

/** A JSON object read back; anything that is not an object reads as `{}`. */
export function fromDbJsonObject(value: unknown): JsonObject {
  let parsed: unknown = value
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value)
    } catch {
      return {}
    }
  }
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as JsonObject)
    : {}
}

/** A boolean read back (SQLite answers 0 or 1). */
export function fromDbBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true'
}

/** A bigint column read back: pg answers bigint as a string. */
export function fromDbNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value)
}
