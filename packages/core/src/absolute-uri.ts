import type { SettingsResolver } from './settings/resolver.js'
import type { Strategy } from './strategy.js'

/**
 * PSA's `absolute_uri` rule: with `REDIRECT_IS_HTTPS`, an `http://` URL the app builds becomes
 * `https://`. Behind a proxy that ends TLS the app sees plain http and would otherwise hand the
 * provider an http redirect URI (social-core#923).
 */
function httpsIfConfigured(settings: SettingsResolver, url: string): string {
  return settings.get<boolean>('REDIRECT_IS_HTTPS') && url.startsWith('http://')
    ? `https://${url.slice(7)}`
    : url
}

/** An absolute URL of this app for `path`, honouring `REDIRECT_IS_HTTPS`. */
export function absoluteUri(settings: SettingsResolver, strategy: Strategy, path: string): string {
  return httpsIfConfigured(settings, strategy.absoluteUri(path))
}

/** The backend's redirect URI (the `complete` route), honouring `REDIRECT_IS_HTTPS`. */
export function redirectUri(
  settings: SettingsResolver,
  strategy: Strategy,
  backendName: string,
): string {
  return httpsIfConfigured(settings, strategy.redirectUri(backendName))
}
