import type { BoundBackend } from '../backends/definition.js'
import { RedirectUrlMissing } from '../errors.js'
import { isUrl, sanitizeRedirect } from '../redirects.js'
import type { Strategy } from '../strategy.js'

/**
 * The first candidate that is a URL itself or names a setting holding a URL (PSA
 * `setting_url`). Candidates are setting names (`LOGIN_ERROR_URL`) or literal values. A
 * redirect setting that is set but not a URL never gets here: `createSocialAuth` refuses it
 * (`checkRedirectSettings`), so only unset settings and literal values (`next`) are skipped.
 */
export function settingUrl(
  backend: BoundBackend,
  ...candidates: (string | undefined | null)[]
): string | undefined {
  const schemes = backend.setting<string[]>('ALLOWED_REDIRECT_SCHEMES')
  for (const candidate of candidates) {
    if (!candidate) continue
    if (isUrl(candidate, schemes)) return candidate
    const value = backend.setting<unknown>(candidate)
    if (isUrl(value, schemes)) return value
  }
  return undefined
}

/** The hosts `next` may point to: `ALLOWED_REDIRECT_HOSTS` and this request's host. */
export function allowedHosts(backend: BoundBackend, strategy: Strategy): string[] {
  return [...backend.setting<string[]>('ALLOWED_REDIRECT_HOSTS'), strategy.requestHost()]
}

/** Sanitises a user-supplied `next`; undefined when it is unsafe or absent. */
export function sanitizeNext(
  backend: BoundBackend,
  strategy: Strategy,
  next: unknown,
): string | undefined {
  if (typeof next !== 'string' || next === '') return undefined
  if (!backend.setting<boolean>('SANITIZE_REDIRECTS')) return next
  return (
    sanitizeRedirect(
      allowedHosts(backend, strategy),
      next,
      backend.setting<string[]>('ALLOWED_REDIRECT_SCHEMES'),
    ) ?? undefined
  )
}

/**
 * The final sanitising of a chosen URL: unsafe targets fall back to the given settings, and
 * with none left the configuration is wrong (PSA raises `ValueError("Disallowed URL")`).
 */
export function finalRedirect(
  backend: BoundBackend,
  strategy: Strategy,
  url: string,
  ...fallbacks: string[]
): string {
  if (!backend.setting<boolean>('SANITIZE_REDIRECTS')) return url
  const hosts = allowedHosts(backend, strategy)
  const schemes = backend.setting<string[]>('ALLOWED_REDIRECT_SCHEMES')
  const safe = sanitizeRedirect(hosts, url, schemes)
  if (safe) return safe
  for (const name of fallbacks) {
    const value = settingUrl(backend, name)
    if (value && sanitizeRedirect(hosts, value, schemes)) return value
  }
  throw new RedirectUrlMissing({ backend: backend.name })
}
