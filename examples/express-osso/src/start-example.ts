import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SocialAuthError } from '@social-auth/core'
import {
  createOssoDevServer,
  DEFAULT_PORT,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
} from '@social-auth/osso-dev'
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
 * Runs the example as `npm start` does: when `SOCIAL_AUTH_OSSO_BASE_URL` is unset, osso-dev is
 * started first on `OSSO_DEV_PORT` (9292) with its demo client, whose credentials fill in
 * `SOCIAL_AUTH_OSSO_KEY`/`_SECRET` when those are unset too; then the app listens on `PORT`.
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
  const port = Number(env.PORT ?? 3000)
  let closeOsso: (() => Promise<void>) | undefined
  let ossoDevUrl: string | undefined
  if (!env.SOCIAL_AUTH_OSSO_BASE_URL?.trim()) {
    const publicUrl = (env.PUBLIC_URL?.trim() || `http://localhost:${port}`).replace(/\/+$/, '')
    // The demo client already allows localhost:3000 and any 127.0.0.1 port; add this app's URI.
    const osso = createOssoDevServer({ extraRedirectUris: [`${publicUrl}/complete/osso/`] })
    const listener = await osso.listen(Number(env.OSSO_DEV_PORT ?? DEFAULT_PORT), '127.0.0.1')
    closeOsso = () => listener.close()
    ossoDevUrl = listener.url
    appEnv.SOCIAL_AUTH_OSSO_BASE_URL = listener.url
    appEnv.SOCIAL_AUTH_OSSO_KEY ||= DEMO_CLIENT_ID
    appEnv.SOCIAL_AUTH_OSSO_SECRET ||= DEMO_CLIENT_SECRET
  }
  let example: ExampleApp
  try {
    example = await createApp(appEnv, options)
  } catch (err) {
    await closeOsso?.()
    throw err
  }
  const server: Server = (await new Promise((resolve, reject) => {
    // Express 5 hands a listen error (a port in use) to this callback, not to an 'error' event.
    const s = example.app.listen(port, options.host ?? env.HOST ?? '0.0.0.0', (err?: Error) =>
      err ? reject(err) : resolve(s),
    )
  }).catch(async (err: unknown) => {
    await example.close()
    await closeOsso?.()
    throw err
  })) as Server
  const bound = (server.address() as AddressInfo).port
  return {
    url: `http://localhost:${bound}`,
    example,
    ossoDevUrl,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await example.close()
      await closeOsso?.()
    },
  }
}

/**
 * The one line `npm start` prints when the example cannot start for a reason the person can fix
 * (a port taken, a setting missing or wrong); undefined for anything else, whose stack helps.
 */
export function describeStartFailure(err: unknown): string | undefined {
  const listen = err as NodeJS.ErrnoException & { port?: number; address?: string }
  if (listen?.code === 'EADDRINUSE') {
    const where = listen.address ? `${listen.address}:${listen.port}` : `port ${listen.port}`
    return `${where} is already in use: stop what listens there, or set PORT (the app) or OSSO_DEV_PORT (osso-dev) to a free port`
  }
  if (err instanceof SocialAuthError) return `${err.code}: ${err.message}`
  return undefined
}
