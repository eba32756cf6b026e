import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SocialAuthError } from '@social-auth/core'
import {
  createOssoDevServer,
  DEFAULT_PORT,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
} from '@social-auth/osso-dev'
import { configFromEnv, portNumber } from './config.js'
import { createApp, type CreateAppOptions, type ExampleApp } from './create-app.js'

/** A running example: the app, and osso-dev when it was started for it. */
export interface RunningExample {
  readonly url: string
  readonly example: ExampleApp
  /** osso-dev's URL when this process started it. */
  readonly ossoDevUrl: string | undefined
  close(): Promise<void>
}

/**
 * Runs the example as `npm start` does: the app's port (`PORT`, 3000) is bound first; when
 * `SOCIAL_AUTH_OSSO_BASE_URL` is unset, osso-dev starts on `OSSO_DEV_PORT` (9292) with its demo
 * client, whose credentials fill in `SOCIAL_AUTH_OSSO_KEY`/`_SECRET` when those are unset too;
 * then the app answers on its port.
 *
 * @example
 * ```ts
 * const running = await startExample(process.env)
 * console.log(`open ${running.url}`)
 * ```
 */
export async function startExample(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: CreateAppOptions & { host?: string } = {},
): Promise<RunningExample> {
  const appEnv: Record<string, string | undefined> = { ...env }
  // Read first: a wrong setting fails before anything listens.
  const { port, publicUrl, ossoBaseUrl } = configFromEnv(env)
  const host = options.host ?? (env.HOST?.trim() || '0.0.0.0')
  // The app's port is bound before anything else: a taken port fails first, and with PORT=0
  // the port the system picked is known to osso-dev's redirect URI and the token issuer.
  const server = await listen(port, host)
  const bound = (server.address() as AddressInfo).port
  appEnv.PORT = String(bound)
  let closeOsso: (() => Promise<void>) | undefined
  let ossoDevUrl: string | undefined
  let example: ExampleApp
  try {
    if (!ossoBaseUrl) {
      // The demo client already allows localhost:3000 and any 127.0.0.1 port; add this app's URI.
      const appUrl = publicUrl ?? `http://localhost:${bound}`
      const osso = createOssoDevServer({ extraRedirectUris: [`${appUrl}/complete/osso/`] })
      const ossoPort = portNumber('OSSO_DEV_PORT', env.OSSO_DEV_PORT) ?? DEFAULT_PORT
      const listener = await osso.listen(ossoPort, '127.0.0.1').catch((cause: unknown) => {
        throw new ListenFailed('osso-dev', '127.0.0.1', ossoPort, cause)
      })
      closeOsso = () => listener.close()
      ossoDevUrl = listener.url
      appEnv.SOCIAL_AUTH_OSSO_BASE_URL = listener.url
      appEnv.SOCIAL_AUTH_OSSO_KEY ||= DEMO_CLIENT_ID
      appEnv.SOCIAL_AUTH_OSSO_SECRET ||= DEMO_CLIENT_SECRET
    }
    example = await createApp(appEnv, options)
  } catch (err) {
    await closeServer(server)
    await closeOsso?.()
    throw err
  }
  server.removeAllListeners('request')
  server.on('request', example.app)
  return {
    url: `http://localhost:${bound}`,
    example,
    ossoDevUrl,
    async close() {
      await closeServer(server)
      await example.close()
      await closeOsso?.()
    },
  }
}

/** Listens on the app's port; until the app is ready, a request gets 503 and a retry hint. */
function listen(port: number, host: string): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(503, { 'Retry-After': '1', 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('Starting; try again in a moment.\n')
  })
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new ListenFailed('app', host, port, err)))
    server.listen(port, host, () => resolve(server))
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

/** A server of `npm start` that could not listen: which one, where, and the system's reason. */
export class ListenFailed extends Error {
  constructor(
    readonly server: 'app' | 'osso-dev',
    readonly host: string,
    readonly port: number,
    cause: unknown,
  ) {
    super(`${server} could not listen on ${host}:${port}`, { cause })
    this.name = 'ListenFailed'
  }
}

/**
 * The one line `npm start` prints when the example cannot start for a reason the person can fix
 * (a port taken, a setting missing or wrong, a database it cannot reach); undefined for anything
 * else, whose stack helps. Never the DATABASE_URL itself: it may hold a password.
 */
export function describeStartFailure(err: unknown): string | undefined {
  if (err instanceof SocialAuthError) return `${err.code}: ${err.message}`
  if (err instanceof ListenFailed) return describeListenFailure(err)
  const failure = err as (Error & { code?: unknown }) | null
  const code = typeof failure?.code === 'string' ? failure.code : undefined
  const detail = failure?.message || code
  if (code !== undefined && UNREACHABLE.has(code))
    return `the database cannot be reached (${detail}): check the host and port in DATABASE_URL`
  if (code !== undefined && (REFUSED_BY_POSTGRES.has(code) || UNOPENABLE_SQLITE.has(code)))
    return `the database refused the app (${detail}): check DATABASE_URL`
  if (code !== undefined && UNWRITABLE.has(code))
    return `the SQLite file cannot be created (${detail}): check the path in DATABASE_URL`
  if (failure?.name === 'KnexTimeoutError' || failure?.message === 'timeout expired')
    return 'the database did not answer in time: check the host and port in DATABASE_URL'
  return undefined
}

function describeListenFailure(err: ListenFailed): string {
  const where = `${err.host}:${err.port}`
  const portVariable = err.server === 'app' ? 'PORT' : 'OSSO_DEV_PORT'
  const code = (err.cause as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'EADDRINUSE':
      return `${where} is already in use: stop what listens there, or set ${portVariable} to a free port`
    case 'EACCES':
      return `${err.server} may not listen on ${where} (ports below 1024 need privileges): set ${portVariable} to a higher port`
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HOST=${err.host} is not an address of this machine: set HOST to one (0.0.0.0 for all, 127.0.0.1 for this machine only)`
    default:
      return `${err.server} could not listen on ${where}: ${(err.cause as Error | undefined)?.message ?? code}`
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH'])
// PostgreSQL's SQLSTATEs for a wrong password or user (28xxx) and a missing database (3D000).
const REFUSED_BY_POSTGRES = new Set(['28P01', '28000', '3D000'])
// A file SQLite cannot open as a database; other SQLITE_ codes are bugs and keep their stack.
const UNOPENABLE_SQLITE = new Set([
  'SQLITE_CANTOPEN',
  'SQLITE_NOTADB',
  'SQLITE_READONLY',
  'SQLITE_PERM',
  'SQLITE_CORRUPT',
  'SQLITE_AUTH',
])
const UNWRITABLE = new Set(['EEXIST', 'ENOTDIR', 'EACCES', 'EROFS', 'EISDIR'])
