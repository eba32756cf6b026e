import { InvalidSetting } from '../errors.js'
import { resolveSettingName } from './validate.js'
import type { SettingType } from './schema.js'

const TRUE = new Set(['true', '1', 'yes', 'on'])
const FALSE = new Set(['false', '0', 'no', 'off'])
const SCALAR_OR_JSON = new Set<SettingType>(['boolean', 'number', 'record', 'extra-data'])

/**
 * The unprefixed names {@link settingsFromEnv} takes: those a Django project sets at the top
 * level of `settings.py` (Django's own `AUTHENTICATION_BACKENDS`, `LOGIN_URL`,
 * `LOGIN_REDIRECT_URL`, and their sibling `LOGIN_ERROR_URL`). Every other setting comes from the
 * environment only as `SOCIAL_AUTH_*`: a shell's own variables share the bare names of PSA
 * settings (`DISPLAY` of X11, `PROMPT` of Windows `cmd`, a `SCOPE` or `USER_AGENT` of another
 * tool), and `DISPLAY=:0` would become the OIDC `display` parameter of every login.
 */
const BARE_ENV_SETTINGS = new Set([
  'AUTHENTICATION_BACKENDS',
  'LOGIN_URL',
  'LOGIN_REDIRECT_URL',
  'LOGIN_ERROR_URL',
])

function parseList(key: string, raw: string): unknown[] {
  const text = raw.trim()
  if (text.startsWith('[')) return parseJson(key, text, 'a JSON array') as unknown[]
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0)
}

function parseJson(key: string, raw: string, expected: string): unknown {
  try {
    return JSON.parse(raw) as unknown
  } catch (cause) {
    throw new InvalidSetting(key, expected, { cause })
  }
}

function parseValue(key: string, type: SettingType, raw: string): unknown {
  switch (type) {
    case 'boolean': {
      const lowered = raw.trim().toLowerCase()
      if (TRUE.has(lowered)) return true
      if (FALSE.has(lowered)) return false
      throw new InvalidSetting(key, 'true or false')
    }
    case 'number': {
      const n = Number(raw)
      if (raw.trim() === '' || !Number.isFinite(n)) throw new InvalidSetting(key, 'a number')
      return n
    }
    case 'string[]':
    case 'pipeline':
    case 'backends':
      return parseList(key, raw)
    case 'record':
    case 'extra-data':
      return parseJson(key, raw, 'JSON')
    default:
      return raw
  }
}

/**
 * Reads settings from environment variables with the same names, typed by the known settings
 * (booleans from `true/false/1/0`, lists as JSON arrays or comma-separated, objects as JSON).
 * Only `SOCIAL_AUTH_*` names and four bare names (`LOGIN_URL`, `LOGIN_REDIRECT_URL`,
 * `LOGIN_ERROR_URL`, `AUTHENTICATION_BACKENDS`) are taken, so the shell's `DISPLAY` or `PROMPT`
 * never becomes a setting; an empty boolean, number or JSON variable counts as unset.
 *
 * @example
 * ```ts
 * const social = await createSocialAuth({ settings: { ...settingsFromEnv(process.env) }, storage })
 * ```
 */
export function settingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  const settings: Record<string, unknown> = {}
  for (const [key, raw] of Object.entries(env)) {
    if (raw === undefined) continue
    if (!key.startsWith('SOCIAL_AUTH_') && !BARE_ENV_SETTINGS.has(key)) continue
    const known = resolveSettingName(key)
    // An empty variable (`SOCIAL_AUTH_SANITIZE_REDIRECTS=` in a compose file) means "not set":
    // reading it as false would switch a safe default off without anyone writing "false".
    if (raw.trim() === '' && known && SCALAR_OR_JSON.has(known.spec.type)) continue
    settings[key] = known ? parseValue(key, known.spec.type, raw) : raw
  }
  return settings
}
