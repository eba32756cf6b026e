import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import type { Express, NextFunction, Request, Response } from 'express'
import type { ServerContext } from './context.js'
import { DEFAULT_PORT } from './default-seed.js'
import { dashboardPage } from './pages/dashboard.js'
import { resolveConfig } from './resolve-config.js'
import { parseBody } from './request-params.js'
import { sendHtml, sendNotFound } from './respond.js'
import { authorize } from './routes/authorize.js'
import { devApi } from './routes/dev-api.js'
import { cors, graphql, onboarded } from './routes/idp.js'
import { me } from './routes/me.js'
import { samlCallback, samlFailure, samlRequest } from './routes/saml.js'
import { token } from './routes/token.js'
import { SessionCookie } from './session-cookie.js'
import { OssoDevState } from './state.js'
import type { OssoDevConfig, OssoDevOptions } from './types.js'

/** A running listener of {@link OssoDevServer.listen}. */
export interface OssoDevListener {
  /** Base URL of the listener, e.g. `http://127.0.0.1:9292`. */
  url: string
  /** The bound port (useful after `listen(0)`). */
  port: number
  /** Stops listening and drops open connections. */
  close(): Promise<void>
}

/** What {@link createOssoDevServer} returns. */
export interface OssoDevServer {
  /** The Express app, not listening: mount it or hand it to `supertest`-style tools. */
  app: Express
  /** The in-memory state (entities, codes, tokens, sessions, clock). */
  state: OssoDevState
  /** The resolved configuration (defaults applied). */
  config: OssoDevConfig
  /**
   * Listens on `host` (default `127.0.0.1`) and `port` (default 9292; 0 picks a free one).
   * When no `baseUrl` option was given, the config's `baseUrl` becomes the listener's URL.
   */
  listen(port?: number, host?: string): Promise<OssoDevListener>
}

/**
 * Creates a local Osso-compatible OAuth server (`reference/osso.md` §6): Osso 0.1.2's
 * endpoints, JSON and error pages, with a mock IdP page in place of SAML.
 *
 * @example
 * ```ts
 * const osso = createOssoDevServer({ fidelity: 'strict' })
 * const { url, close } = await osso.listen(0)
 * // point SOCIAL_AUTH_OSSO_BASE_URL at `url`, sign in as user@example.com, then:
 * await close()
 * ```
 */
export function createOssoDevServer(options: OssoDevOptions = {}): OssoDevServer {
  const config = resolveConfig(options)
  const state = new OssoDevState(config, options.now ?? Date.now)
  const secret = options.sessionSecret ?? randomBytes(32).toString('hex')
  const ctx: ServerContext = {
    config,
    state,
    cookie: new SessionCookie(secret, config.baseUrl.startsWith('https:')),
  }
  const onError = options.onError ?? ((error: unknown) => console.error('osso-dev:', error))
  const app = buildApp(ctx, onError)

  return {
    app,
    state,
    config,
    async listen(port = DEFAULT_PORT, host = '127.0.0.1') {
      const server = createServer(app)
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          server.off('error', reject)
          resolve()
        })
      })
      const bound = (server.address() as AddressInfo).port
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`
      if (options.baseUrl === undefined) config.baseUrl = url
      return {
        url,
        port: bound,
        close: () =>
          new Promise<void>((resolve, reject) => {
            server.close((err) => (err === undefined ? resolve() : reject(err)))
            // Keep-alive connections would otherwise hold close() open for seconds.
            server.closeAllConnections()
          }),
      }
    },
  }
}

function buildApp(ctx: ServerContext, onError: (error: unknown) => void): Express {
  const app = express()
  app.disable('x-powered-by')
  // Sinatra matches paths exactly: `/oauth/token/` is a 404 there, so here too.
  app.set('strict routing', true)
  app.set('case sensitive routing', true)
  // Parameters are read from the raw query by form-encoding rules (request-params.ts).
  app.set('query parser', false)
  app.set('etag', false)

  app.use(parseBody())

  app.get('/', (_req, res) => {
    sendHtml(res, (nonce) => dashboardPage({ state: ctx.state, config: ctx.config, nonce }))
  })
  app.get('/health', (_req, res) => {
    res.type('text/plain').send('ok')
  })
  app.get('/oauth/authorize', authorize(ctx))
  app.post('/oauth/token', token(ctx))
  app.get('/oauth/me', me(ctx))
  app.get('/auth/failure', samlFailure())
  app.get('/auth/saml/:providerId', samlRequest(ctx))
  app.post('/auth/saml/:providerId', samlRequest(ctx))
  app.post('/auth/saml/:providerId/callback', samlCallback(ctx))
  app.use(['/idp', '/graphql'], cors(ctx))
  app.post('/idp', onboarded(ctx))
  app.post('/graphql', graphql())
  if (ctx.config.devApi) app.use('/__dev', devApi(ctx))

  app.use((_req: Request, res: Response) => {
    sendNotFound(res)
  })
  // Malformed input (bad percent-encoding in a path, oversized or undecodable bodies)
  // arrives here as a 4xx error from Express; only real bugs become a 500.
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = statusOf(err)
    if (status === undefined) onError(err)
    if (res.headersSent) {
      // Too late for a response of our own; Express's handler closes the connection.
      next(err)
      return
    }
    res
      .status(status ?? 500)
      .type('text/plain')
      .send(status === undefined ? 'Internal Server Error' : clientMessage(err, status))
  })
  return app
}

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const record = err as { status?: unknown; statusCode?: unknown }
  const status = record.status ?? record.statusCode
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined
}

function clientMessage(err: unknown, status: number): string {
  const record = err as { expose?: unknown; message?: unknown }
  return record.expose === true && typeof record.message === 'string'
    ? record.message
    : String(status)
}
