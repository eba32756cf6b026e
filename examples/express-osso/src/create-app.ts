import express, { type Express } from 'express'
import type { Knex } from 'knex'
import {
  createSocialAuth,
  ImproperlyConfigured,
  settingsFromEnv,
  PENDING_LINK_SESSION_KEY,
  type BackendEntry,
  type PendingLink,
  type SocialAuth,
} from '@social-auth/core'
import { osso } from '@social-auth/backend-osso'
import { oidc } from '@social-auth/oauth'
import {
  KnexRateLimitStore,
  KnexSessionStore,
  sessionMiddleware,
  socialAuthExpress,
  type SocialAuthExpress,
  type SocialAuthExpressOptions,
} from '@social-auth/express'
import { connectDatabase, encryptionFromEnv, knexStorage, migrate } from '@social-auth/storage-knex'
import { configFromEnv, type ExampleConfig } from './config.js'
import { confirmUsernamePage } from './pages/confirm-username.js'
import { profileJson, profilePage } from './pages/profile.js'
import { signInPage } from './pages/sign-in.js'
import { STYLESHEET } from './pages/style.js'
import { examplePipeline } from './pipeline.js'
import { appIssuer, installTokenRoutes } from './tokens.js'
import type { TokenIssuer } from '@social-auth/jwt'
import { CONFIRM_USERNAME_PATH } from './steps/confirm-username.js'
import { securityHeaders } from './security-headers.js'

/** The example app, built but not listening. */
export interface ExampleApp {
  readonly app: Express
  readonly social: SocialAuth
  readonly auth: SocialAuthExpress
  readonly db: Knex
  readonly config: ExampleConfig
  /** The app's own token issuer (`/user/token`, `/.well-known/jwks.json`, the CLI). */
  readonly issuer: TokenIssuer
  /** Closes the database and the session store's timer. */
  close(): Promise<void>
}

/** Options for tests and the bench. */
export interface CreateAppOptions {
  /** Ask first-time users to confirm a username (the partial step; default true). */
  readonly confirmUsername?: boolean
  /** The fetch the provider backends use (tests can inject one). */
  readonly fetch?: typeof fetch
  /** Where unexpected errors are logged (already redacted); default `console.error`. */
  readonly logError?: (line: string) => void
  /**
   * The routes' abuse limits (default: `@social-auth/express`'s, counted in this app's
   * database so that every app node shares them). The bench raises them: one client signing in
   * hundreds of times a minute is exactly what they refuse. `false`, or `RATE_LIMIT=off` in the
   * environment, turns them off.
   */
  readonly rateLimit?: SocialAuthExpressOptions['rateLimit']
}

const LABELS = new Map([
  ['osso', 'SSO'],
  ['oidc', 'OpenID Connect'],
])
const label = (name: string): string => LABELS.get(name) ?? name

const firstString = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : Array.isArray(value) && typeof value[0] === 'string'
      ? value[0]
      : undefined

/**
 * Builds the Osso guide's app from the environment (DESIGN.md): migrates the database, wires
 * the engine, sessions in the database, the social-auth routes and the app's pages. It does
 * not listen; `start.ts` does.
 *
 * @example
 * ```ts
 * const { app, close } = await createApp({ ...process.env, SOCIAL_AUTH_OSSO_BASE_URL: 'http://127.0.0.1:9292' })
 * app.listen(3000)
 * ```
 */
export async function createApp(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: CreateAppOptions = {},
): Promise<ExampleApp> {
  const config = configFromEnv(env)
  if (!config.ossoBaseUrl) {
    throw new ImproperlyConfigured(
      'SOCIAL_AUTH_OSSO_BASE_URL is not set: run `npm start` (it starts osso-dev) or point it at your Osso',
    )
  }
  const db = connectDatabase(config.databaseUrl)
  try {
    await migrate(db)
    const backends: BackendEntry[] = [osso(options.fetch ? { fetch: options.fetch } : {})]
    if (config.oidcEndpoint) backends.push(oidc(options.fetch ? { fetch: options.fetch } : {}))
    const social = await createSocialAuth({
      settings: {
        ...settingsFromEnv(env),
        AUTHENTICATION_BACKENDS: backends,
        SOCIAL_AUTH_PIPELINE: examplePipeline({ confirmUsername: options.confirmUsername ?? true }),
        LOGIN_REDIRECT_URL: '/profile',
        LOGIN_URL: '/',
      },
      storage: knexStorage(db, { encryption: encryptionFromEnv(env) }),
    })
    const store = new KnexSessionStore(db)
    const limitsOff = options.rateLimit === false || env.RATE_LIMIT?.trim().toLowerCase() === 'off'
    // Counted in the database, like the sessions, so that every app node shares one limit. The
    // session secret keys the counter hashes: the table holds no guessable hash of an email.
    const limitStore =
      limitsOff || options.rateLimit?.store
        ? undefined
        : new KnexRateLimitStore(db, { secret: config.sessionSecret })
    const auth = socialAuthExpress(social, {
      publicUrl: config.publicUrl,
      ...(options.logError ? { logError: (line: string) => options.logError!(line) } : {}),
      rateLimit: limitsOff
        ? false
        : { ...options.rateLimit, ...(limitStore ? { store: limitStore } : {}) },
    })
    const issuer = await appIssuer(config, env)
    const app = buildApp(config, social, auth, store, db, issuer)
    return {
      app,
      social,
      auth,
      db,
      config,
      issuer,
      async close() {
        store.close()
        limitStore?.close()
        await db.destroy()
      },
    }
  } catch (err) {
    await db.destroy()
    throw err
  }
}

function buildApp(
  config: ExampleConfig,
  social: SocialAuth,
  auth: SocialAuthExpress,
  store: KnexSessionStore,
  db: Knex,
  issuer: TokenIssuer,
): Express {
  const app = express()
  app.disable('x-powered-by')
  // Behind a proxy, Express must believe its X-Forwarded-* headers for req.secure (the Secure
  // cookie flag); without PUBLIC_URL the app is reached directly and trusts nobody.
  const trust =
    config.trustProxy ?? (config.publicUrl ? 'loopback, linklocal, uniquelocal' : undefined)
  if (trust !== undefined) {
    try {
      app.set('trust proxy', trust)
    } catch (err) {
      // proxy-addr's reason ("invalid IP address: …") names the bad entry.
      throw new ImproperlyConfigured(`TRUST_PROXY: ${(err as Error).message}`)
    }
  }
  app.use(securityHeaders)
  app.get('/style.css', (_req, res) => {
    res.type('css').set('Cache-Control', 'public, max-age=3600').send(STYLESHEET)
  })
  app.get('/health', async (_req, res) => {
    try {
      await db.raw('select 1')
      res.json({ status: 'ok' })
    } catch {
      res.status(503).json({ status: 'unavailable' })
    }
  })
  app.use(sessionMiddleware({ secret: config.sessionSecret, store, publicUrl: config.publicUrl }))
  app.use(auth.router)

  const otherBackends = (): Array<[string, string]> =>
    [...social.backends.keys()].filter((name) => name !== 'osso').map((name) => [name, label(name)])

  app.get('/', (req, res) => {
    res.set('Cache-Control', 'no-store')
    const error = firstString(req.query.error)
    // A signed-in user's errors (e.g. a refused disconnect) belong on their profile page.
    if (req.user && error) {
      res.redirect(302, `/profile?error=${encodeURIComponent(error)}`)
      return
    }
    // The banner of a guided link shows only for a link this browser's session really paused.
    const linkFor = firstString(req.query.link)
    const pending = auth.strategy(req).session.get<PendingLink>(PENDING_LINK_SESSION_KEY)
    const pendingLink =
      linkFor !== undefined && pending?.backend === linkFor && social.backends.has(linkFor)
        ? { label: label(linkFor), reason: pending.reason }
        : undefined
    res.type('html').send(
      signInPage({
        csrf: auth.csrfToken(req),
        otherBackends: otherBackends(),
        error,
        next: firstString(req.query.next),
        signedInAs: req.user ? String(req.user.username ?? req.user.email ?? '') : undefined,
        pendingLink,
      }),
    )
  })

  app.get('/profile', auth.loginRequired, async (req, res) => {
    const user = req.user!
    const data = await social.userBackendsData(user)
    res.set('Cache-Control', 'no-store')
    res.vary('Accept')
    if (req.accepts(['html', 'json']) === 'json') {
      res.json(profileJson(user, data.associated))
      return
    }
    res.type('html').send(
      profilePage({
        user,
        accounts: data.associated,
        linkable: data.not_associated.map((name) => [name, label(name)] as const),
        labels: LABELS,
        csrf: auth.csrfToken(req),
        error: firstString(req.query.error),
      }),
    )
  })

  app.get(CONFIRM_USERNAME_PATH, async (req, res) => {
    res.set('Cache-Control', 'no-store')
    const token = firstString(req.query.partial_token) ?? ''
    // Only the browser that paused the sign-in may see (and resume) it.
    const owned =
      token !== '' && auth.strategy(req).session.get<string>('partial_pipeline_token') === token
    const partial = owned ? await social.storage.partial.load(token) : null
    if (!partial) {
      res.redirect(302, '/?error=ERR_AUTH_PARTIAL_REFUSED')
      return
    }
    const kwargs = partial.data.kwargs
    const details = (kwargs.details ?? {}) as Record<string, unknown>
    res.type('html').send(
      confirmUsernamePage({
        csrf: auth.csrfToken(req),
        backend: partial.backend,
        partialToken: token,
        suggestion: typeof kwargs.suggested_username === 'string' ? kwargs.suggested_username : '',
        email: typeof details.email === 'string' ? details.email : '',
        problem: firstString(req.query.problem),
      }),
    )
  })

  app.post('/logout', auth.requireCsrf, async (req, res) => {
    await auth.logout(req, res)
    res.redirect(303, '/')
  })

  installTokenRoutes(app, issuer, social, auth)

  app.use((req, res) => {
    res
      .status(404)
      .type('html')
      .send(
        '<!doctype html><title>Not found</title><h1>Not found</h1><p><a href="/">Back to sign-in</a></p>',
      )
  })
  app.use(auth.errorHandler)
  return app
}
