/**
 * Small readers for provider JSON. Providers answer loosely typed documents; these turn a
 * field into the one type we accept or into `undefined`, so a surprising answer ends in a coded
 * error (`ERR_AUTH_MISSING_UID`) rather than in a wrong account.
 */

/** A non-empty string, else undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** A JSON object, else an empty one. */
export function obj(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

/** A JSON array of objects, else an empty array. */
export function objects(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(obj) : []
}

/**
 * An account id as a string. Numbers are taken only when exact: JSON.parse turns
 * 9007199254740993 into 9007199254740992, and a rounded id is someone else's account
 * (security.md §5.6).
 */
export function idString(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  return undefined
}

/** `claims[name]`, from the verified id_token the oauth package keeps in the response. */
export function idTokenClaim(response: Record<string, unknown>, name: string): unknown {
  return obj(response.id_token_claims)[name]
}

/** True only for the JSON boolean `true` (security.md §4.6: not the string "true"). */
export function isTrue(value: unknown): boolean {
  return value === true
}
