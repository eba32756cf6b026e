import type { JsonObject } from './types.js'

/**
 * PSA's `set_extra_data`: merge new values over the stored ones, so a refresh or a re-login
 * that omits a key (a refresh token, say) keeps the stored value. Undefined when nothing
 * changes; storages use this to skip the write.
 */
export function mergeExtraData(
  stored: JsonObject | null | undefined,
  incoming: JsonObject,
): JsonObject | undefined {
  if (Object.keys(incoming).length === 0) return undefined
  const base = stored && typeof stored === 'object' ? stored : {}
  const merged: JsonObject = { ...base, ...incoming }
  return JSON.stringify(merged) === JSON.stringify(base) ? undefined : merged
}
