import type { JsonObject, JsonValue } from './storage/types.js'

/**
 * Keeps only JSON values (PSA keeps only dict/list/str/int/bool/None in partials and
 * `extra_data`): functions, symbols and class instances other than Date are dropped, Dates
 * become ISO strings, so what is stored always round-trips through a JSON column.
 */
export function toJsonValue(value: unknown): JsonValue | undefined {
  if (value === null) return null
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return Number.isFinite(value) ? value : null
    case 'bigint':
      return value.toString()
    case 'object': {
      if (value instanceof Date) return value.toISOString()
      if (Array.isArray(value)) {
        return value.map((item) => toJsonValue(item) ?? null)
      }
      const proto = Object.getPrototypeOf(value) as unknown
      if (proto !== Object.prototype && proto !== null) return undefined
      return toJsonObject(value as Record<string, unknown>)
    }
    default:
      return undefined
  }
}

/** {@link toJsonValue} for an object; keys whose values are not JSON are dropped. */
export function toJsonObject(value: Record<string, unknown>): JsonObject {
  const out: JsonObject = {}
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__') continue
    const json = toJsonValue(item)
    if (json !== undefined) out[key] = json
  }
  return out
}
