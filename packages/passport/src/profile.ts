import {
  getUserNames,
  toJsonValue,
  type ProviderResponse,
  type UserDetails,
} from '@social-auth/core'

/** A passport profile (passport's "normalized profile", plus the raw JSON strategies keep). */
export interface PassportProfile {
  readonly provider?: string
  readonly id?: string | number
  readonly displayName?: string
  readonly username?: string
  readonly name?: {
    readonly familyName?: string
    readonly givenName?: string
    readonly middleName?: string
  }
  readonly emails?: readonly {
    readonly value: string
    readonly type?: string
    readonly verified?: unknown
    readonly primary?: unknown
  }[]
  readonly photos?: readonly { readonly value: string }[]
  readonly _json?: unknown
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

type Email = { value: string; verified?: unknown; primary?: unknown }

/** The profile's emails as plain objects (the response must be JSON for `extra_data`). */
function emailsOf(profile: PassportProfile | undefined): Email[] {
  return (profile?.emails ?? [])
    .filter((email) => typeof email?.value === 'string')
    .map((email) => ({
      value: email.value,
      ...(email.verified !== undefined ? { verified: email.verified } : {}),
      ...(email.primary !== undefined ? { primary: email.primary } : {}),
    }))
}

/** The address to use: the one the strategy marks primary, else the first. */
export function chosenEmail(response: ProviderResponse): Email | undefined {
  const emails = Array.isArray(response.emails) ? (response.emails as Email[]) : []
  return emails.find((email) => email.primary === true) ?? emails[0]
}

/**
 * The provider response a passport login becomes: the token response's fields, the tokens, and
 * the profile — its normalized fields at the top (`id`, `username`, `displayName`, `emails`) and
 * the provider's raw JSON under `profile`.
 */
export function profileResponse(
  accessToken: string,
  refreshToken: string | undefined,
  params: unknown,
  profile: PassportProfile | undefined,
): ProviderResponse {
  const tokens: Record<string, unknown> = {}
  for (const [key, value] of Object.entries((params ?? {}) as Record<string, unknown>)) {
    if (['string', 'number', 'boolean'].includes(typeof value)) tokens[key] = value
  }
  return {
    ...tokens,
    access_token: accessToken,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    id: typeof profile?.id === 'number' || typeof profile?.id === 'string' ? profile.id : null,
    username: str(profile?.username) ?? null,
    displayName: str(profile?.displayName) ?? null,
    name: {
      givenName: str(profile?.name?.givenName) ?? null,
      familyName: str(profile?.name?.familyName) ?? null,
    },
    emails: emailsOf(profile),
    profile: toJsonValue(profile?._json ?? {}) ?? {},
  }
}

/** PSA-shaped details from a profile response. */
export function profileDetails(response: ProviderResponse): UserDetails {
  const name = (response.name ?? {}) as { givenName?: unknown; familyName?: unknown }
  const email = str(chosenEmail(response)?.value)
  return {
    username: str(response.username) ?? email?.split('@', 1)[0],
    email: email ?? '',
    ...getUserNames(str(response.displayName), str(name.givenName), str(name.familyName)),
  }
}
