import type { Request, Response } from 'express'
import type { ServerContext } from '../context.js'
import { param, queryParams } from '../request-params.js'
import { sendJson, sendRecordNotFound } from '../respond.js'
import { serviceName } from '../service-name.js'

/**
 * `GET /oauth/me`: the signed-in user for an unexpired access token, from the
 * `access_token` query parameter (wins even when empty) or the last 64 characters of the
 * `Authorization` header, which is how Osso accepts any prefix.
 */
export function me(ctx: ServerContext) {
  return (req: Request, res: Response): void => {
    const fromQuery = param(queryParams(req), 'access_token')
    const value = fromQuery ?? req.headers.authorization?.slice(-64) ?? ''
    const token = ctx.state.tokens.get(value)
    const user =
      token !== undefined && token.expiresAt > ctx.state.now()
        ? ctx.state.users.find((u) => u.id === token.userId)
        : undefined
    const provider = user === undefined ? undefined : ctx.state.providerOf(user)
    if (user === undefined || provider === undefined) {
      sendRecordNotFound(res, ctx.config.rackEnv, 'AccessToken')
      return
    }
    sendJson(res, 200, {
      email: user.email,
      id: user.id,
      idp: serviceName(provider.service),
      requested:
        token?.requested == null
          ? null
          : { email: token.requested.email, domain: token.requested.domain },
    })
  }
}
