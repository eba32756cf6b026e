#!/usr/bin/env node
/**
 * `osso-dev`: runs the dev server from the command line, configured by environment
 * variables (see `optionsFromEnv`), and prints where it listens and the demo credentials.
 */
import { createOssoDevServer } from './create-server.js'
import { optionsFromEnv } from './env-options.js'
import { OssoDevConfigError } from './errors.js'

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(
      'Usage: osso-dev\n\nSettings come from the environment: OSSO_DEV_PORT (or PORT, default 9292), OSSO_DEV_HOST,\nOSSO_DEV_BASE_URL, OSSO_DEV_CONFIG (JSON file), OSSO_DEV_FIDELITY, OSSO_DEV_RACK_ENV,\nOSSO_DEV_AUTO_LOGIN, OSSO_DEV_CSRF, OSSO_DEV_API, OSSO_DEV_CORS_ORIGINS,\nOSSO_DEV_REDIRECT_URIS, OSSO_DEV_CODE_TTL, OSSO_DEV_TOKEN_TTL. See the README.\n',
    )
    return
  }
  const { options, port, host } = optionsFromEnv(process.env)
  const osso = createOssoDevServer(options)
  const listener = await osso.listen(port, host)
  const lines = [
    `osso-dev listening on ${listener.url} (base URL ${osso.config.baseUrl}, fidelity ${osso.config.fidelity})`,
    ...[...osso.state.clients.values()].map(
      (c) => `  client "${c.name}": client_id=${c.clientId} client_secret=${c.clientSecret}`,
    ),
    `  seeded users: ${osso.state.users.map((u) => u.email).join(', ') || '(none)'}`,
    `  dashboard: ${listener.url}/`,
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  const stop = (): void => {
    listener.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  const message = error instanceof OssoDevConfigError ? error.message : String(error)
  process.stderr.write(`osso-dev: ${message}\n`)
  process.exit(1)
})
