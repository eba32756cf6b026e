/** What a browser says about who started a request. */
export interface RequestProvenance {
  /** The `Sec-Fetch-Site` header. */
  readonly secFetchSite?: string | undefined
  /** The `Referer` header. */
  readonly referer?: string | undefined
}

/**
 * Whether the browser says `origin` made this request: Fetch Metadata `same-origin`, else
 * (a browser without Fetch Metadata) a Referer from `origin`. With `typedUrl`, `none` counts
 * too: a typed URL or a bookmark, but also a link opened from a desktop mail or chat app, so
 * it is only for requests that carry nothing the person did not choose. Neither header (an
 * old browser behind a referrer-stripping policy) counts as another site.
 *
 * @example
 * ```ts
 * madeHere({ secFetchSite: req.get('sec-fetch-site'), referer: req.get('referer') }, 'https://app.example')
 * ```
 */
export function madeHere(
  headers: RequestProvenance,
  origin: string,
  options: { readonly typedUrl?: boolean } = {},
): boolean {
  const site = headers.secFetchSite
  if (site !== undefined)
    return site === 'same-origin' || (options.typedUrl === true && site === 'none')
  const referer = headers.referer
  return referer !== undefined && URL.canParse(referer) && new URL(referer).origin === origin
}
