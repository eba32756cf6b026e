/**
 * RFC 8252 §7.3: a native app receives the code on a loopback IP literal, on whatever port it
 * could open. Only `http://127.0.0.1:<port>/…` and `http://[::1]:<port>/…` are accepted —
 * never `localhost` (§8.3: it may resolve elsewhere), never a fragment or credentials.
 */
export function loopbackRedirect(value: unknown): URL | undefined {
  if (typeof value !== 'string' || value.length > 512) return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:') return undefined
  if (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]') return undefined
  if (url.username !== '' || url.password !== '' || url.hash !== '') return undefined
  return url
}
