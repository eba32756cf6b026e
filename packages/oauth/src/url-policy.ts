import { InvalidSetting } from '@social-auth/core'

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/** True for localhost, 127.0.0.1 and [::1]: the only hosts allowed plain http. */
export function isLoopback(url: URL): boolean {
  return LOOPBACK.has(url.hostname)
}

/** DESIGN.md's rule for provider URLs: https, or http on a loopback host. */
export function isAllowedProviderUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url))
}

/**
 * Parses a provider URL from a setting and enforces DESIGN.md's rule: https, except on
 * loopback hosts (development and tests). Throws `ERR_INVALID_SETTING` naming the setting.
 */
export function providerUrl(setting: string, value: unknown): URL {
  let url: URL
  try {
    url = new URL(String(value))
  } catch (cause) {
    throw new InvalidSetting(setting, 'an absolute URL', { cause })
  }
  if (isAllowedProviderUrl(url)) return url
  throw new InvalidSetting(setting, 'an https URL (http only for localhost)')
}
