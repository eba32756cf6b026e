import { settingNames } from './prefix.js'
import { settingSpec } from './schema.js'

const isSet = (values: Settings, key: string): boolean =>
  Object.hasOwn(values, key) && values[key] !== undefined

/** The app's settings: PSA names to values. */
export type Settings = Readonly<Record<string, unknown>>

/**
 * Reads settings in PSA's lookup order: `SOCIAL_AUTH_<BACKEND>_<NAME>`, then
 * `SOCIAL_AUTH_<NAME>`, then `<NAME>`. The first name that is *present* wins, even when its
 * value is `false` or `null` (as in PSA); otherwise the caller's default, then the spec's.
 * A name holding `undefined` counts as absent: `SOCIAL_AUTH_X: process.env.X` with X unset
 * must not shadow a global value or switch a safe default (SANITIZE_REDIRECTS) off.
 *
 * @example
 * ```ts
 * const settings = new SettingsResolver({ SOCIAL_AUTH_OSSO_KEY: 'k', LOGIN_URL: '/' })
 * settings.get('KEY', { backend: 'osso' }) // 'k'
 * ```
 */
export class SettingsResolver {
  readonly #values: Settings

  constructor(values: Settings) {
    this.#values = values
  }

  /** The raw settings object. */
  get values(): Settings {
    return this.#values
  }

  /** Looks a setting up; see the class summary for the order. */
  get<T = unknown>(name: string, options: { backend?: string; default?: T } = {}): T {
    const spec = settingSpec(name)
    for (const candidate of settingNames(name, options.backend, spec?.scope ?? 'backend')) {
      if (isSet(this.#values, candidate)) return this.#values[candidate] as T
    }
    if ('default' in options) return options.default as T
    return spec?.default as T
  }

  /** Whether any name in the lookup order is set. */
  has(name: string, backend?: string): boolean {
    const spec = settingSpec(name)
    return settingNames(name, backend, spec?.scope ?? 'backend').some((n) => isSet(this.#values, n))
  }

  /** The concrete name the value of `name` comes from (`SOCIAL_AUTH_OSSO_PIPELINE`), if any. */
  sourceOf(name: string, backend?: string): string | undefined {
    const spec = settingSpec(name)
    return settingNames(name, backend, spec?.scope ?? 'backend').find((n) => isSet(this.#values, n))
  }
}
