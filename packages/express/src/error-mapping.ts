import type { NextFunction, Request, RequestParamHandler, Response } from 'express'
import {
  MissingBackend,
  RequestForbidden,
  SocialAuthError,
  WrongBackend,
  type ActionResponse,
  type SocialAuth,
} from '@social-auth/core'
import { errorPage, noStore, sendActionResponse, wantsJson } from './http-answers.js'

/** The JSON body of an error answer: a stable code and a human sentence. */
export interface ErrorBody {
  readonly error: string
  readonly detail: string
}

/**
 * The sentence shown for an error. Provider-supplied text (`error_description`) is not ours to
 * show, so an error that carries one gets a neutral sentence naming only the provider's code.
 */
export function publicDetail(err: SocialAuthError): string {
  if (err.providerError !== undefined || err.providerErrorDescription !== undefined) {
    const code = /^[A-Za-z0-9_.-]{1,64}$/.test(err.providerError ?? '')
      ? ` (${err.providerError})`
      : ''
    return `The provider did not complete the sign-in${code}.`
  }
  return err.message
}

/** The body-parser / router errors of malformed requests, as a coded 4xx. */
export function asRequestError(err: unknown): SocialAuthError | undefined {
  if (err instanceof SocialAuthError) return err
  const status =
    (err as { status?: unknown; statusCode?: unknown } | null)?.status ??
    (err as { statusCode?: unknown } | null)?.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new RequestForbidden('The request is malformed or too large', { status, cause: err })
  }
  return undefined
}

/**
 * The answer for a coded error: JSON `{error, detail}` when the client asked for JSON, else the
 * engine's redirect to `LOGIN_ERROR_URL?error=<code>`; with no error URL configured, a plain page.
 * An unknown backend is a page that does not exist, not a failed sign-in: a 404 page (PSA's
 * `psa` decorator turns `MissingBackend` into Django's 404, behaviour 4).
 * Errors that are not coded are rethrown (they are bugs or outages, answered 500 elsewhere).
 */
export function errorAnswer(
  social: SocialAuth,
  req: Request,
  err: unknown,
  backend?: string,
): ActionResponse | ErrorBody {
  const coded = asRequestError(err)
  if (!coded) throw err
  if (wantsJson(req) || coded instanceof WrongBackend)
    return { error: coded.code, detail: publicDetail(coded) }
  try {
    return social.errorResponse(coded, backend, 'redirect')
  } catch (thrown) {
    if (thrown !== coded) throw thrown
    return { error: coded.code, detail: publicDetail(coded) }
  }
}

/**
 * Whether `RAISE_EXCEPTIONS` (per backend) hands a coded error to the app's own Express error
 * handler. PSA's middleware re-raises it to Django, which renders it as the project does (the
 * debug page when `DEBUG`, the setting's default there); rendering it ourselves would hide it.
 */
export function raisesExceptions(social: SocialAuth, err: unknown, backend?: string): boolean {
  if (!(err instanceof SocialAuthError)) return false
  const name = err.backend ?? backend
  const known = name !== undefined && social.backends.has(name) ? name : undefined
  return social.settings.get<boolean>('RAISE_EXCEPTIONS', known ? { backend: known } : {}) === true
}

/**
 * Sends what {@link errorAnswer} chose, or, with `RAISE_EXCEPTIONS`, passes the error on with
 * `next(err)` so that the app's error handler answers.
 */
export function sendError(
  social: SocialAuth,
  req: Request,
  res: Response,
  next: NextFunction,
  err: unknown,
  backend?: string,
): void {
  // Before RAISE_EXCEPTIONS: Django answers the 404 whatever that setting says.
  if (!(err instanceof WrongBackend) && raisesExceptions(social, err, backend)) {
    next(err)
    return
  }
  const answer = errorAnswer(social, req, err, backend)
  noStore(res)
  if ('type' in answer) {
    sendActionResponse(res, answer)
    return
  }
  const status = asRequestError(err)?.status ?? 400
  if (wantsJson(req)) res.status(status).json(answer)
  else
    res
      .status(status)
      .type('html')
      .send(errorPage(status, answer.error, answer.detail))
}

/**
 * A `router.param('backend', …)` handler: a route naming a backend that is not configured
 * answers 404 (page, or JSON `{error: "ERR_MISSING_BACKEND"}`) before its CSRF check, limits or
 * action run, as PSA's `psa` decorator does for every social view.
 */
export function knownBackendOnly(social: SocialAuth): RequestParamHandler {
  return (req, res, next, name: unknown) => {
    if (typeof name === 'string' && social.backends.has(name)) next()
    else sendError(social, req, res, next, new MissingBackend(String(name)))
  }
}

// Long runs of token characters (codes, states, tokens, secrets) and query strings are cut out
// of anything logged: an error message may quote a URL or a request it came from.
const TOKENISH = /[A-Za-z0-9._~+/=-]{20,}/g
const QUERY = /\?[^\s'"]*/g
// A snake_case name (a table, a column) is long too, but no secret looks like one.
const IDENTIFIER = /^[a-z]+(?:_[a-z]+)+$/
const redactTokens = (text: string): string =>
  text.replace(TOKENISH, (run) => (IDENTIFIER.test(run) ? run : '[redacted]'))

/** A log line for an unexpected error, with anything secret-looking removed. */
export function redactedErrorLine(err: unknown, req: Request): string {
  const name = (err as { name?: unknown } | null)?.name
  const code = (err as { code?: unknown } | null)?.code
  const message = err instanceof Error ? err.message : String(err)
  // knex puts the failed SQL before the driver's reason (`select … - no such table: x`): the
  // reason first, so the cut below never drops it.
  const cut = message.lastIndexOf(' - ')
  const ordered = cut > 0 ? `${message.slice(cut + 3)} (in: ${message.slice(0, cut)})` : message
  const safe = redactTokens(ordered.replace(QUERY, '?[redacted]')).slice(0, 300)
  return `social-auth: ${req.method} ${req.path.replace(TOKENISH, '[redacted]')} failed: ${typeof name === 'string' ? name : 'Error'}${
    typeof code === 'string' ? ` ${code}` : ''
  }: ${safe}`
}

/** Answers an unexpected error: 500 with a generic body, never the message or the stack. */
export function sendInternalError(req: Request, res: Response): void {
  noStore(res)
  const detail = 'Something went wrong on our side. Please try again.'
  if (wantsJson(req)) res.status(500).json({ error: 'ERR_INTERNAL', detail })
  else
    res
      .status(500)
      .type('html')
      .send(errorPage(500, 'ERR_INTERNAL', detail))
}
