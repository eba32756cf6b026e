import { begin } from './actions/begin.js'
import { complete, type CompleteOptions } from './actions/complete.js'
import type { CompleteResponse } from './actions/complete-outcome.js'
import { disconnect, type DisconnectOptions } from './actions/disconnect.js'
import { errorResponse, type ErrorMode } from './actions/errors.js'
import { bindBackend } from './backends/bound-backend.js'
import type { BoundBackend } from './backends/definition.js'
import { loadBackends, type BackendEntry } from './backends/loader.js'
import { getBackend, type Engine } from './engine.js'
import { InvalidSetting, StrategyMissingBackendError } from './errors.js'
import { SocialAuthEmitter } from './events.js'
import { defaultBaseUrl, importExport, parseModuleSpecifier } from './module-loader.js'
import type { DisconnectContext, PipelineContext, ResolvedStep } from './pipeline/context.js'
import { checkGlobalPipelines, resolveBackendPipelines } from './pipeline/configured.js'
import type { ActionResponse } from './responses.js'
import { checkRedirectSettings } from './settings/redirect-settings.js'
import { SettingsResolver, type Settings } from './settings/resolver.js'
import { checkUserFields } from './settings/user-fields.js'
import { resolveSettingName, validateSettings } from './settings/validate.js'
import type { Storage, User, UserSocialAuth } from './storage/types.js'
import type { Strategy } from './strategy.js'

/** Options of {@link createSocialAuth}. */
export interface SocialAuthOptions {
  /** PSA-named settings (`AUTHENTICATION_BACKENDS`, `SOCIAL_AUTH_PIPELINE`, …). */
  readonly settings: Settings
  /** Where users and associations live (`knexStorage(knex)`, `memoryStorage()`). */
  readonly storage: Storage
  /** Base for relative `module#export` specifiers; the working directory by default. */
  readonly baseUrl?: string
  /** The clock, in milliseconds (tests inject one). */
  readonly now?: () => number
  /** Called when an event listener throws; such errors never break a login. */
  readonly onListenerError?: (err: unknown) => void
}

/** PSA's `user_backends_data`. */
export interface UserBackendsData {
  readonly associated: UserSocialAuth[]
  readonly not_associated: string[]
  readonly backends: string[]
}

/**
 * A configured engine: the three actions and the resolved backends. Frameworks call the
 * actions with a {@link Strategy} for the current request and translate the responses.
 */
export interface SocialAuth {
  readonly settings: SettingsResolver
  readonly storage: Storage
  readonly events: SocialAuthEmitter
  /** The configured backends by name, in `AUTHENTICATION_BACKENDS` order. */
  readonly backends: ReadonlyMap<string, BoundBackend>
  /** The backend of that name; `ERR_MISSING_BACKEND` otherwise. */
  getBackend(name: string): BoundBackend
  /** Starts a login (call it for a CSRF-checked POST). */
  begin(strategy: Strategy, backendName: string): Promise<ActionResponse>
  /**
   * Finishes a login at the redirect URI: the response to send, with its `outcome` (logged in,
   * linked to the signed-in user, paused at a step, …).
   */
  complete(
    strategy: Strategy,
    backendName: string,
    options: CompleteOptions,
  ): Promise<CompleteResponse>
  /** Unlinks the user's accounts of a backend. */
  disconnect(
    strategy: Strategy,
    backendName: string,
    options: DisconnectOptions,
  ): Promise<ActionResponse>
  /** The redirect (or throw) for an error raised outside the actions. */
  errorResponse(err: unknown, backendName?: string, mode?: ErrorMode): ActionResponse
  /** Which backends the user has linked and which not. */
  userBackendsData(user: User | null): Promise<UserBackendsData>
}

/** Replaces `module#export` strings in function-typed settings by the functions they name. */
async function loadCallableSettings(settings: Settings, baseUrl: string): Promise<Settings> {
  const loaded: Record<string, unknown> = { ...settings }
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value !== 'string' || resolveSettingName(key)?.spec.type !== 'function-or-string')
      continue
    const fn = parseModuleSpecifier(value)
      ? await importExport(value, baseUrl).catch(() => undefined)
      : undefined
    if (typeof fn !== 'function')
      throw new InvalidSetting(key, 'a function or a loadable "module#export"')
    loaded[key] = fn
  }
  return loaded
}

/**
 * Builds the engine from PSA-style settings. Every backend, pipeline step and function setting
 * is resolved and checked here: a mistake fails start-up with a coded error naming it
 * (`ERR_UNKNOWN_BACKEND`, `ERR_UNKNOWN_PIPELINE_STEP`, `ERR_INVALID_SETTING`, and
 * `ERR_IMPROPERLY_CONFIGURED` for a redirect setting such as `LOGIN_REDIRECT_URL` that is not a
 * URL, or a `USER_FIELDS` entry the storage cannot hold), never the first login.
 *
 * @example
 * ```ts
 * const social = await createSocialAuth({
 *   settings: {
 *     AUTHENTICATION_BACKENDS: ['social_core.backends.osso.OssoOAuth2'],
 *     SOCIAL_AUTH_OSSO_KEY: process.env.SOCIAL_AUTH_OSSO_KEY,
 *     SOCIAL_AUTH_OSSO_SECRET: process.env.SOCIAL_AUTH_OSSO_SECRET,
 *     LOGIN_REDIRECT_URL: '/profile',
 *     LOGIN_URL: '/',
 *   },
 *   storage: memoryStorage(),
 * })
 * ```
 */
export async function createSocialAuth(options: SocialAuthOptions): Promise<SocialAuth> {
  if (!options.storage) throw new StrategyMissingBackendError()
  const baseUrl = options.baseUrl ?? defaultBaseUrl()
  validateSettings(options.settings)
  const settings = new SettingsResolver(await loadCallableSettings(options.settings, baseUrl))

  await checkGlobalPipelines(settings, baseUrl)
  const definitions = await loadBackends(
    settings.get<BackendEntry[]>('AUTHENTICATION_BACKENDS'),
    baseUrl,
  )
  const backends = new Map<string, BoundBackend>()
  const authPipelines = new Map<string, ResolvedStep<PipelineContext>[]>()
  const disconnectPipelines = new Map<string, ResolvedStep<DisconnectContext>[]>()
  for (const [name, definition] of definitions) {
    const backend = bindBackend(definition, settings)
    await definition.setup?.({ settings, backend })
    backends.set(name, backend)
    const pipelines = await resolveBackendPipelines(settings, backend, baseUrl)
    authPipelines.set(name, pipelines.auth)
    disconnectPipelines.set(name, pipelines.disconnect)
  }
  checkRedirectSettings(settings, backends.keys())
  checkUserFields(settings, options.storage.user, backends.keys())

  const engine: Engine = {
    settings,
    storage: options.storage,
    events: new SocialAuthEmitter(options.onListenerError),
    backends,
    authPipelines,
    disconnectPipelines,
    now: options.now ?? Date.now,
  }

  return {
    settings,
    storage: engine.storage,
    events: engine.events,
    backends,
    getBackend: (name) => getBackend(engine, name),
    begin: (strategy, name) => begin(engine, strategy, name),
    complete: (strategy, name, opts) => complete(engine, strategy, name, opts),
    disconnect: (strategy, name, opts) => disconnect(engine, strategy, name, opts),
    errorResponse: (err, name, mode = 'redirect') => errorResponse(engine, name, err, mode),
    async userBackendsData(user) {
      const names = [...backends.keys()]
      const associated = user ? await engine.storage.user.getSocialAuthForUser(user) : []
      const linked = new Set(associated.map((social) => social.provider))
      return {
        associated,
        not_associated: names.filter((name) => !linked.has(name)),
        backends: names,
      }
    },
  }
}
