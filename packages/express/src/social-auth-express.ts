import express, {
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express'
import {
  LoginRequired,
  RequestForbidden,
  appendQuery,
  isProviderCallback,
  madeHere,
  randomString,
  type ActionResponse,
  type RequestProvenance,
  type SocialAuth,
  type Strategy,
} from '@social-auth/core'
import { CSRF_FIELD, csrfToken, csrfValid } from './csrf.js'
import {
  asRequestError,
  knownBackendOnly,
  publicDetail,
  redactedErrorLine,
  sendError,
  sendInternalError,
} from './error-mapping.js'
import { expressStrategy } from './express-strategy.js'
import { noStore, sendActionResponse, wantsJson } from './http-answers.js'
import {
  normaliseMountPath,
  type ResolvedOptions,
  type SocialAuthExpressOptions,
} from './options.js'
import { autoPostPage, type AutoPostPage } from './pages.js'
import { appLocation, parsePublicUrl } from './public-url.js'
import { flattenParams } from './request-data.js'
import './request-user.js'
import { peekSessionData } from './session-data.js'
import { rateLimit, type RateLimitOptions } from './rate-limit/rate-limit.js'
import { routeLimiters } from './rate-limit/route-limits.js'
import type { RateLimitStore } from './rate-limit/store.js'
import { logInSession, logOut, saveSession } from './session-lifecycle.js'
import { defaultSessionCookieName } from './session-middleware.js'

/** What {@link socialAuthExpress} gives an app. */
export interface SocialAuthExpress {
  /**
   * The routes (`/begin`, `/login`, `/complete`, `/resume`, `/disconnect`) plus the `req.user`
   * loader for every request that passes through. Mount it after express-session.
   */
  readonly router: Router
  /** Sets `req.user` from the session (active users only); the router already runs it. */
  readonly loadUser: RequestHandler
  /** Lets logged-in users through; others go to `LOGIN_URL?next=…`, or get a JSON 401. */
  readonly loginRequired: RequestHandler
  /** Refuses a POST without this visitor's CSRF token (`_csrf` field or `X-CSRF-Token`). */
  readonly requireCsrf: RequestHandler
  /** The final error handler for the app's own routes: coded errors as redirect/JSON, others a bare 500. */
  readonly errorHandler: ErrorRequestHandler
  /** A CSRF token for this visitor's forms (`<input type="hidden" name="_csrf">`; see `csrfToken`). */
  csrfToken(req: Request): string
  /** Logs out: destroys the session server-side and clears its cookie. */
  logout(req: Request, res: Response): Promise<void>
  /** The engine's strategy for a request (to call `social.*` actions from custom routes). */
  strategy(req: Request): Strategy
  /**
   * A rate limiter for the app's own routes (a token endpoint, a password form) that counts in
   * the routes' store, so one `KnexRateLimitStore` serves every limit. Without a store of its
   * own (limits off), it counts in memory.
   */
  rateLimit(options: Omit<RateLimitOptions, 'store'> & { store?: RateLimitStore }): RequestHandler
  /** The store the route limits count in; undefined when `rateLimit: false`. */
  readonly rateLimitStore: RateLimitStore | undefined
  /** Paths of the routes, for links and form actions (`paths.begin('osso')` → `/begin/osso`). */
  readonly paths: {
    begin(backend: string): string
    complete(backend: string): string
    resume(backend: string): string
    disconnect(backend: string, associationId?: string | number): string
  }
}

// Request fields that are ours, not the provider's: never handed to the engine.
const CSRF_OMIT = new Set([CSRF_FIELD])
const RELAY_FIELD = '_social_auth_relay'
const COMPLETE_OMIT = new Set([CSRF_FIELD, RELAY_FIELD])
const DEFAULT_ID_PATTERN = /^[1-9][0-9]{0,17}$/

function resolveOptions(options: SocialAuthExpressOptions): ResolvedOptions {
  return {
    mountPath: normaliseMountPath(options.mountPath),
    publicUrl: parsePublicUrl(options.publicUrl),
    sessionCookieName: options.sessionCookieName ?? defaultSessionCookieName(options.publicUrl),
    beginFields: options.beginFields ?? ['email', 'domain'],
    associationIdPattern: options.associationIdPattern ?? DEFAULT_ID_PATTERN,
    formPostRelay: options.formPostRelay ?? true,
    logError: options.logError ?? ((line) => console.error(line)),
    rateLimit: options.rateLimit,
  }
}

/**
 * Express 5 glue for a social-auth engine: PSA's routes, a session-backed strategy, CSRF for
 * the forms that start or change a login, `req.user`, `loginRequired` and logout.
 *
 * @example
 * ```ts
 * const social = await createSocialAuth({ settings, storage: knexStorage(knex) })
 * const auth = socialAuthExpress(social, { publicUrl: process.env.PUBLIC_URL })
 * app.use(sessionMiddleware({ secret: process.env.SESSION_SECRET!, store: new KnexSessionStore(knex) }))
 * app.use(auth.router)
 * app.get('/profile', auth.loginRequired, (req, res) => res.json({ email: req.user!.email }))
 * app.post('/logout', auth.requireCsrf, async (req, res) => { await auth.logout(req, res); res.redirect(303, '/') })
 * app.use(auth.errorHandler)
 * ```
 */
export function socialAuthExpress(
  social: SocialAuth,
  options: SocialAuthExpressOptions = {},
): SocialAuthExpress {
  const config = resolveOptions(options)
  const mount = config.mountPath
  const limits = routeLimiters(config.rateLimit)
  const routesPrefix = (req: Request): string => `${req.baseUrl}${mount}`
  // The app's own page: its form's CSRF token, or a request the browser says this origin
  // made. A relayed form_post is this origin's page re-posting what another site sent, so it
  // is never the app's own.
  const requestVerified = (req: Request): boolean =>
    csrfValid(req) ||
    (!(RELAY_FIELD in flattenParams(req.body)) &&
      madeHere(provenance(req), appLocation(req, config.publicUrl).origin))
  const strategyFor = (
    req: Request,
    filter: { omit?: ReadonlySet<string>; only?: ReadonlySet<string> } = {},
  ): Strategy =>
    expressStrategy(req, {
      publicUrl: config.publicUrl,
      routesPrefix: routesPrefix(req),
      requestVerified,
      ...filter,
    })
  const publicPath = (req: Request, path: string): string =>
    `${config.publicUrl ? config.publicUrl.pathname.replace(/\/+$/, '') : ''}${routesPrefix(req)}${path}`

  /** The fields `POST /begin/:backend` may pass on for this backend. */
  function beginFields(backendName: string): ReadonlySet<string> {
    const backend = social.getBackend(backendName)
    return new Set([
      'next',
      ...config.beginFields,
      ...backend.setting<string[]>('FIELDS_STORED_IN_SESSION', []),
      ...backend.setting<string[]>('AUTH_EXTRA_ARGUMENTS_OVERRIDE_ALLOWLIST', []),
    ])
  }

  const requireSession: RequestHandler = (req, _res, next) => {
    if (!req.session)
      next(new Error('@social-auth/express needs express-session mounted before its router'))
    else next()
  }

  const loadUser: RequestHandler = async (req, _res, next) => {
    if (req.user === undefined && req.session) {
      const data = peekSessionData(req)
      if (data?.userId !== undefined) {
        const user = await social.storage.user.getUser(data.userId)
        // A deactivated or deleted user is logged out everywhere on their next request.
        if (user) req.user = user
        else delete data.userId
      }
    }
    next()
  }

  /**
   * Writes the session now when it holds something of ours (before a redirect another node may
   * serve next). A request that put nothing in it — a stranger's junk callback — writes no
   * row: otherwise every unauthenticated request would grow the session store.
   */
  const persistSession = (req: Request): Promise<void> =>
    peekSessionData(req) === undefined ? Promise.resolve() : saveSession(req)

  /** Runs an action and answers; coded errors become redirects or JSON, others go to `next`. */
  function action(
    run: (req: Request, backend: string, json: boolean) => Promise<ActionResponse | AutoPostPage>,
  ): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      const backend = String(req.params.backend ?? '')
      noStore(res)
      try {
        const response = await run(req, backend, wantsJson(req))
        await persistSession(req)
        if ('csp' in response)
          res.set('Content-Security-Policy', response.csp).type('html').send(response.html)
        else sendActionResponse(res, response)
      } catch (err) {
        if (!asRequestError(err)) {
          next(err)
          return
        }
        // A refused request still keeps what the session learnt (e.g. a consumed state).
        await persistSession(req).catch(() => undefined)
        sendError(social, req, res, next, err, backend)
      }
    }
  }

  const checkCsrf = (req: Request): void => {
    if (!csrfValid(req)) throw forgedForm()
  }

  const completeWith = (req: Request, backend: string, json: boolean): Promise<ActionResponse> =>
    social.complete(strategyFor(req, { omit: COMPLETE_OMIT }), backend, {
      user: req.user ?? null,
      // No write here: `action` saves the session once the response is decided, and that
      // write also holds what the engine adds after the login (the last backend used).
      login: (info) => logInSession(req, info.user, info.sessionTimeout),
      onError: json ? 'throw' : 'redirect',
    })

  const beginPage = action(async (req, backend) => {
    const fields = beginFields(backend)
    const data = flattenParams(req.query, CSRF_OMIT)
    const carried: Record<string, string> = {}
    for (const key of fields) if (Object.hasOwn(data, key)) carried[key] = data[key]!
    carried[CSRF_FIELD] = csrfToken(req)
    const nonce = randomString(24)
    // A link on another site is a top-level GET that carries the Lax cookie: submitting this
    // form (and its CSRF token) by itself would let that site start a login, or link its own
    // identity to a signed-in user. Only this site's pages and the person (a typed or
    // bookmarked URL: the page carries only the fields it allows) get the page that submits
    // itself; anyone else gets a Continue button.
    const here = madeHere(provenance(req), appLocation(req, config.publicUrl).origin, {
      typedUrl: true,
    })
    return autoPostPage(
      publicPath(req, `/begin/${encodeURIComponent(backend)}/`),
      carried,
      nonce,
      here ? 'Signing you in…' : 'Continue to sign in?',
      here ? 'auto' : 'button',
    )
  })

  // Ahead of the begin limits: a request that cannot start a login must not use up an email's or
  // a domain's allowance, or a stranger could lock a person (or a tenant) out without a session.
  const csrfGate: RequestHandler = (req, res, next) => {
    if (csrfValid(req)) {
      next()
      return
    }
    noStore(res)
    sendError(social, req, res, next, forgedForm(), String(req.params.backend ?? ''))
  }

  const beginPost = action(async (req, backend) => {
    const fields = beginFields(backend)
    return social.begin(strategyFor(req, { omit: CSRF_OMIT, only: fields }), backend)
  })

  const complete = action(async (req, backend, json) => {
    const bound = social.getBackend(backend)
    const body = flattenParams(req.body)
    // Only a provider's answer is relayed: any other cross-site POST re-posted from this origin
    // would arrive with the person's cookie, as if the app's own form had sent it.
    const relay =
      config.formPostRelay &&
      req.method === 'POST' &&
      !(RELAY_FIELD in body) &&
      isProviderCallback(bound, body) &&
      peekSessionData(req)?.values === undefined
    if (relay) {
      // A provider's cross-site form_post arrives without our SameSite=Lax cookie. Posting the
      // same fields again from this origin brings the cookie; the marker stops a second relay.
      const nonce = randomString(24)
      const action = publicPath(req, `/complete/${encodeURIComponent(backend)}/`)
      return autoPostPage(action, { ...body, [RELAY_FIELD]: '1' }, nonce, 'Signing you in…')
    }
    return completeWith(req, backend, json)
  })

  const resume = action(async (req, backend, json) => {
    checkCsrf(req)
    return completeWith(req, backend, json)
  })

  const disconnect = action(async (req, backend, json) => {
    checkCsrf(req)
    const raw: unknown = req.params.associationId
    const associationId = typeof raw === 'string' ? raw : undefined
    if (raw !== undefined && associationId === undefined)
      throw new RequestForbidden('The association id is malformed', { status: 400, backend })
    if (associationId !== undefined && !config.associationIdPattern.test(associationId)) {
      throw new RequestForbidden('The association id is malformed', { status: 400, backend })
    }
    if (!req.user) throw new LoginRequired({ backend })
    return social.disconnect(strategyFor(req, { omit: CSRF_OMIT }), backend, {
      user: req.user,
      associationId,
      onError: json ? 'throw' : 'redirect',
    })
  })

  const errorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err)
      return
    }
    if (asRequestError(err)) {
      sendError(
        social,
        req,
        res,
        next,
        err,
        typeof req.params?.backend === 'string' ? req.params.backend : undefined,
      )
      return
    }
    config.logError(redactedErrorLine(err, req), err, req)
    sendInternalError(req, res)
  }

  const forms = [
    express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 200 }),
    express.json({ limit: '32kb' }),
  ]
  const router = express.Router({ strict: false })
  router.use(requireSession, loadUser)
  router.param('backend', knownBackendOnly(social))
  for (const verb of ['begin', 'login']) {
    router.get(`${mount}/${verb}/:backend`, beginPage)
    router.post(`${mount}/${verb}/:backend`, ...forms, csrfGate, ...limits.begin, beginPost)
  }
  router.get(`${mount}/complete/:backend`, ...limits.complete, complete)
  router.post(`${mount}/complete/:backend`, ...forms, ...limits.complete, complete)
  router.post(`${mount}/resume/:backend`, ...forms, ...limits.complete, resume)
  router.post(
    `${mount}/disconnect/:backend{/:associationId}`,
    ...forms,
    ...limits.disconnect,
    disconnect,
  )
  router.use(errorHandler)

  const loginRequired: RequestHandler = async (req, res, next) => {
    // The router loads the user for the requests that pass through it; an app that mounted it
    // under a path (`app.use('/auth', auth.router)`) sends its own routes here without that.
    if (req.user === undefined) await loadUser(req, res, () => undefined)
    if (req.user) {
      next()
      return
    }
    if (wantsJson(req)) {
      const err = new LoginRequired()
      noStore(res)
      res.status(401).json({ error: err.code, detail: publicDetail(err) })
      return
    }
    const loginUrl = social.settings.get<string | undefined>('LOGIN_URL') ?? '/'
    // `next` as the browser sees the page: behind a proxy that adds a path, with that path.
    const prefix = config.publicUrl ? config.publicUrl.pathname.replace(/\/+$/, '') : ''
    res.redirect(
      302,
      req.method === 'GET' ? appendQuery(loginUrl, { next: prefix + req.originalUrl }) : loginUrl,
    )
  }

  const requireCsrf: RequestHandler = (req, res, next) => {
    const run = (): void => {
      if (csrfValid(req)) next()
      else errorHandler(forgedForm(), req, res, next)
    }
    // The token may be in a form body the app has not parsed yet.
    if (req.body === undefined) forms[0]!(req, res, (err?: unknown) => (err ? next(err) : run()))
    else run()
  }

  return {
    router,
    loadUser,
    loginRequired,
    requireCsrf,
    errorHandler,
    csrfToken,
    logout: (req, res) => logOut(req, res, { cookieName: config.sessionCookieName }),
    strategy: (req) => strategyFor(req, { omit: COMPLETE_OMIT }),
    rateLimit: (limiterOptions) =>
      rateLimit({ ...limiterOptions, store: limiterOptions.store ?? limits.store }),
    rateLimitStore: limits.store,
    paths: {
      begin: (backend) => `${mount}/begin/${encodeURIComponent(backend)}/`,
      complete: (backend) => `${mount}/complete/${encodeURIComponent(backend)}/`,
      resume: (backend) => `${mount}/resume/${encodeURIComponent(backend)}/`,
      disconnect: (backend, id) =>
        `${mount}/disconnect/${encodeURIComponent(backend)}/${id === undefined ? '' : `${encodeURIComponent(String(id))}/`}`,
    },
  }
}

const provenance = (req: Request): RequestProvenance => ({
  secFetchSite: req.get('sec-fetch-site'),
  referer: req.get('referer'),
})

const forgedForm = (): RequestForbidden =>
  new RequestForbidden('The form’s CSRF token is missing or incorrect')
