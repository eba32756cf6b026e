import type { Request, Response } from 'express'
import type { ServerContext } from '../context.js'
import { allParams, param } from '../request-params.js'
import { sendJson, sendRecordNotFound } from '../respond.js'
import { safeEqual } from '../safe-equal.js'

// rack-oauth2 1.16's texts, verbatim: clients and their tests match on them.
const DESCRIPTIONS = {
  invalid_client:
    'The client identifier provided is invalid, the client failed to authenticate, the client did not include its credentials, provided multiple client credentials, or used unsupported credentials type.',
  invalid_grant:
    'The provided access grant is invalid, expired, or revoked (e.g. invalid assertion, expired authorization token, bad end-user password credentials, or mismatching authorization code and redirection URI).',
  unsupported_grant_type:
    'The access grant included - its type or another attribute - is not supported by the authorization server.',
} as const

/** Grant types rack-oauth2 knows, with the parameters each requires besides `client_id`. */
const GRANTS: Record<string, readonly string[]> = {
  authorization_code: ['code'],
  password: ['username', 'password'],
  refresh_token: ['refresh_token'],
  client_credentials: [],
  'urn:ietf:params:oauth:grant-type:jwt-bearer': ['assertion'],
  'urn:ietf:params:oauth:grant-type:saml2-bearer': ['assertion'],
}

function oauthError(res: Response, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description })
}

function missing(res: Response, names: string[]): void {
  oauthError(res, 400, 'invalid_request', `${names.map((n) => `'${n}'`).join(', ')} required.`)
}

function blank(value: string | undefined): boolean {
  return value === undefined || value === ''
}

/** `application/x-www-form-urlencoded` decoding, keeping the raw text if it is malformed. */
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

/** HTTP Basic credentials (RFC 6749 §2.3.1: each part form-decoded), if the header has them. */
function basicCredentials(req: Request): { id: string; secret: string | undefined } | undefined {
  const match = /^basic\s+(\S*)\s*$/i.exec(req.headers.authorization ?? '')
  if (match === null) return undefined
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon === -1) return { id: formDecode(decoded), secret: undefined }
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) }
}

/**
 * `POST /oauth/token` (`reference/osso.md` §1.3 and §6.3): the authorization-code exchange,
 * with rack-oauth2's checks in rack-oauth2's order and Osso's 404s for unknown records.
 * Strict mode adds code expiry, single use and client binding.
 */
export function token(ctx: ServerContext) {
  return (req: Request, res: Response): void => {
    const params = allParams(req, res)
    const strict = ctx.config.fidelity === 'strict'
    const basic = basicCredentials(req)
    let clientId = param(params, 'client_id')
    let clientSecret = param(params, 'client_secret')
    if (basic !== undefined) {
      if (!blank(clientId) && clientId !== basic.id) {
        oauthError(res, 400, 'invalid_request', 'Multiple client credentials are provided.')
        return
      }
      clientId = basic.id
      clientSecret = basic.secret
    }

    const grantType = param(params, 'grant_type')
    if (grantType === undefined || grantType === '') {
      missing(res, [...(blank(clientId) ? ['client_id'] : []), 'grant_type'])
      return
    }
    const required = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined
    if (required === undefined || (strict && grantType !== 'authorization_code')) {
      oauthError(res, 400, 'unsupported_grant_type', DESCRIPTIONS.unsupported_grant_type)
      return
    }
    const absent = [
      ...(blank(clientId) ? ['client_id'] : []),
      ...required.filter((name) => blank(param(params, name))),
    ]
    if (absent.length > 0) {
      missing(res, absent)
      return
    }

    const client = ctx.state.clients.get(clientId ?? '')
    if (client === undefined) {
      sendRecordNotFound(res, ctx.config.rackEnv, 'OauthClient')
      return
    }
    if (clientSecret === undefined || !safeEqual(clientSecret, client.clientSecret)) {
      res.set('WWW-Authenticate', 'Basic realm="OAuth2 Token Endpoint"')
      oauthError(res, 401, 'invalid_client', DESCRIPTIONS.invalid_client)
      return
    }
    const code = ctx.state.codes.get(param(params, 'code') ?? '')
    if (code === undefined) {
      sendRecordNotFound(res, ctx.config.rackEnv, 'AuthorizationCode')
      return
    }
    const now = ctx.state.now()
    if (strict) {
      if (code.used) {
        // RFC 6749 §4.1.2: a replayed code should revoke what it already granted.
        ctx.state.revokeTokensOf(code.code)
        oauthError(res, 400, 'invalid_grant', DESCRIPTIONS.invalid_grant)
        return
      }
      if (code.expiresAt <= now || code.clientId !== client.clientId) {
        oauthError(res, 400, 'invalid_grant', DESCRIPTIONS.invalid_grant)
        return
      }
    }
    // Only the code grant carries a redirect_uri; other grants reaching here never match.
    const redirectUri =
      grantType === 'authorization_code' ? param(params, 'redirect_uri') : undefined
    if (redirectUri !== code.redirectUri) {
      oauthError(res, 400, 'invalid_grant', DESCRIPTIONS.invalid_grant)
      return
    }

    if (strict) code.used = true
    else code.expiresAt = now // what osso-0.1.2 does instead of refusing a second use
    const accessToken = ctx.state.issueToken(code)
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' })
    sendJson(res, 200, {
      access_token: accessToken.token,
      token_type: 'bearer',
      expires_in: Math.floor((accessToken.expiresAt - ctx.state.now()) / 1000),
    })
  }
}
