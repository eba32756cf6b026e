import { randomBytes } from 'node:crypto'
import { ImproperlyConfigured } from '@social-auth/core'

/** The example's configuration, from the environment (DESIGN.md's names). */
export interface ExampleConfig {
  /** `PORT` (3000). */
  readonly port: number
  /** `DATABASE_URL`: `sqlite:PATH`, `sqlite::memory:` or `postgres://…` (default a SQLite file under ./data/). */
  readonly databaseUrl: string
  /** `SESSION_SECRET`; a random one (sessions lost at restart) outside production when unset. */
  readonly sessionSecret: string
  /** `PUBLIC_URL`, when the app runs behind a proxy. */
  readonly publicUrl: string | undefined
  /** `TRUST_PROXY`: Express's `trust proxy` value (default: loopback and private networks when PUBLIC_URL is set). */
  readonly trustProxy: string | undefined
  /** `SOCIAL_AUTH_OSSO_BASE_URL`; unset means `npm start` runs osso-dev on 9292. */
  readonly ossoBaseUrl: string | undefined
  /** `SOCIAL_AUTH_OIDC_OIDC_ENDPOINT`: turns the generic `oidc` backend on. */
  readonly oidcEndpoint: string | undefined
  /** Whether the secret was generated (the start script says so once). */
  readonly generatedSecret: boolean
}

const DEFAULT_DATABASE_URL = 'sqlite:./data/express-osso.sqlite3'

/**
 * Reads the environment. Only shape is checked here; the engine checks the social-auth
 * settings (`SOCIAL_AUTH_*`) itself at start-up.
 *
 * @example
 * ```ts
 * const config = configFromEnv(process.env)
 * ```
 */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): ExampleConfig {
  const port = Number(env.PORT ?? 3000)
  if (!/^\d+$/.test(String(env.PORT ?? 3000)) || port > 65535)
    throw new ImproperlyConfigured('PORT must be a port number (0–65535)')
  const secret = env.SESSION_SECRET?.trim()
  if (!secret && env.NODE_ENV === 'production')
    throw new ImproperlyConfigured('SESSION_SECRET must be set in production')
  const blank = (value: string | undefined): string | undefined =>
    value?.trim() ? value.trim() : undefined
  const publicUrl = blank(env.PUBLIC_URL)
  if (
    publicUrl !== undefined &&
    !(URL.canParse(publicUrl) && /^https?:$/.test(new URL(publicUrl).protocol))
  )
    throw new ImproperlyConfigured(
      'PUBLIC_URL must be an http(s) URL, e.g. https://app.example.com',
    )
  return {
    port,
    databaseUrl: blank(env.DATABASE_URL) ?? DEFAULT_DATABASE_URL,
    sessionSecret: secret || randomBytes(32).toString('base64url'),
    publicUrl,
    trustProxy: blank(env.TRUST_PROXY),
    ossoBaseUrl: blank(env.SOCIAL_AUTH_OSSO_BASE_URL),
    oidcEndpoint: blank(env.SOCIAL_AUTH_OIDC_OIDC_ENDPOINT),
    generatedSecret: !secret,
  }
}
