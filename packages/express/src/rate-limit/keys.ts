import type { Request } from 'express'

function field(source: unknown, name: string): string | undefined {
  if (!source || typeof source !== 'object' || !Object.hasOwn(source, name)) return undefined
  const raw = (source as Record<string, unknown>)[name]
  const value = Array.isArray(raw) ? (raw as unknown[])[0] : raw
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

/** A string field of the parsed body (first value of a repeated one), or undefined. */
export function bodyField(req: Request, name: string): string | undefined {
  return field(req.body, name)
}

/**
 * A request field as the engine sees it: the body's, else the query's (the engine merges the
 * two, body first, so a limit keyed on the body alone could be dodged through the query).
 */
export function requestField(req: Request, name: string): string | undefined {
  return field(req.body, name) ?? field(req.query, name)
}

/**
 * The email a `/begin` form names, lower-cased (providers treat emails case-insensitively,
 * so `Victim@X` and `victim@x` share one counter).
 */
export function beginEmail(req: Request): string | undefined {
  // Cut, not skipped: an over-long email must not escape its counter.
  return requestField(req, 'email')?.toLowerCase().slice(0, 320)
}

/** The domain a `/begin` form names: its `domain` field, or the domain of its email. */
export function beginDomain(req: Request): string | undefined {
  const domain = requestField(req, 'domain') ?? beginEmail(req)?.split('@').slice(1).join('@')
  return domain?.toLowerCase().replace(/\.+$/, '').slice(0, 253)
}

/** The logged-in user's id (`req.user`), for per-user limits. */
export function userKey(req: Request): string | undefined {
  const id: unknown = req.user?.id
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined
}
