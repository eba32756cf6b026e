import { readFileSync } from 'node:fs'
import { DEFAULT_PORT } from './default-seed.js'
import { OssoDevConfigError } from './errors.js'
import type { Fidelity, OssoDevOptions, RackEnv } from './types.js'

/** What the CLI runs with: server options plus where to listen. */
export interface EnvOptions {
  options: OssoDevOptions
  port: number
  host: string
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

function flag(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined
  if (/^(1|true|yes|on)$/i.test(value)) return true
  if (/^(0|false|no|off)$/i.test(value)) return false
  throw new OssoDevConfigError(`${name} must be true or false, got ${value}`)
}

function seconds(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0)
    throw new OssoDevConfigError(`${name} must be a positive number, got ${value}`)
  return n
}

/**
 * Reads the server's settings from environment variables (see the README): a JSON config
 * file from `OSSO_DEV_CONFIG`, then each `OSSO_DEV_*` variable on top of it.
 *
 * @example
 * ```ts
 * const { options, port, host } = optionsFromEnv(process.env)
 * await createOssoDevServer(options).listen(port, host)
 * ```
 */
export function optionsFromEnv(env: Record<string, string | undefined>): EnvOptions {
  let options: OssoDevOptions = {}
  const file = env['OSSO_DEV_CONFIG']
  if (file !== undefined && file !== '') {
    let parsed: unknown
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'))
    } catch (error) {
      throw new OssoDevConfigError(`cannot read OSSO_DEV_CONFIG ${file}: ${String(error)}`)
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new OssoDevConfigError(`OSSO_DEV_CONFIG ${file} must hold a JSON object`)
    }
    options = parsed
  }
  const rawPort = env['OSSO_DEV_PORT'] || env['PORT'] || String(DEFAULT_PORT)
  const port = Number(rawPort)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OssoDevConfigError(`port must be an integer from 0 to 65535, got ${rawPort}`)
  }
  const host = env['OSSO_DEV_HOST'] || '127.0.0.1'
  const set = <K extends keyof OssoDevOptions>(
    key: K,
    value: OssoDevOptions[K] | undefined,
  ): void => {
    if (value !== undefined) options[key] = value
  }
  set('baseUrl', env['OSSO_DEV_BASE_URL'] || env['OSSO_DEV_PUBLIC_URL'] || undefined)
  set('fidelity', (env['OSSO_DEV_FIDELITY'] || undefined) as Fidelity | undefined)
  set('rackEnv', (env['OSSO_DEV_RACK_ENV'] || undefined) as RackEnv | undefined)
  set('autoLogin', flag('OSSO_DEV_AUTO_LOGIN', env['OSSO_DEV_AUTO_LOGIN']))
  set('csrf', flag('OSSO_DEV_CSRF', env['OSSO_DEV_CSRF']))
  set('devApi', flag('OSSO_DEV_API', env['OSSO_DEV_API']))
  set('corsOrigins', list(env['OSSO_DEV_CORS_ORIGINS']))
  set('codeTtlSeconds', seconds('OSSO_DEV_CODE_TTL', env['OSSO_DEV_CODE_TTL']))
  set('accessTokenTtlSeconds', seconds('OSSO_DEV_TOKEN_TTL', env['OSSO_DEV_TOKEN_TTL']))
  const extra = list(env['OSSO_DEV_REDIRECT_URIS'])
  if (extra !== undefined)
    set('extraRedirectUris', [...(options.extraRedirectUris ?? []), ...extra])
  // Unless told otherwise, advertise the port actually used rather than the spec's 9292.
  if (options.baseUrl === undefined && port !== 0) options.baseUrl = `http://localhost:${port}`
  return { options, port, host }
}
