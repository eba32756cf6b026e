import type { Response } from 'express'
import { bearerErrorResponse, type BearerChallengeOptions } from '../bearer-response.js'

/**
 * Answers a refused request per RFC 6750 (see `bearerErrorResponse`): status,
 * `WWW-Authenticate`, `Cache-Control: no-store` and the JSON body `{ error, detail }`.
 *
 * @example
 * ```ts
 * app.use((err, req, res, next) => (err instanceof TokenInvalid ? sendBearerError(res, err) : next(err)))
 * ```
 */
export function sendBearerError(
  res: Response,
  err: unknown,
  options: BearerChallengeOptions = {},
): void {
  if (res.headersSent) return
  const { status, headers, body } = bearerErrorResponse(err, options)
  res.status(status).set(headers).json(body)
}
