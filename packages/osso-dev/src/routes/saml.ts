import type { Request, Response } from 'express'
import { completeLogin } from '../complete-login.js'
import { readSession } from '../context.js'
import type { ServerContext } from '../context.js'
import { mockIdpPage } from '../pages/mock-idp.js'
import { allParams, param } from '../request-params.js'
import { sendHtml, sendOssoError, sendOutcome } from '../respond.js'
import { safeEqual } from '../safe-equal.js'
import type { Simulation } from '../types.js'

const SIMULATIONS: readonly string[] = ['missing_email', 'missing_id', 'saml_error']

function providerIdOf(req: Request): string {
  const id: unknown = req.params['providerId']
  return typeof id === 'string' ? id : ''
}

/**
 * `POST /auth/saml/:providerId` (GET too): where Osso would redirect to the IdP with a
 * SAMLRequest, show the mock IdP login page instead.
 */
export function samlRequest(ctx: ServerContext) {
  return (req: Request, res: Response): void => {
    const provider = ctx.state.providers.get(providerIdOf(req))
    // Unknown or PENDING IdPs fail in omniauth before any redirect: Osso's failure page.
    if (provider === undefined || provider.status === 'PENDING') {
      sendOssoError(res, 'SamlConfigError')
      return
    }
    if (ctx.config.csrf) {
      const token = param(allParams(req, res), 'authenticity_token')
      const session = readSession(ctx, req)?.session
      if (session === undefined || token === undefined || !safeEqual(token, session.csrfToken)) {
        sendOssoError(res, 'SamlConfigError')
        return
      }
    }
    sendHtml(res, (nonce) =>
      mockIdpPage({
        provider,
        client: ctx.state.clients.get(provider.clientId),
        users: ctx.state.usersOf(provider.id),
        nonce,
      }),
    )
  }
}

/**
 * `POST /auth/saml/:providerId/callback`: the ACS endpoint the mock IdP posts to. Answers
 * 303 to the app's redirect URI with `code` and `state`, or an Osso error page.
 */
export function samlCallback(ctx: ServerContext) {
  return (req: Request, res: Response): void => {
    const params = allParams(req, res)
    const simulate = param(params, 'simulate')
    const current = readSession(ctx, req)
    const outcome = completeLogin(ctx.state, ctx.config.fidelity, {
      providerId: providerIdOf(req),
      identity: {
        email: param(params, 'email'),
        idpId: param(params, 'idp_id'),
        simulate:
          simulate !== undefined && SIMULATIONS.includes(simulate)
            ? (simulate as Simulation)
            : undefined,
      },
      session: current?.session,
      sessionId: current?.id,
    })
    sendOutcome(res, outcome, 303)
  }
}

/** `GET /auth/failure`: omniauth's failure endpoint, Osso's SAML configuration error page. */
export function samlFailure() {
  return (_req: Request, res: Response): void => {
    sendOssoError(res, 'SamlConfigError')
  }
}
