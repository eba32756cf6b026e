import type { IncomingHttpHeaders } from 'node:http'
import { TokenNotFound, TokenRequestMalformed } from '@social-auth/core'

/** Where tokens are read from (the USSO guide's `JWTHeaderConfig`). */
export interface TokenSourceConfig {
  /** The header carrying the token (default `Authorization`; USSO's `type`). */
  readonly name?: string
  /** The scheme before the token (default `Bearer`, matched case-insensitively); `''` for a bare token. */
  readonly prefix?: string
  /** A cookie carrying the token (default: none — cookies are sent cross-site, so opt in). */
  readonly cookieName?: string | undefined
}

/** Normalised {@link TokenSourceConfig}. */
export interface TokenSources {
  readonly header: string
  readonly prefix: string
  readonly cookieName: string | undefined
}

/** The parts of a request token extraction reads. */
export interface RequestLike {
  readonly headers: IncomingHttpHeaders
}

// RFC 6750 §2.1 b64token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

const malformed = (detail: string): TokenRequestMalformed => new TokenRequestMalformed(detail)

/**
 * Normalises token sources; the defaults are `Authorization: Bearer` and no cookie.
 *
 * @example
 * ```ts
 * tokenSources({ cookieName: 'access_token' }) // { header: 'authorization', prefix: 'Bearer', cookieName: 'access_token' }
 * ```
 */
export function tokenSources(config: TokenSourceConfig = {}): TokenSources {
  return {
    header: (config.name ?? 'authorization').toLowerCase(),
    prefix: config.prefix ?? 'Bearer',
    cookieName: config.cookieName,
  }
}

/**
 * Takes the bearer token from a request: the configured header (scheme matched
 * case-insensitively, RFC 7235 §2.1) or the configured cookie. Throws {@link TokenNotFound}
 * when there is none, and {@link TokenRequestMalformed} when the header is broken, the cookie
 * is repeated, or the token arrives both ways (RFC 6750 §2: "Clients MUST NOT use more than one
 * method").
 *
 * @example
 * ```ts
 * extractToken({ headers: { authorization: 'Bearer eyJ…' } }, tokenSources()) // 'eyJ…'
 * ```
 */
export function extractToken(request: RequestLike, sources: TokenSources): string {
  const fromHeader = headerToken(request.headers[sources.header], sources.prefix)
  const fromCookie =
    sources.cookieName === undefined
      ? undefined
      : cookieToken(request.headers.cookie, sources.cookieName)
  if (fromHeader !== undefined && fromCookie !== undefined)
    throw malformed('The token was sent both in a header and in a cookie')
  const token = fromHeader ?? fromCookie
  if (token === undefined) throw new TokenNotFound()
  return token
}

function headerToken(value: string | string[] | undefined, prefix: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw malformed('The token header is repeated')
  let token = value
  if (prefix !== '') {
    // Another scheme (Basic, DPoP…) is not a bearer token: the request simply has none.
    if (!startsWithIgnoringCase(value, prefix)) return undefined
    if (value.length === prefix.length) throw malformed(`The ${prefix} credentials are empty`)
    if (value.charCodeAt(prefix.length) !== 32) return undefined
    token = value.slice(prefix.length).trimStart()
  }
  if (token === '') throw malformed('The token header is empty')
  if (!B64TOKEN.test(token)) throw malformed('The token header is malformed')
  return token
}

function startsWithIgnoringCase(value: string, prefix: string): boolean {
  // The usual spelling first, without the two lower-cased copies.
  if (value.startsWith(prefix)) return true
  return (
    value.length >= prefix.length &&
    value.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase()
  )
}

function cookieToken(header: string | undefined, name: string): string | undefined {
  if (header === undefined || header.indexOf(name) < 0) return undefined
  let found: string | undefined
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue
    let value = pair.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1)
    // An emptied cookie (how logouts clear it) is no token.
    if (value === '') continue
    if (found !== undefined) throw malformed(`The ${name} cookie is sent more than once`)
    if (!B64TOKEN.test(value)) throw malformed(`The ${name} cookie is malformed`)
    found = value
  }
  return found
}
