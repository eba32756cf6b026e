import type { ActionResponse } from '../responses.js'
import type { SettingsResolver } from '../settings/resolver.js'
import type { JsonObject, UserSocialAuth, Storage, User } from '../storage/types.js'
import type { RequestData, Strategy } from '../strategy.js'

/** What a provider answered: the token response merged with the user-data response. */
export type ProviderResponse = Record<string, unknown>

/** Normalised user details (PSA `get_user_details`). */
export interface UserDetails {
  username?: string | undefined
  email?: string | undefined
  fullname?: string | undefined
  first_name?: string | undefined
  last_name?: string | undefined
  [key: string]: unknown
}

/** An `EXTRA_DATA` entry: `name`, `[name]`, `[name, alias]` or `[name, alias, discardIfFalsy]`. */
export type ExtraDataEntry =
  string | readonly [string] | readonly [string, string] | readonly [string, string, boolean]

/** Everything a backend needs for one request. */
export interface BackendCall {
  /** This backend, bound to the app's settings. */
  readonly backend: BoundBackend
  readonly strategy: Strategy
  readonly storage: Storage
  readonly settings: SettingsResolver
  /** The absolute `complete` URL registered for this backend. */
  readonly redirectUri: string
  /** The request's merged parameters. */
  readonly data: RequestData
  /** The sanitised `next` of this login (begin only). */
  readonly next?: string | undefined
  /** Milliseconds since the epoch (injected for tests). */
  readonly now: () => number
}

/** What a backend's `complete` hands to the pipeline. */
export interface CompleteResult {
  /** The provider's answer (token response and user data merged). */
  readonly response: ProviderResponse
  /** The `next` recorded when this login began, if the backend keeps one per transaction. */
  readonly next?: string | undefined
  /** More values for the pipeline context. */
  readonly context?: Record<string, unknown>
}

/** Inputs of `extraData` (PSA `extra_data(user, uid, response, details, pipeline_kwargs)`). */
export interface ExtraDataArgs {
  readonly user: User | null
  readonly uid: string
  readonly response: ProviderResponse
  readonly details: UserDetails
  readonly context: Record<string, unknown>
  readonly now: number
}

/** What `setup` receives: the settings, to validate them once at start-up. */
export interface BackendSetup {
  readonly settings: SettingsResolver
  readonly backend: BoundBackend
}

/** What `revokeToken` receives. */
export interface RevokeCall {
  readonly backend: BoundBackend
  readonly settings: SettingsResolver
  readonly social: UserSocialAuth
}

/**
 * A login backend: one provider protocol under one name. OAuth2/OIDC backends are built with
 * the helpers of `@social-auth/oauth`; this is the protocol-neutral shape the engine runs.
 *
 * @example
 * ```ts
 * const dummy = {
 *   name: 'dummy',
 *   async start() { return redirect('https://provider.example/authorize') },
 *   async complete(call) { return { response: { id: 1, login: call.data.login } } },
 *   getUserDetails: (r) => ({ username: String(r.login) }),
 * } satisfies BackendDefinition
 * ```
 */
export interface BackendDefinition {
  /** The provider name: the `provider` column, URL segment and setting prefix. */
  readonly name: string
  /** Response key holding the account id (PSA `ID_KEY`, default `id`). */
  readonly idKey?: string
  /** Response keys kept in `extra_data`. */
  readonly extraData?: readonly ExtraDataEntry[]
  /** Keep the whole response in `extra_data`. */
  readonly getAllExtraData?: boolean
  /** `mail_validation` applies to this backend (PSA `REQUIRES_EMAIL_VALIDATION`). */
  readonly requiresEmailValidation?: boolean
  /**
   * Request parameters that mark a provider callback: a request carrying any of them is never
   * taken for a partial-pipeline resume. Default: OAuth2's shape, `state` with `code` or `error`.
   */
  readonly callbackParameters?: readonly string[]
  /** Validates settings once, in `createSocialAuth`; throws a coded error when unusable. */
  setup?(setup: BackendSetup): void | Promise<void>
  /** Starts a login: the response that sends the browser to the provider. */
  start(call: BackendCall): Promise<ActionResponse>
  /** Finishes the provider exchange (all network I/O) and returns its answer. */
  complete(call: BackendCall): Promise<CompleteResult>
  /** Normalised details from the provider's answer (settings through `backend`). */
  getUserDetails(response: ProviderResponse, backend: BoundBackend): UserDetails
  /** The account id; default `details[idKey]`, then `response[idKey]`. */
  getUserId?(details: UserDetails, response: ProviderResponse, idKey: string): unknown
  /**
   * Whether this provider is a verified-email authority: its verified emails are trusted to
   * link accounts (`ASSOCIATE_BY_EMAIL_TRUST_PROVIDER` overrides). Default false.
   */
  readonly emailAuthority?: boolean
  /**
   * Whether the provider says `details.email` is verified (e.g. `email_verified === true`).
   * `associate_by_email` links only when the backend is an authority and this returns true.
   */
  isEmailVerified?(response: ProviderResponse, details: UserDetails): boolean
  /** Values to merge into `extra_data` besides the `EXTRA_DATA` entries (tokens, expiry…). */
  extraDataFor?(args: ExtraDataArgs): JsonObject
  /** Revokes the stored tokens at the provider (RFC 7009); used on disconnect. */
  revokeToken?(call: RevokeCall): Promise<boolean>
}

/** A backend bound to the app's settings, as steps and actions see it. */
export interface BoundBackend {
  readonly name: string
  readonly definition: BackendDefinition
  /** Reads a setting for this backend in PSA's lookup order. */
  setting<T = unknown>(name: string, ...fallback: [T?]): T
  /** The configured `ID_KEY` or the backend's. */
  idKey(): string
  /** The account id as a non-empty string; throws `AuthMissingUid` otherwise. */
  getUserId(details: UserDetails, response: ProviderResponse): string
  getUserDetails(response: ProviderResponse): UserDetails
  /** PSA `auth_allowed`: the email and domain whitelists. */
  authAllowed(details: UserDetails): boolean
  /** Whether the provider vouches for `details.email`. */
  isEmailVerified(response: ProviderResponse, details: UserDetails): boolean
  /** PSA `extra_data`. */
  extraData(args: ExtraDataArgs): JsonObject
  readonly requiresEmailValidation: boolean
}
