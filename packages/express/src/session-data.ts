import type { Request } from 'express'
import type { Session as CoreSession, UserId } from '@social-auth/core'

/** What social-auth keeps in an express-session, under one key so it never clobbers app data. */
export interface SocialAuthSessionData {
  /** The logged-in user's id. */
  userId?: UserId
  /** The per-session CSRF token that sign-in, disconnect and logout forms carry. */
  csrf?: string
  /** The engine's values (login transactions, `next`, partial tokens, stored fields). */
  values?: Record<string, unknown>
}

declare module 'express-session' {
  interface SessionData {
    socialAuth?: SocialAuthSessionData
  }
}

/** The social-auth part of this request's session, created on first write. */
export function sessionData(req: Request): SocialAuthSessionData {
  const session = req.session
  session.socialAuth ??= {}
  return session.socialAuth
}

/** Reads without creating anything (a GET must not turn into a stored session by reading). */
export function peekSessionData(req: Request): SocialAuthSessionData | undefined {
  return req.session?.socialAuth
}

// Values go through JSON like every store would serialise them, so what a step reads back in
// this request is exactly what another app node will read from the database.
// Strings, finite numbers (but -0), booleans and null come back from JSON as they are.
const clone = (value: unknown): unknown =>
  value === undefined ||
  value === null ||
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0))
    ? value
    : (JSON.parse(JSON.stringify(value)) as unknown)

/**
 * The engine's session over `req.session`. Every call looks `req.session` up again, so the
 * wrapper keeps working after `regenerate()` replaced the session object during login.
 */
export function coreSession(req: Request): CoreSession {
  return {
    get id(): string {
      return req.sessionID
    },
    get<T = unknown>(key: string): T | undefined {
      const values = peekSessionData(req)?.values
      return values && Object.hasOwn(values, key) ? (values[key] as T) : undefined
    },
    set(key: string, value: unknown): void {
      const data = sessionData(req)
      data.values ??= {}
      if (value === undefined) delete data.values[key]
      else data.values[key] = clone(value)
    },
    pop<T = unknown>(key: string): T | undefined {
      const values = peekSessionData(req)?.values
      if (!values || !Object.hasOwn(values, key)) return undefined
      const value = values[key] as T
      delete values[key]
      return value
    },
  }
}
