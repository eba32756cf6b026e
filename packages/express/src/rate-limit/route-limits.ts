import type { Request, RequestHandler } from 'express'
import { clientAddress } from './client-address.js'
import { beginDomain, beginEmail, userKey } from './keys.js'
import { MemoryRateLimitStore } from './memory-store.js'
import {
  checkLimit,
  rateLimit,
  type Limit,
  type RateLimitEvent,
  type RateLimitRule,
} from './rate-limit.js'
import type { RateLimitStore } from './store.js'

/**
 * The abuse limits of the social-auth routes (`socialAuthExpress`'s `rateLimit` option). Each
 * limit can be changed, or turned off with `false`; omitted ones keep their default
 * ({@link DEFAULT_ROUTE_LIMITS}).
 *
 * @example
 * ```ts
 * socialAuthExpress(social, {
 *   rateLimit: {
 *     store: new KnexRateLimitStore(knex), // shared by every app node
 *     begin: { perEmail: { limit: 5, windowSeconds: 600 } },
 *   },
 * })
 * ```
 */
export interface RouteRateLimits {
  /** Where counters live (default: memory, per process). */
  readonly store?: RateLimitStore
  /** `POST /begin` and `/login`: per client address, per email and per domain of the form. */
  readonly begin?: {
    readonly perIp?: Limit | false
    readonly perEmail?: Limit | false
    readonly perDomain?: Limit | false
  }
  /** `GET|POST /complete` and `POST /resume`: per client address. */
  readonly complete?: { readonly perIp?: Limit | false }
  /** `POST /disconnect`: per client address and per logged-in user. */
  readonly disconnect?: { readonly perIp?: Limit | false; readonly perUser?: Limit | false }
  /** See {@link RateLimitOptions.onStoreError} (default `allow`). */
  readonly onStoreError?: 'allow' | 'refuse'
  /** Told about refusals and store failures (rule names only, never the counted values). */
  readonly onEvent?: (event: RateLimitEvent, req: Request) => void
  /** The clock, in milliseconds (tests inject one). */
  readonly now?: () => number
}

/**
 * The default limits: generous enough for people behind one office proxy, tight enough to stop
 * scripted login storms, and a per-email limit that stops a stranger from flooding someone's
 * identity provider with sign-in prompts (MFA fatigue).
 */
export const DEFAULT_ROUTE_LIMITS = {
  begin: {
    perIp: { limit: 60, windowSeconds: 60 },
    perEmail: { limit: 20, windowSeconds: 600 },
    // Twice what one address may send in the window: no single client can lock a tenant out.
    perDomain: { limit: 1200, windowSeconds: 600 },
  },
  complete: { perIp: { limit: 60, windowSeconds: 60 } },
  disconnect: {
    perIp: { limit: 30, windowSeconds: 60 },
    perUser: { limit: 10, windowSeconds: 60 },
  },
} as const satisfies Required<Pick<RouteRateLimits, 'begin' | 'complete' | 'disconnect'>>

/** The limiter middleware of each route group; empty arrays when limits are off. */
export interface RouteLimiters {
  readonly begin: RequestHandler[]
  readonly complete: RequestHandler[]
  readonly disconnect: RequestHandler[]
  /** The store the routes count in (undefined when limits are off). */
  readonly store: RateLimitStore | undefined
}

function rule(
  name: string,
  configured: Limit | false | undefined,
  fallback: Limit,
  key: (req: Request) => string | undefined,
): RateLimitRule[] {
  if (configured === false) return []
  const limit = configured ?? fallback
  checkLimit(name, limit)
  return [{ name, limit: limit.limit, windowSeconds: limit.windowSeconds, key }]
}

/** Builds the route limiters from the `rateLimit` option (`false`: none). */
export function routeLimiters(options: RouteRateLimits | false | undefined): RouteLimiters {
  if (options === false) return { begin: [], complete: [], disconnect: [], store: undefined }
  const config = options ?? {}
  const store = config.store ?? new MemoryRateLimitStore()
  const d = DEFAULT_ROUTE_LIMITS
  const limiter = (rules: RateLimitRule[]): RequestHandler[] =>
    rules.length === 0
      ? []
      : [
          rateLimit({
            rules,
            store,
            ...(config.onStoreError ? { onStoreError: config.onStoreError } : {}),
            ...(config.onEvent ? { onEvent: config.onEvent } : {}),
            ...(config.now ? { now: config.now } : {}),
          }),
        ]
  return {
    store,
    begin: limiter([
      ...rule('begin:ip', config.begin?.perIp, d.begin.perIp, clientAddress),
      ...rule('begin:email', config.begin?.perEmail, d.begin.perEmail, beginEmail),
      ...rule('begin:domain', config.begin?.perDomain, d.begin.perDomain, beginDomain),
    ]),
    complete: limiter(rule('complete:ip', config.complete?.perIp, d.complete.perIp, clientAddress)),
    disconnect: limiter([
      ...rule('disconnect:ip', config.disconnect?.perIp, d.disconnect.perIp, clientAddress),
      ...rule('disconnect:user', config.disconnect?.perUser, d.disconnect.perUser, userKey),
    ]),
  }
}
