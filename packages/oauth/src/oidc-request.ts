import { InvalidSetting, type BoundBackend, type SettingsResolver } from '@social-auth/core'
import { settingSource } from './setting-source.js'

/** What the settings add to an OpenID Connect authentication request. */
export interface OidcRequestParameters {
  /** `display`, `prompt`, `max_age`, `ui_locales`, `id_token_hint`, `login_hint`, `acr_values`. */
  readonly params: Record<string, string>
  /** `MAX_AGE`: the login then requires `auth_time` and checks it. */
  readonly maxAge: number | undefined
}

const DISPLAYS = ['page', 'popup', 'touch', 'wap']
const PROMPTS = ['none', 'login', 'consent', 'select_account']
/** Settings PSA sends as they are, once it has checked they are not empty. */
const FREE_TEXT = ['UI_LOCALES', 'ID_TOKEN_HINT', 'LOGIN_HINT', 'ACR_VALUES'] as const

/**
 * PSA's `OpenIdConnectAuth.auth_params`: the optional request parameters from the settings,
 * checked as PSA checks them — `DISPLAY` one of page, popup, touch, wap; `PROMPT` space-separated
 * none, login, consent, select_account; the others not blank (`MAX_AGE` ≥ 0 is the setting's own `min`). PSA raises
 * `AuthInvalidParameter` at each login; here a refused value is `ERR_INVALID_SETTING` naming the
 * key, and the backend's setup calls this so that it fails start-up. Unset or `null` (PSA's None):
 * not sent.
 */
export function oidcRequestParameters(
  backend: BoundBackend,
  settings?: SettingsResolver,
): OidcRequestParameters {
  const params: Record<string, string> = {}
  const read = (name: string): unknown => backend.setting<unknown>(name)
  const refuse = (name: string, expected: string): InvalidSetting =>
    new InvalidSetting(settingSource(name, backend, settings), expected)

  const display = read('DISPLAY')
  if (display !== undefined && display !== null) {
    if (typeof display !== 'string' || !DISPLAYS.includes(display))
      throw refuse('DISPLAY', `one of ${DISPLAYS.join(', ')}`)
    params.display = display
  }

  const prompt = read('PROMPT')
  if (prompt !== undefined && prompt !== null) {
    const values = typeof prompt === 'string' ? prompt.split(/\s+/).filter(Boolean) : []
    if (values.length === 0 || values.some((value) => !PROMPTS.includes(value)))
      throw refuse('PROMPT', `space-separated values of ${PROMPTS.join(', ')}`)
    params.prompt = values.join(' ')
  }

  const maxAge = read('MAX_AGE')
  // A number of seconds ≥ 0: the setting's type and `min`, checked at start-up.
  if (typeof maxAge === 'number') params.max_age = String(maxAge)

  for (const name of FREE_TEXT) {
    const value = read(name)
    if (value === undefined || value === null) continue
    if (typeof value !== 'string' || value.trim() === '') throw refuse(name, 'a non-blank string')
    params[name.toLowerCase()] = value
  }
  return { params, maxAge: typeof maxAge === 'number' ? maxAge : undefined }
}
