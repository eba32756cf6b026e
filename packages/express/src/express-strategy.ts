import type { Request } from 'express'
import type { RequestData, Session, Strategy } from '@social-auth/core'
import { absoluteUrl, appLocation, type AppLocation } from './public-url.js'
import { flattenParams } from './request-data.js'
import { coreSession } from './session-data.js'

/** How a strategy sees the app. */
export interface StrategyOptions {
  /** `PUBLIC_URL`: the app's public origin (and path prefix) behind a proxy. */
  readonly publicUrl?: URL | undefined
  /** The path the `complete` routes live under (mount path), e.g. `''` or `/auth`. */
  readonly routesPrefix: string
  /** Request fields the engine must not see (the CSRF token, the form_post relay marker). */
  readonly omit?: ReadonlySet<string>
  /** When set, only these request fields reach the engine (begin's allowed fields). */
  readonly only?: ReadonlySet<string>
  /** Whether the request comes from the app's own page (see `Strategy.requestVerified`). */
  readonly requestVerified?: (req: Request) => boolean
}

/**
 * The engine's view of one Express request (PSA's strategy): query and body as flat strings,
 * the host and absolute URLs from `PUBLIC_URL` or the request, and the session wrapper.
 *
 * @example
 * ```ts
 * const strategy = expressStrategy(req, { publicUrl: new URL('https://app.example.com'), routesPrefix: '' })
 * strategy.redirectUri('osso') // 'https://app.example.com/complete/osso/'
 * ```
 */
export function expressStrategy(req: Request, options: StrategyOptions): Strategy {
  // Each part is worked out on first use: many callers only want the session.
  let location: AppLocation | undefined
  const locate = (): AppLocation => (location ??= appLocation(req, options.publicUrl))
  const filter = (data: RequestData): RequestData => {
    if (!options.only) return data
    const out: RequestData = {}
    for (const key of options.only) if (Object.hasOwn(data, key)) out[key] = data[key]!
    return out
  }
  let query: RequestData | undefined
  let body: RequestData | undefined
  const queryData = (): RequestData => (query ??= filter(flattenParams(req.query, options.omit)))
  const bodyData = (): RequestData => (body ??= filter(flattenParams(req.body, options.omit)))
  let session: Session | undefined
  return {
    requestData(merge = true): RequestData {
      if (merge) return { ...queryData(), ...bodyData() }
      return req.method === 'POST' ? { ...bodyData() } : { ...queryData() }
    },
    requestHost: () => locate().host,
    requestMethod: () => req.method,
    absoluteUri: (path) => absoluteUrl(locate(), path),
    redirectUri: (backend) =>
      absoluteUrl(locate(), `${options.routesPrefix}/complete/${encodeURIComponent(backend)}/`),
    requestVerified: () => options.requestVerified?.(req) ?? false,
    get session(): Session {
      return (session ??= coreSession(req))
    },
  }
}
