import { madeHere, type RequestData, type Session, type Strategy } from '@social-auth/core'

/** The parts of a Node/Express request the engine reads (passport hands strategies this). */
export interface PassportRequest {
  readonly method: string
  readonly query?: unknown
  readonly body?: unknown
  readonly protocol?: string
  readonly headers: Record<string, string | string[] | undefined>
  /** express-session's session (any object: the engine keeps its values under one key). */
  readonly session?: object | undefined
  readonly sessionID?: string
  readonly user?: unknown
}

/** Options of {@link requestStrategy}. */
export interface RequestStrategyOptions {
  /**
   * The redirect URI registered at the provider: a path (resolved against `publicUrl` or the
   * request's host) or an absolute URL; a function gets the backend name. Default
   * `/complete/<backend>/`, the route of @social-auth/express.
   */
  readonly callbackURL?: string | ((backend: string) => string)
  /** The app's public origin behind a proxy (`https://app.example.com`). */
  readonly publicUrl?: string
  /**
   * Whether a request comes from the app's own page (see core's `Strategy.requestVerified`),
   * e.g. your CSRF middleware's verdict. Default: the browser's Fetch Metadata says this
   * origin made it (`same-origin`), else a Referer from this origin.
   */
  readonly requestVerified?: (req: PassportRequest) => boolean
}

// Everything the engine keeps per browser lives under one key, so it never clobbers the app's
// own session values or passport's `passport` entry.
const SESSION_KEY = 'social_auth_passport'

/**
 * Flattens a parsed query or body to strings: providers send flat parameters, and handing the
 * engine only strings keeps a crafted `?state[x]=` a 4xx rather than a crash.
 */
function flatten(source: unknown): RequestData {
  const data: RequestData = {}
  if (!source || typeof source !== 'object') return data
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    if (key === '__proto__') continue
    const first = Array.isArray(value) ? (value as unknown[])[0] : value
    if (typeof first === 'string') data[key] = first
  }
  return data
}

/** The engine's session over express-session's `req.session`. */
export function requestSession(req: PassportRequest): Session {
  const store = (): Record<string, unknown> => {
    const session = req.session as Record<string, unknown> | undefined
    if (!session)
      throw new Error('@social-auth/passport needs express-session mounted before passport')
    let values = session[SESSION_KEY] as Record<string, unknown> | undefined
    if (!values || typeof values !== 'object') session[SESSION_KEY] = values = {}
    return values
  }
  return {
    get id(): string {
      const id = (req.session as { id?: unknown } | undefined)?.id
      return req.sessionID ?? (typeof id === 'string' ? id : '')
    },
    get<T = unknown>(key: string): T | undefined {
      const values = store()
      return Object.hasOwn(values, key) ? (values[key] as T) : undefined
    },
    set(key: string, value: unknown): void {
      // Through JSON, as any session store would serialise it.
      if (value === undefined) delete store()[key]
      else store()[key] = JSON.parse(JSON.stringify(value)) as unknown
    },
    pop<T = unknown>(key: string): T | undefined {
      const values = store()
      if (!Object.hasOwn(values, key)) return undefined
      const value = values[key] as T
      delete values[key]
      return value
    },
  }
}

function header(req: PassportRequest, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/**
 * The engine's view of one request in a passport app: query and body as flat strings, the
 * session, and absolute URLs from `publicUrl` or the request's host.
 *
 * @example
 * ```ts
 * app.post('/disconnect/:backend', async (req, res) => {
 *   const done = await social.disconnect(requestStrategy(req), req.params.backend, { user: req.user })
 *   res.redirect(done.type === 'redirect' ? done.url : '/')
 * })
 * ```
 */
export function requestStrategy(
  req: PassportRequest,
  options: RequestStrategyOptions = {},
): Strategy {
  const origin = options.publicUrl
    ? new URL(options.publicUrl).origin
    : `${req.protocol ?? 'http'}://${header(req, 'host') ?? 'localhost'}`
  const query = flatten(req.query)
  const body = flatten(req.body)
  const absoluteUri = (path: string): string => new URL(path, `${origin}/`).href
  return {
    requestData: (merge = true) =>
      merge ? { ...query, ...body } : req.method === 'POST' ? { ...body } : { ...query },
    requestHost: () => new URL(origin).host,
    requestMethod: () => req.method,
    absoluteUri,
    redirectUri(backend) {
      const target =
        typeof options.callbackURL === 'function'
          ? options.callbackURL(backend)
          : (options.callbackURL ?? `/complete/${encodeURIComponent(backend)}/`)
      return absoluteUri(target)
    },
    requestVerified: () =>
      options.requestVerified?.(req) ??
      madeHere(
        { secFetchSite: header(req, 'sec-fetch-site'), referer: header(req, 'referer') },
        origin,
      ),
    session: requestSession(req),
  }
}
