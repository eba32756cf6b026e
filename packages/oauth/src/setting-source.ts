import type { BoundBackend, SettingsResolver } from '@social-auth/core'

/**
 * The concrete key a backend's setting is read from (`SOCIAL_AUTH_OIDC_JWT_LEEWAY`), when the
 * settings are at hand (start-up checks), so that an error names what the app wrote; the bare
 * name otherwise.
 */
export const settingSource = (
  name: string,
  backend: BoundBackend,
  settings?: SettingsResolver,
): string => settings?.sourceOf(name, backend.name) ?? name
