import type { RequestData } from '@social-auth/core'

/**
 * Flattens a parsed query or body to string values: a repeated parameter keeps its first value,
 * nested objects and non-strings are dropped. Providers send flat parameters; anything else is
 * not theirs, and handing the engine only strings keeps bad input a 4xx, never a crash.
 */
export function flattenParams(source: unknown, omit: ReadonlySet<string> = new Set()): RequestData {
  const data: RequestData = {}
  if (!source || typeof source !== 'object') return data
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    if (omit.has(key) || key === '__proto__') continue
    const first = Array.isArray(value) ? (value as unknown[])[0] : value
    if (typeof first === 'string') data[key] = first
  }
  return data
}

/** Keeps only the listed keys. */
export function pick(data: RequestData, allowed: ReadonlySet<string>): RequestData {
  const out: RequestData = {}
  for (const [key, value] of Object.entries(data)) if (allowed.has(key)) out[key] = value
  return out
}
