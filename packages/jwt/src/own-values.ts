/**
 * Reading untrusted JSON objects (claims, JWKs): own properties only, so a name such as
 * `constructor` or `__proto__` never reaches `Object.prototype`.
 */

/** The own property `name` of `record`, or undefined. */
export const own = (record: Record<string, unknown>, name: string): unknown =>
  Object.hasOwn(record, name) ? record[name] : undefined

/** True for an array whose items are all strings. */
export function isStringArray(value: unknown): value is readonly string[] {
  if (!Array.isArray(value)) return false
  for (const item of value as unknown[]) if (typeof item !== 'string') return false
  return true
}
