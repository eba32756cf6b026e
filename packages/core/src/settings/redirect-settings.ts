import { ImproperlyConfigured } from '../errors.js'
import { isUrl } from '../redirects.js'
import type { SettingsResolver } from './resolver.js'
import { knownSettings } from './schema.js'

/**
 * Refuses a redirect setting (`LOGIN_URL`, `LOGIN_REDIRECT_URL`, `LOGIN_ERROR_URL`, …, see
 * `SettingSpec.redirect`) that is set but is not a URL where it is read: globally and for each
 * backend, with that place's `ALLOWED_REDIRECT_SCHEMES`. PSA's `setting_url` skips such a value
 * silently (Django resolves URL names like `'profile'` first; we do not), so a typo would send
 * every login to the next fallback instead of failing the deploy.
 */
export function checkRedirectSettings(
  settings: SettingsResolver,
  backendNames: Iterable<string>,
): void {
  const backends = [...backendNames]
  for (const [name, spec] of knownSettings()) {
    if (!spec.redirect) continue
    const places = spec.scope === 'global' ? [undefined] : [undefined, ...backends]
    for (const backend of places) {
      const source = settings.sourceOf(name, backend)
      if (source === undefined) continue
      const value = settings.values[source]
      // null is PSA's None, and '' (an empty environment variable) is no URL either: PSA's
      // is_url skips both, and the lookup goes on to the next candidate setting.
      if (value === null || value === '') continue
      const schemes = settings.get<string[]>('ALLOWED_REDIRECT_SCHEMES', backend ? { backend } : {})
      if (isUrl(value, schemes)) continue
      throw new ImproperlyConfigured(
        `${source} must be a path ("/profile"), an http(s) URL, or use a scheme of ALLOWED_REDIRECT_SCHEMES${
          backend ? ` (backend "${backend}")` : ''
        }; got ${JSON.stringify(value).slice(0, 100)}. URL names (Django's reverse) are not resolved.`,
        backend ? { backend } : {},
      )
    }
  }
}
