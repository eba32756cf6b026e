/** Username helpers (PSA `clean_username`, `slugify`). */

/** Drops non-ASCII, then anything outside `[A-Za-z0-9_.@+-]` (PSA `UserMixin.clean_username`). */
export function cleanUsername(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[^\x00-\x7F]+/g, '').replace(/[^\w.@+-]+/g, '')
}

/** PSA `slugify`: NFKD to ASCII, keep word chars, spaces and dashes, lower-case, dash-join. */
export function slugify(value: string): string {
  return (
    value
      .normalize('NFKD')
      // eslint-disable-next-line no-control-regex
      .replace(/[^\x00-\x7F]/g, '')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[-\s]+/g, '-')
  )
}

/**
 * Splits and joins names as PSA's `get_user_names` does: a lone full name is split on its
 * first space; the full name defaults to "first last"; everything is trimmed.
 */
export function getUserNames(
  fullname?: string | null,
  firstName?: string | null,
  lastName?: string | null,
): { fullname: string; first_name: string; last_name: string } {
  let full = fullname ?? ''
  let first = firstName ?? ''
  let last = lastName ?? ''
  if (full && !(first || last)) {
    const at = full.indexOf(' ')
    first = at === -1 ? full : full.slice(0, at)
    last = at === -1 ? '' : full.slice(at + 1)
  }
  full = full || `${first} ${last}`
  return { fullname: full.trim(), first_name: first.trim(), last_name: last.trim() }
}
