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
  readonly trustProxy: boolean | number | string | undefined
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
  const blank = (value: string | undefined): string | undefined =>
    value?.trim() ? value.trim() : undefined
  const port = portNumber('PORT', env.PORT) ?? 3000
  const secret = blank(env.SESSION_SECRET)
  if (!secret && env.NODE_ENV === 'production')
    throw new ImproperlyConfigured('SESSION_SECRET must be set in production')
  const publicUrl = blank(env.PUBLIC_URL)
  const trustProxy = blank(env.TRUST_PROXY)
  return {
    port,
    databaseUrl: blank(env.DATABASE_URL) ?? DEFAULT_DATABASE_URL,
    sessionSecret: secret || randomBytes(32).toString('base64url'),
    publicUrl: publicUrl === undefined ? undefined : publicOrigin(publicUrl),
    trustProxy: trustProxy === undefined ? undefined : trustProxyValue(trustProxy),
    ossoBaseUrl: blank(env.SOCIAL_AUTH_OSSO_BASE_URL),
    oidcEndpoint: blank(env.SOCIAL_AUTH_OIDC_OIDC_ENDPOINT),
    generatedSecret: !secret,
  }
}

/** A port variable's number (undefined when unset); 0 asks the system for a free port. */
export function portNumber(name: string, value: string | undefined): number | undefined {
  const text = value?.trim()
  if (!text) return undefined
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new ImproperlyConfigured(`${name} must be a port number (0–65535)`)
  return Number(text)
}

/**
 * `PUBLIC_URL` in one spelling (`HTTPS://App.example.com/` → `https://app.example.com`), so the
 * Secure-cookie check, the token issuer and osso-dev's redirect URI all see the same origin.
 */
function publicOrigin(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined
  if (
    !url ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    throw new ImproperlyConfigured(
      'PUBLIC_URL must be an http(s) URL without a query, a fragment or credentials, e.g. https://app.example.com',
    )
  }
  return url.href.replace(/\/+$/, '')
}

/** `TRUST_PROXY` as Express reads `trust proxy`: true/false, a hop count, or addresses. */
function trustProxyValue(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true'
  if (/^\d+$/.test(value)) return Number(value)
  return value
}
