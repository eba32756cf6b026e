import express, { type Request, type RequestHandler, type Response, type Router } from 'express'
import {
  appendQuery,
  escapeHtml,
  isUrl,
  spendCode,
  timingSafeEqualStrings,
  type SocialAuth,
  type User,
} from '@social-auth/core'
import { CSRF_FIELD, csrfToken, csrfValid } from '../csrf.js'
import { noStore } from '../http-answers.js'
import '../request-user.js'
import { decodeBinding, encodeBinding, s256 } from './code-binding.js'
import { consentPage } from './consent-page.js'
import { loopbackRedirect } from './loopback-redirect.js'

/** A public native client (a CLI, a desktop app): it has an id and a name, never a secret. */
export interface NativeClient {
  readonly id: string
  /** Shown on the consent page. */
  readonly name: string
}

/** An RFC 6749 §5.1 token response. */
export interface NativeTokenResponse {
  readonly access_token: string
  readonly token_type: string
  readonly expires_in: number
  readonly scope?: string
}

/** Options of {@link nativeClientRouter}. */
export interface NativeClientOptions {
  /** The engine: its storage keeps the one-time codes; its `LOGIN_URL` is where sign-in starts. */
  readonly social: SocialAuth
  readonly clients: readonly NativeClient[]
  /** Issues the app's access token for a user (e.g. `@social-auth/jwt`'s `issuer.mint`). */
  readonly mint: (user: User, client: NativeClient) => Promise<NativeTokenResponse>
  /** Seconds a code may wait for its exchange (default 60). */
  readonly codeTtlSeconds?: number
  /** Route paths (default `/cli/authorize` and `/cli/token`). */
  readonly paths?: { readonly authorize?: string; readonly token?: string }
  /** Runs before the token route (a rate limiter, say). */
  readonly tokenGuard?: RequestHandler
  /** Milliseconds since the epoch (tests). */
  readonly now?: () => number
}

interface AuthorizeRequest {
  readonly client: NativeClient
  readonly redirectUri: URL
  readonly state: string
  readonly codeChallenge: string
}

// S256 only: base64url of a SHA-256 digest is exactly 43 characters (RFC 7636 §4.2).
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** A plain error page: a bad client or redirect URI must never be redirected to (RFC 6749 §4.1.2.1). */
function refuse(res: Response, status: number, message: string): void {
  noStore(res)
  res
    .status(status)
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in refused</title></head><body><main><h1>Sign-in refused</h1><p>${escapeHtml(message)}</p></main></body></html>`,
    )
}

/** RFC 6749 §5.2 error answer of the token route. */
function tokenError(res: Response, error: string, description: string, status = 400): void {
  noStore(res)
  res.status(status).json({ error, error_description: description })
}

/**
 * Lets a native app (the CLI) sign its user in through the browser and get the app's own
 * access token — the OAuth 2.0 for Native Apps profile (RFC 8252) of the authorization code
 * grant with PKCE S256 (RFC 7636): `GET /cli/authorize` (after the usual sign-in, a consent
 * page), `POST /cli/authorize` (CSRF-checked; redirects a one-time code to the app's loopback
 * port), `POST /cli/token` (code + verifier → token). Codes are single-use, expire after
 * `codeTtlSeconds`, and are bound to the user, the client, the redirect URI and the challenge.
 *
 * @example
 * ```ts
 * app.use(nativeClientRouter({ social, clients: [{ id: 'social-auth-cli', name: 'social-auth CLI' }],
 *   mint: (user) => issuer.mint({ sub: String(user.id), scopes: ['read:posts'] }) }))
 * ```
 */
export function nativeClientRouter(options: NativeClientOptions): Router {
  const router = express.Router()
  const authorizePath = options.paths?.authorize ?? '/cli/authorize'
  const tokenPath = options.paths?.token ?? '/cli/token'
  const ttlMs = (options.codeTtlSeconds ?? 60) * 1000
  const now = options.now ?? Date.now
  const storage = options.social.storage
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 })

  /** Validates the authorization request; answers the refusal itself and returns undefined. */
  function authorizeRequest(
    req: Request,
    res: Response,
    params: Record<string, unknown>,
  ): AuthorizeRequest | undefined {
    const client = options.clients.find((c) => c.id === text(params.client_id))
    const redirectUri = loopbackRedirect(params.redirect_uri)
    if (!client) return void refuse(res, 400, 'Unknown client.')
    if (!redirectUri)
      return void refuse(
        res,
        400,
        'The redirect URI must be a loopback address (http://127.0.0.1:<port>/…).',
      )
    const state = text(params.state) ?? ''
    const fail = (error: string): undefined => {
      noStore(res)
      res.redirect(303, appendQuery(redirectUri.href, { error, ...(state ? { state } : {}) }))
      return undefined
    }
    if (text(params.response_type) !== 'code') return fail('unsupported_response_type')
    const codeChallenge = text(params.code_challenge) ?? ''
    if (text(params.code_challenge_method) !== 'S256' || !CHALLENGE.test(codeChallenge))
      return fail('invalid_request')
    if (state === '' || state.length > 512) return fail('invalid_request')
    return { client, redirectUri, state, codeChallenge }
  }

  const loginUrl = (): string => {
    const configured = options.social.settings.get<unknown>('LOGIN_URL')
    return isUrl(configured) ? configured : '/'
  }

  router.get(authorizePath, (req, res) => {
    const request = authorizeRequest(req, res, req.query)
    if (!request) return
    noStore(res)
    if (!req.user) {
      res.redirect(303, appendQuery(loginUrl(), { next: req.originalUrl }))
      return
    }
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
    )
    res.type('html').send(
      consentPage({
        action: `${req.baseUrl}${authorizePath}`,
        clientName: request.client.name,
        account: String(req.user.email || req.user.username || req.user.id),
        fields: {
          [CSRF_FIELD]: csrfToken(req),
          client_id: request.client.id,
          redirect_uri: request.redirectUri.href,
          response_type: 'code',
          code_challenge: request.codeChallenge,
          code_challenge_method: 'S256',
          state: request.state,
        },
      }),
    )
  })

  router.post(authorizePath, form, async (req, res, next) => {
    try {
      const body = (req.body ?? {}) as Record<string, unknown>
      if (!csrfValid(req))
        return refuse(res, 403, 'This form has expired; start again from the app.')
      const request = authorizeRequest(req, res, body)
      if (!request) return
      if (!req.user) return refuse(res, 401, 'You are not signed in.')
      const answer = (params: Record<string, string>): void => {
        noStore(res)
        res.redirect(
          303,
          appendQuery(request.redirectUri.href, { ...params, state: request.state }),
        )
      }
      if (body.decision !== 'allow') return answer({ error: 'access_denied' })
      const code = await storage.code.makeCode(
        encodeBinding({
          userId: String(req.user.id),
          codeChallenge: request.codeChallenge,
          clientId: request.client.id,
          redirectUri: request.redirectUri.href,
        }),
      )
      answer({ code: code.code })
    } catch (err) {
      next(err)
    }
  })

  const token: RequestHandler = async (req, res, next) => {
    try {
      const body = (req.body ?? {}) as Record<string, unknown>
      if (text(body.grant_type) !== 'authorization_code') {
        return tokenError(res, 'unsupported_grant_type', 'Only authorization_code is supported.')
      }
      const client = options.clients.find((c) => c.id === text(body.client_id))
      if (!client) return tokenError(res, 'invalid_client', 'Unknown client.', 401)
      const codeValue = text(body.code) ?? ''
      const verifier = text(body.code_verifier) ?? ''
      const redirectUri = text(body.redirect_uri) ?? ''
      if (!codeValue || !VERIFIER.test(verifier) || !loopbackRedirect(redirectUri)) {
        return tokenError(
          res,
          'invalid_request',
          'code, code_verifier and redirect_uri are required.',
        )
      }
      const record = await storage.code.getCode(codeValue)
      const bound = record ? decodeBinding(record.email, client.id, redirectUri) : undefined
      // Spend the code before anything else can fail: a code is good for one try only, and of
      // two racing exchanges only the one whose update changed the row goes on.
      if (!record || !bound || record.verified || !(await spendCode(storage, record))) {
        return tokenError(res, 'invalid_grant', 'The code is unknown or was used.')
      }
      if (now() - record.timestamp.getTime() > ttlMs)
        return tokenError(res, 'invalid_grant', 'The code expired.')
      if (!timingSafeEqualStrings(s256(verifier), bound.codeChallenge)) {
        return tokenError(res, 'invalid_grant', 'The code verifier does not match.')
      }
      const user = await storage.user.getUser(bound.userId)
      if (!user) return tokenError(res, 'invalid_grant', 'The account is not active.')
      noStore(res)
      res.json(await options.mint(user, client))
    } catch (err) {
      next(err)
    }
  }
  // The guard runs after the body is parsed, so limits may key on `client_id`.
  router.post(tokenPath, form, ...(options.tokenGuard ? [options.tokenGuard] : []), token)
  return router
}
