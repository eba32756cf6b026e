/** The resource server's configuration, read from the environment (DESIGN.md). */
export interface ResourceServerEnv {
  /** The issuer's JWKS (default: the express-osso app's, `<JWT_ISSUER>/.well-known/jwks.json`). */
  readonly jwksUrl: string
  /** The exact `iss` accepted (default: the express-osso app, `http://localhost:3000`). */
  readonly issuer: string
  /** This API's identifier, required in `aud` (default `http://localhost:8001`). */
  readonly audience: string
  /** The JWS `typ` required (default `at+jwt`, RFC 9068; empty: any access-token type). */
  readonly typ: string | undefined
  readonly port: number
}

/** Where the express-osso example app runs by default, and so its issuer. */
export const DEFAULT_ISSUER = 'http://localhost:3000'
/** The resource server's default port (the USSO guide's API runs on 8001). */
export const DEFAULT_PORT = 8001
/** The default API identifier: this server's own URL. */
export const DEFAULT_AUDIENCE = `http://localhost:${DEFAULT_PORT}`

const value = (
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined => {
  const raw = env[name]?.trim()
  return raw === undefined || raw === '' ? undefined : raw
}

/**
 * Reads `JWT_JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE`, `JWT_TYP` and `PORT`, with defaults that
 * trust the express-osso app running locally.
 *
 * @example
 * ```ts
 * readEnv({ JWT_ISSUER: 'https://id.example', JWT_AUDIENCE: 'posts-api' }).jwksUrl
 * // 'https://id.example/.well-known/jwks.json'
 * ```
 */
export function readEnv(env: Readonly<Record<string, string | undefined>>): ResourceServerEnv {
  const issuer = value(env, 'JWT_ISSUER') ?? DEFAULT_ISSUER
  const port = Number(value(env, 'PORT') ?? DEFAULT_PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`PORT must be a port number, not ${env.PORT}`)
  return {
    jwksUrl: value(env, 'JWT_JWKS_URL') ?? `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`,
    issuer,
    audience: value(env, 'JWT_AUDIENCE') ?? DEFAULT_AUDIENCE,
    typ: env.JWT_TYP === undefined ? 'at+jwt' : value(env, 'JWT_TYP'),
    port,
  }
}
