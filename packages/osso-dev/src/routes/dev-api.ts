import { Router } from 'express'
import type { Request, Response } from 'express'
import { completeLogin } from '../complete-login.js'
import type { ServerContext } from '../context.js'
import { allParams, bodyOf, param } from '../request-params.js'
import type { Params } from '../request-params.js'
import { sendJson, sendNotFound, sendOutcome } from '../respond.js'
import type { NextLogin, Simulation } from '../types.js'

const SIMULATIONS: readonly string[] = ['missing_email', 'missing_id', 'saml_error']

// Large enough for any test, small enough that `Date` stays valid for `/__dev/state`.
const MAX_CLOCK_SHIFT_SECONDS = 100 * 365 * 24 * 3600

function badRequest(res: Response, description: string): void {
  sendJson(res, 400, { error: 'invalid_request', error_description: description })
}

/** An optional, non-empty string parameter; `null` when present but empty. */
function optional(params: Params, name: string): string | undefined | null {
  const value = param(params, name)
  if (value === undefined) return undefined
  return value === '' ? null : value
}

/**
 * The `/__dev/*` control API (`reference/osso.md` §6.5): state dump, reset, a queued
 * next login, clock shifts and IdP-initiated logins. It does not exist in real Osso.
 * Every endpoint takes JSON or form bodies, so the dashboard's plain forms work too.
 */
export function devApi(ctx: ServerContext): Router {
  const router = Router({ strict: true, caseSensitive: true })

  router.get('/state', (_req, res) => {
    sendJson(res, 200, ctx.state.snapshot())
  })

  router.post('/reset', (_req, res) => {
    ctx.state.reset()
    sendJson(res, 200, { reset: true })
  })

  router.post('/next-login', (req, res) => {
    const params = allParams(req, res)
    const simulate = optional(params, 'simulate') ?? undefined
    if (simulate !== undefined && !SIMULATIONS.includes(simulate)) {
      badRequest(res, `simulate must be one of ${SIMULATIONS.join(', ')}`)
      return
    }
    const email = optional(params, 'email') ?? undefined
    if (email === undefined && simulate === undefined) {
      badRequest(res, "'email' required (or 'simulate').")
      return
    }
    const next: NextLogin = {
      email,
      idpId: optional(params, 'idp_id') ?? undefined,
      providerId: optional(params, 'provider_id') ?? undefined,
      simulate: simulate as Simulation | undefined,
    }
    ctx.state.nextLogin = next
    sendJson(res, 200, { queued: ctx.state.snapshot()['next_login'] })
  })

  router.delete('/next-login', (_req, res) => {
    ctx.state.nextLogin = null
    sendJson(res, 200, { queued: null })
  })

  router.post('/clock', (req: Request, res: Response) => {
    const json = bodyOf(res).json
    const fromJson =
      json !== null && typeof json === 'object'
        ? (json as Record<string, unknown>)['advance_seconds']
        : undefined
    const raw = fromJson ?? param(allParams(req, res), 'advance_seconds')
    const seconds =
      typeof raw === 'number'
        ? raw
        : typeof raw === 'string' && raw.trim() !== ''
          ? Number(raw)
          : NaN
    if (
      !Number.isFinite(seconds) ||
      Math.abs(ctx.state.clockOffsetSeconds + seconds) > MAX_CLOCK_SHIFT_SECONDS
    ) {
      badRequest(res, "'advance_seconds' must be a number of seconds (within 100 years).")
      return
    }
    ctx.state.advanceClock(seconds)
    sendJson(res, 200, {
      now: new Date(ctx.state.now()).toISOString(),
      offset_seconds: ctx.state.clockOffsetSeconds,
    })
  })

  router.post('/idp-initiated', (req, res) => {
    const params = allParams(req, res)
    const providerId = optional(params, 'provider_id')
    if (typeof providerId !== 'string') {
      badRequest(res, "'provider_id' required.")
      return
    }
    // Runs the callback with no session at all, whatever cookie the caller sends.
    const outcome = completeLogin(ctx.state, ctx.config.fidelity, {
      providerId,
      identity: {
        email: optional(params, 'email') ?? undefined,
        idpId: optional(params, 'idp_id') ?? undefined,
      },
      session: undefined,
      sessionId: undefined,
    })
    sendOutcome(res, outcome, 303)
  })

  router.post('/redirect-uris', (req, res) => {
    const params = allParams(req, res)
    const clientId = optional(params, 'client_id')
    const uri = optional(params, 'uri')
    if (typeof clientId !== 'string' || typeof uri !== 'string') {
      badRequest(res, "'client_id', 'uri' required.")
      return
    }
    if (!ctx.state.clients.has(clientId)) {
      badRequest(res, `unknown client ${clientId}`)
      return
    }
    const primary = param(params, 'primary') === 'true'
    ctx.state.addRedirectUri(clientId, uri, primary)
    sendJson(res, 200, {
      client_id: clientId,
      redirect_uris: ctx.state.clients.get(clientId)?.redirectUris ?? [],
    })
  })

  router.use((_req, res) => {
    sendNotFound(res)
  })
  return router
}
