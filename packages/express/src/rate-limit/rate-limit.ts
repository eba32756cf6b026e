import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { RateLimited } from '@social-auth/core'
import { errorPage, noStore, wantsJson } from '../http-answers.js'
import { MemoryRateLimitStore } from './memory-store.js'
import type { RateLimitStore } from './store.js'

/** How many requests a window allows. */
export interface Limit {
  /** Requests allowed per window. */
  readonly limit: number
  /** The window, in seconds. */
  readonly windowSeconds: number
}

/** One limit of a route: what is counted, and how many are allowed. */
export interface RateLimitRule extends Limit {
  /** Names the rule in counter keys and logs, e.g. `begin:ip`. */
  readonly name: string
  /**
   * What this request counts against: the client address, an email, a user id… Undefined
   * (or empty) skips the rule for this request (e.g. a `/begin` without an email).
   */
  readonly key: (req: Request) => string | undefined
}

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** The limits; a request is refused as soon as one of them is exceeded. */
  readonly rules: readonly RateLimitRule[]
  /** Where counters live (default: a new {@link MemoryRateLimitStore}). */
  readonly store?: RateLimitStore
  /** Answer JSON even to clients that did not ask for it (token routes of native clients). */
  readonly json?: boolean
  /**
   * When the store fails (its database is down), let the request through (default), or refuse
   * it by handing the error to the app's error handler. Failing open keeps sign-in available
   * when only the counters are lost; failing closed keeps the limits when the store is the
   * target.
   */
  readonly onStoreError?: 'allow' | 'refuse'
  /** Told about store failures and refused requests (logs, metrics); gets the rule name only. */
  readonly onEvent?: (event: RateLimitEvent, req: Request) => void
  /** The clock, in milliseconds (tests inject one). */
  readonly now?: () => number
}

/** What {@link RateLimitOptions.onEvent} is told. */
export type RateLimitEvent =
  | { readonly type: 'limited'; readonly rule: string; readonly retryAfterSeconds: number }
  | { readonly type: 'store-error'; readonly error: unknown }

/** Checks a rule's numbers once, at start-up. */
export function checkLimit(name: string, limit: Limit): void {
  if (!Number.isInteger(limit.limit) || limit.limit < 1)
    throw new TypeError(`rate limit ${name}: limit must be a positive integer`)
  if (!(limit.windowSeconds > 0) || !Number.isFinite(limit.windowSeconds))
    throw new TypeError(`rate limit ${name}: windowSeconds must be a positive number`)
}

/** Answers a refused request: 429, `Retry-After`, the coded error as JSON or a small page. */
export function sendRateLimited(req: Request, res: Response, err: RateLimited, json = false): void {
  noStore(res)
  res.set('Retry-After', String(err.retryAfterSeconds))
  if (json || wantsJson(req)) res.status(429).json({ error: err.code, detail: err.message })
  else
    res
      .status(429)
      .type('html')
      .send(errorPage(429, err.code, err.message))
}

/**
 * Express middleware enforcing fixed-window limits (per client address, per identity…). A
 * request over any limit is answered 429 with `Retry-After` and `ERR_RATE_LIMITED` (RFC 6585
 * §4) and goes no further. Every rule counts every request it applies to, refused ones
 * included, so hammering does not buy extra attempts.
 *
 * @example
 * ```ts
 * app.post('/cli/token', express.urlencoded({ extended: false }), rateLimit({
 *   store,
 *   json: true,
 *   rules: [
 *     { name: 'cli-token:ip', limit: 30, windowSeconds: 60, key: clientAddress },
 *     { name: 'cli-token:client', limit: 60, windowSeconds: 60, key: (req) => bodyField(req, 'client_id') },
 *   ],
 * }), tokenHandler)
 * ```
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  for (const rule of options.rules) checkLimit(rule.name, rule)
  const store = options.store ?? new MemoryRateLimitStore()
  const now = options.now ?? Date.now
  const onStoreError = options.onStoreError ?? 'allow'

  async function check(req: Request): Promise<RateLimited | undefined> {
    const at = now()
    const hits = await Promise.all(
      options.rules.map(async (rule) => {
        const subject = rule.key(req)
        if (subject === undefined || subject === '') return undefined
        const key = `${rule.name}\u0000${subject}`
        return { rule, hit: await store.hit(key, rule.windowSeconds * 1000, at) }
      }),
    )
    let refusal: RateLimited | undefined
    for (const counted of hits) {
      if (!counted || counted.hit.count <= counted.rule.limit) continue
      const retryAfter = (counted.hit.resetAt - at) / 1000
      // The longest wait wins: retrying earlier would only be refused by that rule.
      if (!refusal || Math.ceil(retryAfter) > refusal.retryAfterSeconds)
        refusal = new RateLimited(retryAfter, { rule: counted.rule.name })
    }
    return refusal
  }

  return (req: Request, res: Response, next: NextFunction) => {
    check(req).then(
      (refusal) => {
        if (!refusal) return next()
        options.onEvent?.(
          {
            type: 'limited',
            rule: refusal.rule ?? '',
            retryAfterSeconds: refusal.retryAfterSeconds,
          },
          req,
        )
        sendRateLimited(req, res, refusal, options.json)
      },
      (error: unknown) => {
        options.onEvent?.({ type: 'store-error', error }, req)
        // Refusing hands the store's error to the app's error handler (a redacted log line, 500).
        next(onStoreError === 'allow' ? undefined : error)
      },
    )
  }
}
