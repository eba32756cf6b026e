import type { Request, Response } from 'express'
import { completeLogin } from '../complete-login.js'
import { writeSession } from '../context.js'
import type { ServerContext } from '../context.js'
import { hostedLoginPage } from '../pages/hosted-login.js'
import { pickerPage } from '../pages/picker.js'
import { samlStepPage } from '../pages/saml-step.js'
import { verifyRedirectUri } from '../redirect-uri.js'
import { param, queryParams } from '../request-params.js'
import { sendHtml, sendOssoError, sendOutcome } from '../respond.js'
import type { IdentityProvider, MockIdentity } from '../types.js'

/**
 * `GET /oauth/authorize` (`reference/osso.md` §6.3): validate the client and redirect
 * URI, remember them in the session, then route by email or domain to the hosted login
 * page, one IdP, a picker, or an error page. Errors never redirect to the app.
 */
export function authorize(ctx: ServerContext) {
  return (req: Request, res: Response): void => {
    const query = queryParams(req)
    const clientId = param(query, 'client_id')
    const redirectUri = param(query, 'redirect_uri')
    const responseType = param(query, 'response_type')
    const email = param(query, 'email')
    const domain = param(query, 'domain')
    const strict = ctx.config.fidelity === 'strict'

    if (clientId === undefined || clientId === '') {
      sendOssoError(res, 'InvalidRedirectUri', redirectUri ?? '')
      return
    }
    const allowedTypes = strict ? ['code'] : ['code', 'token']
    if (responseType === undefined || !allowedTypes.includes(responseType)) {
      sendOssoError(res, 'InvalidRedirectUri', redirectUri ?? '')
      return
    }
    const client = ctx.state.clients.get(clientId)
    if (client === undefined) {
      sendOssoError(res, 'InvalidOAuthClientIdentifier')
      return
    }
    const verified = verifyRedirectUri(client, redirectUri)
    if (verified === undefined) {
      sendOssoError(res, 'InvalidRedirectUri', redirectUri ?? '')
      return
    }

    const { id: sessionId, session } = writeSession(ctx, req, res, {
      redirectUri: verified,
      state: param(query, 'state'),
      requested: { email: email ?? null, domain: domain ?? null },
      clientId,
    })

    // Absent, not merely empty: Osso tests `nil?`, so `email=` skips the hosted page.
    if (email === undefined && domain === undefined) {
      sendHtml(res, (nonce) => hostedLoginPage({ query, users: ctx.state.users, nonce }))
      return
    }

    const providers = findProviders(ctx, clientId, email, domain)
    const shortcut = oneShotLogin(ctx, providers, email)
    if (shortcut !== undefined) {
      const outcome = completeLogin(ctx.state, ctx.config.fidelity, {
        providerId: shortcut.provider.id,
        identity: shortcut.identity,
        session,
        sessionId,
      })
      // Reached by GET, so the redirect is a 302 (the form POST callback answers 303).
      sendOutcome(res, outcome, 302)
      return
    }
    const [only, ...others] = providers
    if (only !== undefined && others.length === 0) {
      sendHtml(res, (nonce) =>
        samlStepPage({ provider: only, csrfToken: session.csrfToken, nonce }),
      )
      return
    }
    if (only !== undefined) {
      sendHtml(res, (nonce) =>
        pickerPage({ providers, query, csrfToken: session.csrfToken, nonce }),
      )
      return
    }
    // osso-0.1.2 names only the raw `domain` param (blank for email-only requests).
    const shown = strict ? (domain ?? emailDomain(email) ?? '') : (domain ?? '')
    sendOssoError(res, 'MissingConfiguredIdentityProvider', shown)
  }
}

function emailDomain(email: string | undefined): string | undefined {
  return email?.split('@')[1]
}

/** Osso's `find_providers`, with strict mode's scoped existing-user shortcut. */
function findProviders(
  ctx: ServerContext,
  clientId: string,
  email: string | undefined,
  domain: string | undefined,
): IdentityProvider[] {
  if (email !== undefined) {
    const user = ctx.state.users.find((u) => u.email === email)
    const provider = user === undefined ? undefined : ctx.state.providerOf(user)
    if (provider !== undefined) {
      const usable = provider.clientId === clientId && provider.status !== 'PENDING'
      if (ctx.config.fidelity !== 'strict' || usable) return [provider]
    }
  }
  // `domain` wins even when empty, as Ruby's `||` only skips nil.
  const wanted = domain ?? emailDomain(email)
  if (wanted === undefined) return []
  return [...ctx.state.providers.values()].filter(
    (p) => p.status !== 'PENDING' && p.domain === wanted && p.clientId === clientId,
  )
}

/**
 * A queued `/__dev/next-login` or `autoLogin` that resolves this request's SAML step.
 * A next-login whose `provider_id` is not among the candidates stays queued.
 */
function oneShotLogin(
  ctx: ServerContext,
  providers: IdentityProvider[],
  email: string | undefined,
): { provider: IdentityProvider; identity: MockIdentity } | undefined {
  const next = ctx.state.nextLogin
  if (next !== null && providers.length > 0) {
    const provider =
      next.providerId === undefined
        ? providers.length === 1
          ? providers[0]
          : undefined
        : providers.find((p) => p.id === next.providerId)
    if (provider !== undefined) {
      ctx.state.nextLogin = null
      return {
        provider,
        identity: { email: next.email, idpId: next.idpId, simulate: next.simulate },
      }
    }
  }
  const [only] = providers
  if (
    ctx.config.autoLogin &&
    providers.length === 1 &&
    only !== undefined &&
    email !== undefined &&
    email !== ''
  ) {
    return { provider: only, identity: { email } }
  }
  return undefined
}
