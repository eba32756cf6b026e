import { settingNames } from './prefix.js'
import { settingSpec } from './schema.js'

// Most names are unset: one property read decides, `hasOwn` only confirms a hit.
const isSet = (values: Settings, key: string): boolean =>
  values[key] !== undefined && Object.hasOwn(values, key)

/** The app's settings: PSA names to values. */
export type Settings = Readonly<Record<string, unknown>>

interface Lookup {
  readonly names: readonly string[]
  /** How many of `names` are the setting's own; the rest are its `fallback`'s. */
  readonly own: number
  readonly default: unknown
}

// Setting names come from code, not requests, but a bound keeps a misuse from growing the map.
const MAX_LOOKUPS = 2_000

/**
 * Reads settings in PSA's lookup order: `SOCIAL_AUTH_<BACKEND>_<NAME>`, then
 * `SOCIAL_AUTH_<NAME>`, then `<NAME>`. The first name that is *present* wins, even when its
 * value is `false` or `null` (as in PSA); otherwise the caller's default, then the spec's. A
 * setting with a `fallback` is read as PSA reads it, `NEW or OLD`: when its own value is
 * missing or falsy (`null`, `0`, `''`, `false`), the fallback setting's value wins if set.
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
  // Per backend (undefined: none), per setting name: no key string built on each lookup.
  readonly #lookups = new Map<string | undefined, Map<string, Lookup>>()
  #lookupCount = 0

  constructor(values: Settings) {
    this.#values = values
  }

  /** The raw settings object. */
  get values(): Settings {
    return this.#values
  }

  /** Looks a setting up; see the class summary for the order. */
  get<T = unknown>(name: string, options: { backend?: string; default?: T } = {}): T {
    const lookup = this.#lookup(name, options.backend)
    const found = this.#find(lookup)
    if (found !== undefined) return this.#values[found] as T
    if ('default' in options) return options.default as T
    return lookup.default as T
  }

  /** The name the value comes from; see the class summary. */
  #find(lookup: Lookup): string | undefined {
    const { names, own } = lookup
    for (let i = 0; i < names.length; i++) {
      const candidate = names[i]!
      if (!isSet(this.#values, candidate)) continue
      if (i >= own || own === names.length || this.#values[candidate]) return candidate
      // A falsy value of the setting itself gives way to its fallback's, when that is set.
      for (let j = own; j < names.length; j++) if (isSet(this.#values, names[j]!)) return names[j]
      return candidate
    }
    return undefined
  }

  /** Whether any name in the lookup order is set. */
  has(name: string, backend?: string): boolean {
    return this.#lookup(name, backend).names.some((n) => isSet(this.#values, n))
  }

  /** The concrete name the value of `name` comes from (`SOCIAL_AUTH_OSSO_PIPELINE`), if any. */
  sourceOf(name: string, backend?: string): string | undefined {
    return this.#find(this.#lookup(name, backend))
  }

  // The names to try depend only on (name, backend), and a login asks for dozens of settings:
  // build each list once. The values themselves are read on every call, so an app that changes
  // its settings object at run time (as Django tests override settings) still sees the change.
  #lookup(name: string, backend: string | undefined): Lookup {
    let byName = this.#lookups.get(backend)
    let lookup = byName?.get(name)
    if (lookup) return lookup
    const spec = settingSpec(name)
    const fallback = spec?.fallback
    const own = settingNames(name, backend, spec?.scope ?? 'backend')
    lookup = {
      names: [
        ...own,
        ...(fallback
          ? settingNames(fallback, backend, settingSpec(fallback)?.scope ?? 'backend')
          : []),
      ],
      own: own.length,
      default: spec?.default,
    }
    if (this.#lookupCount >= MAX_LOOKUPS) {
      this.#lookups.clear()
      this.#lookupCount = 0
      byName = undefined
    }
    if (!byName) this.#lookups.set(backend, (byName = new Map<string, Lookup>()))
    byName.set(name, lookup)
    this.#lookupCount++
    return lookup
  }
}
