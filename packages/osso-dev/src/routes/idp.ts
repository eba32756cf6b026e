import type { NextFunction, Request, Response } from 'express'
import type { ServerContext } from '../context.js'
import { allParams, param } from '../request-params.js'
import { sendJson } from '../respond.js'

/**
 * CORS for `/idp` and `/graphql`, only for the configured origins (Osso's `CORS_ORIGINS`),
 * so osso-react can call them from an app's page. Preflights end here.
 */
export function cors(ctx: ServerContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin
    if (origin !== undefined && ctx.config.corsOrigins.includes(origin)) {
      res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' })
      if (req.method === 'OPTIONS') {
        res.set({
          'Access-Control-Allow-Methods': 'POST, OPTIONS',
          'Access-Control-Allow-Headers':
            req.headers['access-control-request-headers'] ?? 'Accept, Content-Type, Authorization',
          'Access-Control-Max-Age': '600',
        })
      }
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end()
      return
    }
    next()
  }
}

/**
 * `POST /idp` (osso-react's `useOssoLogin`): whether any non-PENDING IdP has this exact
 * domain, for any client.
 */
export function onboarded(ctx: ServerContext) {
  return (req: Request, res: Response): void => {
    const domain = param(allParams(req, res), 'domain')
    const found = [...ctx.state.providers.values()].some(
      (p) => p.status !== 'PENDING' && p.domain === domain,
    )
    sendJson(res, 200, { onboarded: found })
  }
}

/** `POST /graphql`: Osso's admin API needs a login; `<OssoProvider>` only needs a non-2xx. */
export function graphql() {
  return (_req: Request, res: Response): void => {
    sendJson(res, 401, { error: 'Please login to continue' })
  }
}
