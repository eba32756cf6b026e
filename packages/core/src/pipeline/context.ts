import type { BoundBackend, ProviderResponse, UserDetails } from '../backends/definition.js'
import type { SocialAuthEventName, SocialAuthEvents } from '../events.js'
import type { ActionResponse } from '../responses.js'
import type { SettingsResolver } from '../settings/resolver.js'
import type { PartialRecord, Storage, User, UserId, UserSocialAuth } from '../storage/types.js'
import type { RequestData, Strategy } from '../strategy.js'

/** The services every step can use; steps cannot overwrite them. */
export interface PipelineServices {
  readonly strategy: Strategy
  readonly backend: BoundBackend
  /**
   * The storage: inside the login's transaction for a login; for a disconnect with the
   * built-in `disconnect` step, outside one (that step opens its own), else inside one.
   */
  readonly storage: Storage
  readonly settings: SettingsResolver
  /** Sends an event: once the transaction the pipeline runs in has committed, if it runs in one. */
  readonly emit: <K extends SocialAuthEventName>(name: K, payload: SocialAuthEvents[K]) => void
  /** Milliseconds since the epoch. */
  readonly now: () => number
  /** Which pipeline runs; a pause records it so it resumes only in the same kind. */
  readonly pipelineKind?: PipelineKind
}

// Listed as a record so the compiler keeps it in step with PipelineServices.
const SERVICES: Record<keyof PipelineServices, true> = {
  strategy: true,
  backend: true,
  storage: true,
  settings: true,
  emit: true,
  now: true,
  pipelineKind: true,
}

/** The keys of {@link PipelineServices}: a step's result never replaces them, a pause never stores them. */
export const SERVICE_KEYS: ReadonlySet<string> = new Set(Object.keys(SERVICES))

/** The two kinds of pipeline: login/link, and disconnect. */
export type PipelineKind = 'auth' | 'disconnect'

/**
 * The shared state of one pipeline run (PSA's kwargs, with PSA's key names so that ported
 * steps read the same: `details`, `uid`, `is_new`, `new_association`, `pipeline_index`).
 */
export interface PipelineContext extends PipelineServices {
  /** The provider's answer (token response merged with user data). */
  response: ProviderResponse
  /** Normalised user details (`social_details`). */
  details: UserDetails
  /** The current request's parameters (the resume request's, after a pause). */
  request: RequestData
  /** The user: logged in, found through the association, or created. */
  user: User | null
  /** The association (provider, uid) → user, once known. */
  social: UserSocialAuth | null
  /** The account id at the provider (`social_uid`). */
  uid?: string
  /** The username chosen by `get_username`. */
  username?: string
  /** True when this login creates the user. */
  is_new: boolean
  /** True when this login creates the association. */
  new_association?: boolean
  /** Index of the running step. */
  pipeline_index: number
  /** The partial record being prepared, inside a `partial` step; after a pause, the one stored. */
  current_partial?: PartialRecord
  /**
   * The user logged in to this browser session when this request arrived (never persisted in
   * a pause: on resume it is whoever is logged in then).
   */
  current_user?: User | null
  /** Custom steps may add anything; values must be JSON to survive a pause. */
  [key: string]: unknown
}

/** The state of a disconnect pipeline run. */
export interface DisconnectContext extends PipelineServices {
  user: User
  /** The backend name (PSA `name`). */
  name: string
  /** `storage.user` (PSA `user_storage`). */
  readonly user_storage: Storage['user']
  association_id?: UserId | undefined
  /** Set by `allowed_to_disconnect`: the `disconnect` step checks again before it deletes. */
  allowed_to_disconnect?: boolean
  entries?: UserSocialAuth[]
  request: RequestData
  pipeline_index: number
  current_partial?: PartialRecord
  [key: string]: unknown
}

/** What a step may return: additions to the context, a response that pauses, or nothing. */
export type StepResult = Record<string, unknown> | ActionResponse | void | undefined | null

/**
 * A pipeline step: an async function of the context (PSA's step functions).
 *
 * @example
 * ```ts
 * const requireCompanyEmail: PipelineStep = async ({ details }) => {
 *   if (!details.email?.endsWith('@example.com')) throw new AuthForbidden()
 * }
 * ```
 */
export type PipelineStep<C = PipelineContext> = (ctx: C) => StepResult | Promise<StepResult>

/** A step resolved from configuration, with the name it was given under. */
export interface ResolvedStep<C = PipelineContext> {
  readonly name: string
  readonly run: PipelineStep<C>
}
