import type { Request } from 'express'

/**
 * Where this app is, as the browser sees it: `PUBLIC_URL` when configured (behind a proxy the
 * app cannot tell), else the request's protocol and host (which honour Express's
 * `trust proxy`).
 */
export interface AppLocation {
  /** `https://app.example.com` (no trailing slash). */
  readonly origin: string
  /** The host with its port, as redirects to this app name it. */
  readonly host: string
  /** A path prefix the proxy adds (`/app` in `https://example.com/app`), or `''`. */
  readonly prefix: string
}

/** Parses `PUBLIC_URL`; a value that is not an absolute http(s) URL is a start-up error. */
export function parsePublicUrl(value: string | URL | undefined): URL | undefined {
  if (value === undefined || value === '') return undefined
  let url: URL
  try {
    url = new URL(String(value))
  } catch {
    throw new TypeError(`PUBLIC_URL must be an absolute http(s) URL, got "${String(value)}"`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`PUBLIC_URL must be an absolute http(s) URL, got "${String(value)}"`)
  }
  if (url.search || url.hash) throw new TypeError('PUBLIC_URL must not carry a query or a fragment')
  return url
}

/** The app's location for this request. */
export function appLocation(req: Request, publicUrl: URL | undefined): AppLocation {
  if (publicUrl) {
    return {
      origin: publicUrl.origin,
      host: publicUrl.host,
      prefix: publicUrl.pathname.replace(/\/+$/, ''),
    }
  }
  // Express 5's req.host keeps the port and follows X-Forwarded-Host only under `trust proxy`.
  const host = req.host || 'localhost'
  return { origin: `${req.protocol}://${host}`, host, prefix: '' }
}

/** An absolute URL of this app for an app-relative path; absolute URLs pass through. */
export function absoluteUrl(location: AppLocation, path: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return path
  if (path.startsWith('//')) return new URL(path, location.origin).href
  const relative = path.startsWith('/') ? path : `/${path}`
  return new URL(`${location.prefix}${relative}`, location.origin).href
}
