import type { Request, Response } from 'express'
import { randomHex64 } from './random.js'
import type { SessionCookie } from './session-cookie.js'
import type { OssoDevState } from './state.js'
import type { OAuthSession, OssoDevConfig } from './types.js'

/** What every route handler shares. */
export interface ServerContext {
  config: OssoDevConfig
  state: OssoDevState
  cookie: SessionCookie
}

/** The browser's session, if its cookie is valid and the session still exists. */
export function readSession(
  ctx: ServerContext,
  req: Request,
): { id: string; session: OAuthSession } | undefined {
  const id = ctx.cookie.read(req)
  if (id === undefined) return undefined
  const session = ctx.state.sessions.get(id)
  return session === undefined ? undefined : { id, session }
}

/**
 * Overwrites the browser's OAuth session (each authorize call does) and (re)sets the
 * cookie. An existing session keeps its id, so a browser does not pile up sessions.
 */
export function writeSession(
  ctx: ServerContext,
  req: Request,
  res: Response,
  data: Omit<OAuthSession, 'csrfToken'>,
): { id: string; session: OAuthSession } {
  const existing = readSession(ctx, req)
  if (existing !== undefined) {
    Object.assign(existing.session, data)
    ctx.cookie.write(res, existing.id)
    return existing
  }
  const session: OAuthSession = { ...data, csrfToken: randomHex64() }
  const id = ctx.state.createSession(session)
  ctx.cookie.write(res, id)
  return { id, session }
}
