import type { Client } from './types.js'

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' }

/**
 * The comparison form of a URI as Ruby's `URI.parse(uri).to_s` gives it: scheme
 * lowercased and an explicit default port dropped, nothing else touched. A full WHATWG
 * parse would also rewrite host case and path escapes, accepting URIs Osso rejects.
 */
export function normalizeRedirectUri(uri: string): string {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/s.exec(uri)
  if (match === null) return uri
  const scheme = (match[1] ?? '').toLowerCase()
  let rest = match[2] ?? ''
  const port = DEFAULT_PORTS[scheme]
  if (port !== undefined) {
    rest = rest.replace(/^(\/\/[^/?#:]*):(\d+)(?=[/?#]|$)/, (all, authority: string, p: string) =>
      p === port ? authority : all,
    )
  }
  return `${scheme}:${rest}`
}

// Loopback IP literals only: RFC 8252 §8.3 advises against trusting what `localhost` resolves to.
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::\d{1,5})?([/?#].*)?$/s

function loopbackWithoutPort(uri: string): string | undefined {
  const match = LOOPBACK.exec(uri)
  return match === null ? undefined : `${match[1] ?? ''}${match[2] ?? ''}`
}

/** Whether `uri` is on the client's allow-list (exact, or any loopback port when enabled). */
export function isAllowedRedirectUri(client: Client, uri: string): boolean {
  const wanted = normalizeRedirectUri(uri)
  if (client.redirectUris.some((r) => normalizeRedirectUri(r.uri) === wanted)) return true
  if (!client.allowLoopbackAnyPort) return false
  const loose = loopbackWithoutPort(wanted)
  return (
    loose !== undefined &&
    client.redirectUris.some((r) => loopbackWithoutPort(normalizeRedirectUri(r.uri)) === loose)
  )
}

/**
 * The redirect URI an authorize request ends up with: the given one if allow-listed, the
 * client's only URI if none was given (rack-oauth2's rule), else `undefined`.
 */
export function verifyRedirectUri(client: Client, uri: string | undefined): string | undefined {
  if (uri === undefined || uri === '') {
    const only = client.redirectUris.length === 1 ? client.redirectUris[0] : undefined
    return only?.uri
  }
  return isAllowedRedirectUri(client, uri) ? uri : undefined
}
