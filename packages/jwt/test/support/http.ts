import express, { type Express, type RequestHandler } from 'express'
import { listenLoopback } from '../../../../test/support/loopback.js'
import type { JwtGuard } from '../../src/index.js'

/** A running app on 127.0.0.1 and a way to stop it. */
export interface Served {
  readonly url: string
  close(): Promise<void>
}

export const serve = (app: Express): Promise<Served> => listenLoopback(app)

/** A tiny API guarded the way the USSO guide's is. */
export function guardedApp(auth: JwtGuard, extra: (app: Express) => void = () => {}): Express {
  const app = express()
  const me: RequestHandler = (req, res) => {
    res.json({ user_id: req.auth!.sub, roles: req.auth!.roles, scopes: req.auth!.scopes })
  }
  app.get('/me', auth.requireAuth(), me)
  app.get('/posts', auth.requireScope('read:posts'), me)
  app.get('/either', auth.requireAnyScope('read:posts', 'write:posts'), me)
  app.get('/admin', auth.requireRole('admin'), me)
  app.get('/staff', auth.requireAnyRole('editor', 'admin'), me)
  extra(app)
  return app
}

export interface Answer {
  readonly status: number
  readonly challenge: string | null
  readonly body: Record<string, unknown>
}

export async function call(
  base: string,
  path: string,
  options: { token?: string; cookie?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  if (options.cookie !== undefined) headers.cookie = options.cookie
  const response = await fetch(base + path, { headers })
  const text = await response.text()
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {
    body = { text }
  }
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body }
}
