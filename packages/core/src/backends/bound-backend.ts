import { AuthMissingUid, AuthUnknownError } from '../errors.js'
import { toJsonObject } from '../json.js'
import type { SettingsResolver } from '../settings/resolver.js'
import type { JsonObject } from '../storage/types.js'
import type {
  BackendDefinition,
  BoundBackend,
  ExtraDataArgs,
  ExtraDataEntry,
  ProviderResponse,
  UserDetails,
} from './definition.js'

const lowerAll = (values: readonly string[]): Set<string> =>
  new Set(values.map((value) => value.toLowerCase()))

/** Normalises an `EXTRA_DATA` entry to `[name, alias, discardIfFalsy]`. */
function extraDataEntry(entry: ExtraDataEntry, backend: string): [string, string, boolean] {
  if (typeof entry === 'string') return [entry, entry, false]
  const [name, alias, discard] = entry
  if (typeof name !== 'string') {
    throw new AuthUnknownError(`Invalid EXTRA_DATA item: ${JSON.stringify(entry)}`, { backend })
  }
  return [name, alias ?? name, discard ?? false]
}

/** Binds a definition to the app's settings (the engine's view of a backend). */
export function bindBackend(
  definition: BackendDefinition,
  settings: SettingsResolver,
): BoundBackend {
  const name = definition.name
  const setting = <T>(settingName: string, ...fallback: [T?]): T =>
    fallback.length > 0
      ? settings.get<T>(settingName, { backend: name, default: fallback[0] as T })
      : settings.get<T>(settingName, { backend: name })

  const idKey = (): string => setting<string | undefined>('ID_KEY') || definition.idKey || 'id'

  const bound: BoundBackend = {
    name,
    definition,
    setting,
    idKey,
    requiresEmailValidation: definition.requiresEmailValidation ?? false,

    getUserDetails: (response) => definition.getUserDetails(response, bound),

    getUserId(details: UserDetails, response: ProviderResponse): string {
      const key = idKey()
      const raw = definition.getUserId
        ? definition.getUserId(details, response, key)
        : details[key] || response[key]
      // PSA stores str(None) = "None" here; an account without an id must not log in.
      // A number beyond 2^53 was already rounded by JSON.parse (…993 arrives as …992), so two
      // accounts would share one uid (security.md §5.6): refused, as the providers' idString.
      if (typeof raw === 'number' && Number.isSafeInteger(raw)) return String(raw)
      if (typeof raw === 'bigint') return raw.toString()
      if (typeof raw === 'string' && raw.trim() !== '') return raw
      throw new AuthMissingUid({ backend: name })
    },

    authAllowed(details: UserDetails): boolean {
      const emails = lowerAll(setting<string[]>('WHITELISTED_EMAILS', []))
      const domains = lowerAll(setting<string[]>('WHITELISTED_DOMAINS', []))
      if (emails.size === 0 && domains.size === 0) return true
      // PSA lets a login without an email through a whitelist; we refuse it.
      const email = typeof details.email === 'string' ? details.email.toLowerCase() : ''
      const at = email.indexOf('@')
      if (at <= 0) return false
      return emails.has(email) || domains.has(email.slice(at + 1))
    },

    isEmailVerified(response: ProviderResponse, details: UserDetails): boolean {
      const authority =
        setting<boolean | undefined>('ASSOCIATE_BY_EMAIL_TRUST_PROVIDER') ??
        definition.emailAuthority ??
        false
      return authority && definition.isEmailVerified?.(response, details) === true
    },

    extraData(args: ExtraDataArgs): JsonObject {
      const data: Record<string, unknown> = { auth_time: Math.floor(args.now / 1000) }
      const all = definition.getAllExtraData || setting<boolean>('GET_ALL_EXTRA_DATA', false)
      const entries: ExtraDataEntry[] = all
        ? Object.keys(args.response)
        : [...(definition.extraData ?? []), ...setting<ExtraDataEntry[]>('EXTRA_DATA', [])]
      for (const entry of entries) {
        const [key, alias, discard] = extraDataEntry(entry, name)
        const value =
          key in args.response ? args.response[key] : (args.details[key] ?? args.details[alias])
        if (discard && !value) continue
        data[alias] = value ?? null
      }
      Object.assign(data, definition.extraDataFor?.(args))
      return toJsonObject(data)
    },
  }
  return bound
}
