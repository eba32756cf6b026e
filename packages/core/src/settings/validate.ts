import { ImproperlyConfigured, InvalidSetting } from '../errors.js'
import { knownSettings, type SettingSpec, type SettingType } from './schema.js'
import type { Settings } from './resolver.js'

/**
 * The known setting a concrete name refers to: `X`, `SOCIAL_AUTH_X` or `SOCIAL_AUTH_<B>_X`.
 * The longest known suffix wins, so `SOCIAL_AUTH_OIDC_USERNAME_KEY` is `USERNAME_KEY`, not `KEY`.
 */
export function resolveSettingName(key: string): { name: string; spec: SettingSpec } | undefined {
  let best: { name: string; spec: SettingSpec } | undefined
  for (const [name, spec] of knownSettings()) {
    const matches =
      key === name ||
      key === `SOCIAL_AUTH_${name}` ||
      (key.startsWith('SOCIAL_AUTH_') && key.endsWith(`_${name}`) && key.length > 13 + name.length)
    if (matches && (!best || name.length > best.name.length)) best = { name, spec }
  }
  return best
}

const isStringArray = (v: unknown): boolean =>
  Array.isArray(v) && v.every((item) => typeof item === 'string')

const isExtraDataEntry = (v: unknown): boolean =>
  typeof v === 'string' ||
  (Array.isArray(v) &&
    v.length >= 1 &&
    v.length <= 3 &&
    typeof v[0] === 'string' &&
    (v.length < 2 || typeof v[1] === 'string') &&
    (v.length < 3 || typeof v[2] === 'boolean'))

const checks: Record<SettingType, [(v: unknown) => boolean, string]> = {
  boolean: [(v) => typeof v === 'boolean', 'a boolean'],
  string: [(v) => typeof v === 'string', 'a string'],
  number: [(v) => typeof v === 'number' && Number.isFinite(v), 'a finite number'],
  'string[]': [isStringArray, 'an array of strings'],
  record: [(v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object of strings'],
  'function-or-string': [
    (v) => typeof v === 'function' || typeof v === 'string',
    'a function or a "module#export" string',
  ],
  pipeline: [
    (v) => Array.isArray(v) && v.every((s) => typeof s === 'function' || typeof s === 'string'),
    'an array of step functions or step names',
  ],
  backends: [(v) => Array.isArray(v), 'an array of backends'],
  'extra-data': [
    (v) => Array.isArray(v) && v.every(isExtraDataEntry),
    'an array of "name", [name, alias] or [name, alias, discardIfFalsy] entries',
  ],
  any: [() => true, 'anything'],
}

/**
 * Checks every known setting's type; throws {@link InvalidSetting} naming the first bad one. A
 * PSA setting this port does not support (`SettingSpec.unsupported`) is refused first, with
 * {@link ImproperlyConfigured} naming it and what to use instead: its type may be one PSA has
 * and we do not (`VERIFY_SSL` holding a CA bundle path). So is the `SOCIAL_AUTH_X` form of a
 * setting declared `refuseGlobal` (`SOCIAL_AUTH_KEY`, `SOCIAL_AUTH_SECRET`), blank ones aside.
 * Other per-backend-only settings (`API_URL`) are not refused in that form: apps and their
 * tools use such names for their own variables.
 */
export function validateSettings(settings: Settings): void {
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined || value === null) continue
    const known = resolveSettingName(key)
    if (!known) continue
    if (
      known.spec.refuseGlobal === true &&
      key === `SOCIAL_AUTH_${known.name}` &&
      !(typeof value === 'string' && value.trim() === '')
    ) {
      throw new ImproperlyConfigured(
        `${key} is not read: ${known.name} is read per backend only (SOCIAL_AUTH_<BACKEND>_${known.name}), so that no provider gets another's`,
      )
    }
    const { unsupported } = known.spec
    if (unsupported && !unsupported.accepts?.(value)) {
      throw new ImproperlyConfigured(
        `${key} (a PSA setting) is not supported: ${unsupported.instead}`,
      )
    }
    const [ok, expected] = checks[known.spec.type]
    if (!ok(value)) throw new InvalidSetting(key, expected)
    const { min } = known.spec
    if (min !== undefined && (value as number) < min)
      throw new InvalidSetting(key, `${expected} of at least ${min}`)
  }
}
