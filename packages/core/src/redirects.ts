/**
 * `next` handling (PSA `sanitize_redirect`, `is_url`): a redirect target is accepted only when
 * it stays on an allowed host, or uses an allowed private-use scheme (`com.example.app:/cb`).
 */

const WEB_SCHEMES = new Set(['http', 'https'])
// Control and format characters (Unicode category C): invisible in the address bar, and
// browsers strip some of them, which turns `/\tevil.com` into `//evil.com`.
const CONTROL_OR_FORMAT = /\p{C}/u
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/

interface ParsedTarget {
  readonly scheme: string | undefined
  readonly netloc: string
}

/** Splits like Python's `urlparse` as far as scheme and netloc go. */
function parseTarget(url: string): ParsedTarget {
  const match = SCHEME.exec(url)
  const scheme = match?.[1]?.toLowerCase()
  const rest = match ? url.slice(match[0].length) : url
  if (!rest.startsWith('//')) return { scheme, netloc: '' }
  const end = rest.slice(2).search(/[/?#]/)
  return { scheme, netloc: end === -1 ? rest.slice(2) : rest.slice(2, end + 2) }
}

/** True when `scheme` is allowed and not a web scheme (an app's private-use scheme). */
function isPrivateScheme(scheme: string | undefined, allowedSchemes: readonly string[]): boolean {
  if (!scheme || WEB_SCHEMES.has(scheme)) return false
  return allowedSchemes.some((allowed) => allowed.toLowerCase() === scheme)
}

/**
 * The URL when it is a safe redirect target, else `null` (PSA `sanitize_redirect`).
 * `hosts` are compared exactly, port included; the first one stands in for relative URLs.
 *
 * @example
 * ```ts
 * sanitizeRedirect(['app.example.com'], '/profile') // '/profile'
 * sanitizeRedirect(['app.example.com'], '//evil.example/') // null
 * ```
 */
export function sanitizeRedirect(
  hosts: readonly string[],
  url: unknown,
  allowedSchemes: readonly string[] = ['http', 'https'],
): string | null {
  if (typeof url !== 'string' || url === '') return null
  if (url.startsWith('///') || url.includes('\\') || CONTROL_OR_FORMAT.test(url)) return null
  const { scheme, netloc } = parseTarget(url)
  // Python rejects a netloc whose NFKC form hides URL delimiters (U+2100 becomes "a/c");
  // hosts must be ASCII (punycode) here, which covers that and every homograph.
  if (/[^\x21-\x7e]/.test(netloc)) return null
  if (scheme !== undefined) {
    if (!allowedSchemes.some((allowed) => allowed.toLowerCase() === scheme)) return null
    if (!WEB_SCHEMES.has(scheme)) return url
    if (netloc === '') return null
  }
  const host = netloc || hosts[0]
  return host !== undefined && hosts.includes(host) ? url : null
}

/** Whether a value is a URL rather than a setting name (PSA `is_url`). */
export function isUrl(value: unknown, allowedSchemes: readonly string[] = []): value is string {
  if (typeof value !== 'string') return false
  if (value.startsWith('http://') || value.startsWith('https://') || value.startsWith('/')) {
    return true
  }
  return isPrivateScheme(parseTarget(value).scheme, allowedSchemes)
}

/** Appends `name=value` to a URL's query, keeping its fragment last. */
export function appendQuery(url: string, params: Record<string, string>): string {
  const hashAt = url.indexOf('#')
  const base = hashAt === -1 ? url : url.slice(0, hashAt)
  const hash = hashAt === -1 ? '' : url.slice(hashAt)
  const query = new URLSearchParams(params).toString()
  if (!query) return url
  return `${base}${base.includes('?') ? '&' : '?'}${query}${hash}`
}
