import type { Request } from 'express'

/**
 * Whether a request came from this site or from the person: Fetch Metadata when the browser
 * sends it (`same-origin`, or `none` for a typed URL or a bookmark), else a same-origin
 * Referer. Neither (an old browser behind a referrer-stripping policy) counts as another site.
 *
 * @example
 * ```ts
 * startedHere(req, 'https://app.example.com') // false for a link on another site
 * ```
 */
export function startedHere(req: Request, origin: string): boolean {
  const site = req.get('sec-fetch-site')
  if (site !== undefined) return site === 'same-origin' || site === 'none'
  const referer = req.get('referer')
  return referer !== undefined && URL.canParse(referer) && new URL(referer).origin === origin
}
